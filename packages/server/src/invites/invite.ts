import type { Platform } from '@server-invites/types';

/** One invite for one invited user, as it is handed to delivery. */
export interface Invite {
  id: string;
  titleId: number;
  sender: string;
  invitedUser: string;
  /** Empty when the sender gave none: the title is then launched with an empty connection string. */
  connectionString: string;
  /** The platform the sender restricted the invite to, if any; it travels with the invite. */
  platform?: Platform;
  createdAtMs: number;
  expiresAtMs: number;
}

/** A device of a user that receives the invites sent to that user. */
export interface Endpoint {
  xuid: string;
  endpointId: string;
  platform: Platform;
  expiresAtMs: number;
}

/**
 * The URI that launches the title to accept the invite, as the vendor's clients expect:
 * `ms-xbl-<titleId in lowercase hex>://inviteAccept?invitedUser=..&sender=..&connectionString=..`.
 */
export function activationUri(invite: Invite): string {
  const query = new URLSearchParams({
    invitedUser: invite.invitedUser,
    sender: invite.sender,
    connectionString: invite.connectionString,
  });
  // URLSearchParams writes spaces as "+"; a URI handler decodes %20 everywhere, "+" only in forms.
  return `ms-xbl-${invite.titleId.toString(16)}://inviteAccept?${query.toString().replaceAll('+', '%20')}`;
}
