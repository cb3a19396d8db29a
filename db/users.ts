/**
 * The user directory cache: names and departments from the contact API, kept a day.
 * A lookup failure never blocks a command: the mention's name, or the open_id, stands in.
 */
import { inArray } from 'drizzle-orm';
import type { Deps } from '../bot/deps.js';
import type { Db } from './client.js';
import { users } from './schema.js';

const TTL_MS = 24 * 3600_000;

export interface DirectoryEntry {
  openId: string;
  name: string;
  departmentId: string | null;
  departmentName: string | null;
}

/** Remembers names seen in mentions so cards can show them even before the contact API answers. */
export async function rememberNames(db: Db, tenantKey: string, people: Array<{ openId: string; name: string }>, now: Date): Promise<void> {
  for (const p of people) {
    if (!p.name) continue;
    await db
      .insert(users)
      .values({ openId: p.openId, tenantKey, name: p.name, fetchedAt: new Date(0) })
      .onConflictDoNothing();
  }
  void now;
}

export async function lookupUsers(deps: Deps, tenantKey: string, openIds: readonly string[]): Promise<Map<string, DirectoryEntry>> {
  const ids = [...new Set(openIds.filter(Boolean))];
  const out = new Map<string, DirectoryEntry>();
  if (ids.length === 0) return out;
  const rows = await deps.db.select().from(users).where(inArray(users.openId, ids));
  const now = deps.clock.now();
  for (const r of rows) out.set(r.openId, { openId: r.openId, name: r.name, departmentId: r.departmentId, departmentName: r.departmentName });
  const stale = ids.filter((id) => {
    const r = rows.find((x) => x.openId === id);
    return !r || now.getTime() - r.fetchedAt.getTime() > TTL_MS;
  });
  for (const id of stale) {
    try {
      const u = await deps.lark.getUser(id);
      const departmentId = u.departmentIds[0] ?? null;
      const departmentName = departmentId ? await deps.lark.getDepartmentName(departmentId).catch(() => null) : null;
      const entry = { openId: id, name: u.name || out.get(id)?.name || id, departmentId, departmentName };
      out.set(id, entry);
      await deps.db
        .insert(users)
        .values({ ...entry, tenantKey, fetchedAt: now })
        .onConflictDoUpdate({ target: users.openId, set: { name: entry.name, departmentId, departmentName, fetchedAt: now } });
    } catch (err) {
      deps.log.debug({ err, open_id: id }, 'contact lookup failed; using cached name');
      if (!out.has(id)) out.set(id, { openId: id, name: id, departmentId: null, departmentName: null });
    }
  }
  return out;
}

export async function userName(deps: Deps, tenantKey: string, openId: string): Promise<string> {
  return (await lookupUsers(deps, tenantKey, [openId])).get(openId)?.name ?? openId;
}
