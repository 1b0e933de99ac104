// `pnpm --silent run token --title <titleId> | --user <xuid> [--ttl <seconds>]`: prints one line, a
// complete Authorization header value that this service (configured by the same environment)
// accepts.
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.ts';
import { mintCredential, type TokenSubject } from '../credentials/mint.ts';

const usage = `usage: pnpm --silent run token (--title <titleId> [--title <titleId> ...] | --user <xuid>) [--ttl <seconds>]
  --title  a title id (0..4294967295) the game-server credential may act for; repeatable
  --user   mint a user credential for this XUID instead
  --ttl    seconds until the credential expires (default 3600)`;

function fail(message: string): never {
  console.error(`${message}\n${usage}`);
  process.exit(2);
}

function parseSubject(values: { title?: string[]; user?: string }): TokenSubject {
  if (values.user !== undefined) {
    if (values.title?.length) fail('give --title or --user, not both');
    if (!/^(0|[1-9][0-9]{0,19})$/.test(values.user) || BigInt(values.user) > 18446744073709551615n) {
      fail(`--user must be a XUID (a base-10 unsigned 64-bit integer), got "${values.user}"`);
    }
    return { kind: 'user', xuid: values.user };
  }
  if (!values.title?.length) fail('give --title <titleId> or --user <xuid>');
  const titleIds = values.title.map((title) => {
    const id = Number(title);
    if (!/^[0-9]+$/.test(title) || id > 4_294_967_295) fail(`--title must be 0..4294967295, got "${title}"`);
    return id;
  });
  return { kind: 'service', titleIds };
}

let parsed: ReturnType<typeof parseArgs<{ options: typeof options }>>;
const options = {
  title: { type: 'string', multiple: true },
  user: { type: 'string' },
  ttl: { type: 'string', default: '3600' },
  help: { type: 'boolean', short: 'h' },
} as const;
try {
  parsed = parseArgs({ options, strict: true });
} catch (error) {
  fail((error as Error).message);
}
if (parsed.values.help) {
  console.warn(usage);
  process.exit(0);
}
const ttlSeconds = Number(parsed.values.ttl);
if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > 31_536_000) {
  fail('--ttl must be a whole number of seconds from 1 to 31536000');
}
const subject = parseSubject(parsed.values);

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig(process.env);
} catch (error) {
  fail(error instanceof ConfigError ? error.message : String(error));
}
if (config.auth.keys.kind !== 'hs256-secret') {
  fail(
    'minting needs the HS256 secret; with public-key verification, tokens come from your identity provider',
  );
}
const credential = await mintCredential({
  secret: config.auth.keys.secret,
  issuer: config.auth.issuer,
  audience: config.auth.audience,
  subject,
  ttlSeconds,
  nowMs: Date.now(),
});
process.stdout.write(`${credential}\n`);
