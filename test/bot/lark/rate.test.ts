import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../bot/lark/rate.js';

describe('RateLimiter', () => {
  it('allows 5 per chat per window and 50 per app', () => {
    const r = new RateLimiter();
    for (let i = 0; i < 5; i++) expect(r.take('chat:a', 1000)).toBe(0);
    expect(r.take('chat:a', 1000)).toBeGreaterThan(0);
    expect(r.take('chat:b', 1000)).toBe(0);
    for (let i = 0; i < 44; i++) expect(r.take(`user:${i}`, 1000)).toBe(0);
    expect(r.take('user:x', 1000)).toBeGreaterThan(0);
    expect(r.take('user:x', 2100)).toBe(0);
  });

  it('never lets more than 1000 through in any minute', () => {
    const r = new RateLimiter();
    const sent: number[] = [];
    for (let t = 0; t < 130_000; t += 5) if (r.take(`user:${t % 997}`, t) === 0) sent.push(t);
    for (let i = 1000; i < sent.length; i++) expect(sent[i]! - sent[i - 1000]!).toBeGreaterThanOrEqual(60_000);
  });

  it('holds a key back after Lark said too fast', () => {
    const r = new RateLimiter();
    r.block('chat:a', 5000);
    expect(r.take('chat:a', 1000)).toBe(4000);
    expect(r.take('chat:a', 5000)).toBe(0);
  });
});
