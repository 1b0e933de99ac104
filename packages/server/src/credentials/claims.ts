// The claims this project's XBL-shaped tokens carry, as the vendor's do.
import { z } from 'zod';

const uint32 = z.number().int().min(0).max(4_294_967_295);
const xuid = z.string().regex(/^(0|[1-9][0-9]{0,19})$/);

/**
 * `tid`: the title ids the credential may act for. `xid` and `uhs`: the user's XUID and user hash,
 * present on user tokens only.
 */
export const tokenClaimsSchema = z.object({
  sub: z.string().min(1).max(256),
  exp: z.number(),
  tid: z.array(uint32).max(1000).default([]),
  xid: xuid.optional(),
  uhs: z.string().min(1).max(64).optional(),
});

export type TokenClaims = z.infer<typeof tokenClaimsSchema>;

/** Who is calling, once the credential is verified. */
export type Credential =
  | { kind: 'service'; subject: string; titleIds: ReadonlySet<number>; expiresAtMs: number }
  | {
      kind: 'user';
      subject: string;
      xuid: string;
      userHash: string;
      titleIds: ReadonlySet<number>;
      expiresAtMs: number;
    };
