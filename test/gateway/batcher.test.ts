import { afterEach, describe, expect, it, vi } from 'vitest';
import { MicroBatcher } from '../../src/gateway/index.js';

describe('MicroBatcher', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('flushes as soon as a batch reaches maxBatchSize', async () => {
    const batches: number[][] = [];
    const never = () => undefined; // no time-based flush: only the size can trigger one
    const b = new MicroBatcher(
      (items: number[]) => {
        batches.push(items);
        return items.map((i) => i * 10);
      },
      { maxBatchSize: 3, maxWaitMs: 1000, schedule: never },
    );
    const first = [b.submit(1), b.submit(2)];
    expect(batches).toEqual([]);
    first.push(b.submit(3));
    expect(batches).toEqual([[1, 2, 3]]);
    const fourth = b.submit(4);
    expect(b.pending).toBe(1);
    expect(await Promise.all(first)).toEqual([10, 20, 30]);
    b.flush();
    expect(await fourth).toBe(40);
    expect(b.stats).toEqual({ batches: 2, items: 4 });
  });

  it('flushes maxWaitMs after the first item of a batch', async () => {
    vi.useFakeTimers();
    const batches: string[][] = [];
    const b = new MicroBatcher(
      (items: string[]) => {
        batches.push(items);
        return items;
      },
      { maxBatchSize: 100, maxWaitMs: 20, schedule: (run, ms) => setTimeout(run, ms) },
    );
    const a = b.submit('a');
    vi.advanceTimersByTime(10);
    const c = b.submit('c');
    vi.advanceTimersByTime(9);
    expect(batches).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(batches).toEqual([['a', 'c']]);
    expect(await Promise.all([a, c])).toEqual(['a', 'c']);
  });

  it('by default runs a batch at the end of the current turn, holding every item submitted in it', async () => {
    const batches: number[][] = [];
    const b = new MicroBatcher((items: number[]) => {
      batches.push(items);
      return items;
    });
    const all = [1, 2, 3, 4, 5].map((i) => b.submit(i));
    expect(batches).toEqual([]);
    await Promise.all(all);
    expect(batches).toEqual([[1, 2, 3, 4, 5]]);
  });

  it('does not let the timer of a batch flushed by size cut the next batch short', () => {
    const timers: (() => void)[] = [];
    const batches: number[][] = [];
    const b = new MicroBatcher(
      (items: number[]) => {
        batches.push(items);
        return items;
      },
      { maxBatchSize: 2, maxWaitMs: 5, schedule: (run) => timers.push(run) },
    );
    void b.submit(1);
    void b.submit(2); // flushed by size; the timer scheduled for item 1 is now stale
    void b.submit(3);
    timers[0]?.();
    expect(batches).toEqual([[1, 2]]);
    timers[1]?.();
    expect(batches).toEqual([[1, 2], [3]]);
  });

  it('holds a due batch while maxInFlight batches run, and runs it, grown, when one finishes', async () => {
    const timers: (() => void)[] = [];
    const batches: string[][] = [];
    const finish: (() => void)[] = [];
    const b = new MicroBatcher(
      (items: string[]) => {
        batches.push(items);
        return new Promise<string[]>((resolve) => finish.push(() => resolve(items)));
      },
      { maxBatchSize: 10, maxInFlight: 1, schedule: (run) => timers.push(run) },
    );
    const first = [b.submit('a'), b.submit('b')];
    timers.shift()?.();
    expect(batches).toEqual([['a', 'b']]);
    const second = [b.submit('c'), b.submit('d')];
    timers.shift()?.(); // due, but one batch is running: it waits and grows
    const third = b.submit('e');
    expect(batches).toHaveLength(1);
    expect(timers).toHaveLength(0);
    finish.shift()?.();
    expect(await Promise.all(first)).toEqual(['a', 'b']);
    expect(batches).toEqual([
      ['a', 'b'],
      ['c', 'd', 'e'],
    ]);
    finish.shift()?.();
    expect(await Promise.all([...second, third])).toEqual(['c', 'd', 'e']);
  });

  it('rejects every item of a batch whose runner fails or miscounts', async () => {
    const throwing = new MicroBatcher<number, number>(
      () => {
        throw new Error('boom');
      },
      { maxBatchSize: 2 },
    );
    await expect(Promise.all([throwing.submit(1), throwing.submit(2)])).rejects.toThrow('boom');
    const short = new MicroBatcher<number, number>(async () => [1], { maxBatchSize: 2 });
    await expect(Promise.all([short.submit(1), short.submit(2)])).rejects.toThrow(/1 results for 2 items/);
  });

  it('checks its options', () => {
    expect(() => new MicroBatcher((x: number[]) => x, { maxBatchSize: 0 })).toThrow(/maxBatchSize/);
    expect(() => new MicroBatcher((x: number[]) => x, { maxWaitMs: -1 })).toThrow(/maxWaitMs/);
  });
});
