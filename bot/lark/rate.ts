/**
 * Client-side rate limiting at Lark's published limits (频控策略): sending is 50/s and
 * 1000/min per app, 5/s per chat and per user; a card may be PATCHed 5/s. Sliding windows,
 * slightly wider than a second, so arrivals at Lark never exceed a window even with jitter.
 * Pure given the time passed in.
 */
export interface Window {
  limit: number;
  ms: number;
}

export const APP_WINDOWS: Window[] = [
  { limit: 50, ms: 1_050 },
  { limit: 1000, ms: 60_500 },
];
export const KEY_WINDOW: Window = { limit: 5, ms: 1_050 };

export class RateLimiter {
  private readonly hits = new Map<string, number[]>();
  private readonly blocked = new Map<string, number>();

  constructor(
    private readonly appWindows: Window[] = APP_WINDOWS,
    private readonly keyWindow: Window = KEY_WINDOW,
  ) {}

  /** Ms to wait before a send to `key` is allowed (0: allowed now, and recorded). */
  take(key: string, now: number, countsForApp = true): number {
    const checks: Array<[string, Window]> = [[key, this.keyWindow]];
    if (countsForApp) this.appWindows.forEach((w, i) => checks.push([`app#${i}`, w]));
    let wait = Math.max(0, (this.blocked.get(key) ?? 0) - now, (this.blocked.get('app') ?? 0) - now);
    for (const [k, w] of checks) wait = Math.max(wait, this.waitFor(k, w, now));
    if (wait > 0) return wait;
    for (const [k] of checks) {
      const list = this.hits.get(k) ?? [];
      list.push(now);
      this.hits.set(k, list);
    }
    return 0;
  }

  private waitFor(key: string, w: Window, now: number): number {
    const list = this.hits.get(key);
    if (!list) return 0;
    while (list.length && list[0]! <= now - w.ms) list.shift();
    if (list.length === 0) this.hits.delete(key);
    if (!list.length || list.length < w.limit) return 0;
    return list[list.length - w.limit]! + w.ms - now + 1;
  }

  /** Holds a key (or 'app') back until `until` after Lark said "too fast" (x-ogw-ratelimit-reset). */
  block(key: string, until: number): void {
    this.blocked.set(key, Math.max(until, this.blocked.get(key) ?? 0));
  }
}
