/**
 * The W1/W2/W3 workloads of the benchmark suite (bench/workloads.js), minted fresh for `macaroon bench`:
 * gateway-shaped tokens, each with its own random root key so that no cache can help.
 */
import { type BatchItem, Macaroon } from '../index.js';
import { type Shape, workloadShapes } from './workload-shapes.js';

export interface Workload {
  readonly id: string;
  readonly title: string;
  /** Valid requests: V2 tokens as text, so decoding is part of what is measured, as in a gateway. */
  readonly items: readonly BatchItem[];
  /** What the verifier satisfies exactly; `time < …` caveats go to the general time check. */
  readonly exact: readonly string[];
}

function randomKey(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(32));
}

function mintItem(shape: Shape, index: number): BatchItem {
  const rootKey = randomKey();
  let m = Macaroon.create('https://api.example/', rootKey, `token-${index}`);
  const discharges: Macaroon[] = [];
  shape.forEach((caveat, c) => {
    if (typeof caveat === 'string') {
      m = m.addFirstPartyCaveat(caveat);
      return;
    }
    const caveatKey = randomKey();
    const cid = `third-party-${index}-${c}`;
    m = m.addThirdPartyCaveat('https://auth.example/', caveatKey, cid);
    let d = Macaroon.create('https://auth.example/', caveatKey, cid);
    for (const p of caveat) d = d.addFirstPartyCaveat(p);
    discharges.push(d);
  });
  const root = m;
  return {
    macaroon: root.serialize('v2'),
    rootKey,
    discharges: discharges.map((d) => root.prepareForRequest(d).serialize('v2')),
  };
}

/** `count` requests per workload; time caveats a year ahead, so the general check passes. */
export function buildWorkloads(count: number): Workload[] {
  const time = `time < ${new Date(Date.now() + 365 * 86_400_000).toISOString()}`;
  return Object.entries(workloadShapes(time)).map(([id, { title, caveats }]) => ({
    id,
    title,
    items: Array.from({ length: count }, (_, i) => mintItem(caveats, i)),
    exact: [...new Set(caveats.flat().filter((p) => p !== time))],
  }));
}
