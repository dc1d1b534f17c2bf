/**
 * How a decision is answered, the same in every adapter: 401 with `WWW-Authenticate: Macaroon` and a
 * reason code, 400 for a malformed token, 5xx when verification could not run. Bodies carry only stable
 * codes, never error messages (they may describe caveats) and never tokens or keys.
 */
import type { Decision } from './gateway.js';

export interface DenialResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' } as const;

/** The response for a decision other than 200. */
export function denial(decision: Exclude<Decision, { status: 200 }>): DenialResponse {
  switch (decision.status) {
    case 401:
      return {
        status: 401,
        headers: { ...JSON_HEADERS, 'www-authenticate': `Macaroon reason="${decision.reason}"` },
        body: JSON.stringify({ error: 'unauthorized', reason: decision.reason }),
      };
    case 400:
      return {
        status: 400,
        headers: JSON_HEADERS,
        body: JSON.stringify({ error: 'malformed-token', code: decision.code }),
      };
    default:
      return {
        status: decision.status,
        headers: JSON_HEADERS,
        body: JSON.stringify({ error: 'verification-unavailable', code: decision.code }),
      };
  }
}
