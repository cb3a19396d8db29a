/** Node flavour of the database: native @libsql/client, file or remote, migrated at start. */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '@libsql/client';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { tuneFileDatabase, wrapClient, type DbHandle } from './client.js';

export const MIGRATIONS_FOLDER = resolve(dirname(fileURLToPath(import.meta.url)), 'migrations');

export async function openDb(url: string, authToken?: string): Promise<DbHandle> {
  if (url.startsWith('file:') && !url.startsWith('file::memory:')) {
    const path = url.slice('file:'.length).split('?')[0]!;
    mkdirSync(dirname(resolve(path)), { recursive: true });
  }
  // `timeout` is the busy timeout (ms) of every pooled connection, so writers wait instead of failing.
  const client = createClient({ url, authToken, timeout: 10_000 });
  if (url.startsWith('file:')) await tuneFileDatabase(client);
  const handle = wrapClient(client);
  await migrate(handle.db, { migrationsFolder: MIGRATIONS_FOLDER });
  return handle;
}
