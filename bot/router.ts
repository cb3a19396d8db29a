/**
 * The router: explicit registration (handlers/index.ts builds it; the entry passes it in), and
 * for each claimed event one dispatch inside one error boundary — the tenant check, parsing,
 * remembering the chat and the names mentioned, the handler, and the answer to whatever went
 * wrong (a short sentence, never a stack trace). Duplicate registrations fail at start.
 */
import { getChat, settingsOf, upsertChat, type ChatRow } from '../db/chats.js';
import { AlreadyProcessedError, ConflictError } from '../db/commit.js';
import { markProcessed } from '../db/inbox.js';
import { rememberNames } from '../db/users.js';
import { escapeText } from './cards/escape.js';
import { createContext, flush, type BotContext, type CardAnswer } from './context.js';
import type { Deps } from './deps.js';
import { UserError } from './errors.js';
import { t, type MessageKey } from './i18n.js';
import type { IncomingEvent } from './lark/events.js';
import { parseCommand, type Command } from './parse/command.js';
import { takeLimit } from './limits.js';
import { ParseError } from './parse/errors.js';

export type MessageEvent = Extract<IncomingEvent, { kind: 'message' }>;
export type CardActionEvent = Extract<IncomingEvent, { kind: 'cardAction' }>;
export type BotAddedEvent = Extract<IncomingEvent, { kind: 'botAdded' }>;
export type MenuEvent = Extract<IncomingEvent, { kind: 'menu' }>;
/** Events that are no one's message: leave approvals and read receipts. */
export type SystemEvent = Extract<IncomingEvent, { kind: 'leaveApproved' | 'leaveReverted' | 'messageRead' }>;
export type SystemHandler = (ctx: BotContext, event: SystemEvent) => Promise<void>;
export type ReactionEvent = Extract<IncomingEvent, { kind: 'reaction' }>;

type Verb = Command['verb'];
export type CommandHandler<V extends Verb = Verb> = (ctx: BotContext, cmd: Extract<Command, { verb: V }>, event: MessageEvent) => Promise<void>;
/** A message that is no command but replies to one of the bot's messages. Returns false when it is not about a task. */
export type ReplyHandler = (ctx: BotContext, event: MessageEvent) => Promise<boolean>;
export type CardActionHandler = (ctx: BotContext, event: CardActionEvent) => Promise<CardAnswer>;
export type FallbackHandler = (ctx: BotContext, event: MessageEvent) => Promise<void>;
/** A file sent as a message that is no reply about a task. Returns false when it is not one the bot takes. */
export type FileHandler = (ctx: BotContext, event: MessageEvent) => Promise<boolean>;
export type BotAddedHandler = (ctx: BotContext, event: BotAddedEvent) => Promise<void>;
/** A reaction on a message; it answers nothing (a reaction that means nothing is ignored). */
export type ReactionHandler = (ctx: BotContext, event: ReactionEvent) => Promise<void>;
export type MenuHandler = (ctx: BotContext, event: MenuEvent) => Promise<void>;

export class Router {
  readonly commands = new Map<Verb, CommandHandler<any>>();
  readonly cardActions = new Map<string, CardActionHandler>();
  replyHandler: ReplyHandler | null = null;
  fallback: FallbackHandler | null = null;
  fileHandler: FileHandler | null = null;
  botAddedHandler: BotAddedHandler | null = null;
  readonly menuItems = new Map<string, MenuHandler>();
  readonly systemHandlers = new Map<SystemEvent['kind'], SystemHandler>();
  reactionHandler: ReactionHandler | null = null;

  command<V extends Verb>(verbs: V | V[], handler: CommandHandler<V>): this {
    for (const verb of Array.isArray(verbs) ? verbs : [verbs]) {
      if (this.commands.has(verb)) throw new Error(`command ${verb} registered twice`);
      this.commands.set(verb, handler as CommandHandler<any>);
    }
    return this;
  }

  cardAction(actions: string | string[], handler: CardActionHandler): this {
    for (const a of Array.isArray(actions) ? actions : [actions]) {
      if (this.cardActions.has(a)) throw new Error(`card action ${a} registered twice`);
      this.cardActions.set(a, handler);
    }
    return this;
  }

  reply(handler: ReplyHandler): this {
    if (this.replyHandler) throw new Error('reply handler registered twice');
    this.replyHandler = handler;
    return this;
  }

  file(handler: FileHandler): this {
    if (this.fileHandler) throw new Error('file handler registered twice');
    this.fileHandler = handler;
    return this;
  }

  otherwise(handler: FallbackHandler): this {
    if (this.fallback) throw new Error('fallback registered twice');
    this.fallback = handler;
    return this;
  }

  /** An item of the p2p menu, by the event key set for it in the developer console. */
  menu(eventKeys: string | string[], handler: MenuHandler): this {
    for (const k of Array.isArray(eventKeys) ? eventKeys : [eventKeys]) {
      if (this.menuItems.has(k)) throw new Error(`menu item ${k} registered twice`);
      this.menuItems.set(k, handler);
    }
    return this;
  }

  botAdded(handler: BotAddedHandler): this {
    if (this.botAddedHandler) throw new Error('botAdded handler registered twice');
    this.botAddedHandler = handler;
    return this;
  }

  system(kinds: SystemEvent['kind'] | Array<SystemEvent['kind']>, handler: SystemHandler): this {
    for (const k of Array.isArray(kinds) ? kinds : [kinds]) {
      if (this.systemHandlers.has(k)) throw new Error(`${k} handler registered twice`);
      this.systemHandlers.set(k, handler);
    }
    return this;
  }

  reaction(handler: ReactionHandler): this {
    if (this.reactionHandler) throw new Error('reaction handler registered twice');
    this.reactionHandler = handler;
    return this;
  }

  /** Runs one claimed event meant for the bot (bot/ingest.ts). Never throws: the boundary answers the user. */
  process(deps: Deps, event: IncomingEvent): Promise<CardAnswer | void> {
    return processEvent(this, deps, event);
  }
}

async function processEvent(r: Router, deps: Deps, event: IncomingEvent): Promise<CardAnswer | void> {
  const log = deps.log.child({ event_id: event.eventId, kind: event.kind });
  const lang = deps.config.DUBAN_LANG;
  for (let attempt = 1; ; attempt++) {
    const ctx = createContext(deps, event);
    try {
      const answer = await route(r, ctx, event);
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
  // Every ParseErrorCode has its sentence: a code without one fails the type check here.
  const key: MessageKey = err instanceof UserError ? err.key : `parse_error.${err.code}`;
  const text = t(lang, key, defanged(err.params));
  return err.usage ? `${text}\n${t(lang, err.usage.key, defanged(err.usage.params ?? {}))}` : text;
}

/**
 * Params quote what was typed (a bad time, an unknown verb) or a display name: in a text reply
 * `<at user_id="all">` or `[x](url)` there would mention or link, so they are defanged.
 */
function defanged(params: Record<string, string | number>): Record<string, string | number> {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, typeof v === 'string' ? escapeText(v) : v]));
}

async function route(r: Router, ctx: BotContext, event: IncomingEvent): Promise<CardAnswer | void> {
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
      if (namesAnotherTenantsChat(deps, await getChat(deps.db, event.chatId), event.tenantKey)) return;
      await upsertChat(deps.db, { chatId: event.chatId, tenantKey: event.tenantKey, chatType: 'group', name: event.chatName }, ctx.now);
      if (r.botAddedHandler) await r.botAddedHandler(ctx, event);
      return;
    case 'leaveApproved':
    case 'leaveReverted':
    case 'messageRead': {
      const handler = r.systemHandlers.get(event.kind);
      if (handler) await handler(ctx, event);
      return;
    }
    case 'reaction':
      if (r.reactionHandler) await r.reactionHandler(ctx, event);
      return;
    case 'menu': {
      // An event key the bot does not know (a menu item added in the console later): say so, change nothing.
      const handler = r.menuItems.get(event.eventKey);
      if (!handler) throw new UserError('menu.unknown_item');
      return handler(ctx, event);
    }
    case 'ignored':
      return;
  }
}

async function routeMessage(ctx: BotContext, event: MessageEvent, r: Router): Promise<void> {
  const { deps } = ctx;
  // Only messages meant for the bot get here (bot/ingest.ts isForTheBot, asked once per event).
  const mentionsBot = event.mentions.some((m) => m.openId === deps.botOpenId);
  const isReply = Boolean(event.parentId || event.rootId);
  // A chat belongs to the tenant it was first seen with: an event naming it from another
  // tenant must neither read nor change that tenant's settings or tasks there.
  const known = await getChat(deps.db, event.chatId);
  if (namesAnotherTenantsChat(deps, known, event.tenantKey)) return;
  // One member's burst must not crowd out everyone else: beyond the per-person limit, one
  // answer saying so, then silence until the minute has passed.
  const take = (name: 'command' | 'refusal' | 'hint') => takeLimit(deps, name, event.tenantKey, event.sender, ctx.now);
  if (!(await take('command'))) {
    deps.log.info({ chat_id: event.chatId, sender: event.sender }, 'per-person command limit reached');
    if (await take('refusal')) ctx.reply(t(ctx.lang, 'rate_limited', { limit: deps.config.DUBAN_COMMANDS_PER_MINUTE }));
    return;
  }
  const settings = settingsOf(known);
  const cmd = parseCommand(event.text, event.mentions, {
    now: ctx.now,
    calendar: deps.calendar,
    endOfDay: settings.endOfDay,
    botOpenId: deps.botOpenId,
    lang: ctx.lang,
  });
  if (!known) await rememberChat(deps, event);
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
  if (event.attachment?.type === 'file' && r.fileHandler && (await r.fileHandler(ctx, event))) return;
  if (event.chatType === 'p2p' || mentionsBot) {
    // The "不是指令" hint at most once per person per 10 minutes: chatter gets one, not one each.
    if (!(await take('hint'))) return;
    if (r.fallback) await r.fallback(ctx, event);
    else ctx.reply(t(ctx.lang, 'not_a_command'));
  }
}

/**
 * A chat belongs to the tenant it was first seen with: an event naming it from another tenant
 * (a message, the bot being added) must neither read nor change that tenant's chat. Logged.
 */
function namesAnotherTenantsChat(deps: Deps, known: ChatRow | null, tenantKey: string): boolean {
  if (!known || known.tenantKey === tenantKey) return false;
  deps.log.warn({ chat_id: known.chatId, tenant_key: tenantKey }, "event names another tenant's chat; ignored");
  return true;
}

/** Records a chat on first sight (only then), with its name and owner from Lark for a group (digest titles, /设置). */
async function rememberChat(deps: Deps, event: MessageEvent): Promise<void> {
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
