/**
 * The outbox sender: leases due rows, sends them through LarkApi at Lark's rate limits, and
 * marks them sent — or reschedules them (5xx, timeouts, 429 / 99991400 / 230020 with the
 * platform's reset hint or an exponential backoff), or marks them failed for good (bot removed
 * from the chat, user resigned, bad card) with the reason. Rows to one recipient go in order.
 */
import { groupCardOf, latestAssigneeCard, recordBatchMessage, recordBotMessage } from '../db/tasks.js';
import { recordReminderMessage } from '../db/reads.js';
import {
  enqueueMessages,
  hasNewerCardUpdate,
  hasPendingTaskCard,
  leaseDue,
  markFailed,
  markSent,
  markUrgentInFlight,
  nextDueAt,
  releaseLeases,
  reschedule,
  URGENT_IN_FLIGHT,
  type OutboxRow,
} from '../db/outbox.js';
import type { Deps } from '../bot/deps.js';
import type { OutMessage, Recipient } from '../bot/domain/types.js';
import { LarkApiError } from '../bot/lark/api.js';
import { RateLimiter, shareOfLimits } from '../bot/lark/rate.js';

/** Lark refuses PATCH on messages older than 14 days (230031): send a fresh card instead. */
const PATCH_MAX_AGE_MS = 14 * 24 * 3600_000 - 3600_000;
/** Transient failures are retried this many times (≈ 6 h with the backoff below), then failed. */
const MAX_ATTEMPTS = 40;
/** Why a 加急 whose outcome is unknown is dropped: a second buzz is worse than a missing one. */
const URGENT_UNSURE = 'no answer from Lark: the 加急 may have gone out, so it is not repeated';
const CONCURRENCY = 8;
/** Reply targets that no longer exist: recalled (230011) or unknown (230001). */
const REPLY_TARGET_GONE = new Set([230011, 230001]);
/** Waits shorter than this are slept in place; longer ones go back to the table. */
const MAX_INLINE_WAIT_MS = 3_000;

export function backoffMs(attempts: number): number {
  return Math.min(1_000 * 2 ** Math.max(0, attempts - 1), 10 * 60_000);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends, replies, files and card updates count toward the app's 50/s and 1000/min; 加急 has its own limit. */
const countsForApp = (row: OutboxRow): boolean => row.kind !== 'urgent' && row.kind !== 'pin';

export interface DrainResult {
  sent: number;
  failed: number;
  retried: number;
}

export interface OutboxSenderOptions {
  limiter?: RateLimiter;
  /**
   * Wake itself with a timer for rows a retry pushed later (default true): right for a
   * long-running process. A Worker request follows up its retries itself and ends, so its
   * sender must not: a drain the timer starts belongs to no request, and the request's end
   * closes the database under it, leaving the row it took leased for a minute.
   */
  retryTimer?: boolean;
}

/**
 * One sender per process: its rate limiter outlives a single drain, so bursts from many
 * drains still keep to the platform's limits. Its drains run one at a time, in its one slot
 * (kick, drainExclusive); `drain` itself is the bare loop.
 */
export class OutboxSender {
  private running: Promise<DrainResult> | null = null;
  private again = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  /** Drains in a row that failed as a whole: the next one waits longer each time. */
  private failures = 0;
  readonly limiter: RateLimiter;
  private readonly retryTimer: boolean;

  constructor(
    private readonly deps: Omit<Deps, 'kickOutbox'>,
    opts: OutboxSenderOptions = {},
  ) {
    // Several processes on one database each keep to their share of the app's limits.
    const share = shareOfLimits(deps.config.DUBAN_SENDERS ?? 1);
    this.limiter = opts.limiter ?? new RateLimiter(share.app, share.key);
    this.retryTimer = opts.retryTimer ?? true;
  }

  /** Drains soon; coalesces kicks while a drain runs. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.occupy(this.drain());
  }

  /**
   * Drains in the sender's one slot, after the drain under way if any: two drains at once would
   * lease one recipient's rows in two batches and could send them out of order.
   */
  async drainExclusive(deadline: number): Promise<DrainResult> {
    while (this.running) await this.running;
    const run = this.drain(deadline);
    this.occupy(run);
    return run;
  }

  /** Holds the sender's one slot for a drain; a kick that came meanwhile drains again after it. */
  private occupy(run: Promise<DrainResult>): void {
    this.running = run
      .then((result) => {
        this.failures = 0;
        return result;
      })
      .catch((err) => {
        // Nothing else may come to kick the sender (a quiet afternoon): it tries again itself.
        const waitMs = backoffMs(++this.failures);
        this.deps.log.error({ err, retry_in_ms: waitMs }, 'outbox drain failed');
        this.wakeAt(new Date(this.deps.clock.now().getTime() + waitMs));
        return { sent: 0, failed: 0, retried: 0 };
      })
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Retries come due later: one timer wakes the sender for the earliest of them. */
  wakeAt(at: Date): void {
    if (this.stopped || !this.retryTimer) return;
    const delay = Math.max(50, at.getTime() - this.deps.clock.now().getTime());
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.kick();
      },
      Math.min(delay, 60_000),
    );
    this.timer.unref?.();
  }

  /** Waits for the current drain (graceful shutdown, tests). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /**
   * Stops, then waits for the drain under way: the database may be closed after this. Closed
   * under a drain, the row being sent would stay leased (unsendable) until its lease ran out.
   */
  async shutdown(): Promise<void> {
    this.stop();
    await this.idle();
  }

  /**
   * Sends everything due now; returns when nothing due is left (or the deadline passes). The
   * bare loop, outside the sender's slot: whatever may run beside a kick uses drainExclusive.
   */
  async drain(deadline = Infinity): Promise<DrainResult> {
    const result: DrainResult = { sent: 0, failed: 0, retried: 0 };
    let earliestRetry: Date | null = null;
    // Rows leased and not yet settled: a drain that fails hands them back (releaseLeases) rather
    // than leaving them unsendable until their lease runs out.
    const held = new Set<number>();
    try {
      await this.drainRows(deadline, held, result, (at) => {
        if (!earliestRetry || at < earliestRetry) earliestRetry = at;
      });
    } catch (err) {
      await releaseLeases(this.deps.db, [...held]).catch((e) => this.deps.log.warn({ err: e }, 'outbox leases not handed back'));
      throw err;
    }
    // The timer is for the earliest row still waiting, whichever drain pushed it back: waking
    // for this drain's own retries only would strand rows an earlier drain put later.
    if (earliestRetry || result.sent || result.failed) {
      const next = await nextDueAt(this.deps.db);
      if (next) this.wakeAt(next);
    }
    return result;
  }

  /** The drain's loop: leases due rows and sends them, recipient by recipient, in id order. */
  private async drainRows(deadline: number, held: Set<number>, result: DrainResult, retryAt: (at: Date) => void): Promise<void> {
    const settle = async (row: OutboxRow, at: Date, reason: string) => {
      await reschedule(this.deps.db, row.id, at, reason, false);
      held.delete(row.id);
    };
    while (Date.now() < deadline) {
      const rows = await leaseDue(this.deps.db, this.deps.clock.now(), 200);
      if (rows.length === 0) break;
      for (const r of rows) held.add(r.id);
      const byKey = new Map<string, OutboxRow[]>();
      for (const r of rows) byKey.set(r.rateKey, [...(byKey.get(r.rateKey) ?? []), r]);
      const queues = [...byKey.values()];
      const busy = new Set<OutboxRow[]>();
      const drop = (q: OutboxRow[]) => {
        const i = queues.indexOf(q);
        if (i >= 0) queues.splice(i, 1);
      };
      // Each worker sends the head of the first recipient queue the limiter lets through now,
      // so a recipient at its 5/s limit holds back only its own queue, never a worker. One
      // message per recipient is in flight at a time, in id order.
      const workers = Array.from({ length: Math.min(CONCURRENCY, queues.length) }, async () => {
        for (;;) {
          let picked: OutboxRow[] | null = null;
          let soonest = Infinity;
          for (const q of [...queues]) {
            if (busy.has(q) || !queues.includes(q)) continue;
            const wait = this.limiter.take(q[0]!.rateKey, Date.now(), countsForApp(q[0]!));
            if (wait === 0) {
              picked = q;
              break;
            }
            if (wait > MAX_INLINE_WAIT_MS) {
              // Too long to hold the lease for: the queue goes back to the table, due then.
              drop(q);
              const at = new Date(this.deps.clock.now().getTime() + wait);
              result.retried++;
              retryAt(at);
              for (const row of q) await settle(row, at, 'rate limit (client side)');
              continue;
            }
            soonest = Math.min(soonest, wait);
          }
          if (!picked) {
            // Nothing sendable: what is left is being sent by other workers, or waits a moment.
            if (soonest === Infinity) return;
            await sleep(soonest);
            continue;
          }
          const q = picked;
          busy.add(q);
          const row = q.shift()!;
          const outcome = await this.deliver(row);
          held.delete(row.id);
          busy.delete(q);
          if (q.length === 0) drop(q);
          if (outcome === 'sent') result.sent++;
          else if (outcome === 'failed') result.failed++;
          else {
            result.retried++;
            retryAt(outcome);
            // Keep this recipient's order: the rest of its queue goes back, due with this one.
            if (q.length) drop(q);
            for (const later of q) await settle(later, outcome, 'waiting behind an earlier message');
          }
        }
      });
      // Every worker ends before a failure is passed on: a row still being sent must not be
      // handed back under it.
      const failed = (await Promise.allSettled(workers)).find((w) => w.status === 'rejected');
      if (failed) throw failed.reason;
    }
  }

  /**
   * Sends one row, whose rate-limit slot the caller has taken (and this gives back).
   * Returns 'sent', 'failed', or the time it was rescheduled to.
   */
  private async deliver(row: OutboxRow): Promise<'sent' | 'failed' | Date> {
    const { db, log } = this.deps;
    const msg = JSON.parse(row.body) as OutMessage;
    try {
      let messageId: string | null | 'wait';
      try {
        if (msg.kind === 'card_update' && (await hasNewerCardUpdate(db, row))) {
          await markFailed(db, row.id, 'superseded by a newer card update', 'superseded');
          return 'sent';
        }
        if (msg.kind === 'urgent') {
          // A buzz must not be repeated: one whose call the process died in may have gone out.
          if (row.lastError === URGENT_IN_FLIGHT) {
            await markFailed(db, row.id, URGENT_UNSURE);
            return 'failed';
          }
          await markUrgentInFlight(db, row.id);
        }
        messageId = await this.perform(row, msg);
      } finally {
        this.limiter.finish(row.rateKey, Date.now(), countsForApp(row));
      }
      this.limiter.succeeded(row.rateKey);
      if (messageId === 'wait') {
        const at = new Date(this.deps.clock.now().getTime() + 1_000);
        await reschedule(db, row.id, at, 'waiting for the task card to be sent', false);
        return at;
      }
      await this.recordSent(row, msg, messageId);
      return 'sent';
    } catch (err) {
      const now = this.deps.clock.now();
      if (err instanceof LarkApiError) {
        if (err.isRateLimit) {
          // x-ogw-ratelimit-reset says how long; 230020 says nothing: back off exponentially.
          let waitMs: number;
          if (err.retryAfterMs !== null) {
            waitMs = err.retryAfterMs;
            this.limiter.block(row.rateKey, Date.now() + waitMs);
          } else {
            waitMs = this.limiter.backoff(row.rateKey, Date.now());
          }
          const at = new Date(now.getTime() + waitMs);
          log.warn({ outbox_id: row.id, code: err.code, wait_ms: waitMs }, 'rate limited by Lark; retrying later');
          await reschedule(db, row.id, at, `rate limited (${err.code || err.status})`, false);
          return at;
        }
        if (msg.kind === 'urgent' && err.unanswered) {
          log.warn({ outbox_id: row.id, err: err.message }, '加急 unanswered; not repeated');
          await markFailed(db, row.id, URGENT_UNSURE);
          return 'failed';
        }
        if (err.isFinal) {
          log.warn({ outbox_id: row.id, code: err.code, status: err.status }, 'message refused for good');
          await markFailed(db, row.id, `${err.code}: ${err.message}`);
          return 'failed';
        }
      }
      if (row.attempts >= MAX_ATTEMPTS) {
        log.error({ outbox_id: row.id, err }, 'message failed after all retries');
        await markFailed(db, row.id, `gave up after ${row.attempts} attempts: ${String(err)}`);
        return 'failed';
      }
      const at = new Date(now.getTime() + backoffMs(row.attempts));
      log.warn({ outbox_id: row.id, attempt: row.attempts, err: String(err) }, 'send failed; retrying later');
      await reschedule(db, row.id, at, String(err));
      return at;
    }
  }

  /** The Lark call(s) for one row; returns the resulting message id (or 'wait'). */
  private async perform(row: OutboxRow, msg: OutMessage): Promise<string | null | 'wait'> {
    const { lark, db } = this.deps;
    switch (msg.kind) {
      case 'send':
        return (
          await lark.send({
            receiveIdType: msg.to.type,
            receiveId: msg.to.id,
            msgType: msg.msgType,
            content: JSON.stringify(msg.content),
            uuid: row.uuid,
          })
        ).messageId;
      case 'reply':
        try {
          return (await lark.reply({ messageId: msg.messageId, msgType: msg.msgType, content: JSON.stringify(msg.content), uuid: row.uuid })).messageId;
        } catch (err) {
          // The message was recalled or is gone: say it in the chat instead of losing the answer.
          if (!(err instanceof LarkApiError && REPLY_TARGET_GONE.has(err.code) && msg.chatId)) throw err;
          return (
            await lark.send({ receiveIdType: 'chat_id', receiveId: msg.chatId, msgType: msg.msgType, content: JSON.stringify(msg.content), uuid: row.uuid })
          ).messageId;
        }
      case 'urgent':
        await lark.urgentApp(msg.messageId, msg.openIds);
        return null;
      case 'pin':
        await lark.pinChat(msg.chatId, msg.openIds, msg.timeSensitive ?? true);
        return null;
      case 'reaction':
        await lark.addReaction(msg.messageId, msg.emojiType);
        return null;
      case 'file': {
        const { fileKey } = await lark.uploadFile(msg.fileName, 'xls', row.bytes ?? new Uint8Array());
        return (
          await lark.send({
            receiveIdType: msg.to.type,
            receiveId: msg.to.id,
            msgType: 'file',
            content: JSON.stringify({ file_key: fileKey }),
            uuid: row.uuid,
          })
        ).messageId;
      }
      case 'card_update': {
        const card = await this.cardToUpdate(msg);
        if (!card) return null;
        if (!card.messageId && (await hasPendingTaskCard(db, msg.taskId, msg.assignee))) return 'wait';
        const fresh = !card.messageId || !card.sentAt || this.deps.clock.now().getTime() - card.sentAt.getTime() > PATCH_MAX_AGE_MS;
        if (!fresh) {
          try {
            await lark.patchCard(card.messageId!, JSON.stringify(msg.card));
            return null;
          } catch (err) {
            if (!(err instanceof LarkApiError && err.code === 230031)) throw err;
          }
        }
        // Too old to update in place: post the current card afresh; replies to either count.
        return (
          await lark.send({ receiveIdType: card.to.type, receiveId: card.to.id, msgType: 'interactive', content: JSON.stringify(msg.card), uuid: row.uuid })
        ).messageId;
      }
    }
  }

  /** Where a card update goes: the group card saved on the task, or the assignee's newest p2p card. */
  private async cardToUpdate(
    msg: Extract<OutMessage, { kind: 'card_update' }>,
  ): Promise<{ to: Recipient; messageId: string | null; sentAt: Date | null } | null> {
    const { db } = this.deps;
    if (msg.assignee) {
      const m = await latestAssigneeCard(db, msg.taskId, msg.assignee);
      return { to: { type: 'open_id', id: msg.assignee }, messageId: m?.messageId ?? null, sentAt: m?.sentAt ?? null };
    }
    const task = await groupCardOf(db, msg.taskId);
    return task ? { to: { type: 'chat_id', id: task.chatId }, messageId: task.cardMessageId, sentAt: task.cardSentAt } : null;
  }

  private async recordSent(row: OutboxRow, msg: OutMessage, messageId: string | null): Promise<void> {
    const now = this.deps.clock.now();
    await this.deps.db.transaction(async (tx) => {
      await markSent(tx, row.id, now, messageId);
      if (!messageId) return;
      // A message about several tasks (a batch of the chase) is nobody's reply target but may carry a 加急.
      if (msg.kind === 'send' && msg.urgentTo?.length) {
        await enqueueMessages(
          tx,
          row.tenantKey,
          [{ kind: 'urgent', messageId, openIds: msg.urgentTo, ...(row.taskId !== null ? { taskId: row.taskId } : {}) }],
          now,
        );
      }
      if (msg.kind === 'send' && msg.reminds?.length) {
        await recordReminderMessage(tx, messageId, row.tenantKey, msg.to.type === 'chat_id' ? msg.to.id : null, msg.reminds, now);
      }
      if (row.taskId === null) {
        if (msg.kind === 'send' && msg.taskIds?.length) await recordBatchMessage(tx, { messageId, tenantKey: row.tenantKey, taskIds: msg.taskIds });
        return;
      }
      const chatId =
        msg.kind === 'send' || msg.kind === 'file' ? (msg.to.type === 'chat_id' ? msg.to.id : null) : msg.kind === 'reply' ? (msg.chatId ?? null) : null;
      const cardFor = msg.kind === 'send' && msg.purpose === 'assignee_card' ? msg.to.id : msg.kind === 'card_update' ? (msg.assignee ?? null) : null;
      const isCard = (msg.kind === 'send' && msg.purpose === 'task_card') || (msg.kind === 'card_update' && !msg.assignee);
      await recordBotMessage(tx, { messageId, tenantKey: row.tenantKey, taskId: row.taskId, chatId, cardFor, groupCard: isCard }, now);
    });
    if (msg.kind === 'send' && msg.urgentTo?.length) this.kick();
  }
}

/**
 * Drains once (the `deliver` tick). With the process's own sender when it has one: a second
 * sender would bring a second rate limiter, and the two together could double the platform's
 * limits (the bot's every-minute tick drains beside the sender its commits kick).
 */
export async function drainOutbox(deps: Omit<Deps, 'kickOutbox'> & { sender?: OutboxSender }, deadlineMs = 25_000): Promise<DrainResult> {
  if (deps.sender) return deps.sender.drainExclusive(Date.now() + deadlineMs);
  const sender = new OutboxSender(deps, { retryTimer: false });
  const r = await sender.drainExclusive(Date.now() + deadlineMs);
  // A 加急 follow-up kicked during the drain runs after it: wait for it too.
  await sender.shutdown();
  return r;
}
