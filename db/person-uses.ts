/** Uses of the per-person limits (bot/limits.ts), in the database every process shares. */
import { lt } from 'drizzle-orm';
import type { Db } from './client.js';
import { personUses } from './schema.js';

/** Kept past the longest window any limit may be set to (a day). */
export const PERSON_USES_RETENTION_MS = 24 * 3600_000;

/**
 * Takes one use of `key` at `now` when fewer than `limit` were taken in the `windowMs` before
 * it; true when taken. One statement: the count and the insert cannot interleave with another
 * process's, so two processes never grant the same last use twice.
 */
export async function takeUse(db: Db, key: string, limit: number, windowMs: number, now: Date): Promise<boolean> {
  const t = now.getTime();
  const r = await db.$client.execute({
    sql: 'INSERT INTO person_uses (key, at) SELECT ?1, ?2 WHERE (SELECT count(*) FROM person_uses WHERE key = ?1 AND at > ?3 AND at <= ?4) < ?5 RETURNING at',
    // Uses stamped after `now` (a clock stepped back) count too, up to a window ahead.
    args: [key, t, t - windowMs, t + windowMs, limit],
  });
  return r.rows.length > 0;
}

/** Drops uses older than any window. */
export async function prunePersonUses(db: Db, now: Date): Promise<void> {
  await db.delete(personUses).where(lt(personUses.at, new Date(now.getTime() - PERSON_USES_RETENTION_MS)));
}
