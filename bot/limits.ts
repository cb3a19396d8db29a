/**
 * Per-person limits on what the bot answers, so one member's burst cannot use up the app's
 * send quota while colleagues wait: at most `DUBAN_COMMANDS_PER_MINUTE` (10) messages to the
 * bot a minute per person, one "too many" answer per person per minute, and at most one
 * "不是指令" hint per person per `DUBAN_HINT_EVERY_MINUTES` (10; 0 turns it off). Sliding
 * windows on the injected clock, counted in the database (db/person-uses.ts): every process
 * on one database, and every Worker isolate, draws on one allowance per person.
 */
import { takeUse } from '../db/person-uses.js';
import type { Deps } from './deps.js';

export type LimitName = 'command' | 'refusal' | 'hint';

/** How many uses a window allows, and how long the window is; null when the limit is off. */
export function limitOf(config: Deps['config'], name: LimitName): { limit: number; windowMs: number } | null {
  switch (name) {
    case 'command':
      return { limit: config.DUBAN_COMMANDS_PER_MINUTE, windowMs: 60_000 };
    case 'refusal':
      return { limit: 1, windowMs: 60_000 };
    case 'hint':
      return config.DUBAN_HINT_EVERY_MINUTES > 0 ? { limit: 1, windowMs: config.DUBAN_HINT_EVERY_MINUTES * 60_000 } : null;
  }
}

/** Takes one use of a person's limit at `now`: false when the window is full (nothing is taken then). */
export async function takeLimit(deps: Pick<Deps, 'db' | 'config'>, name: LimitName, tenantKey: string, openId: string, now: Date): Promise<boolean> {
  const l = limitOf(deps.config, name);
  if (!l) return true;
  return takeUse(deps.db, `${name}:${tenantKey}:${openId}`, l.limit, l.windowMs, now);
}
