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
