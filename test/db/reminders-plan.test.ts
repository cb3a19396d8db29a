/**
 * The chase's reads use their indexes (SPEC §10: the scan grows with what is due, not with all
 * tasks): checked on the query plan SQLite itself reports for the migrated schema.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client.js';
import { openDb } from '../../db/node.js';
import { pendingExtensions } from '../../db/reminders.js';

let dir: string;
let handle: DbHandle;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'duban-plan-'));
  handle = await openDb(`file:${join(dir, 'plan.db')}`);
});
afterEach(() => {
  handle.client.close();
  rmSync(dir, { recursive: true, force: true });
});

async function planOf(query: { toSQL(): { sql: string; params: unknown[] } }): Promise<string> {
  const { sql, params } = query.toSQL();
  const rs = await handle.client.execute({ sql: `EXPLAIN QUERY PLAN ${sql}`, args: params as never[] });
  return rs.rows.map((r) => String(r.detail)).join('\n');
}

describe('chase reads', () => {
  it('pending extension requests are read through the partial index, not a scan of the tasks', async () => {
    const plan = await planOf(pendingExtensions(handle.db));
    expect(plan).toMatch(/USING (COVERING )?INDEX tasks_pending_extension/);
    expect(plan).not.toMatch(/^SCAN tasks\b/m);
  });
});
