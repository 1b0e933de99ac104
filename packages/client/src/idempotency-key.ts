// The Idempotency-Key of a send (IETF HTTPAPI draft "The Idempotency-Key HTTP Header Field"): one
// per call, sent with each of its attempts, so that the server answers a retry as the first and
// delivers nothing twice.

/** What the contract allows inside the quotes: 1 to 255 of these characters. */
const KEY_PATTERN = /^[A-Za-z0-9._:~+/=-]{1,255}$/;

/**
 * A new key: a random UUID (version 4). From `crypto.getRandomValues`, which every browser has on
 * any page, where `crypto.randomUUID` needs a secure context.
 */
export function newIdempotencyKey(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The header's value: the key as the draft's Structured Field string. Throws on a key the contract refuses. */
export function idempotencyKeyHeader(key: string): string {
  if (!KEY_PATTERN.test(key)) {
    throw new TypeError(
      `idempotencyKey must be 1 to 255 letters, digits, '.', '_', ':', '~', '+', '/', '=' or '-', got ${JSON.stringify(key.slice(0, 64))}`,
    );
  }
  return `"${key}"`;
}
