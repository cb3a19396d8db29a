/**
 * Transport-independent intake. The webhook (bot/app.ts), the long connection (bot/lark/ws.ts)
 * and the Worker all hand a decoded, authenticated envelope to dispatchEnvelope():
 * normalize → claim the event id durably → answer → process (router, one error boundary).
 */
import { AlreadyProcessedError, commitChange, ConflictError } from '../db/commit.js';
import { upsertChat } from '../db/chats.js';
import { getChat, getChatSettings } from '../db/chats.js';
import { claimEvent, inboxBacklog, leaseUnprocessed, markProcessed } from '../db/inbox.js';
import { rememberNames } from '../db/users.js';
import { registerHandlers } from '../handlers/index.js';
import type { BotContext, CardAnswer, ContextChange } from './context.js';
import type { Deps } from './deps.js';
import type { OutMessage } from './domain/types.js';
import { escapeText } from './cards/escape.js';
import { UserError } from './errors.js';
import { hasMessage, t } from './i18n.js';
import { normalizeEvent, type IncomingEvent } from './lark/events.js';
import { parseCommand } from './parse/command.js';
import { ParseError } from './parse/errors.js';
import { Router, type CardActionEvent, type MessageEvent } from './router.js';
import { nextTurn } from './turn.js';

/** Card callbacks must be answered within 3 s (never retried by Lark). */
const CARD_ANSWER_BUDGET_MS = 2_500;

let router: Router | null = null;
function getRouter(): Router {
  if (!router) {
    const r = new Router();
    registerHandlers(r);
    router = r;
  }
  return router;
}

/**
 * Takes one decoded schema-2.0 envelope. Returns the body to answer with: `{}` for events
 * (their work continues via deps.defer), `{ toast, card }` for card callbacks.
 */
export async function dispatchEnvelope(deps: Deps, envelope: Record<string, unknown>): Promise<Record<string, unknown>> {
  const q = backlogOf(deps);
  q.intakeStarted();
  try {
    return await intake(deps, q, envelope);
  } finally {
    q.intakeDone();
  }
}

async function intake(deps: Deps, q: Backlog, envelope: Record<string, unknown>): Promise<Record<string, unknown>> {
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
    const processing = processEvent(deps, event);
    const answer = await Promise.race([processing, new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), CARD_ANSWER_BUDGET_MS).unref?.())]);
    if (answer === 'late') {
      deps.defer(() => processing);
      return { toast: { type: 'info', content: t(deps.config.DUBAN_LANG, 'card_processing') } };
    }
    return (answer ?? {}) as Record<string, unknown>;
  }
  if (spill) q.fromInbox();
  else q.push(event, now);
  q.kick(deps);
  return {};
}

/** Events processed at once per process: a handler waiting on Lark (a chat's name) does not stall the rest. */
const WORKERS = 4;
/** Beyond these, or once the oldest has waited this long, events wait in the inbox instead of in memory. */
const QUEUE_BOUND = 1_000;
const QUEUE_AGE_BOUND_MS = 20_000;
const INBOX_BATCH = 50;

/**
 * Work that was acknowledged but not yet done, per process (per request on Workers). Acks come
 * first: an event is claimed and answered, then waits here; a few workers take events in order of
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
    if (this.head >= this.waiting.length) return undefined;
    const next = this.waiting[this.head]!.event;
    this.waiting[this.head++] = undefined as never;
    if (this.head > 1024 && this.head * 2 > this.waiting.length) {
      this.waiting.splice(0, this.head);
      this.head = 0;
    }
    return next;
  }

  /** Starts workers up to the bound; resolves with the number of events they leased from the inbox. */
  kick(deps: Deps): Promise<number> {
    const runs: Promise<number>[] = [];
    while (this.workers < WORKERS && (this.length > this.workers || (this.inbox && this.workers === 0))) {
      this.workers++;
      const run = this.work(deps).finally(() => this.workers--);
      runs.push(run);
      deps.defer(() => run);
    }
    return Promise.all(runs).then((n) => n.reduce((a, b) => a + b, 0));
  }

  private async work(deps: Deps): Promise<number> {
    let leased = 0;
    for (;;) {
      await nextTurn();
      // Acks first: an event being claimed is answered before more processing starts.
      for (let wait = this.acksAnswered(); wait; wait = this.acksAnswered()) await wait;
      const event = this.take();
      if (event) {
        await processEvent(deps, event);
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
      void this.kick(deps);
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
 * still stored (a redelivery stays a duplicate) but marked processed at once.
 */
function isForTheBot(deps: Deps, event: IncomingEvent): boolean {
  if (event.kind !== 'message' || event.chatType === 'p2p') return true;
  return Boolean(event.parentId || event.rootId) || event.mentions.some((m) => m.openId === deps.botOpenId);
}

/** Runs one claimed event through the router. Never throws: the boundary answers the user. */
export async function processEvent(deps: Deps, event: IncomingEvent): Promise<CardAnswer | void> {
  const log = deps.log.child({ event_id: event.eventId, kind: event.kind });
  const lang = deps.config.DUBAN_LANG;
  for (let attempt = 1; ; attempt++) {
    const ctx = createContext(deps, event);
    try {
      const answer = await route(ctx, event);
      await flush(ctx, event);
      return answer;
    } catch (err) {
      if (err instanceof AlreadyProcessedError) return;
      if (err instanceof ConflictError && attempt < 4) continue;
      const known = err instanceof UserError || err instanceof ParseError;
      if (!known) log.error({ err }, 'handler failed');
      const text = known ? explain(lang, err) : t(lang, 'internal_error');
      ctx.pending.length = 0;
      if (event.kind === 'cardAction') {
        await markProcessed(deps.db, event.eventId, deps.clock.now(), known ? undefined : String(err)).catch(() => {});
        return { toast: { type: known ? 'warning' : 'error', content: text } };
      }
      ctx.reply(text);
      try {
        await flush(ctx, event, known ? undefined : String(err));
      } catch (flushErr) {
        if (!(flushErr instanceof AlreadyProcessedError)) log.error({ err: flushErr }, 'could not answer the user');
      }
      return;
    }
  }
}

/** A user's mistake as one short sentence plus, when it helps, the usage line. */
export function explain(lang: 'zh' | 'en', err: UserError | ParseError): string {
  // Params quote what was typed (a bad time, an unknown verb) or a display name: in a text
  // reply `<at user_id="all">` or `[x](url)` there would mention or link, so they are defanged.
  const params = Object.fromEntries(Object.entries(err.params).map(([k, v]) => [k, typeof v === 'string' ? escapeText(v) : v]));
  if (err instanceof UserError) {
    const text = t(lang, err.key, params);
    return err.usage && hasMessage(`usage.${err.usage}`) ? `${text}\n${t(lang, `usage.${err.usage}`)}` : text;
  }
  const key = `parse_error.${err.code}`;
  const text = hasMessage(key) ? t(lang, key, params) : t(lang, 'not_a_command');
  return err.usage && hasMessage(`usage.${err.usage}`) ? `${text}\n${t(lang, `usage.${err.usage}`)}` : text;
}

async function route(ctx: BotContext, event: IncomingEvent): Promise<CardAnswer | void> {
  const r = getRouter();
  const { deps } = ctx;
  switch (event.kind) {
    case 'message':
      return routeMessage(ctx, event, r);
    case 'cardAction': {
      const action = typeof event.value.a === 'string' ? event.value.a : '';
      const handler = r.cardActions.get(action);
      if (!handler) throw new UserError('card_unknown_action');
      return handler(ctx, event as CardActionEvent);
    }
    case 'botAdded':
      if (await namesAnotherTenantsChat(deps, event.chatId, event.tenantKey)) return;
      await upsertChat(deps.db, { chatId: event.chatId, tenantKey: event.tenantKey, chatType: 'group', name: event.chatName }, ctx.now);
      if (r.botAddedHandler) await r.botAddedHandler(ctx, event);
      return;
    case 'ignored':
      return;
  }
}

async function routeMessage(ctx: BotContext, event: MessageEvent, r: Router): Promise<void> {
  const { deps } = ctx;
  const mentionsBot = event.mentions.some((m) => m.openId === deps.botOpenId);
  const isReply = Boolean(event.parentId || event.rootId);
  if (!isForTheBot(deps, event)) return;
  // A chat belongs to the tenant it was first seen with: an event naming it from another
  // tenant must neither read nor change that tenant's settings or tasks there.
  if (await namesAnotherTenantsChat(deps, event.chatId, event.tenantKey)) return;
  const settings = await getChatSettings(deps.db, event.chatId);
  const cmd = parseCommand(event.text, event.mentions, {
    now: ctx.now,
    calendar: deps.calendar,
    endOfDay: settings.endOfDay,
    botOpenId: deps.botOpenId,
    lang: ctx.lang,
  });
  await rememberChat(deps, event);
  await rememberNames(
    deps.db,
    event.tenantKey,
    event.mentions.filter((m) => m.openId !== deps.botOpenId),
  );
  if (cmd) {
    const handler = r.commands.get(cmd.verb);
    if (!handler) throw new ParseError('unknown_verb', { verb: cmd.verb });
    await handler(ctx, cmd as never, event);
    return;
  }
  if (isReply && r.replyHandler && (await r.replyHandler(ctx, event))) return;
  if (event.chatType === 'p2p' || mentionsBot) {
    if (r.fallback) await r.fallback(ctx, event);
    else ctx.reply(t(ctx.lang, 'not_a_command'));
  }
}

/**
 * A chat belongs to the tenant it was first seen with: an event naming it from another tenant
 * (a message, the bot being added) must neither read nor change that tenant's chat. Logged.
 */
async function namesAnotherTenantsChat(deps: Deps, chatId: string, tenantKey: string): Promise<boolean> {
  const known = await getChat(deps.db, chatId);
  if (!known || known.tenantKey === tenantKey) return false;
  deps.log.warn({ chat_id: chatId, tenant_key: tenantKey }, "event names another tenant's chat; ignored");
  return true;
}

/** Records a chat on first sight (only then), with its name and owner from Lark for a group (digest titles, /设置). */
async function rememberChat(deps: Deps, event: MessageEvent): Promise<void> {
  // A known chat has nothing new to record: no write on the hot path.
  if (await getChat(deps.db, event.chatId)) return;
  let info: { name: string | null; ownerId: string | null } = { name: null, ownerId: null };
  if (event.chatType === 'group') {
    try {
      const chat = await deps.lark.getChat(event.chatId);
      info = { name: chat.name || null, ownerId: chat.ownerId };
    } catch (err) {
      deps.log.debug({ err, chat_id: event.chatId }, 'chat info lookup failed; the name can come later');
    }
  }
  await upsertChat(deps.db, { chatId: event.chatId, tenantKey: event.tenantKey, chatType: event.chatType, ...info }, deps.clock.now());
}

/** Commits queued messages (and the processed mark) when the handler did not commit itself. */
async function flush(ctx: BotContext & { committed?: boolean }, event: IncomingEvent, error?: string): Promise<void> {
  if (ctx.pending.length > 0) {
    await commitChange(ctx.deps.db, {
      tenantKey: event.tenantKey,
      now: ctx.deps.clock.now(),
      inboxEventId: ctx.committed ? undefined : event.eventId,
      messages: ctx.pending.splice(0),
    });
    ctx.deps.kickOutbox();
  } else if (!ctx.committed) {
    await markProcessed(ctx.deps.db, event.eventId, ctx.deps.clock.now(), error);
  }
}

export function createContext(deps: Deps, event: IncomingEvent): BotContext & { committed: boolean } {
  const lang = deps.config.DUBAN_LANG;
  const pending: OutMessage[] = [];
  const chatId = event.kind === 'message' ? event.chatId : event.kind === 'cardAction' ? event.chatId : event.kind === 'botAdded' ? event.chatId : null;
  const messageId = event.kind === 'message' ? event.messageId : null;
  const actor =
    event.kind === 'message' ? event.sender : event.kind === 'cardAction' ? event.operator : event.kind === 'botAdded' ? (event.operator ?? '') : '';
  const ctx = {
    deps,
    tenantKey: event.tenantKey,
    chatId,
    chatType: event.kind === 'message' ? event.chatType : 'group',
    actor,
    now: deps.clock.now(),
    lang,
    messageId,
    committed: false,
    pending,
    t: (key: string, params?: Record<string, string | number>) => t(lang, key, params),
    reply(text: string) {
      if (messageId) pending.push({ kind: 'reply', messageId, chatId: chatId ?? undefined, msgType: 'text', content: { text } });
      else if (chatId) pending.push({ kind: 'send', to: { type: 'chat_id', id: chatId }, msgType: 'text', content: { text } });
      else if (actor) pending.push({ kind: 'send', to: { type: 'open_id', id: actor }, msgType: 'text', content: { text } });
    },
    send(message: OutMessage) {
      pending.push(message);
    },
    async commit(change: ContextChange) {
      const queued = pending.splice(0);
      const own = change.messages;
      const result = await commitChange(deps.db, {
        ...change,
        tenantKey: event.tenantKey,
        now: ctx.now,
        inboxEventId: ctx.committed ? undefined : event.eventId,
        messages: (saved) => [...queued, ...(typeof own === 'function' ? own(saved) : (own ?? []))],
      }).catch((err) => {
        pending.unshift(...queued);
        throw err;
      });
      ctx.committed = true;
      deps.kickOutbox();
      return result?.task ?? null;
    },
  };
  return ctx as BotContext & { committed: boolean };
}

/**
 * Picks up events a crash left claimed but unprocessed, or that waited in the inbox (run at start
 * and on a timer): through the backlog's workers, after what is queued in memory, in order of
 * arrival. Resolves with how many were leased once the workers it started are done.
 */
export async function recoverInbox(deps: Deps): Promise<number> {
  const q = backlogOf(deps);
  q.fromInbox();
  return q.kick(deps);
}
