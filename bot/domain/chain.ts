/**
 * The 督查台账 is a hash chain per task: every task_events row carries the hash of the row
 * before it (seq 1 points at a genesis hash derived from the tenant and task), so a row
 * edited, removed or reordered directly in the database breaks the chain at that point.
 *
 * The encoding is canonical JSON — object keys sorted, no whitespace, Dates as ISO strings —
 * so the same event hashes the same on Node and on Workers, today and after a re-read
 * from the database (payload is stored as canonicalJson and parsed back before hashing).
 */
import { createHash } from 'node:crypto';

/** JSON with sorted keys and no whitespace; Dates become ISO strings, undefined members drop. */
export function canonicalJson(value: unknown): string {
  return encode(value) ?? 'null';
}

function encode(value: unknown): string | undefined {
  if (value === null) return 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return JSON.stringify(value.toString());
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (Array.isArray(value)) {
    return `[${value.map((v) => encode(v) ?? 'null').join(',')}]`;
  }
  const obj = value as Record<string, unknown>;
  if (typeof (obj as { toJSON?: unknown }).toJSON === 'function') {
    return encode((obj as { toJSON(): unknown }).toJSON());
  }
  const parts: string[] = [];
  for (const key of Object.keys(obj).sort()) {
    const v = encode(obj[key]);
    if (v !== undefined) parts.push(`${JSON.stringify(key)}:${v}`);
  }
  return `{${parts.join(',')}}`;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** prev_hash of a task's first event. */
export function genesisHash(tenantKey: string, taskId: number): string {
  return sha256(canonicalJson({ genesis: 'duban/task_events/v1', tenantKey, taskId }));
}

export interface ChainEvent {
  tenantKey: string;
  taskId: number;
  seq: number;
  kind: string;
  actorId: string;
  payload: Record<string, unknown>;
  at: Date;
}

/** hex SHA-256 over the canonical JSON of the event's fields and the previous hash. */
export function eventHash(prevHash: string, e: ChainEvent): string {
  return sha256(
    canonicalJson({
      prevHash,
      tenantKey: e.tenantKey,
      taskId: e.taskId,
      seq: e.seq,
      kind: e.kind,
      actorId: e.actorId,
      payload: e.payload,
      at: e.at,
    }),
  );
}

/** A task_events row as read back: payload may still be the stored JSON text. */
export interface ChainRow extends Omit<ChainEvent, 'payload'> {
  payload: Record<string, unknown> | string;
  prevHash: string;
  hash: string;
}

export interface ChainBreak {
  taskId: number;
  seq: number;
  reason: 'hash_mismatch' | 'prev_mismatch' | 'seq_gap';
}

/** Where a walk over one task's chain stands between pages. */
export interface ChainCursor {
  taskId: number;
  seq: number;
  hash: string;
}

function payloadOf(row: ChainRow): Record<string, unknown> | null {
  if (typeof row.payload !== 'string') return row.payload;
  try {
    const parsed: unknown = JSON.parse(row.payload);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * The first broken link among rows ordered by (taskId, seq), or null. `cursor` carries the
 * last row of the previous page so a chain split across pages is still checked end to end;
 * `verifyChainFrom` returns the new cursor alongside.
 */
export function verifyChain(rows: readonly ChainRow[]): ChainBreak | null {
  return verifyChainFrom(rows, null).broken;
}

export function verifyChainFrom(rows: readonly ChainRow[], cursor: ChainCursor | null): { broken: ChainBreak | null; cursor: ChainCursor | null } {
  let last = cursor;
  for (const row of rows) {
    const continuing = last !== null && last.taskId === row.taskId;
    const expectedSeq = continuing ? last!.seq + 1 : 1;
    if (row.seq !== expectedSeq) {
      return { broken: { taskId: row.taskId, seq: row.seq, reason: 'seq_gap' }, cursor: last };
    }
    const expectedPrev = continuing ? last!.hash : genesisHash(row.tenantKey, row.taskId);
    if (row.prevHash !== expectedPrev) {
      return { broken: { taskId: row.taskId, seq: row.seq, reason: 'prev_mismatch' }, cursor: last };
    }
    const payload = payloadOf(row);
    const at = row.at instanceof Date ? row.at : new Date(row.at as unknown as number);
    if (payload === null || eventHash(row.prevHash, { ...row, payload, at }) !== row.hash) {
      return { broken: { taskId: row.taskId, seq: row.seq, reason: 'hash_mismatch' }, cursor: last };
    }
    last = { taskId: row.taskId, seq: row.seq, hash: row.hash };
  }
  return { broken: null, cursor: last };
}
