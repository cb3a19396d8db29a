/** The inbox: durable dedupe of Lark events (event_id, and message_id for messages). */
import type { InValue } from '@libsql/client';
import { and, isNull, lt, or, sql } from 'drizzle-orm';
import type { IncomingEvent } from '../bot/lark/events.js';
import { nextTurn } from '../bot/turn.js';
import { type Db, executeFirst } from './client.js';
import { inbox } from './schema.js';

/** Kept well past Lark's ~7.1 h retry horizon. */
export const INBOX_RETENTION_MS = 7 * 24 * 3600_000;
/**
 * How long a claim or a lease keeps an event this process's: past it, another process (or this
 * one after a restart) may lease it. Renewed while the event waits or is processed (bot/ingest.ts).
 */
export const INBOX_LEASE_MS = 60_000;
/** Rows per INSERT: 9 columns each stays far below SQLite's 32,766 bound variables. */
const MAX_BATCH = 500;

/** The columns a claim writes, in the order of its arguments. */
const CLAIM_COLUMNS = ['event_id', 'message_id', 'tenant_key', 'kind', 'payload', 'received_at', 'processed_at', 'attempts', 'lease_until'] as const;
const CLAIM_ROW = `(${CLAIM_COLUMNS.map(() => '?').join(', ')})`;

interface Claim {
  eventId: string;
  messageId: string | null;
  args: InValue[];
  resolve(claimed: boolean): void;
  reject(err: unknown): void;
}

/** Claims waiting for the next INSERT, per database handle (a Worker's handle lives one request). */
const queues = new WeakMap<Db, { waiting: Claim[]; running: boolean }>();

/**
 * Stores a new event; false when its event_id (or message_id) was seen before. Durable before
 * the webhook answers, so a restart never forgets it.
 *
 * Claims made in one turn of the event loop go in together (group commit): under load one write
 * lock, one statement and one commit serve dozens of events; alone, a claim waits one turn.
 */
export function claimEvent(db: Db, e: IncomingEvent, now: Date, opts: { processed?: boolean; leaseMs?: number } = {}): Promise<boolean> {
  const leaseMs = opts.leaseMs ?? INBOX_LEASE_MS;
  const messageId = e.kind === 'message' ? e.messageId : null;
  const at = now.getTime();
  const args: InValue[] = [
    e.eventId,
    messageId,
    e.tenantKey,
    e.kind,
    // What is done at once (a group message not for the bot) keeps only what dedupe needs:
    // its ids, never what was said or by whom.
    opts.processed ? '{}' : JSON.stringify(e),
    at,
    opts.processed ? at : null,
    1,
    opts.processed ? null : at + leaseMs,
  ];
  let queue = queues.get(db);
  if (!queue) {
    queue = { waiting: [], running: false };
    queues.set(db, queue);
  }
  const q = queue;
  return new Promise<boolean>((resolve, reject) => {
    q.waiting.push({ eventId: e.eventId, messageId, args, resolve, reject });
    if (!q.running) {
      q.running = true;
      // After this turn of the event loop, so every request read in it joins the same INSERT.
      void nextTurn().then(() => drainClaims(db, q));
    }
  });
}

async function drainClaims(db: Db, q: { waiting: Claim[]; running: boolean }): Promise<void> {
  try {
    while (q.waiting.length > 0) {
      const batch = q.waiting.splice(0, MAX_BATCH);
      // A second copy inside one batch (Lark retrying while the first is being stored) is a duplicate.
      const firsts = new Set<Claim>();
      const seen = new Set<string>();
      for (const c of batch) {
        const keys = [`e:${c.eventId}`, ...(c.messageId ? [`m:${c.messageId}`] : [])];
        if (keys.some((k) => seen.has(k))) continue;
        keys.forEach((k) => seen.add(k));
        firsts.add(c);
      }
      try {
        // One plain statement: for a batch, drizzle's query builder costs as much as SQLite does.
        const rows = [...firsts];
        // Ahead of the processing transactions waiting for the writer: an ack waits for this.
        const stored = await executeFirst(db.$client, {
          sql: `INSERT INTO inbox (${CLAIM_COLUMNS.join(', ')}) VALUES ${rows.map(() => CLAIM_ROW).join(', ')} ON CONFLICT DO NOTHING RETURNING event_id`,
          args: rows.flatMap((c) => c.args),
        });
        const ids = new Set(stored.rows.map((r) => String(r.event_id)));
        for (const c of batch) c.resolve(firsts.has(c) && ids.has(c.eventId));
      } catch (err) {
        for (const c of batch) c.reject(err);
      }
    }
  } finally {
    q.running = false;
  }
}

/** Marks an event processed when its handler wrote nothing else (the commit marks it otherwise). */
export async function markProcessed(db: Db, eventId: string, now: Date, error?: string): Promise<void> {
  await db
    .update(inbox)
    .set({ processedAt: now, leaseUntil: null, error: error ?? null })
    .where(and(sql`${inbox.eventId} = ${eventId}`, isNull(inbox.processedAt)));
}

/** Events a crash left unprocessed, leased to this caller for another try. */
export async function leaseUnprocessed(db: Db, now: Date, limit = 50, leaseMs = INBOX_LEASE_MS): Promise<IncomingEvent[]> {
  const t = now.getTime();
  const rows = await db.all<{ payload: string }>(sql`
    UPDATE inbox SET lease_until = ${t + leaseMs}, attempts = attempts + 1
    WHERE event_id IN (
      SELECT event_id FROM inbox
      WHERE processed_at IS NULL AND attempts < 5 AND (lease_until IS NULL OR lease_until < ${t})
      ORDER BY received_at LIMIT ${limit}
    )
    RETURNING payload`);
  return rows.map((r) => JSON.parse(r.payload) as IncomingEvent);
}

/**
 * Renews the leases of events this process holds (queued or being processed) until
 * `until`: only rows still unprocessed whose lease has not run out, since a lapsed lease may
 * be another process's by now. Returns the ids renewed; the others are no longer this
 * process's to process.
 */
export async function renewLeases(db: Db, eventIds: readonly string[], now: Date, until: Date): Promise<Set<string>> {
  const renewed = new Set<string>();
  for (let i = 0; i < eventIds.length; i += MAX_BATCH) {
    const ids = eventIds.slice(i, i + MAX_BATCH);
    const r = await db.$client.execute({
      sql: `UPDATE inbox SET lease_until = ? WHERE processed_at IS NULL AND lease_until >= ? AND event_id IN (${ids.map(() => '?').join(', ')}) RETURNING event_id`,
      args: [until.getTime(), now.getTime(), ...ids],
    });
    for (const row of r.rows) renewed.add(String(row.event_id));
  }
  return renewed;
}

/** How far behind processing is, across every process on this database: events claimed, not yet processed. */
export async function inboxBacklog(db: Db, now: Date): Promise<{ unprocessed: number; oldestWaitingMs: number }> {
  const r = await db.$client.execute('SELECT count(*) AS n, min(received_at) AS oldest FROM inbox WHERE processed_at IS NULL AND attempts < 5');
  const row = r.rows[0];
  const oldest = row?.oldest == null ? null : Number(row.oldest);
  return { unprocessed: Number(row?.n ?? 0), oldestWaitingMs: oldest === null ? 0 : Math.max(0, now.getTime() - oldest) };
}

/** A message the bot received, as normalized, while its row is kept (the retention); null otherwise. */
export async function receivedMessage(db: Db, messageId: string): Promise<Extract<IncomingEvent, { kind: 'message' }> | null> {
  const [row] = await db.select({ payload: inbox.payload }).from(inbox).where(sql`${inbox.messageId} = ${messageId}`).limit(1);
  if (!row) return null;
  try {
    const e = JSON.parse(row.payload) as IncomingEvent;
    return e.kind === 'message' ? e : null;
  } catch {
    return null;
  }
}

/** Drops dedupe rows older than the retention. */
export async function pruneInbox(db: Db, now: Date): Promise<void> {
  const cutoff = new Date(now.getTime() - INBOX_RETENTION_MS);
  await db.delete(inbox).where(and(lt(inbox.receivedAt, cutoff), or(sql`${inbox.processedAt} IS NOT NULL`, sql`${inbox.attempts} >= 5`)));
}
