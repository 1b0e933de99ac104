// How a message names something the caller sent (a property or parameter name, a value): a short
// prefix, escaped, so that an error message never carries much of an attacker's input, nor
// controls, invisible or non-ASCII characters that could mislead a reader of the log or the body.
const MAX_CHARACTERS = 32;
const PLAIN = /^[A-Za-z0-9_.-]{1,32}$/;

/** `name` as is when it is short and plain; otherwise a quoted, escaped prefix. */
export function nameInput(name: string): string {
  return PLAIN.test(name) ? name : quoteInput(name);
}

/** A quoted prefix of `text` (at most 32 characters, `…` when cut), non-ASCII escaped as \uXXXX. */
export function quoteInput(text: string): string {
  const characters = [...text];
  const prefix = characters.slice(0, MAX_CHARACTERS).join('');
  let escaped = '';
  for (let i = 0; i < prefix.length; i++) {
    const unit = prefix.charCodeAt(i);
    if (unit === 0x22 || unit === 0x5c) escaped += `\\${prefix[i]}`;
    else if (unit >= 0x20 && unit <= 0x7e) escaped += prefix[i];
    else escaped += `\\u${unit.toString(16).padStart(4, '0')}`;
  }
  return `"${escaped}${characters.length > MAX_CHARACTERS ? '…' : ''}"`;
}
