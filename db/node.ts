/** Node flavour of the database: native @libsql/client, file or remote, migrated at start. */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '@libsql/client';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { NATIVE_BUSY_TIMEOUT_MS, serializeWrites, tuneFileDatabase, wrapClient, type DbHandle } from './client.js';

const here = dirname(fileURLToPath(import.meta.url));
/** db/migrations, beside this file in the sources, or beside the project when run from dist/. */
export const MIGRATIONS_FOLDER = [resolve(here, 'migrations'), resolve(here, '../db/migrations')].find((p) => existsSync(p)) ?? resolve(here, 'migrations');

export async function openDb(url: string, authToken?: string): Promise<DbHandle> {
  if (url.startsWith('file:') && !url.startsWith('file::memory:')) {
    const path = url.slice('file:'.length).split('?')[0]!;
    mkdirSync(dirname(resolve(path)), { recursive: true });
  }
  const isFile = url.startsWith('file:');
  // `timeout` is the native busy timeout (ms) of every pooled connection: short, because the
  // driver waits synchronously; serializeWrites does the real waiting without blocking.
  const native = createClient({ url, authToken, ...(isFile ? { timeout: NATIVE_BUSY_TIMEOUT_MS } : {}) });
  const client = isFile ? serializeWrites(native, createClient({ url, concurrency: 1, timeout: 1 })) : native;
  if (isFile) await tuneFileDatabase(client);
  const handle = wrapClient(client);
  await migrateOnce(handle);
  return handle;
}

/** What another process applying the same migrations at the same moment makes this one see. */
const MIGRATION_RACE = /already exists|duplicate column|SQLITE_BUSY|database is locked/i;

/**
 * Applies the pending migrations. Processes started together on a new database (several
 * `npm start` on one libSQL server) all find them pending; each applies them in one
 * transaction, so the one that loses the race fails whole ("table … already exists") and, on
 * looking again, finds them applied.
 */
async function migrateOnce(handle: DbHandle): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await migrate(handle.db, { migrationsFolder: MIGRATIONS_FOLDER });
      return;
    } catch (err) {
      const text = `${(err as Error)?.message ?? err} ${((err as { cause?: Error }).cause as Error | undefined)?.message ?? ''}`;
      if (attempt >= 5 || !MIGRATION_RACE.test(text)) throw err;
      await new Promise((r) => setTimeout(r, 100 * attempt + Math.random() * 100));
    }
  }
}
