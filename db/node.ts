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
  await migrate(handle.db, { migrationsFolder: MIGRATIONS_FOLDER });
  return handle;
}
