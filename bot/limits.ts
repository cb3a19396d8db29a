/**
 * Per-person limits on what the bot answers, so one member's burst cannot use up the app's
 * send quota while colleagues wait: at most `DUBAN_COMMANDS_PER_MINUTE` (10) messages to the
 * bot a minute per person, and at most one "不是指令" hint per person per 10 minutes. Counted in
 * the process (each Worker isolate counts its own), on the injected clock. Pure bookkeeping.
 * `DUBAN_HINT_EVERY_MINUTES=0` turns the hint limit off.
 */

/** A sliding window of at most `limit` uses per key within `windowMs`. */
export class PerPersonLimit {
  private readonly uses = new Map<string, number[]>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly maxKeys = 50_000,
  ) {}

  /** Takes one use for `key` at `now`; false when the window is full (nothing is taken then). */
  take(key: string, now: Date): boolean {
    const t = now.getTime();
    const kept = (this.uses.get(key) ?? []).filter((at) => at > t - this.windowMs && at <= t + this.windowMs);
    if (kept.length >= this.limit) {
      this.uses.set(key, kept);
      return false;
    }
    kept.push(t);
    // Oldest keys go first when the map is full: a limit forgets, it never grows without bound.
    if (!this.uses.has(key) && this.uses.size >= this.maxKeys) this.uses.delete(this.uses.keys().next().value!);
    this.uses.set(key, kept);
    return true;
  }

  /** Uses left for `key` at `now` before the window is full. */
  left(key: string, now: Date): number {
    const t = now.getTime();
    return this.limit - (this.uses.get(key) ?? []).filter((at) => at > t - this.windowMs && at <= t + this.windowMs).length;
  }
}

/** The limits of one running bot (one per Deps: a test's bots do not share them). */
export interface Limits {
  commands: PerPersonLimit;
  /** One "refused: too many" answer per person per window, then silence until it clears. */
  refusals: PerPersonLimit;
  hints: PerPersonLimit;
}

const byConfig = new WeakMap<object, Limits>();

/** The limits for a configuration object (the same config, the same counters). */
export function limitsFor(config: { DUBAN_COMMANDS_PER_MINUTE: number; DUBAN_HINT_EVERY_MINUTES: number }): Limits {
  let l = byConfig.get(config);
  if (!l) {
    l = {
      commands: new PerPersonLimit(config.DUBAN_COMMANDS_PER_MINUTE, 60_000),
      refusals: new PerPersonLimit(1, 60_000),
      hints: new PerPersonLimit(1, config.DUBAN_HINT_EVERY_MINUTES * 60_000),
    };
    byConfig.set(config, l);
  }
  return l;
}
