/**
 * Reading a Web Request's or Response's body with a size limit, for every HTTP message the library reads
 * from a peer (bakery and Fly dischargers, services' discharge-required answers): a peer that sends more
 * than it should never makes us hold more than the limit.
 */
import { joinChunks } from '../bytes.js';

/** What a bounded read needs of a Web Request or Response. */
export interface MessageWithBody {
  readonly headers: { get(name: string): string | null };
  readonly body: ReadableStream<Uint8Array> | null;
}

/**
 * The body, or undefined when it is longer than `max` bytes. A declared length over the limit is refused
 * before anything is read; otherwise the stream is read chunk by chunk, whatever length is declared, and
 * cancelled (not awaited, so a stalled peer cannot hold the caller) as soon as it passes the limit.
 */
export async function readBodyLimited(
  message: MessageWithBody,
  max: number,
): Promise<Uint8Array | undefined> {
  const length = message.headers.get('content-length');
  if (length !== null && Number(length) > max) {
    message.body?.cancel().catch(() => {});
    return undefined;
  }
  if (!message.body) return new Uint8Array(0);
  // Read through the bound even when a length is declared: a Response built by hand (a custom fetch)
  // is not held to its content-length the way the HTTP layer holds a message from the network.
  const reader = message.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > max) {
      reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  return joinChunks(chunks);
}
