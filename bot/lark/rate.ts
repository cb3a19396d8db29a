/**
 * Client-side rate limiting at Lark's published limits (频控策略): sending is 50/s and
 * 1000/min per app, 5/s per chat and per user; a card may be PATCHed 5/s. Sliding windows.
 *
 * Where a request lands in Lark's window is unknown: somewhere between the moment it is sent
 * and the moment its answer comes back. So a request counts from `take()` (it may arrive any
 * moment) until its window has passed after `finish()` (it arrived at the latest then). Two
 * requests counted that way can never fall into one of Lark's windows together more often
 * than the limit allows, whatever the network or the event loop does in between; the cost
 * is one round trip per window. Pure given the times passed in.
 */
export interface Window {
  limit: number;
  ms: number;
}

/** A little over the platform's windows: timer granularity and clock steps, nothing more. */
const MARGIN_MS = 25;

export const APP_WINDOWS: Window[] = [
  { limit: 50, ms: 1_000 + MARGIN_MS },
  { limit: 1000, ms: 60_000 + MARGIN_MS },
];
export const KEY_WINDOW: Window = { limit: 5, ms: 1_000 + MARGIN_MS };

/**
 * A process's share when `senders` processes send for one app: Lark counts the app's limits
 * over all of them, so each keeps to its part (at least one request per window).
 */
export function shareOfLimits(senders: number): { app: Window[]; key: Window } {
  const part = (w: Window): Window => ({ limit: Math.max(1, Math.floor(w.limit / senders)), ms: w.ms });
  return { app: APP_WINDOWS.map(part), key: part(KEY_WINDOW) };
}

/** How long to look again when requests in flight alone fill a window. */
const INFLIGHT_POLL_MS = 10;
/** 230020 (no reset hint): 500 ms × 2^n per recipient, capped. */
const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 60_000;

interface Counter {
  /** Taken and not finished: they may reach Lark at any moment. */
  inflight: number;
  /** Finish times, ascending: each counts until its window has passed. */
  done: number[];
}

export class RateLimiter {
  private readonly counters = new Map<string, Counter>();
  private readonly blocked = new Map<string, number>();
  private readonly strikes = new Map<string, number>();
  private takes = 0;

  constructor(
    private readonly appWindows: Window[] = APP_WINDOWS,
    private readonly keyWindow: Window = KEY_WINDOW,
  ) {}

  /**
   * Ms to wait before a request to `key` is allowed; 0 means allowed now and counted as in
   * flight — call finish() with the same arguments once its answer (or failure) is back.
   */
  take(key: string, now: number, countsForApp = true): number {
    if (++this.takes % 1000 === 0) this.sweep(now);
    const checks = this.checks(key, countsForApp);
    let wait = Math.max(0, (this.blocked.get(key) ?? 0) - now, (this.blocked.get('app') ?? 0) - now);
    for (const [k, w] of checks) wait = Math.max(wait, this.waitFor(k, w, now));
    if (wait > 0) return Math.ceil(wait);
    for (const [k] of checks) this.counter(k).inflight++;
    return 0;
  }

  /** The request taken for `key` is over (answered, refused or failed) at `now`. */
  finish(key: string, now: number, countsForApp = true): void {
    for (const [k] of this.checks(key, countsForApp)) {
      const c = this.counter(k);
      if (c.inflight > 0) c.inflight--;
      // Finishes come in time order; a clock step backwards must not unsort the list.
      const last = c.done[c.done.length - 1] ?? -Infinity;
      c.done.push(Math.max(now, last));
    }
  }

  /** Holds a key (or 'app') back until `until` after Lark said "too fast" (x-ogw-ratelimit-reset). */
  block(key: string, until: number): void {
    this.blocked.set(key, Math.max(until, this.blocked.get(key) ?? 0));
  }

  /**
   * Lark said "too fast" without saying how long to wait (230020): hold the key back
   * exponentially longer on each refusal in a row; a success resets it (succeeded()).
   * Returns the wait.
   */
  backoff(key: string, now: number): number {
    const n = this.strikes.get(key) ?? 0;
    this.strikes.set(key, n + 1);
    const wait = Math.min(BACKOFF_BASE_MS * 2 ** n, BACKOFF_MAX_MS);
    this.block(key, now + wait);
    return wait;
  }

  succeeded(key: string): void {
    this.strikes.delete(key);
  }

  /** Forgets recipients nobody sent to lately, so a long-running process does not grow. */
  private sweep(now: number): void {
    for (const [k, until] of this.blocked) if (until <= now) this.blocked.delete(k);
    for (const k of this.counters.keys()) this.waitFor(k, k.startsWith('app#') ? this.appWindows[Number(k.slice(4))]! : this.keyWindow, now);
  }

  private checks(key: string, countsForApp: boolean): Array<[string, Window]> {
    const checks: Array<[string, Window]> = [[key, this.keyWindow]];
    if (countsForApp) this.appWindows.forEach((w, i) => checks.push([`app#${i}`, w]));
    return checks;
  }

  private counter(key: string): Counter {
    let c = this.counters.get(key);
    if (!c) {
      c = { inflight: 0, done: [] };
      this.counters.set(key, c);
    }
    return c;
  }

  private waitFor(key: string, w: Window, now: number): number {
    const c = this.counters.get(key);
    if (!c) return 0;
    let drop = 0;
    while (drop < c.done.length && c.done[drop]! <= now - w.ms) drop++;
    if (drop) c.done.splice(0, drop);
    if (c.inflight === 0 && c.done.length === 0) {
      this.counters.delete(key);
      return 0;
    }
    const count = c.inflight + c.done.length;
    if (count < w.limit) return 0;
    // Enough finished requests must leave the window; if those in flight alone fill it, look again soon.
    const leaving = count - w.limit + 1;
    if (leaving > c.done.length) return INFLIGHT_POLL_MS;
    return c.done[leaving - 1]! + w.ms - now + 1;
  }
}
