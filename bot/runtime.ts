/**
 * The one runtime both entries share: Deps plus the work that outlives a handler — deferred
 * work, the outbox sender, settle / drain-until-quiet / close, the calendar reload. The Node
 * composition (bot/node-deps.ts) and the Workers one (bot/worker-deps.ts) only open the
 * database and the Lark client their way and say how work after the answer is kept alive.
 */
import type { Logger } from 'pino';
import type { DbHandle } from '../db/client.js';
import { loadCalendar } from '../db/calendar.js';
import { nextUnleasedDueAt } from '../db/reminders.js';
import { OutboxSender, type DrainResult } from '../schedules/deliver.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Deps } from './deps.js';
import type { WorkCalendar } from './domain/calendar.js';
import type { LarkApi } from './lark/api.js';

export interface Runtime extends Deps {
  handle: DbHandle;
  sender: OutboxSender;
  /** Resolves when every deferred piece of work and the sender are done (tests, shutdown, end of a request). */
  settle(): Promise<void>;
  /**
   * Drains the outbox, then waits for rows coming due again (a 429's reset, a short backoff)
   * and drains those too, until nothing not leased by another process is due before
   * `deadline` (epoch ms). What is left goes out with the next `deliver` tick.
   */
  drainUntilQuiet(deadline: number): Promise<DrainResult>;
  /** Whether anything was committed for the outbox since start (a request that queued messages). */
  queuedMessages(): boolean;
  /** Reads the calendar overrides again (`npm run job -- calendar import` wrote them); keeps the loaded one on failure. */
  reloadCalendar(): Promise<void>;
  /** Stops the sender, waits for its drain under way, closes the database client. */
  close(): Promise<void>;
}

export interface RuntimeParts {
  config: Config;
  log: Logger;
  clock: Clock;
  handle: DbHandle;
  lark: LarkApi;
  botOpenId: string;
  calendar: WorkCalendar;
  /**
   * Keeps work after the answer alive (Workers' ctx.waitUntil): each deferred piece, and the
   * drain each commit starts, is handed to it. Absent on Node, where the process lives on.
   */
  waitUntil?(work: Promise<unknown>): void;
  /** Start the outbox sender on every commit (off for the job command, which drains itself). */
  autoSend?: boolean;
  /** The sender's own retry timer (off on Workers: a timer does not outlive the request). */
  retryTimer?: boolean;
}

export function createRuntime(parts: RuntimeParts): Runtime {
  const { log, handle, waitUntil } = parts;
  const autoSend = parts.autoSend ?? true;
  const inflight = new Set<Promise<unknown>>();
  let kicked = false;
  const track = (p: Promise<unknown>) => {
    const tracked = p.finally(() => inflight.delete(tracked));
    inflight.add(tracked);
    waitUntil?.(tracked);
  };
  const rt = {
    db: handle.db,
    handle,
    lark: parts.lark,
    clock: parts.clock,
    log,
    config: parts.config,
    botOpenId: parts.botOpenId,
    calendar: parts.calendar,
    defer(work: () => Promise<unknown>) {
      track(
        Promise.resolve()
          .then(work)
          .catch((err) => log.error({ err }, 'deferred work failed')),
      );
    },
    kickOutbox() {
      if (!autoSend) return;
      kicked = true;
      rt.sender.kick();
      if (waitUntil) track(rt.sender.idle());
    },
    async settle() {
      while (inflight.size) await Promise.all([...inflight]);
      await rt.sender.idle();
      while (inflight.size) await Promise.all([...inflight]);
    },
    async drainUntilQuiet(deadline: number) {
      const total: DrainResult = { sent: 0, failed: 0, retried: 0 };
      for (;;) {
        // In the sender's slot, never beside a drain a kick or its retry timer started: two
        // drains at once would split one recipient's rows. A send with 加急 queues its urgent
        // call and kicks a drain of its own, which runs after this one: wait for that too.
        const r = await rt.sender.drainExclusive(deadline);
        await rt.settle();
        total.sent += r.sent;
        total.failed += r.failed;
        total.retried += r.retried;
        const next = await nextUnleasedDueAt(rt.db, rt.clock.now());
        if (!next) return total;
        const wait = Math.max(20, next.getTime() - rt.clock.now().getTime());
        if (Date.now() + wait > deadline) return total;
        await new Promise((r) => setTimeout(r, wait));
      }
    },
    queuedMessages: () => kicked,
    async reloadCalendar() {
      try {
        rt.calendar = await loadCalendar(handle, parts.config.DUBAN_TZ);
      } catch (err) {
        log.warn({ err }, 'calendar reload failed; keeping the loaded one');
      }
    },
    async close() {
      try {
        await rt.sender.shutdown();
      } finally {
        handle.client.close();
      }
    },
  } as Runtime;
  rt.sender = new OutboxSender(rt, { retryTimer: parts.retryTimer ?? true });
  return rt;
}
