/**
 * The user directory: names and departments from Lark's contact API (bot/lark port), kept a day
 * in the users table (db/users.ts). A lookup failure never blocks a command: the mention's
 * name, or the open_id, stands in.
 */
import { getUsers, saveUser } from '../db/users.js';
import type { Deps } from './deps.js';

/** An entry older than this is read again from Lark. */
const TTL_MS = 24 * 3600_000;

export interface DirectoryEntry {
  openId: string;
  name: string;
  departmentId: string | null;
  departmentName: string | null;
}

/** The people's names and departments, refreshed from Lark when older than a day. */
export async function lookupUsers(
  deps: Pick<Deps, 'db' | 'lark' | 'clock' | 'log'>,
  tenantKey: string,
  openIds: readonly string[],
): Promise<Map<string, DirectoryEntry>> {
  const ids = [...new Set(openIds.filter(Boolean))];
  const out = new Map<string, DirectoryEntry>();
  if (ids.length === 0) return out;
  const rows = await getUsers(deps.db, ids);
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
      await saveUser(deps.db, { ...entry, tenantKey }, now);
    } catch (err) {
      deps.log.debug({ err, open_id: id }, 'contact lookup failed; using cached name');
      if (!out.has(id)) out.set(id, { openId: id, name: id, departmentId: null, departmentName: null });
    }
  }
  return out;
}
