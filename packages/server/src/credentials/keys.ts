// Turns the configured key source into what jose verifies with.
import { readFile } from 'node:fs/promises';
import { createLocalJWKSet, importSPKI, type JWTVerifyGetKey } from 'jose';
import type { TokenKeySource } from '../config.ts';

export interface VerificationKey {
  key: Uint8Array | CryptoKey | JWTVerifyGetKey;
  algorithms: string[];
}

export async function loadVerificationKey(source: TokenKeySource): Promise<VerificationKey> {
  switch (source.kind) {
    case 'hs256-secret':
      return { key: new TextEncoder().encode(source.secret), algorithms: ['HS256'] };
    case 'public-key-file':
      return {
        key: await importSPKI(await readFile(source.path, 'utf8'), source.algorithm),
        algorithms: [source.algorithm],
      };
    case 'jwks-file':
      return {
        // Stryker disable next-line StringLiteral: equivalent, JSON.parse reads a Buffer as its UTF-8 text
        key: createLocalJWKSet(JSON.parse(await readFile(source.path, 'utf8'))),
        algorithms: ['ES256', 'RS256'],
      };
  }
}
