/**
 * Serves a Web `fetch` handler (`(Request) => Response`, such as a discharger's) from node:http: the
 * IncomingMessage becomes a Request (body streamed, not buffered) and the Response is written back.
 * Express accepts the result as a handler too (`app.use('/auth', fetchListener(d.fetch))`). A handler
 * of this package with a plain form (the discharger's) is served without Web Requests and Responses:
 * it reads Node's headers and body directly and its answer is written as is, which is most of the cost
 * of a discharge on node:http saved.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { joinChunks } from '../bytes.js';
import {
  isNullBodyStatus,
  PLAIN_HANDLER,
  type PlainAnswer,
  type PlainCapable,
  type PlainRequest,
} from '../httpbakery/plain.js';

/**
 * Options of `fetchListener`.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { KeyPair } from 'macaroon-engine/bakery';
 * import { createDischarger } from 'macaroon-engine/discharger';
 * import { type FetchListenerOptions, fetchListener } from 'macaroon-engine/node';
 *
 * const discharger = createDischarger({ key: KeyPair.generate(), check: () => [] });
 * const options: FetchListenerOptions = { origin: 'https://auth.example', onError: console.error };
 * createServer(fetchListener(discharger.fetch, options));
 * ```
 */
export interface FetchListenerOptions {
  /**
   * Request bodies with a Content-Length up to this many bytes (default 64 KiB) are read before the
   * handler runs, which is faster than streaming them; longer or unknown-length bodies are streamed.
   */
  readonly bufferBodyBytes?: number | undefined;
  /** The origin requests are seen under (default: http://<Host header>). */
  readonly origin?: string | undefined;
  /** Told of a handler that throws (default console.error); the client gets a bare 500. */
  readonly onError?: ((error: unknown) => void) | undefined;
}

async function readSmallBody(req: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return new Uint8Array(Buffer.concat(chunks));
}

function toHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  return headers;
}

async function toRequest(req: IncomingMessage, origin: string, bufferBytes: number): Promise<Request> {
  const headers = toHeaders(req);
  const method = req.method ?? 'GET';
  // Express strips its mount path from req.url and keeps the full one in originalUrl.
  const url = new URL((req as { originalUrl?: string }).originalUrl ?? req.url ?? '/', origin);
  if (method === 'GET' || method === 'HEAD') return new Request(url, { method, headers });
  const length = Number(req.headers['content-length']);
  if (Number.isSafeInteger(length) && length <= bufferBytes) {
    return new Request(url, { method, headers, body: (await readSmallBody(req)) as unknown as BodyInit });
  }
  const body = Readable.toWeb(req) as ReadableStream;
  return new Request(url, { method, headers, body, duplex: 'half' } as RequestInit);
}

function headerGetter(req: IncomingMessage): { get(name: string): string | null } {
  return {
    get(name) {
      const value = req.headers[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(', ') : value;
    },
  };
}

/** Reads at most `max` bytes of the body; past that, the rest is drained unread and undefined returned. */
function readLimited(req: IncomingMessage, max: number): Promise<Uint8Array | undefined> {
  const declared = Number(req.headers['content-length']);
  if (declared > max) {
    req.resume();
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let total = 0;
    let over = false;
    req.on('data', (chunk: Uint8Array) => {
      if (over) return;
      total += chunk.length;
      if (total > max) over = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? undefined : joinChunks(chunks)));
    req.on('error', reject);
  });
}

function plainOf(req: IncomingMessage, origin: string): PlainRequest {
  // Express strips its mount path from req.url and keeps the full one in originalUrl.
  const url = new URL((req as { originalUrl?: string }).originalUrl ?? req.url ?? '/', origin);
  const method = req.method ?? 'GET';
  return {
    method,
    pathname: url.pathname,
    headers: headerGetter(req),
    body: (max) => readLimited(req, max),
    request: () => new Request(url, { method, headers: toHeaders(req) }),
  };
}

function writePlain(res: ServerResponse, answer: PlainAnswer): void {
  if (isNullBodyStatus(answer.status)) {
    res.writeHead(answer.status, answer.headers);
    res.end();
    return;
  }
  const body = Buffer.from(answer.body);
  const headers: Record<string, string | number> = { ...answer.headers, 'content-length': body.length };
  // A body refused for its size was left unread: do not keep the connection for the next request.
  if (answer.status === 413) headers.connection = 'close';
  res.writeHead(answer.status, headers);
  res.end(body);
}

/**
 * A node:http request listener that answers with `handler`.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { KeyPair } from 'macaroon-engine/bakery';
 * import { createDischarger } from 'macaroon-engine/discharger';
 * import { fetchListener } from 'macaroon-engine/node';
 *
 * const discharger = createDischarger({ key: KeyPair.generate(), check: () => [] });
 * createServer(fetchListener(discharger.fetch)).listen(8081);
 * ```
 */
export function fetchListener(
  handler: (request: Request) => Response | Promise<Response>,
  options: FetchListenerOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const onError = (e: unknown, res: ServerResponse) => {
    (options.onError ?? console.error)(e);
    if (res.headersSent) res.destroy();
    else {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"Message":"internal error"}');
    }
  };
  const plain = (handler as PlainCapable)[PLAIN_HANDLER];
  if (typeof plain === 'function') {
    return (req, res) => {
      const origin = options.origin ?? `http://${req.headers.host ?? 'localhost'}`;
      let request: PlainRequest;
      try {
        request = plainOf(req, origin);
      } catch (e) {
        onError(e, res);
        return;
      }
      plain(request).then(
        (answer) => writePlain(res, answer),
        (e: unknown) => onError(e, res),
      );
    };
  }
  return (req, res) => {
    const origin = options.origin ?? `http://${req.headers.host ?? 'localhost'}`;
    Promise.resolve()
      .then(() => toRequest(req, origin, options.bufferBodyBytes ?? 64 * 1024))
      .then((request) => handler(request))
      .then(async (response) => {
        const headers: Record<string, string | string[]> = {};
        response.headers.forEach((value, name) => {
          headers[name] = value;
        });
        const cookies = response.headers.getSetCookie?.() ?? [];
        if (cookies.length > 0) headers['set-cookie'] = cookies;
        res.writeHead(response.status, headers);
        res.end(new Uint8Array(await response.arrayBuffer()));
      })
      .catch((e: unknown) => onError(e, res));
  };
}
