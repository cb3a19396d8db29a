/**
 * BotContext: one per incoming event. Handlers load through ctx.deps.db, decide with pure
 * domain functions, and call ctx.commit() once: the task change, its events and every
 * outgoing message land in one transaction. ctx.reply()/ctx.say() queue messages that go
 * out with the commit (or on their own when the handler ends without one).
 */
import { commitChange, type Change } from '../db/commit.js';
import { markProcessed } from '../db/inbox.js';
import type { Deps } from './deps.js';
import type { Lang, OutMessage, Task } from './domain/types.js';
import { t, type MessageKey } from './i18n.js';
import type { IncomingEvent } from './lark/events.js';

export interface CardAnswer {
  toast?: { type: 'success' | 'info' | 'warning' | 'error'; content: string };
  card?: Record<string, unknown>;
}

export interface BotContext {
  deps: Deps;
  tenantKey: string;
  /** Chat the event came from (null for a card action without context). */
  chatId: string | null;
  chatType: 'group' | 'p2p';
  /** open_id of the person acting. */
  actor: string;
  now: Date;
  lang: Lang;
  /** The incoming message id, when the event is a message (replies thread onto it). */
  messageId: string | null;
  t(key: MessageKey, params?: Record<string, string | number>): string;
  /** Queue a text answer to the incoming message (or to the chat for card actions). */
  reply(text: string): void;
  /** Queue any message. */
  send(message: OutMessage): void;
  /** Messages queued so far and not yet committed. */
  readonly pending: OutMessage[];
  /**
   * Writes the change together with every queued message and the "event processed" mark, in
   * one transaction. Returns the saved task. Throws ConflictError when the task moved under
   * us (the router runs the handler again on fresh data).
   */
  commit(change: ContextChange): Promise<Task | null>;
}

export type ContextChange = Omit<Change, 'tenantKey' | 'now' | 'inboxEventId'>;

/** Commits queued messages (and the processed mark) when the handler did not commit itself. */
export async function flush(ctx: BotContext & { committed?: boolean }, event: IncomingEvent, error?: string): Promise<void> {
  if (ctx.pending.length > 0) {
    await commitChange(ctx.deps.db, {
      tenantKey: event.tenantKey,
      now: ctx.deps.clock.now(),
      inboxEventId: ctx.committed ? undefined : event.eventId,
      buzzDay: ctx.deps.calendar.localDate(ctx.now),
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
    event.kind === 'message'
      ? event.sender
      : event.kind === 'cardAction' || event.kind === 'reaction' || event.kind === 'menu'
        ? event.operator
        : event.kind === 'botAdded'
          ? (event.operator ?? '')
          : '';
  const ctx = {
    deps,
    tenantKey: event.tenantKey,
    chatId,
    // The menu is the p2p chat's (its event names no chat): answers go to the person.
    chatType: event.kind === 'message' ? event.chatType : event.kind === 'menu' ? 'p2p' : 'group',
    actor,
    now: deps.clock.now(),
    lang,
    messageId,
    committed: false,
    pending,
    t: (key: MessageKey, params?: Record<string, string | number>) => t(lang, key, params),
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
        buzzDay: deps.calendar.localDate(ctx.now),
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
