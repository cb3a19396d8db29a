/**
 * The user directory's table: names and departments as last read from the contact API, and the
 * names seen in mentions. Reading Lark and deciding when an entry is stale is bot/directory.ts's.
 */
import { asc, eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from './client.js';
import { users } from './schema.js';

export type UserRow = typeof users.$inferSelect;

/** Remembers names seen in mentions so cards can show them even before the contact API answers. */
export async function rememberNames(db: Db, tenantKey: string, people: Array<{ openId: string; name: string }>): Promise<void> {
  for (const p of people) {
    if (!p.name) continue;
    await db
      .insert(users)
      .values({ openId: p.openId, tenantKey, name: p.name, fetchedAt: new Date(0) })
      .onConflictDoNothing();
  }
}

/** The stored entries of these people (those never seen are missing). */
export async function getUsers(db: Db | Tx, openIds: readonly string[]): Promise<UserRow[]> {
  if (openIds.length === 0) return [];
  return db
    .select()
    .from(users)
    .where(inArray(users.openId, [...openIds]));
}

/** Stores what the contact API said of a person, as of `now`. */
export async function saveUser(
  db: Db | Tx,
  entry: { openId: string; tenantKey: string; name: string; departmentId: string | null; departmentName: string | null },
  now: Date,
): Promise<void> {
  const { name, departmentId, departmentName } = entry;
  await db
    .insert(users)
    .values({ ...entry, fetchedAt: now })
    .onConflictDoUpdate({ target: users.openId, set: { name, departmentId, departmentName, fetchedAt: now } });
}

/** People of the tenant the bot knows, by name: the choices of a form's person selectors in p2p (at most `limit`). */
export async function colleaguesOf(db: Db | Tx, tenantKey: string, limit: number): Promise<string[]> {
  const rows = await db.select({ openId: users.openId }).from(users).where(eq(users.tenantKey, tenantKey)).orderBy(asc(users.name)).limit(limit);
  return rows.map((r) => r.openId);
}
