/**
 * Files and standard input read without trusting their size: at most `limit + 1` bytes are ever read,
 * whatever the input is (a regular file, a huge sparse one, a FIFO, /dev/zero), and one byte past the
 * limit is refused with a LimitExceededError. Reading first and checking after (readFile) would hold a
 * huge file in memory and never finish on an endless one.
 */
import { read } from 'node:fs';
import { open } from 'node:fs/promises';
import { LimitExceededError } from '../index.js';

/** Reads up to `length` bytes into `buffer` at `offset`; 0 at the end of the input. */
type ReadInto = (buffer: Uint8Array, offset: number, length: number) => Promise<number>;

/** The first read's buffer; it doubles up to limit + 1, so a small input never costs a large buffer. */
const FIRST_BUFFER = 64 * 1024;

async function readUpTo(readInto: ReadInto, limit: number, what: string): Promise<Uint8Array> {
  let buffer = new Uint8Array(Math.min(limit + 1, FIRST_BUFFER));
  let length = 0;
  try {
    for (;;) {
      if (length === buffer.length) {
        if (length > limit) throw new LimitExceededError(`${what} is over ${limit} bytes`);
        const bigger = new Uint8Array(Math.min(limit + 1, buffer.length * 2));
        bigger.set(buffer);
        buffer.fill(0);
        buffer = bigger;
      }
      const got = await readInto(buffer, length, buffer.length - length);
      if (got === 0) return buffer.slice(0, length);
      length += got;
    }
  } finally {
    buffer.fill(0); // it may hold a key
  }
}

/**
 * The file's bytes, at most `limit`. Opening a FIFO waits for its writer, as `cat` does. Errors from
 * opening or reading are the file system's (with their `code`); over the limit, a LimitExceededError.
 */
export async function readFileBounded(path: string, limit: number, what: string): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    return await readUpTo(
      async (buffer, offset, length) => (await handle.read(buffer, offset, length, null)).bytesRead,
      limit,
      what,
    );
  } finally {
    await handle.close();
  }
}

/** A descriptor that is not ready yet (a non-blocking pipe) is polled again after this many ms. */
const RETRY_MS = 5;

function readFd(fd: number): ReadInto {
  return (buffer, offset, length) =>
    new Promise((resolve, reject) => {
      const attempt = (): void =>
        read(fd, buffer, offset, length, null, (error, bytesRead) => {
          if (!error) resolve(bytesRead);
          else if (error.code === 'EAGAIN') setTimeout(attempt, RETRY_MS);
          else reject(error);
        });
      attempt();
    });
}

/**
 * Everything on descriptor `fd` (0: standard input) up to its end, at most `limit` bytes. It reads the
 * descriptor itself rather than through process.stdin, whose stream reads ahead in 64 KiB chunks.
 */
export function readFdBounded(fd: number, limit: number, what: string): Promise<Uint8Array> {
  return readUpTo(readFd(fd), limit, what);
}
