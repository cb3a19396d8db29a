/**
 * Transport-independent intake. The webhook (bot/app.ts), the long connection (bot/lark/ws.ts)
 * and the Worker all hand a decoded, authenticated envelope to dispatchEnvelope(), which does
 * normalize → claim the event id durably → answer → defer (the backlog below), and nothing
 * else: the router (bot/router.ts) dispatches each event inside its error boundary. The entry
 * builds the router from handlers/index.ts and passes it in.
 */
import { claimEvent, INBOX_LEASE_MS, inboxBacklog, leaseUnprocessed, renewLeases } from '../db/inbox.js';
import type { Deps } from './deps.js';
import { t } from './i18n.js';
import { normalizeEvent, type IncomingEvent } from './lark/events.js';
import type { Router } from './router.js';
import { nextTurn } from './turn.js';

/** Card callbacks must be answered within 3 s (never retried by Lark). */
const CARD_ANSWER_BUDGET_MS = 2_500;

/**
 * Takes one decoded schema-2.0 envelope. Returns the body to answer with: `{}` for events
 * (their work continues via deps.defer), `{ toast, card }` for card callbacks.
 */
export async function dispatchEnvelope(deps: Deps, router: Router, envelope: Record<string, unknown>): Promise<Record<string, unknown>> {
  const q = backlogOf(deps);
  q.intakeStarted();
  try {
    return await intake(deps, router, q, envelope);
  } finally {
    q.intakeDone();
  }
}

async function intake(deps: Deps, router: Router, q: Backlog, envelope: Record<string, unknown>): Promise<Record<string, unknown>> {
  const event = normalizeEvent(envelope);
  if (event.kind === 'ignored') return {};
  if (event.kind === 'message' && event.sender === deps.botOpenId) return {};
  const now = deps.clock.now();
  const work = isForTheBot(deps, event);
  // Behind already: the event waits in the inbox, free for the next lease (this process's or another's).
  const spill = work && event.kind !== 'cardAction' && q.spilling(now);
  if (!(await claimEvent(deps.db, event, now, { processed: !work, ...(spill ? { leaseMs: -1 } : {}) }))) {
    deps.log.debug({ event_id: event.eventId }, 'duplicate event ignored');
    return {};
  }
  if (!work) return {};
  if (event.kind === 'cardAction') {
    const processing = router.process(deps, event);
    const answer = await Promise.race([processing, new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), CARD_ANSWER_BUDGET_MS).unref?.())]);
    if (answer === 'late') {
      deps.defer(() => processing);
      return { toast: { type: 'info', content: t(deps.config.DUBAN_LANG, 'card_processing') } };
    }
    return (answer ?? {}) as Record<string, unknown>;
  }
  if (spill) q.fromInbox();
  else q.push(event, now);
  q.kick(deps, router);
  return {};
}

/**
 * Events processed at once per process. One: the native driver runs a handler's statements
 * back to back without yielding, so each worker costs the acks one handler's time per turn of
 * the event loop (at 200 commands/s on a busy 2-core machine, 4 workers left 458 of 600 acks
 * past 3 s, 1 worker 7). The price: a handler waiting on Lark (a new chat's name) holds the queue.
 */
const WORKERS = 1;
/** Beyond these, or once the oldest has waited this long, events wait in the inbox instead of in memory. */
const QUEUE_BOUND = 1_000;
const QUEUE_AGE_BOUND_MS = 20_000;
const INBOX_BATCH = 50;
/**
 * Leases of the events held here are renewed this often, well inside their length: an event
 * that waits in the queue (or in a slow handler) longer than a lease stays this process's, so
 * another process on the database never leases it meanwhile and does the work a second time.
 */
const LEASE_RENEW_MS = INBOX_LEASE_MS / 4;

/**
 * Work that was acknowledged but not yet done, per process (per request on Workers). Acks come
 * first: an event is claimed and answered, then waits here; a worker takes events in order of
 * arrival, each starting one only when no ack is pending and after yielding to the event loop, so
 * the requests that came in meanwhile are read and answered first (and their claims go before
 * processing on the writer, db/client.ts).
 * When the queue is full or old, later events stay in the inbox, free for a lease, and the
 * workers lease them from there in order of arrival once the queue is empty: bounded memory,
 * nothing dropped, and a process killed meanwhile leaves them all for the next one.
 */
class Backlog {
  private readonly waiting: Array<{ event: IncomingEvent; at: number }> = [];
  private head = 0;
  private workers = 0;
  private leasing = false;
  /** Events being claimed and answered right now; processing waits until there are none. */
  private intakes = 0;
  private intakeWaiters: Array<() => void> = [];
  /** Events are waiting in the inbox (spilled, or a crash left them). */
  private inbox = false;
  /** Later events go to the inbox until it is drained, so order of arrival holds. */
  private spilled = false;
  /** The events being processed right now. */
  private readonly current = new Set<string>();
  /** Queued events whose lease lapsed before it was renewed: left to whoever leases them. */
  private readonly lapsed = new Set<string>();
  private renewer: ReturnType<typeof setInterval> | null = null;
  private renewing = false;
  get length(): number {
    return this.waiting.length - this.head;
  }

  oldestAt(): number | null {
    return this.waiting[this.head]?.at ?? null;
  }

  spilling(now: Date): boolean {
    if (this.spilled) return true;
    const oldest = this.oldestAt();
    if (this.length >= QUEUE_BOUND || (oldest !== null && now.getTime() - oldest > QUEUE_AGE_BOUND_MS)) this.spilled = true;
    return this.spilled;
  }

  push(event: IncomingEvent, now: Date): void {
    this.waiting.push({ event, at: now.getTime() });
  }

  intakeStarted(): void {
    this.intakes++;
  }

  intakeDone(): void {
    if (--this.intakes === 0) for (const w of this.intakeWaiters.splice(0)) w();
  }

  /** Resolves once no ack is waiting: processing starts an event only then. */
  private acksAnswered(): Promise<void> | null {
    return this.intakes === 0 ? null : new Promise((resolve) => this.intakeWaiters.push(resolve));
  }

  fromInbox(): void {
    this.inbox = true;
  }

  get busy(): boolean {
    return this.workers > 0;
  }

  private take(): IncomingEvent | undefined {
    while (this.head < this.waiting.length) {
      const next = this.waiting[this.head]!.event;
      this.waiting[this.head++] = undefined as never;
      if (this.head > 1024 && this.head * 2 > this.waiting.length) {
        this.waiting.splice(0, this.head);
        this.head = 0;
      }
      if (!this.lapsed.delete(next.eventId)) return next;
    }
    return undefined;
  }

  /** While events are held here, their leases are renewed on a timer (stopped when none are). */
  private holdLeases(deps: Deps): void {
    if (this.renewer) return;
    this.renewer = setInterval(() => void this.renew(deps), LEASE_RENEW_MS);
    (this.renewer as { unref?: () => void }).unref?.();
  }

  private releaseLeases(): void {
    if (this.renewer) clearInterval(this.renewer);
    this.renewer = null;
  }

  /**
   * Renews the lease of every event queued or being processed here. One whose lease lapsed
   * anyway (the loop was held longer than a lease) is no longer this process's: it is dropped
   * from the queue and left in the inbox, where the next lease (here or elsewhere) takes it once.
   */
  private async renew(deps: Deps): Promise<void> {
    if (this.renewing) return;
    this.renewing = true;
    try {
      const ids = [...this.current];
      for (let i = this.head; i < this.waiting.length; i++) {
        const id = this.waiting[i]!.event.eventId;
        if (!this.lapsed.has(id)) ids.push(id);
      }
      if (ids.length === 0) return;
      const now = deps.clock.now();
      const renewed = await renewLeases(deps.db, ids, now, new Date(now.getTime() + INBOX_LEASE_MS));
      let lost = 0;
      const asked = new Set(ids);
      // Events queued meanwhile were claimed just now; only those asked about can have lapsed.
      for (let i = this.head; i < this.waiting.length; i++) {
        const id = this.waiting[i]!.event.eventId;
        if (asked.has(id) && !renewed.has(id) && !this.lapsed.has(id)) {
          this.lapsed.add(id);
          lost++;
        }
      }
      if (lost > 0) {
        deps.log.warn({ events: lost }, 'inbox leases lapsed before renewal; left to the next lease');
        this.inbox = true;
      }
    } catch (err) {
      // The database is unavailable: the next renewal tries again, well inside the lease.
      deps.log.warn({ err }, 'inbox lease renewal failed');
    } finally {
      this.renewing = false;
    }
  }

  /** Starts workers up to the bound; resolves with the number of events they leased from the inbox. */
  kick(deps: Deps, router: Router): Promise<number> {
    const runs: Promise<number>[] = [];
    while (this.workers < WORKERS && (this.length > this.workers || (this.inbox && this.workers === 0))) {
      this.workers++;
      this.holdLeases(deps);
      const run = this.work(deps, router).finally(() => {
        if (--this.workers === 0 && this.length === 0) this.releaseLeases();
      });
      runs.push(run);
      deps.defer(() => run);
    }
    return Promise.all(runs).then((n) => n.reduce((a, b) => a + b, 0));
  }

  private async work(deps: Deps, router: Router): Promise<number> {
    let leased = 0;
    for (;;) {
      await nextTurn();
      // Acks first: an event being claimed is answered before more processing starts.
      for (let wait = this.acksAnswered(); wait; wait = this.acksAnswered()) await wait;
      const event = this.take();
      if (event) {
        this.current.add(event.eventId);
        try {
          await router.process(deps, event);
        } finally {
          this.current.delete(event.eventId);
        }
        continue;
      }
      // The queue in memory is empty: older work may wait in the inbox. One worker leases it.
      if (!this.inbox || this.leasing) return leased;
      this.leasing = true;
      this.inbox = false;
      try {
        const events = await leaseUnprocessed(deps.db, deps.clock.now(), INBOX_BATCH);
        if (events.length === INBOX_BATCH) this.inbox = true;
        else this.spilled = false;
        const at = deps.clock.now().getTime();
        for (const e of events) this.waiting.push({ event: e, at });
        leased += events.length;
      } catch (err) {
        // The database is unavailable: the next recovery tick tries again.
        deps.log.error({ err }, 'inbox lease failed');
        return leased;
      } finally {
        this.leasing = false;
      }
      void this.kick(deps, router);
    }
  }
}

const backlogs = new WeakMap<Deps, Backlog>();
function backlogOf(deps: Deps): Backlog {
  let q = backlogs.get(deps);
  if (!q) {
    q = new Backlog();
    backlogs.set(deps, q);
  }
  return q;
}

/** How far behind processing is: this process's queue, and every process's unprocessed events in the inbox. */
export async function backlog(deps: Deps): Promise<{ queued: number; processing: boolean; unprocessed: number; oldestWaitingMs: number }> {
  const q = backlogOf(deps);
  const inbox = await inboxBacklog(deps.db, deps.clock.now());
  return { queued: q.length, processing: q.busy, ...inbox };
}

/**
 * In a group the bot may see every message (im:message.group_msg): only those meant for it —
 * @-mentioning it, or replying to a message — are parsed, remembered and answered. The rest are
 * still stored (a redelivery stays a duplicate) but marked processed at once, so an event the
 * inbox hands back (recoverInbox) was meant for the bot: the router does not ask again.
 */
function isForTheBot(deps: Deps, event: IncomingEvent): boolean {
  if (event.kind !== 'message' || event.chatType === 'p2p') return true;
  // A sheet sent in a group (seen with im:message.group_msg) may be a batch intake (handlers/intake.ts).
  if (event.attachment?.type === 'file' && /\.(xlsx|csv)$/i.test(event.attachment.name)) return true;
  return Boolean(event.parentId || event.rootId) || event.mentions.some((m) => m.openId === deps.botOpenId);
}

/**
 * Picks up events a crash left claimed but unprocessed, or that waited in the inbox (run at start
 * and on a timer): through the backlog's workers, after what is queued in memory, in order of
 * arrival. Resolves with how many were leased once the workers it started are done.
 */
export async function recoverInbox(deps: Deps, router: Router): Promise<number> {
  const q = backlogOf(deps);
  q.fromInbox();
  return q.kick(deps, router);
}
