/** Appending to the hash-chained event log (task_events). Only ever INSERT. */
import { and, asc, desc, eq, gt, or, sql } from 'drizzle-orm';
import { canonicalJson, eventHash, genesisHash, type ChainCursor, type ChainRow } from '../bot/domain/chain.js';
import type { TaskEvent } from '../bot/domain/types.js';
import type { Db, Tx } from './client.js';
import { taskEvents } from './schema.js';

/** Appends events to one task's chain inside the caller's transaction. */
export async function appendEvents(tx: Tx | Db, tenantKey: string, taskId: number, events: ReadonlyArray<Omit<TaskEvent, 'taskId'>>): Promise<void> {
  if (events.length === 0) return;
  const [last] = await tx
    .select({ seq: taskEvents.seq, hash: taskEvents.hash })
    .from(taskEvents)
    .where(eq(taskEvents.taskId, taskId))
    .orderBy(desc(taskEvents.seq))
    .limit(1);
  await tx.insert(taskEvents).values(chainRows(tenantKey, taskId, events, last ?? null));
}

/** Rows per INSERT when many new tasks' first events are written at once. */
const ROWS_PER_INSERT = 200;

/** The first events of tasks just created (no chain yet): their chains start at the genesis hash, written in a few multi-row INSERTs. */
export async function startChains(
  tx: Tx | Db,
  tenantKey: string,
  items: ReadonlyArray<{ taskId: number; events: ReadonlyArray<Omit<TaskEvent, 'taskId'>> }>,
): Promise<void> {
  const rows = items.flatMap((it) => chainRows(tenantKey, it.taskId, it.events, null));
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) await tx.insert(taskEvents).values(rows.slice(i, i + ROWS_PER_INSERT));
}

/** The rows of events following `last` (or the genesis hash) on one task's chain. */
function chainRows(tenantKey: string, taskId: number, events: ReadonlyArray<Omit<TaskEvent, 'taskId'>>, last: { seq: number; hash: string } | null) {
  let seq = last?.seq ?? 0;
  let prev = last?.hash ?? genesisHash(tenantKey, taskId);
  return events.map((e) => {
    seq += 1;
    // Store exactly what is hashed: the payload as canonical JSON, the time in whole ms.
    const payload = JSON.parse(canonicalJson(e.payload)) as Record<string, unknown>;
    const at = new Date(e.at.getTime());
    const hash = eventHash(prev, { tenantKey, taskId, seq, kind: e.kind, actorId: e.actorId, payload, at });
    const row = { tenantKey, taskId, seq, kind: e.kind, actorId: e.actorId, payload: canonicalJson(payload), at, prevHash: prev, hash };
    prev = hash;
    return row;
  });
}

/** 整改 rounds a task has had: its 回头看 answered 需要整改 (revisit_answered with holds false). */
export async function countReworks(db: Db | Tx, taskId: number): Promise<number> {
  const rows = await db
    .select({ n: sql<number>`count(*)` })
    .from(taskEvents)
    .where(and(eq(taskEvents.taskId, taskId), eq(taskEvents.kind, 'revisit_answered'), sql`json_extract(${taskEvents.payload}, '$.holds') = 0`));
  return Number(rows[0]?.n ?? 0);
}

export async function listEvents(db: Db | Tx, taskId: number): Promise<TaskEvent[]> {
  const rows = await db.select().from(taskEvents).where(eq(taskEvents.taskId, taskId)).orderBy(taskEvents.seq);
  return rows.map((r) => ({
    taskId: r.taskId,
    kind: r.kind as TaskEvent['kind'],
    actorId: r.actorId,
    payload: JSON.parse(r.payload) as Record<string, unknown>,
    at: r.at,
  }));
}

/** Up to `limit` events in (task_id, seq) order after `after` (from the start when null), on the unique index. */
export async function eventChainPage(db: Db, after: Pick<ChainCursor, 'taskId' | 'seq'> | null, limit: number): Promise<ChainRow[]> {
  return db
    .select({
      tenantKey: taskEvents.tenantKey,
      taskId: taskEvents.taskId,
      seq: taskEvents.seq,
      kind: taskEvents.kind,
      actorId: taskEvents.actorId,
      payload: taskEvents.payload,
      at: taskEvents.at,
      prevHash: taskEvents.prevHash,
      hash: taskEvents.hash,
    })
    .from(taskEvents)
    .where(after ? or(gt(taskEvents.taskId, after.taskId), and(eq(taskEvents.taskId, after.taskId), gt(taskEvents.seq, after.seq))) : undefined)
    .orderBy(asc(taskEvents.taskId), asc(taskEvents.seq))
    .limit(limit);
}
