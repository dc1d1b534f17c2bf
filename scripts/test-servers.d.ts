export interface TestServer {
  readonly url: string;
  /** Stops the server (data kept), as a crash or maintenance would. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data. */
  start(): Promise<void>;
  /** Stops it and deletes its data. */
  dispose(): Promise<void>;
}
export function freePort(): Promise<number>;
export function startRedis(): Promise<TestServer>;
export function startPostgres(): Promise<TestServer>;
