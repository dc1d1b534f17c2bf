/**
 * A request and an answer as plain data, for handlers that can be served without building a Web
 * `Request` and `Response` (the discharger): `fetchListener` on node:http hands such a handler the
 * IncomingMessage's own headers and body and writes the answer straight to the socket, skipping undici's
 * Request/Response and web streams, which cost more than a discharge itself. On workerd, Deno, Bun and
 * in browsers the handler's Web `fetch` is used as is.
 */
import { readBodyLimited } from './body.js';

/** The request as a plain handler reads it. */
export interface PlainRequest {
  readonly method: string;
  /** The URL's path, as `new URL(url).pathname` gives it. */
  readonly pathname: string;
  readonly headers: { get(name: string): string | null };
  /** The body, or undefined when it is longer than `max` bytes (the rest is not read). */
  body(max: number): Promise<Uint8Array | undefined>;
  /** A Web Request for callbacks that take one (method, URL, headers; the body is read by then). */
  request(): Request;
}

/** An answer as plain data. */
export interface PlainAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The property of a Web handler function that holds its plain form (shared across copies of the package). */
export const PLAIN_HANDLER: unique symbol = Symbol.for('macaroon-engine.plain-handler') as never;

/** A Web handler that also answers plain requests. */
export type PlainCapable = ((request: Request) => Promise<Response>) & {
  readonly [PLAIN_HANDLER]?: ((request: PlainRequest) => Promise<PlainAnswer>) | undefined;
};

/** Statuses whose responses have no body (Fetch standard's null body status). */
export function isNullBodyStatus(status: number): boolean {
  return status === 101 || status === 103 || status === 204 || status === 205 || status === 304;
}

export function toResponse(answer: PlainAnswer): Response {
  const body = isNullBodyStatus(answer.status) ? null : answer.body;
  return new Response(body, { status: answer.status, headers: answer.headers });
}

/** The plain view of a Web Request (the body read with a limit, streamed when its length is unknown). */
export function plainRequest(request: Request): PlainRequest {
  return {
    method: request.method,
    pathname: new URL(request.url).pathname,
    headers: request.headers,
    body: (max) => readBodyLimited(request, max),
    request: () => request,
  };
}
