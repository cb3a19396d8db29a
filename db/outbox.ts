/**
 * The durable outbox. Every message is a row first, written in the transaction of the change
 * that caused it; schedules/deliver.ts leases rows and sends them. Each row has its own Lark
 * `uuid`, so a resend after a crash between sending and marking is dropped by Lark.
 */
import { createHash, randomUUID } from 'node:crypto';
import { and, eq, gt, inArray, isNotNull, lte, sql } from 'drizzle-orm';
import type { OutMessage } from '../bot/domain/types.js';
import type { Db, Tx } from './client.js';
import { outbox } from './schema.js';

export type OutboxRow = typeof outbox.$inferSelect;

/** The rate-limit key of a message: Lark limits sends per chat and per user. */
export function rateKeyOf(m: OutMessage): string {
  switch (m.kind) {
    case 'send':
    case 'file':
      return m.to.type === 'chat_id' ? `chat:${m.to.id}` : `user:${m.to.id}`;
    case 'reply':
      return m.chatId ? `chat:${m.chatId}` : `msg:${m.messageId}`;
    case 'card_update':
      // The recipient's key, as for a send: a card too old to PATCH is sent afresh to the chat
      // or the person, and Lark's 5 per second per chat or user counts it there (频控策略).
      // The key (with the task) also tells the group card from each assignee's p2p card.
      return m.assignee ? `user:${m.assignee}` : `chat:${m.chatId}`;
    case 'urgent':
      return `urgent:${m.messageId}`;
    case 'pin':
      return `pin:${m.chatId}`;
    case 'reaction':
      return `reaction:${m.messageId}`;
  }
}

/**
 * A Lark `uuid` that is a function of `key` (a batch's recipient and slot): the same message
 * enqueued twice would carry the same uuid, and Lark sends a uuid once within an hour
 * (https://open.feishu.cn/document/server-docs/im-v1/message/create, `uuid`).
 */
export function stableUuid(key: string): string {
  const h = createHash('sha256').update(key).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export async function enqueueMessages(tx: Tx | Db, tenantKey: string, messages: readonly OutMessage[], now: Date): Promise<void> {
  if (messages.length === 0) return;
  await tx.insert(outbox).values(
    messages.map((m) => {
      const { bytes, rest } = m.kind === 'file' ? { bytes: Buffer.from(m.bytes), rest: { ...m, bytes: undefined } } : { bytes: null, rest: m };
      return {
        uuid: ('uuid' in m && m.uuid) || randomUUID(),
        tenantKey,
        kind: m.kind,
        rateKey: rateKeyOf(m),
        body: JSON.stringify(rest),
        bytes,
        taskId: 'taskId' in m && typeof m.taskId === 'number' ? m.taskId : null,
        nextAttemptAt: now,
        createdAt: now,
      };
    }),
  );
}

/**
 * Leases up to `limit` due rows for `leaseMs` in one statement, so two senders (two processes,
 * or a worker and a process) never take the same row at once.
 */
export async function leaseDue(db: Db, now: Date, limit: number, leaseMs = 60_000): Promise<OutboxRow[]> {
  const t = now.getTime();
  const rows = await db.all<Record<string, unknown>>(sql`
    UPDATE outbox SET lease_until = ${t + leaseMs}, attempts = attempts + 1
    WHERE id IN (
      SELECT id FROM outbox
      WHERE status = 'pending' AND next_attempt_at <= ${t} AND (lease_until IS NULL OR lease_until < ${t})
      ORDER BY id LIMIT ${limit}
    )
    RETURNING *`);
  return rows.map(fromRaw).sort((a, b) => a.id - b.id);
}

function fromRaw(r: Record<string, unknown>): OutboxRow {
  const ms = (v: unknown) => (v === null || v === undefined ? null : new Date(Number(v)));
  return {
    id: Number(r.id),
    uuid: String(r.uuid),
    tenantKey: String(r.tenant_key),
    kind: String(r.kind),
    rateKey: String(r.rate_key),
    body: String(r.body),
    bytes: r.bytes ? Buffer.from(r.bytes as ArrayBuffer) : null,
    taskId: r.task_id === null ? null : Number(r.task_id),
    status: String(r.status),
    attempts: Number(r.attempts),
    nextAttemptAt: ms(r.next_attempt_at)!,
    leaseUntil: ms(r.lease_until),
    lastError: (r.last_error as string | null) ?? null,
    createdAt: ms(r.created_at)!,
    sentAt: ms(r.sent_at),
    resultMessageId: (r.result_message_id as string | null) ?? null,
  };
}

export async function markSent(tx: Tx | Db, id: number, now: Date, messageId: string | null): Promise<void> {
  await tx.update(outbox).set({ status: 'sent', sentAt: now, resultMessageId: messageId, leaseUntil: null, lastError: null }).where(eq(outbox.id, id));
}

/**
 * Written on a 加急 row just before its call (Lark's urgent API has no idempotency key): a
 * later lease that still finds it knows the process died during the call, outcome unknown.
 */
export const URGENT_IN_FLIGHT = 'urgent call in flight';

export async function markUrgentInFlight(db: Db, id: number): Promise<void> {
  await db.update(outbox).set({ lastError: URGENT_IN_FLIGHT }).where(eq(outbox.id, id));
}

export async function markFailed(tx: Tx | Db, id: number, reason: string, status: 'failed' | 'superseded' = 'failed'): Promise<void> {
  await tx
    .update(outbox)
    .set({ status, lastError: reason.slice(0, 500), leaseUntil: null })
    .where(eq(outbox.id, id));
}

export async function reschedule(db: Db, id: number, at: Date, reason: string, countAttempt = true): Promise<void> {
  await db
    .update(outbox)
    .set({
      nextAttemptAt: at,
      leaseUntil: null,
      lastError: reason.slice(0, 500),
      // A rate-limit wait is not a failed attempt: give the attempt back.
      ...(countAttempt ? {} : { attempts: sql`max(${outbox.attempts} - 1, 0)` }),
    })
    .where(eq(outbox.id, id));
}

/** Is there a newer pending update of the same card? Then this one is superseded. */
export async function hasNewerCardUpdate(db: Db, row: OutboxRow): Promise<boolean> {
  const [r] = await db
    .select({ id: outbox.id })
    .from(outbox)
    .where(
      and(
        eq(outbox.kind, 'card_update'),
        eq(outbox.taskId, row.taskId ?? -1),
        eq(outbox.rateKey, row.rateKey),
        eq(outbox.status, 'pending'),
        gt(outbox.id, row.id),
      ),
    )
    .limit(1);
  return Boolean(r);
}

/** Earliest next attempt among pending rows, for the in-process timer. */
/**
 * Hands back rows a failed drain had leased and not settled: due again at once, not only when
 * their lease runs out. A row settled meanwhile (sent, failed) is left as it is.
 */
export async function releaseLeases(db: Db, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(outbox)
    .set({ leaseUntil: null, attempts: sql`max(${outbox.attempts} - 1, 0)` })
    .where(and(inArray(outbox.id, ids), eq(outbox.status, 'pending'), isNotNull(outbox.leaseUntil)));
}

export async function nextDueAt(db: Db): Promise<Date | null> {
  const [r] = await db
    .select({ at: sql<number>`min(coalesce(max(${outbox.nextAttemptAt}, coalesce(${outbox.leaseUntil}, 0)), ${outbox.nextAttemptAt}))` })
    .from(outbox)
    .where(eq(outbox.status, 'pending'));
  return r?.at ? new Date(Number(r.at)) : null;
}

/** Pending messages due by `until` (the sandbox waits for these before it shows the page). */
export async function pendingDueBy(db: Db, until: Date): Promise<number> {
  const [r] = await db
    .select({ n: sql<number>`count(*)` })
    .from(outbox)
    .where(and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, until)));
  return Number(r?.n ?? 0);
}

export async function pendingCount(db: Db): Promise<number> {
  const [r] = await db.select({ n: sql<number>`count(*)` }).from(outbox).where(eq(outbox.status, 'pending'));
  return Number(r?.n ?? 0);
}

/**
 * Is the task's first card still waiting to go out — the group card, or with `assignee` that
 * person's p2p card? Its updates wait for its message id.
 */
export async function hasPendingTaskCard(db: Db, taskId: number, assignee?: string): Promise<boolean> {
  const [r] = await db
    .select({ id: outbox.id })
    .from(outbox)
    .where(
      and(
        eq(outbox.taskId, taskId),
        eq(outbox.kind, 'send'),
        eq(outbox.status, 'pending'),
        assignee
          ? and(eq(outbox.rateKey, `user:${assignee}`), sql`${outbox.body} LIKE '%"purpose":"assignee_card"%'`)
          : sql`${outbox.body} LIKE '%"purpose":"task_card"%'`,
      ),
    )
    .limit(1);
  return Boolean(r);
}
