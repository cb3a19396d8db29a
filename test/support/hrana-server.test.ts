/**
 * The Hrana test server, driven by the clients the project uses against remote libSQL:
 * @libsql/client (node and web builds) and drizzle-orm's libsql migrator.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient, type Client } from '@libsql/client';
import { createClient as createWebClient } from '@libsql/client/web';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHranaServer, type HranaServer } from './hrana-server.js';

const MIGRATIONS = resolve(dirname(fileURLToPath(import.meta.url)), '../../db/migrations');

let dir: string;
let server: HranaServer;
let client: Client;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'duban-hrana-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
beforeEach(async () => {
  server = await startHranaServer({ path: join(dir, `t${++n}.db`), idleStreamMs: 2_000, lockWaitMs: 2_000 });
  client = createClient({ url: server.url });
});

afterEach(async () => {
  client.close();
  await server.close();
});

type Pipeline = { baton: string | null; results: { type: string; response?: any; error?: { message: string; code?: string } }[] };

async function pipeline(body: unknown): Promise<Pipeline> {
  const res = await fetch(`${server.url}/v2/pipeline`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return (await res.json()) as Pipeline;
}

describe('Hrana over HTTP v2 test server', () => {
  it('answers the version probes so clients settle on v2', async () => {
    expect((await fetch(`${server.url}/v2`)).status).toBe(200);
    expect((await fetch(`${server.url}/v3-protobuf`)).status).toBe(404);
    expect((await fetch(`${server.url}/v3`)).status).toBe(404);
  });

  it('executes statements with every value type', async () => {
    await client.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, i INTEGER, f REAL, s TEXT, b BLOB, n TEXT)');
    const ins = await client.execute({
      sql: 'INSERT INTO t (i, f, s, b, n) VALUES (?, ?, ?, ?, ?)',
      args: [9007199254740993n, 1.5, '督办', new Uint8Array([0, 1, 255]), null],
    });
    expect(ins.rowsAffected).toBe(1);
    expect(ins.lastInsertRowid).toBe(1n);
    const big = createClient({ url: server.url, intMode: 'bigint' });
    try {
      const rs = await big.execute('SELECT id, i, f, s, b, n FROM t');
      expect(rs.columns).toEqual(['id', 'i', 'f', 's', 'b', 'n']);
      expect(rs.columnTypes).toEqual(['INTEGER', 'INTEGER', 'REAL', 'TEXT', 'BLOB', 'TEXT']);
      const row = rs.rows[0]!;
      expect(row.i).toBe(9007199254740993n);
      expect(row.f).toBe(1.5);
      expect(row.s).toBe('督办');
      expect([...new Uint8Array(row.b as ArrayBuffer)]).toEqual([0, 1, 255]);
      expect(row.n).toBeNull();
    } finally {
      big.close();
    }
  });

  it('binds named arguments', async () => {
    const rs = await client.execute({ sql: 'SELECT :a AS a, @b AS b, $c AS c', args: { a: 1, b: 'x', c: null } });
    expect(rs.rows[0]).toMatchObject({ a: 1, b: 'x', c: null });
  });

  it('reports SQLite errors with their code', async () => {
    await client.execute('CREATE TABLE u (id INTEGER PRIMARY KEY)');
    await client.execute('INSERT INTO u VALUES (1)');
    await expect(client.execute('INSERT INTO u VALUES (1)')).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT', message: expect.stringMatching(/UNIQUE/) });
    await expect(client.execute('SELEC 1')).rejects.toMatchObject({ code: 'SQLITE_ERROR' });
  });

  it('runs a batch as one transaction: all or nothing', async () => {
    await client.execute('CREATE TABLE v (id INTEGER PRIMARY KEY, s TEXT)');
    const results = await client.batch(
      [
        { sql: 'INSERT INTO v (s) VALUES (?)', args: ['a'] },
        { sql: 'INSERT INTO v (s) VALUES (?) RETURNING id, s', args: ['b'] },
      ],
      'write',
    );
    expect(results[1]!.rows[0]).toMatchObject({ id: 2, s: 'b' });
    expect(results[1]!.rowsAffected).toBe(1);
    await expect(
      client.batch(
        [
          { sql: 'INSERT INTO v (s) VALUES (?)', args: ['c'] },
          { sql: 'INSERT INTO v (id, s) VALUES (1, ?)', args: ['dup'] },
        ],
        'write',
      ),
    ).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
    const rs = await client.execute('SELECT s FROM v ORDER BY id');
    expect(rs.rows.map((r) => r.s)).toEqual(['a', 'b']);
  });

  it('keeps an interactive transaction on one connection, and rolls back', async () => {
    await client.execute('CREATE TABLE w (s TEXT)');
    const tx = await client.transaction('write');
    await tx.execute({ sql: 'INSERT INTO w VALUES (?)', args: ['x'] });
    expect((await tx.execute('SELECT count(*) AS c FROM w')).rows[0]!.c).toBe(1);
    await tx.rollback();
    expect((await client.execute('SELECT count(*) AS c FROM w')).rows[0]!.c).toBe(0);

    const tx2 = await client.transaction('write');
    await tx2.execute({ sql: 'INSERT INTO w VALUES (?)', args: ['y'] });
    await tx2.commit();
    expect((await client.execute('SELECT s FROM w')).rows.map((r) => r.s)).toEqual(['y']);
  });

  it('makes a write from another stream wait for an open transaction', async () => {
    await client.execute('CREATE TABLE x (s TEXT)');
    const tx = await client.transaction('write');
    await tx.execute("INSERT INTO x VALUES ('in-tx')");
    const order: string[] = [];
    const outside = client.execute("INSERT INTO x VALUES ('outside')").then(() => order.push('outside'));
    await new Promise((r) => setTimeout(r, 100));
    order.push('commit');
    await tx.commit();
    await outside;
    expect(order).toEqual(['commit', 'outside']);
    expect((await client.execute('SELECT s FROM x ORDER BY rowid')).rows.map((r) => r.s)).toEqual(['in-tx', 'outside']);
  });

  it("keeps every stream out of another stream's open transaction (no lost commits under concurrency)", async () => {
    // What the Worker's outbox sender does: several interactive transactions at once (the
    // "sent" mark with its bot_messages row) while other streams read and close. A stream that
    // ran inside another's transaction, or rolled it back when it closed, lost that commit.
    await client.execute('CREATE TABLE c (k TEXT PRIMARY KEY)');
    const web = createWebClient({ url: server.url });
    try {
      const errors: unknown[] = [];
      const committed: string[] = [];
      for (let round = 0; round < 10; round++) {
        await Promise.all(
          Array.from({ length: 6 }, async (_, i) => {
            const k = `${round}-${i}`;
            try {
              const tx = await web.transaction('write');
              await tx.execute({ sql: 'INSERT INTO c VALUES (?)', args: [k] });
              await tx.execute({ sql: 'SELECT count(*) FROM c', args: [] });
              await tx.commit();
              committed.push(k);
            } catch (err) {
              errors.push(err);
            }
            await Promise.all([web.execute('SELECT count(*) FROM c'), web.execute('SELECT 1')]).catch((err) => errors.push(err));
          }),
        );
      }
      expect(errors.map(String)).toEqual([]);
      const rows = (await client.execute('SELECT k FROM c')).rows.map((r) => String(r.k));
      expect(rows.sort()).toEqual(committed.sort());
      expect(committed).toHaveLength(60);
    } finally {
      web.close();
    }
  });

  it('runs executeMultiple as a sequence', async () => {
    await client.executeMultiple("CREATE TABLE y (a); INSERT INTO y VALUES (1); INSERT INTO y VALUES ('two');");
    expect((await client.execute('SELECT count(*) AS c FROM y')).rows[0]!.c).toBe(2);
  });

  it('serves the web build of @libsql/client', async () => {
    const web = createWebClient({ url: server.url });
    try {
      await web.execute('CREATE TABLE z (s TEXT)');
      await web.batch([{ sql: 'INSERT INTO z VALUES (?)', args: ['web'] }], 'write');
      expect((await web.execute('SELECT s FROM z')).rows[0]!.s).toBe('web');
    } finally {
      web.close();
    }
  });

  it('handles stored SQL, describe, autocommit and close on the protocol level', async () => {
    const first = await pipeline({
      baton: null,
      requests: [
        { type: 'store_sql', sql_id: 1, sql: 'SELECT :x AS x, ?2 AS y' },
        { type: 'describe', sql_id: 1 },
        { type: 'execute', stmt: { sql: 'BEGIN' } },
        { type: 'get_autocommit' },
      ],
    });
    expect(first.results.map((r) => r.type)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(first.results[1]!.response.result).toMatchObject({
      params: [{ name: ':x' }, { name: null }],
      cols: [{ name: 'x' }, { name: 'y' }],
      is_readonly: true,
    });
    expect(first.results[3]!.response).toEqual({ type: 'get_autocommit', is_autocommit: false });
    expect(first.baton).toBeTruthy();

    const second = await pipeline({
      baton: first.baton,
      requests: [
        {
          type: 'execute',
          stmt: { sql_id: 1, named_args: [{ name: ':x', value: { type: 'integer', value: '7' } }], args: [{ type: 'null' }, { type: 'blob', base64: 'AAE=' }] },
        },
        { type: 'execute', stmt: { sql: 'ROLLBACK' } },
        { type: 'close_sql', sql_id: 1 },
        { type: 'execute', stmt: { sql_id: 1 } },
        { type: 'close' },
      ],
    });
    expect(second.results[0]!.response.result.rows).toEqual([
      [
        { type: 'integer', value: '7' },
        { type: 'blob', base64: 'AAE=' },
      ],
    ]);
    expect(second.results[3]).toMatchObject({ type: 'error', error: { code: 'SQL_NOT_FOUND' } });
    expect(second.baton).toBeNull();

    const stale = await fetch(`${server.url}/v2/pipeline`, { method: 'POST', body: JSON.stringify({ baton: first.baton, requests: [] }) });
    expect(stale.status).toBe(400);
  });

  it('evaluates batch conditions', async () => {
    const res = await pipeline({
      baton: null,
      requests: [
        {
          type: 'batch',
          batch: {
            steps: [
              { stmt: { sql: 'SELECT 1' } },
              { stmt: { sql: 'SELECT nope' } },
              { condition: { type: 'ok', step: 0 }, stmt: { sql: 'SELECT 2' } },
              { condition: { type: 'ok', step: 1 }, stmt: { sql: 'SELECT 3' } },
              { condition: { type: 'and', conds: [{ type: 'error', step: 1 }, { type: 'is_autocommit' }] }, stmt: { sql: 'SELECT 4' } },
              {
                condition: {
                  type: 'not',
                  cond: {
                    type: 'or',
                    conds: [
                      { type: 'ok', step: 2 },
                      { type: 'ok', step: 3 },
                    ],
                  },
                },
                stmt: { sql: 'SELECT 5' },
              },
            ],
          },
        },
        { type: 'close' },
      ],
    });
    const result = res.results[0]!.response.result;
    expect(result.step_results.map((r: unknown) => r !== null)).toEqual([true, false, true, false, true, false]);
    expect(result.step_errors.map((e: unknown) => e !== null)).toEqual([false, true, false, false, false, false]);
  });

  it('rolls back a transaction whose stream was abandoned', async () => {
    await client.execute('CREATE TABLE a (s TEXT)');
    const idle = await startHranaServer({ path: join(dir, `t${n}.db`), idleStreamMs: 100 });
    try {
      const res = await fetch(`${idle.url}/v2/pipeline`, {
        method: 'POST',
        body: JSON.stringify({
          baton: null,
          requests: [
            { type: 'execute', stmt: { sql: 'BEGIN' } },
            { type: 'execute', stmt: { sql: "INSERT INTO a VALUES ('lost')" } },
          ],
        }),
      });
      expect(res.status).toBe(200);
      await new Promise((r) => setTimeout(r, 250));
      const other = createClient({ url: idle.url });
      try {
        await other.execute("INSERT INTO a VALUES ('kept')");
        expect((await other.execute('SELECT s FROM a')).rows.map((r) => r.s)).toEqual(['kept']);
      } finally {
        other.close();
      }
    } finally {
      await idle.close();
    }
  });

  it('migrates the project schema with drizzle-orm/libsql/migrator, twice without change', async () => {
    const db = drizzle(client);
    await migrate(db, { migrationsFolder: MIGRATIONS });
    const tables = await client.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    const names = tables.rows.map((r) => String(r.name));
    expect(names).toContain('__drizzle_migrations');
    expect(names.length).toBeGreaterThan(3);
    await migrate(db, { migrationsFolder: MIGRATIONS });
    const applied = await db.all<{ c: number }>(sql`SELECT count(*) AS c FROM __drizzle_migrations`);
    const files = (await import('node:fs')).readdirSync(MIGRATIONS).filter((f) => f.endsWith('.sql'));
    expect(applied[0]!.c).toBe(files.length);
  });

  it('supports drizzle transactions over http', async () => {
    await client.execute('CREATE TABLE d (id INTEGER PRIMARY KEY, s TEXT)');
    const db = drizzle(client);
    await db.transaction(async (tx) => {
      await tx.run(sql`INSERT INTO d (s) VALUES ('one')`);
      await tx.run(sql`INSERT INTO d (s) VALUES ('two')`);
    });
    await expect(
      db.transaction(async (tx) => {
        await tx.run(sql`INSERT INTO d (s) VALUES ('three')`);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    const rows = await db.all<{ s: string }>(sql`SELECT s FROM d ORDER BY id`);
    expect(rows.map((r) => r.s)).toEqual(['one', 'two']);
  });
});
