/** The inbox: durable dedupe of Lark events (event_id, and message_id for messages). */
import { and, isNull, lt, or, sql } from 'drizzle-orm';
import type { IncomingEvent } from '../bot/lark/events.js';
import type { Db } from './client.js';
import { inbox } from './schema.js';

/** Kept well past Lark's ~7.1 h retry horizon. */
export const INBOX_RETENTION_MS = 7 * 24 * 3600_000;

/**
 * Stores a new event; false when its event_id (or message_id) was seen before. Durable before
 * the webhook answers, so a restart never forgets it.
 */
export async function claimEvent(db: Db, e: IncomingEvent, now: Date, opts: { processed?: boolean; leaseMs?: number } = {}): Promise<boolean> {
  const leaseMs = opts.leaseMs ?? 60_000;
  const r = await db
    .insert(inbox)
    .values({
      eventId: e.eventId,
      messageId: e.kind === 'message' ? e.messageId : null,
      tenantKey: e.tenantKey,
      kind: e.kind,
      payload: JSON.stringify(e),
      receivedAt: now,
      processedAt: opts.processed ? now : null,
      attempts: 1,
      leaseUntil: opts.processed ? null : new Date(now.getTime() + leaseMs),
    })
    .onConflictDoNothing()
    .returning({ id: inbox.eventId });
  return r.length > 0;
}

/** Marks an event processed when its handler wrote nothing else (the commit marks it otherwise). */
export async function markProcessed(db: Db, eventId: string, now: Date, error?: string): Promise<void> {
  await db
    .update(inbox)
    .set({ processedAt: now, leaseUntil: null, error: error ?? null })
    .where(and(sql`${inbox.eventId} = ${eventId}`, isNull(inbox.processedAt)));
}

/** Events a crash left unprocessed, leased to this caller for another try. */
export async function leaseUnprocessed(db: Db, now: Date, limit = 50, leaseMs = 60_000): Promise<IncomingEvent[]> {
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

/** Drops dedupe rows older than the retention. */
export async function pruneInbox(db: Db, now: Date): Promise<void> {
  const cutoff = new Date(now.getTime() - INBOX_RETENTION_MS);
  await db.delete(inbox).where(and(lt(inbox.receivedAt, cutoff), or(sql`${inbox.processedAt} IS NOT NULL`, sql`${inbox.attempts} >= 5`)));
}
