/**
 * Opens the database: an embedded libSQL file by default, a remote libSQL (Turso / sqld)
 * over HTTP when scaled out. The caller picks the flavour: Node passes the native client,
 * Workers the web one (it has no `file:` URLs).
 */
import type { Client } from '@libsql/client';
import { drizzle, type LibSQLDatabase } from 'drizzle-orm/libsql';
import * as schema from './schema.js';

export type Db = LibSQLDatabase<typeof schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface DbHandle {
  db: Db;
  client: Client;
}

/** Pragmas for an embedded file: WAL, synchronous=NORMAL, a busy timeout (≈6× the insert throughput). */
export async function tuneFileDatabase(client: Client): Promise<void> {
  await client.execute('PRAGMA journal_mode=WAL');
  await client.execute('PRAGMA synchronous=NORMAL');
  await client.execute('PRAGMA busy_timeout=10000');
}

export function wrapClient(client: Client): DbHandle {
  return { client, db: drizzle(client, { schema }) };
}
