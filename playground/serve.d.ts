import type { Server } from 'node:http';
/** Serves a built playground folder on loopback; port 0 picks a free port. */
export declare function servePlayground(options?: {
  dir?: string;
  port?: number;
  host?: string;
  headers?: Record<string, string>;
}): Promise<{ server: Server; url: string }>;
