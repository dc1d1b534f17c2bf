import { describe, expect, it } from 'vitest';
import { timeBefore } from '../../src/gateway/index.js';

describe('timeBefore', () => {
  it('accepts RFC 3339 deadlines in the future only, treating a missing zone as UTC', () => {
    const now = Date.parse('2030-06-01T12:00:00Z');
    expect(timeBefore('time < 2030-06-01T12:00:01Z', { now })).toBe(true);
    expect(timeBefore('time < 2030-06-01T12:00:00Z', { now })).toBe(false);
    expect(timeBefore('time < 2030-06-01T12:01', { now })).toBe(true);
    expect(timeBefore('time < 2030-06-01T13:30:00+02:00', { now })).toBe(false);
    expect(timeBefore('time < tomorrow', { now })).toBe(false);
    expect(timeBefore('time > 2040-01-01T00:00:00Z', { now })).toBe(false);
    expect(timeBefore('time < 2040-13-45T00:00:00Z', { now })).toBe(false);
  });
});
