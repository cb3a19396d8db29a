/**
 * A test double for Turso / sqld — NOT a database server to deploy (no auth, no TLS, no
 * limits, one process). It speaks Hrana over HTTP v2 with JSON, which is what @libsql/client
 * (node and web builds), drizzle-orm/libsql and drizzle-kit use for http:// URLs, on top of an
 * SQLite file opened with the native `libsql` package. No npm package offers such a server
 * (shared/stack-notes.md §4), and `tursodb --sync-server` rejects most pipeline requests.
 *
 * What it implements, and why:
 *  - GET /v2 → 200 and /v3* → 404, so clients that probe for v3 fall back to v2;
 *  - POST /v2/pipeline: `{ baton, requests }` → `{ baton, base_url, results }` with execute,
 *    batch (conditions ok/error/not/and/or/is_autocommit), sequence, describe,
 *    store_sql/close_sql, get_autocommit and close;
 *  - streams (batons) share one SQLite connection; a stream holding a transaction open owns it
 *    and other streams' requests wait for it (sqld would make them wait on its busy timeout,
 *    then answer SQLITE_BUSY), so interactive transactions work and never see each other's
 *    statements; an idle stream's transaction is rolled back;
 *  - values as Hrana encodes them: integers as decimal strings, floats, text, base64 blobs.
 *
 * Run alone: `tsx test/support/hrana-server.ts ./data/test.db [port]` prints the URL.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import Database from 'libsql';

export interface HranaServerOptions {
  /** The SQLite file to serve (created if missing). */
  path: string;
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** A stream unused this long is closed (its open transaction rolled back). Default 15 s. */
  idleStreamMs?: number;
  /** How long another stream's open transaction may hold up a request before it is answered SQLITE_BUSY. Default idleStreamMs + 5 s. */
  lockWaitMs?: number;
}

export interface HranaServer {
  /** http://127.0.0.1:PORT — pass it as the libSQL URL. */
  url: string;
  close(): Promise<void>;
}

type Db = InstanceType<typeof Database>;
type Stmt = Database.Statement<unknown[]>;

type ProtoValue =
  | { type: 'null' }
  | { type: 'integer'; value: string }
  | { type: 'float'; value: number }
  | { type: 'text'; value: string }
  | { type: 'blob'; base64: string };

interface ProtoStmt {
  sql?: string;
  sql_id?: number;
  args?: ProtoValue[];
  named_args?: { name: string; value: ProtoValue }[];
  want_rows?: boolean;
}

type ProtoCond =
  | { type: 'ok' | 'error'; step: number }
  | { type: 'not'; cond: ProtoCond }
  | { type: 'and' | 'or'; conds: ProtoCond[] }
  | { type: 'is_autocommit' };

interface ProtoBatch {
  steps: { condition?: ProtoCond | null; stmt: ProtoStmt }[];
}

type ProtoRequest =
  | { type: 'close' }
  | { type: 'execute'; stmt: ProtoStmt }
  | { type: 'batch'; batch: ProtoBatch }
  | { type: 'sequence'; sql?: string; sql_id?: number }
  | { type: 'describe'; sql?: string; sql_id?: number }
  | { type: 'store_sql'; sql_id: number; sql: string }
  | { type: 'close_sql'; sql_id: number }
  | { type: 'get_autocommit' };

interface ProtoError {
  message: string;
  code?: string;
}

class HranaError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

interface Stream {
  id: string;
  baton: string;
  conn: Connection;
  sqls: Map<number, string>;
  timer: ReturnType<typeof setTimeout> | null;
}

/** A connection and the statement it uses to measure changes made by row-returning statements. */
interface Connection {
  db: Db;
  totalChanges: Stmt;
}

// ---------------------------------------------------------------------------------------------
// Values

function decodeValue(v: ProtoValue | undefined): unknown {
  if (!v) return null;
  switch (v.type) {
    case 'null':
      return null;
    case 'integer':
      return BigInt(v.value);
    case 'float':
      return Number(v.value);
    case 'text':
      return String(v.value);
    case 'blob':
      return Buffer.from((v as { base64?: string; value?: string }).base64 ?? (v as { value?: string }).value ?? '', 'base64');
    default:
      throw new HranaError(`unknown value type ${(v as { type: string }).type}`, 'HRANA_PROTO_ERROR');
  }
}

function encodeValue(v: unknown): ProtoValue {
  if (v === null || v === undefined) return { type: 'null' };
  if (typeof v === 'bigint') return { type: 'integer', value: v.toString() };
  // With safeIntegers on, INTEGER columns arrive as bigint: a number is always a REAL.
  if (typeof v === 'number') return { type: 'float', value: v };
  if (typeof v === 'string') return { type: 'text', value: v };
  if (v instanceof Uint8Array) return { type: 'blob', base64: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
  return { type: 'text', value: String(v) };
}

// ---------------------------------------------------------------------------------------------
// SQL scanning: parameter names, without tripping over strings and comments

/** Parameters in order of appearance: `?` (anonymous → null), `?NNN`, `:a`, `@a`, `$a`. */
function scanParams(sql: string): { anonymous: boolean; names: (string | null)[] } {
  const names: (string | null)[] = [];
  const seen = new Set<string>();
  let anonymous = false;
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    if (ch === "'" || ch === '"' || ch === '`') {
      // Skip the literal; a doubled quote inside it is an escaped quote.
      let j = i + 1;
      for (;;) {
        const end = sql.indexOf(ch, j);
        if (end < 0) {
          i = sql.length;
          break;
        }
        if (sql[end + 1] === ch) {
          j = end + 2;
          continue;
        }
        i = end + 1;
        break;
      }
      continue;
    }
    if (ch === '[') {
      const end = sql.indexOf(']', i + 1);
      i = end < 0 ? sql.length : end + 1;
      continue;
    }
    if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end + 1;
      continue;
    }
    if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
      continue;
    }
    if (ch === '?') {
      const m = /^\?(\d+)/.exec(sql.slice(i));
      if (m) {
        if (!seen.has(m[0])) names.push(null), seen.add(m[0]);
        i += m[0].length;
      } else {
        anonymous = true;
        names.push(null);
        i++;
      }
      continue;
    }
    if (ch === ':' || ch === '@' || ch === '$') {
      const m = /^[:@$][A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i));
      if (m) {
        if (!seen.has(m[0])) names.push(m[0]), seen.add(m[0]);
        i += m[0].length;
        continue;
      }
    }
    i++;
  }
  return { anonymous, names };
}

const isReadOnlySql = (sql: string): boolean =>
  /^\s*(select|explain|values|pragma\s+\w+\s*;?\s*$)/i.test(sql) && !/\b(insert|update|delete|replace|create|drop|alter)\b/i.test(sql);

// ---------------------------------------------------------------------------------------------

/**
 * Starts the server on 127.0.0.1.
 * @example const db = await startHranaServer({ path: join(tmp, 'test.db') });
 *          const client = createClient({ url: db.url }); … await db.close();
 */
export async function startHranaServer(opts: HranaServerOptions): Promise<HranaServer> {
  const idleStreamMs = opts.idleStreamMs ?? 15_000;
  // A stream holding a transaction is closed (rolled back) after idleStreamMs, so waiting a bit
  // longer than that means a writer never runs into SQLite's busy lock: within this one process,
  // the wait is the lock. (A statement that did get SQLITE_BUSY would stay active on its pooled
  // connection and break a later COMMIT there.)
  const lockWaitMs = opts.lockWaitMs ?? idleStreamMs + 5_000;
  const streams = new Map<string, Stream>();
  let lockOwner: Stream | null = null;
  let lockWaiters: (() => void)[] = [];

  // One SQLite connection serves every stream, and a stream holding a transaction open owns it
  // until the transaction ends (other streams' requests wait for it). Within this one process
  // no two connections can then meet on SQLite's locks — sqld resolves such contention itself;
  // a test double that let libsql return SQLITE_BUSY would leave the failed statement active
  // on its connection and break later COMMITs there.
  let shared: Connection | null = null;
  const openConnection = (): Connection => {
    if (shared) return shared;
    const db = new Database(opts.path, { timeout: 1_000 });
    db.exec('PRAGMA journal_mode=WAL');
    shared = { db, totalChanges: db.prepare('SELECT total_changes()').raw(true).safeIntegers(true) };
    return shared;
  };

  /** Rolls back the transaction the stream left open — its own only, never another stream's. */
  const releaseConnection = (stream: Stream) => {
    // Between pipelines an open transaction always has an owner (updateLock), and a stream's
    // pipeline runs only while it owns the connection or nobody does: so with no owner, an
    // open transaction is the closing stream's own (BEGIN and close in one pipeline).
    if (lockOwner !== null && lockOwner !== stream) return;
    try {
      if (stream.conn.db.inTransaction) stream.conn.db.exec('ROLLBACK');
    } catch {
      // Nothing to undo.
    }
  };

  const updateLock = (stream: Stream) => {
    if (streams.has(stream.id) && stream.conn.db.inTransaction) {
      lockOwner = stream;
    } else if (lockOwner === stream) {
      lockOwner = null;
      const waiters = lockWaiters;
      lockWaiters = [];
      for (const w of waiters) w();
    }
  };

  const closeStream = (stream: Stream) => {
    if (!streams.delete(stream.id)) return;
    if (stream.timer) clearTimeout(stream.timer);
    releaseConnection(stream);
    updateLock(stream);
  };

  const touch = (stream: Stream) => {
    if (stream.timer) clearTimeout(stream.timer);
    stream.timer = setTimeout(() => closeStream(stream), idleStreamMs);
    stream.timer.unref?.();
  };

  const lockedByOther = (stream: Stream | null): boolean => lockOwner !== null && lockOwner !== stream && streams.has(lockOwner.id);

  /**
   * Waits while another stream holds a transaction open across requests; false when it still
   * does after lockWaitMs. The caller must check lockedByOther() again and run its requests in
   * the same synchronous step: waiters are woken together, and one that runs BEGIN first owns
   * the connection again before the others get to run.
   */
  const waitForLock = async (stream: Stream | null): Promise<boolean> => {
    const deadline = performance.now() + lockWaitMs;
    while (lockedByOther(stream)) {
      const left = deadline - performance.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        lockWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return true;
  };

  const sqlOf = (stream: Stream, r: { sql?: string; sql_id?: number }): string => {
    if (typeof r.sql === 'string') return r.sql;
    if (typeof r.sql_id === 'number') {
      const sql = stream.sqls.get(r.sql_id);
      if (sql === undefined) throw new HranaError(`SQL text ${r.sql_id} is not stored`, 'SQL_NOT_FOUND');
      return sql;
    }
    throw new HranaError('statement has neither sql nor sql_id', 'HRANA_PROTO_ERROR');
  };

  const execute = (stream: Stream, s: ProtoStmt) => {
    const sql = sqlOf(stream, s);
    const { db, totalChanges } = stream.conn;
    let stmt: Stmt;
    try {
      stmt = db.prepare(sql);
    } catch (err) {
      throw sqliteError(err);
    }
    const args = (s.args ?? []).map(decodeValue);
    const named = s.named_args ?? [];
    // libsql binds an object by parameter name and aborts the process on an anonymous `?`
    // bound that way; positional arguments go as a list (the trailing null keeps a lone
    // Buffer or null from being taken for an object of named parameters; extras are ignored).
    let bind: unknown[];
    if (named.length > 0) {
      if (scanParams(sql).anonymous) {
        throw new HranaError('anonymous ? parameters cannot be mixed with named arguments here; use ?NNN', 'ARGS_INVALID');
      }
      const obj: Record<string, unknown> = {};
      args.forEach((v, i) => (obj[String(i + 1)] = v));
      for (const a of named) obj[a.name.replace(/^[:@$?]/, '')] = decodeValue(a.value);
      bind = [obj];
    } else {
      bind = args.length ? [...args, null] : [];
    }
    try {
      if (stmt.reader) {
        // all(), not get(): get() leaves the statement active, holding a read snapshot on the
        // connection, and its next write then fails with SQLITE_BUSY (a stale snapshot).
        const before = (totalChanges.all() as [bigint][])[0]![0];
        stmt.raw(true).safeIntegers(true);
        const rows = stmt.all(...bind) as unknown[][];
        const changed = Number((totalChanges.all() as [bigint][])[0]![0] - before);
        const lastId = changed > 0 ? lastInsertRowid(db) : null;
        return {
          cols: stmt.columns().map((c) => ({ name: c.name, decltype: c.type ?? null })),
          rows: s.want_rows === false ? [] : rows.map((row) => row.map(encodeValue)),
          affected_row_count: changed,
          last_insert_rowid: lastId,
        };
      }
      const r = stmt.run(...bind);
      return { cols: [], rows: [], affected_row_count: r.changes, last_insert_rowid: r.lastInsertRowid === undefined ? null : String(r.lastInsertRowid) };
    } catch (err) {
      throw sqliteError(err);
    }
  };

  const lastInsertRowid = (db: Db): string => String((db.prepare('SELECT last_insert_rowid()').raw(true).safeIntegers(true).all() as [bigint][])[0]![0]);

  const batch = (stream: Stream, b: ProtoBatch) => {
    const results: (ReturnType<typeof execute> | null)[] = [];
    const errors: (ProtoError | null)[] = [];
    const holds = (c: ProtoCond): boolean => {
      switch (c.type) {
        case 'ok':
          return results[c.step] != null;
        case 'error':
          return errors[c.step] != null;
        case 'not':
          return !holds(c.cond);
        case 'and':
          return c.conds.every(holds);
        case 'or':
          return c.conds.some(holds);
        case 'is_autocommit':
          return !stream.conn.db.inTransaction;
        default:
          throw new HranaError(`unknown batch condition ${(c as { type: string }).type}`, 'HRANA_PROTO_ERROR');
      }
    };
    for (const step of b.steps ?? []) {
      if (step.condition && !holds(step.condition)) {
        results.push(null);
        errors.push(null);
        continue;
      }
      try {
        results.push(execute(stream, step.stmt));
        errors.push(null);
      } catch (err) {
        results.push(null);
        errors.push(toProtoError(err));
      }
    }
    return { step_results: results, step_errors: errors };
  };

  const describe = (stream: Stream, r: { sql?: string; sql_id?: number }) => {
    const sql = sqlOf(stream, r);
    let stmt: Stmt;
    try {
      stmt = stream.conn.db.prepare(sql);
    } catch (err) {
      throw sqliteError(err);
    }
    const reader = stmt.reader;
    return {
      params: scanParams(sql).names.map((name) => ({ name })),
      cols: reader ? stmt.columns().map((c) => ({ name: c.name, decltype: c.type ?? null })) : [],
      is_explain: /^\s*explain\b/i.test(sql),
      is_readonly: reader && isReadOnlySql(sql),
    };
  };

  const handle = (stream: Stream, req: ProtoRequest): Record<string, unknown> => {
    switch (req.type) {
      case 'execute':
        return { type: 'execute', result: execute(stream, req.stmt) };
      case 'batch':
        return { type: 'batch', result: batch(stream, req.batch) };
      case 'sequence':
        try {
          stream.conn.db.exec(sqlOf(stream, req));
        } catch (err) {
          throw err instanceof HranaError ? err : sqliteError(err);
        }
        return { type: 'sequence' };
      case 'describe':
        return { type: 'describe', result: describe(stream, req) };
      case 'store_sql':
        stream.sqls.set(req.sql_id, req.sql);
        return { type: 'store_sql' };
      case 'close_sql':
        stream.sqls.delete(req.sql_id);
        return { type: 'close_sql' };
      case 'get_autocommit':
        return { type: 'get_autocommit', is_autocommit: !stream.conn.db.inTransaction };
      case 'close':
        closeStream(stream);
        return { type: 'close' };
      default:
        throw new HranaError(`unknown request type ${(req as { type: string }).type}`, 'HRANA_PROTO_ERROR');
    }
  };

  const pipeline = async (body: { baton?: string | null; requests?: ProtoRequest[] }) => {
    let stream: Stream | null = null;
    if (body.baton) {
      const id = body.baton.split('.')[0]!;
      const found = streams.get(id);
      if (!found || found.baton !== body.baton) throw new HttpError(400, 'The baton is invalid or the stream has expired');
      stream = found;
    }
    const requests = Array.isArray(body.requests) ? body.requests : [];
    // Wait for the connection, then check again and run everything below without yielding:
    // any await between the check and the statements would let another stream's BEGIN in,
    // and these statements would run (and a close roll back) inside that transaction.
    while (lockedByOther(stream)) {
      if (!(await waitForLock(stream))) {
        // sqld's answer once its busy timeout has passed; the stream (if any) stays open.
        const busy = { type: 'error', error: { message: 'database is locked', code: 'SQLITE_BUSY' } };
        return { baton: body.baton ?? null, base_url: null, results: requests.map(() => busy) };
      }
    }
    if (!stream) {
      const id = randomBytes(8).toString('hex');
      stream = { id, baton: '', conn: openConnection(), sqls: new Map(), timer: null };
      streams.set(id, stream);
    }
    const results: Record<string, unknown>[] = [];
    for (const req of requests) {
      if (!streams.has(stream.id)) {
        results.push({ type: 'error', error: { message: 'The stream is closed', code: 'STREAM_CLOSED' } });
        continue;
      }
      try {
        results.push({ type: 'ok', response: handle(stream, req) });
      } catch (err) {
        results.push({ type: 'error', error: toProtoError(err) });
      }
    }
    let baton: string | null = null;
    if (streams.has(stream.id)) {
      stream.baton = `${stream.id}.${randomBytes(12).toString('hex')}`;
      baton = stream.baton;
      touch(stream);
    }
    updateLock(stream);
    return { baton, base_url: null, results };
  };

  const server: Server = createServer((req, res) => {
    void route(req, res).catch((err) => {
      const status = err instanceof HttpError ? err.status : 500;
      sendJson(res, status, { message: (err as Error).message });
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    if (req.method === 'GET' && (path === '/v2' || path === '/v1' || path === '/health' || path === '/')) {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    if (path.startsWith('/v3')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Hrana v3 is not served by this test server');
      return;
    }
    if (req.method === 'POST' && path === '/v2/pipeline') {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      let body: { baton?: string | null; requests?: ProtoRequest[] };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        throw new HttpError(400, 'The request body is not JSON');
      }
      sendJson(res, 200, await pipeline(body));
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const url = `http://${opts.host ?? '127.0.0.1'}:${addr.port}`;

  return {
    url,
    async close() {
      for (const s of [...streams.values()]) closeStream(s);
      shared?.db.close();
      shared = null;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

/** libsql's SqliteError carries extended codes (SQLITE_CONSTRAINT_PRIMARYKEY); Hrana sends the primary code, like the local client's `code`. */
function sqliteError(err: unknown): HranaError {
  const e = err as { message?: string; code?: string };
  const code = typeof e?.code === 'string' ? e.code.replace(/^(SQLITE_[A-Z]+)_[A-Z_]+$/, '$1') : 'SQLITE_ERROR';
  return new HranaError(e?.message ?? String(err), code);
}

function toProtoError(err: unknown): ProtoError {
  if (err instanceof HranaError) return { message: err.message, ...(err.code ? { code: err.code } : {}) };
  const e = sqliteError(err);
  return { message: e.message, ...(e.code ? { code: e.code } : {}) };
}

// ---------------------------------------------------------------------------------------------
// As a process.

const isMain = (() => {
  try {
    return !!process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href;
  } catch {
    return false;
  }
})();

if (isMain) {
  const [file, port] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: tsx test/support/hrana-server.ts <sqlite file> [port]\n');
    process.exit(2);
  }
  const server = await startHranaServer({ path: file, port: Number(port ?? 0) || 0 });
  process.stdout.write(`${server.url}\n`);
  const shutdown = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
