// A light HTTP/1.1 load generator for the gateway load test: raw keep-alive sockets writing prebuilt
// request buffers, so that one core of it can keep a one-core node:http server busy (autocannon, which
// builds and parses every request through its own HTTP machinery, could not: see BENCHMARKS.md).
//
// - `connections` sockets, each with `pipeline` requests in flight (default 1: a request is written
//   when the previous response on that socket has been read in full; more is HTTP/1.1 pipelining,
//   which the report then says).
// - Each request is a Buffer from `next()`, called per request (so the token can be drawn per request,
//   e.g. Zipf-like, from buffers built beforehand).
// - Latency is measured per request, from the write to the last byte of its response; every sample is
//   kept (a Float64Array), so percentiles are exact.
// - Responses are read by Content-Length or chunked transfer coding; the status of each is counted.
//
//   import { loadgen } from './loadgen.js';
//   const r = await loadgen({ port, connections: 32, durationMs: 8000, next: () => requestBuffer });
import { connect } from 'node:net';

const CRLFCRLF = Buffer.from('\r\n\r\n');

/**
 * Builds one GET request: `GET <path> HTTP/1.1` with Host and the given headers.
 * @param {string} path
 * @param {Record<string, string>} headers
 * @param {string} host
 */
export function requestBuffer(path, headers, host = '127.0.0.1') {
  let text = `GET ${path} HTTP/1.1\r\nhost: ${host}\r\n`;
  for (const [name, value] of Object.entries(headers)) text += `${name}: ${value}\r\n`;
  return Buffer.from(`${text}\r\n`, 'latin1');
}

/** Reads HTTP/1.1 responses from a stream of chunks; calls `done(status)` for each one completed. */
class ResponseReader {
  /** @param {(status: number) => void} done */
  constructor(done) {
    this.done = done;
    /** @type {Buffer | undefined} */
    this.pending = undefined;
  }

  /** @param {Buffer} chunk */
  push(chunk) {
    let buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    for (;;) {
      const used = this.#one(buf);
      if (used === 0) break;
      buf = buf.subarray(used);
      if (buf.length === 0) break;
    }
    this.pending = buf.length > 0 ? Buffer.from(buf) : undefined;
  }

  /** The bytes of one complete response at the start of `buf` (0 when it is not complete yet). */
  #one(buf) {
    const end = buf.indexOf(CRLFCRLF);
    if (end < 0) return 0;
    const head = buf.latin1Slice(0, end).toLowerCase();
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length:\s*(\d+)/.exec(head);
    let total;
    if (length) {
      total = end + 4 + Number(length[1]);
      if (buf.length < total) return 0;
    } else if (/\r\ntransfer-encoding:\s*chunked/.test(head)) {
      total = chunkedEnd(buf, end + 4);
      if (total === 0) return 0;
    } else {
      total = end + 4; // no body (a 204 or 304; the gateway sends neither)
    }
    this.done(status);
    return total;
  }
}

/** Where a chunked body that starts at `from` ends (0 when not all of it has arrived). */
function chunkedEnd(buf, from) {
  let at = from;
  for (;;) {
    const eol = buf.indexOf('\r\n', at, 'latin1');
    if (eol < 0) return 0;
    const size = Number.parseInt(buf.latin1Slice(at, eol), 16);
    if (size === 0) {
      const last = buf.indexOf(CRLFCRLF, eol, 'latin1');
      return last < 0 ? 0 : last + 4;
    }
    at = eol + 2 + size + 2;
    if (at > buf.length) return 0;
  }
}

/**
 * Loads a server for `durationMs`, or until `limit` responses have come back; resolves with what it saw.
 * @param {{ host?: string, port: number, connections: number, durationMs: number, pipeline?: number,
 *   limit?: number, next: () => Buffer }} options
 */
export function loadgen({
  host = '127.0.0.1',
  port,
  connections,
  durationMs,
  pipeline = 1,
  limit = Number.POSITIVE_INFINITY,
  next,
}) {
  return new Promise((resolve, reject) => {
    let issued = 0;
    let timer;
    let latencies = new Float64Array(1 << 16);
    let count = 0;
    let errors = 0;
    const statuses = new Map();
    const sockets = [];
    let stopping = false;
    let open = 0;
    const cpu0 = process.cpuUsage();
    const start = performance.now();

    const record = (us) => {
      if (count === latencies.length) {
        const bigger = new Float64Array(latencies.length * 2);
        bigger.set(latencies);
        latencies = bigger;
      }
      latencies[count++] = us;
    };

    const finish = () => {
      const wallMs = performance.now() - start;
      const cpu = process.cpuUsage(cpu0);
      const sorted = latencies.slice(0, count).sort();
      const at = (q) => (count === 0 ? 0 : sorted[Math.min(count - 1, Math.floor(q * count))] / 1000);
      let sum = 0;
      for (let i = 0; i < count; i++) sum += sorted[i];
      resolve({
        requests: count,
        requestsPerSecond: count / (wallMs / 1000),
        wallMs,
        errors,
        statuses: Object.fromEntries(statuses),
        non2xx: [...statuses].reduce((n, [s, k]) => (s >= 200 && s < 300 ? n : n + k), 0),
        // Milliseconds, from each request's write to the last byte of its response.
        latencyMs: {
          p50: at(0.5),
          p90: at(0.9),
          p99: at(0.99),
          max: at(1),
          mean: count ? sum / count / 1000 : 0,
        },
        // What generating the load cost this process (its CPU time over the wall time).
        generatorCpuShare: (cpu.user + cpu.system) / 1000 / wallMs,
        pipeline,
        connections,
      });
    };

    const one = () => {
      const reader = new ResponseReader((status) => {
        const t0 = sent.shift();
        if (t0 !== undefined) record((performance.now() - t0) * 1000);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (count >= limit) stop();
        else if (!stopping) send();
      });
      // `onread`: each read lands in this socket's own buffer and comes straight to the reader, without
      // the stream machinery of 'data' events (the reader copies what it keeps).
      const socket = connect({
        host,
        port,
        noDelay: true,
        onread: {
          buffer: Buffer.allocUnsafe(64 * 1024),
          callback: (n, buf) => reader.push(buf.subarray(0, n)),
        },
      });
      sockets.push(socket);
      /** Write times of the requests in flight, oldest first. */
      const sent = [];
      const send = () => {
        if (issued >= limit) return;
        issued++;
        sent.push(performance.now());
        socket.write(next());
      };
      socket.on('connect', () => {
        open++;
        for (let i = 0; i < pipeline; i++) send();
      });
      socket.on('error', () => {
        errors++;
      });
      socket.on('close', () => {
        if (!stopping) errors++;
      });
    };

    const stop = () => {
      if (stopping) return;
      stopping = true;
      clearTimeout(timer);
      for (const s of sockets) s.destroy();
      if (open === 0) reject(new Error(`no connection to ${host}:${port} succeeded`));
      // Responses still in flight are not counted: the window closes now.
      else finish();
    };
    for (let i = 0; i < connections; i++) one();
    timer = setTimeout(stop, durationMs);
  });
}
