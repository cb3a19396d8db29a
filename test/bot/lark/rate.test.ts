import { describe, expect, it } from 'vitest';
import { RateLimiter, shareOfLimits } from '../../../bot/lark/rate.js';

/** A request that is answered at once. */
const send = (r: RateLimiter, key: string, now: number): number => {
  const wait = r.take(key, now);
  if (wait === 0) r.finish(key, now);
  return wait;
};

describe('RateLimiter', () => {
  it('keeps to its share when several processes send for one app', () => {
    // Four processes: 12 a second and 250 a minute for the app, 1 a second per chat or user, each.
    const { app, key } = shareOfLimits(4);
    expect(app.map((w) => w.limit)).toEqual([12, 250]);
    const r = new RateLimiter(app, key);
    expect(send(r, 'chat:a', 1000)).toBe(0);
    expect(send(r, 'chat:a', 1000)).toBeGreaterThan(0);
    for (let i = 0; i < 11; i++) expect(send(r, `user:${i}`, 1000)).toBe(0);
    expect(send(r, 'user:x', 1000)).toBeGreaterThan(0);
    expect(shareOfLimits(1).app.map((w) => w.limit)).toEqual([50, 1000]);
  });

  it('allows 5 per chat per window and 50 per app', () => {
    const r = new RateLimiter();
    for (let i = 0; i < 5; i++) expect(send(r, 'chat:a', 1000)).toBe(0);
    expect(send(r, 'chat:a', 1000)).toBeGreaterThan(0);
    expect(send(r, 'chat:b', 1000)).toBe(0);
    for (let i = 0; i < 44; i++) expect(send(r, `user:${i}`, 1000)).toBe(0);
    expect(send(r, 'user:x', 1000)).toBeGreaterThan(0);
    expect(send(r, 'user:x', 2100)).toBe(0);
  });

  it('never lets more than 1000 through in any minute', () => {
    const r = new RateLimiter();
    const sent: number[] = [];
    for (let t = 0; t < 130_000; t += 5) if (send(r, `user:${t % 997}`, t) === 0) sent.push(t);
    expect(sent.length).toBeGreaterThan(2000);
    for (let i = 1000; i < sent.length; i++) expect(sent[i]! - sent[i - 1000]!).toBeGreaterThanOrEqual(60_000);
    for (let i = 50; i < sent.length; i++) expect(sent[i]! - sent[i - 50]!).toBeGreaterThanOrEqual(1_000);
  });

  it('counts a request from when it is sent until a window after its answer', () => {
    // Lark may see a request anywhere between the two: 5 slow answers keep the chat's window
    // full until a second after the last of them came back.
    const r = new RateLimiter();
    for (let i = 0; i < 5; i++) expect(r.take('chat:a', 0)).toBe(0);
    expect(r.take('chat:a', 5_000)).toBeGreaterThan(0); // all five still in flight
    for (let i = 0; i < 5; i++) r.finish('chat:a', 6_000);
    const wait = r.take('chat:a', 6_500);
    expect(wait).toBeGreaterThan(0);
    expect(6_500 + wait).toBeGreaterThanOrEqual(7_000);
    expect(r.take('chat:a', 6_500 + wait)).toBe(0);
  });

  it('holds a key back after Lark said too fast', () => {
    const r = new RateLimiter();
    r.block('chat:a', 5000);
    expect(r.take('chat:a', 1000)).toBe(4000);
    expect(r.take('chat:a', 5000)).toBe(0);
  });

  it('backs off exponentially on refusals without a reset hint (230020), and forgets after a success', () => {
    const r = new RateLimiter();
    expect([r.backoff('chat:a', 0), r.backoff('chat:a', 0), r.backoff('chat:a', 0), r.backoff('chat:a', 0)]).toEqual([500, 1000, 2000, 4000]);
    expect(r.take('chat:a', 3_000)).toBe(1_000);
    for (let i = 0; i < 20; i++) r.backoff('chat:b', 0);
    expect(r.backoff('chat:b', 0)).toBe(60_000);
    r.succeeded('chat:a');
    expect(r.backoff('chat:a', 10_000)).toBe(500);
  });
});
