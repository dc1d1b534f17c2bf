/**
 * The JSON view of `inspect --json`: every field by name, text where the bytes are UTF-8, otherwise a
 * `…64` field holding URL-safe base64 (the convention of V2 JSON), and the signature in hex as
 * libmacaroons shows it.
 */
import { base64UrlEncode, type Macaroon } from '../index.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function bytesField(name: string, bytes: Uint8Array): Record<string, string> {
  try {
    return { [name]: strictUtf8.decode(bytes) };
  } catch {
    return { [`${name}64`]: base64UrlEncode(bytes) };
  }
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function jsonView(m: Macaroon): Record<string, unknown> {
  return {
    version: m.version,
    location: m.location,
    ...bytesField('identifier', m.identifier),
    caveats: m.caveats.map((c) =>
      c.verificationId
        ? {
            type: 'third-party',
            ...bytesField('identifier', c.identifier),
            location: c.location ?? '',
            vid64: base64UrlEncode(c.verificationId),
          }
        : { type: 'first-party', ...bytesField('predicate', c.identifier) },
    ),
    signature: hex(m.signature),
  };
}
