/**
 * Opens the database: an embedded libSQL file by default, a remote libSQL (Turso / sqld)
 * over HTTP when scaled out. The caller picks the flavour: Node passes the native client,
 * Workers the web one (it has no `file:` URLs).
 */
import type { Client, InStatement, Transaction, TransactionMode } from '@libsql/client';
import { sql } from 'drizzle-orm';
import { drizzle, type LibSQLDatabase } from 'drizzle-orm/libsql';
import * as schema from './schema.js';

/** The drizzle database, with its libSQL client at hand for the rare plain statement. */
export type Db = LibSQLDatabase<typeof schema> & { $client: Client };
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface DbHandle {
  db: Db;
  client: Client;
}

/**
 * The native driver waits for a busy lock synchronously, blocking the whole event loop (webhook
 * acks included), and a statement that did get SQLITE_BUSY stays active on its pooled connection
 * (a later COMMIT there fails with "statements in progress"). So writers first wait for the
 * write lock asynchronously (a probe that never leaves a statement behind), and the native
 * timeout only covers the rare moment another process takes the lock right after the probe.
 */
/** A round trip to the database (/healthz): throws when it does not answer. */
export async function pingDb(db: Db): Promise<void> {
  await db.run(sql`select 1`);
}

export const NATIVE_BUSY_TIMEOUT_MS = 2_000;
const BUSY_WAIT_MS = 15_000;

/** Pragmas for an embedded file: WAL and synchronous=NORMAL (≈6× the insert throughput of the defaults). */
export async function tuneFileDatabase(client: Client): Promise<void> {
  await client.execute('PRAGMA journal_mode=WAL');
  await client.execute('PRAGMA synchronous=NORMAL');
}

const isBusy = (err: unknown): boolean => {
  const e = err as { code?: string; rawCode?: number; message?: string; cause?: { code?: string } };
  return e?.code === 'SQLITE_BUSY' || e?.cause?.code === 'SQLITE_BUSY' || e?.rawCode === 5 || /SQLITE_BUSY|database is locked/i.test(e?.message ?? '');
};

async function retryBusy<T>(work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + BUSY_WAIT_MS;
  for (let delay = 2; ; delay = Math.min(delay * 2, 100)) {
    try {
      return await work();
    } catch (err) {
      if (!isBusy(err) || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, delay + Math.random() * delay));
    }
  }
}

/**
 * BEGIN IMMEDIATE that waits for another process's write lock without poisoning a pooled
 * connection. The driver does not reset a prepared statement that failed with SQLITE_BUSY: it
 * keeps counting as a writer (the connection's next COMMIT fails with "SQL statements in
 * progress") and pins an old snapshot (its next BEGIN IMMEDIATE fails with BUSY_SNAPSHOT) until
 * it is garbage-collected. So the lock is taken through exec(), which finalizes its statements
 * on error: BEGIN DEFERRED (never busy), then `COMMIT; BEGIN IMMEDIATE`; busy → release, retry.
 */
async function beginImmediate(client: Client): Promise<Transaction> {
  return retryBusy(async () => {
    const tx = await client.transaction('deferred');
    try {
      await tx.executeMultiple('COMMIT; BEGIN IMMEDIATE');
      return tx;
    } catch (err) {
      // The connection is out of any transaction now; this only hands it back to the pool.
      await tx.rollback().catch(() => {});
      throw err;
    }
  });
}

const READ_ONLY = /^\s*(select|explain)\b/i;

/**
 * The native driver answers each statement synchronously, so a handler's statements run back to
 * back without the loop reading a socket in between: an ack arriving meanwhile waits for all of
 * them. Ordinary statements yield to the loop once they have held it for a slice, so the
 * requests that came in are read and answered between them; the inbox claim never waits here.
 */
const SLICE_MS = 4;
let sliceStart = 0;
let inSlice = false;
function yieldWhenSliceUsed(): Promise<void> | null {
  const now = performance.now();
  if (!inSlice) {
    inSlice = true;
    sliceStart = now;
    setImmediate(() => {
      inSlice = false;
    });
    return null;
  }
  return now - sliceStart < SLICE_MS ? null : new Promise((resolve) => setImmediate(resolve));
}
const afterSlice = async <T>(work: () => Promise<T>): Promise<T> => {
  const pause = yieldWhenSliceUsed();
  if (pause) await pause;
  return work();
};
const sqlOf = (s: InStatement): string => (typeof s === 'string' ? s : s.sql);

/**
 * One writer at a time per process: SQLite allows one anyway, and waiting here never blocks the
 * loop. Urgent writers (inbox claims, which an ack waits for) go before every ordinary one
 * waiting, so a queue of processing transactions never stands between an event and its ack.
 */
class Mutex {
  private held = false;
  private readonly urgent: Array<() => void> = [];
  private readonly ordinary: Array<() => void> = [];
  lock(urgent = false): Promise<() => void> {
    return new Promise((grant) => {
      const take = () => grant(() => this.release());
      if (!this.held) {
        this.held = true;
        take();
      } else (urgent ? this.urgent : this.ordinary).push(take);
    });
  }
  private release(): void {
    const next = this.urgent.shift() ?? this.ordinary.shift();
    if (next) next();
    else this.held = false;
  }
}

/** On a wrapped file client, the method that writes ahead of the ordinary writers waiting. */
const WRITE_FIRST = Symbol('duban.writeFirst');

/**
 * Runs one write ahead of the writers waiting in this process (the inbox claim an ack waits
 * for); on a remote database, where the server orders writes, a plain execute.
 */
export function executeFirst(client: Client, stmt: InStatement): ReturnType<Client['execute']> {
  const first = (client as unknown as Record<symbol, Client['execute'] | undefined>)[WRITE_FIRST];
  return first ? first(stmt) : client.execute(stmt);
}

/**
 * Wraps a native file client: writes and write transactions take a process-wide async lock
 * (an interactive transaction on one pooled connection and a write on another would otherwise
 * spin in the driver until the timeout), and SQLITE_BUSY from other processes is retried
 * asynchronously.
 */
export function serializeWrites(client: Client, probe: Client): Client {
  const mutex = new Mutex();
  // sqlite3_exec finalizes its statements even when they fail, so probing leaves nothing active.
  const writeLockFree = () => retryBusy(() => probe.executeMultiple('BEGIN IMMEDIATE; ROLLBACK;'));
  const locked = async <T>(work: () => Promise<T>, urgent = false): Promise<T> => {
    if (!urgent) {
      const pause = yieldWhenSliceUsed();
      if (pause) await pause;
    }
    const release = await mutex.lock(urgent);
    try {
      await writeLockFree();
      return await retryBusy(work);
    } finally {
      release();
    }
  };
  const wrapped: Partial<Client> = {
    execute: ((stmt: InStatement | string, args?: unknown) => {
      const s = args === undefined ? (stmt as InStatement) : ({ sql: stmt as string, args } as InStatement);
      return READ_ONLY.test(sqlOf(s)) ? afterSlice(() => retryBusy(() => client.execute(s))) : locked(() => client.execute(s));
    }) as Client['execute'],
    batch: ((stmts: InStatement[], mode?: TransactionMode) => locked(() => client.batch(stmts, mode))) as Client['batch'],
    migrate: ((stmts: InStatement[]) => locked(() => client.migrate(stmts))) as Client['migrate'],
    executeMultiple: ((sql: string) => locked(() => client.executeMultiple(sql))) as Client['executeMultiple'],
    close: () => {
      probe.close();
      client.close();
    },
    transaction: (async (mode?: TransactionMode) => {
      if (mode === 'read') return retryBusy(() => client.transaction(mode));
      const pause = yieldWhenSliceUsed();
      if (pause) await pause;
      const release = await mutex.lock();
      let tx: Transaction;
      try {
        tx = mode === 'deferred' ? await client.transaction(mode) : await beginImmediate(client);
      } catch (err) {
        release();
        throw err;
      }
      let released = false;
      const done = () => {
        if (!released) {
          released = true;
          release();
        }
      };
      return new Proxy(tx, {
        get(target, prop, receiver) {
          if (prop === 'commit' || prop === 'rollback') {
            return async () => {
              try {
                return await (target[prop] as () => Promise<void>).call(target);
              } finally {
                done();
              }
            };
          }
          if (prop === 'close') {
            return () => {
              try {
                target.close();
              } finally {
                done();
              }
            };
          }
          const v = Reflect.get(target, prop, receiver);
          return typeof v === 'function' ? v.bind(target) : v;
        },
      });
    }) as Client['transaction'],
  };
  const first = (s: InStatement) => locked(() => client.execute(s), true);
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === WRITE_FIRST) return first;
      if (prop in wrapped) return wrapped[prop as keyof Client];
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

export function wrapClient(client: Client): DbHandle {
  return { client, db: drizzle(client, { schema }) };
}
