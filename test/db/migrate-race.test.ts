/**
 * Processes started together on a new database (several `npm start` on one libSQL file or
 * server) all find the migrations pending: each one opens, and the schema is applied once.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { openDb } from '../../db/node.js';

it('four handles opening a new database at once all open it, the migrations applied once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'duban-migrate-'));
  try {
    const url = `file:${join(dir, 'new.db')}`;
    const handles = await Promise.all(Array.from({ length: 4 }, () => openDb(url)));
    const applied = await handles[0]!.client.execute('SELECT count(*) AS n FROM __drizzle_migrations');
    const files = readdirSync(join(import.meta.dirname, '../../db/migrations')).filter((f) => f.endsWith('.sql'));
    expect(Number(applied.rows[0]!.n)).toBe(files.length);
    for (const h of handles) h.client.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
