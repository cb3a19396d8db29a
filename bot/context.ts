/**
 * BotContext: one per incoming event. Handlers load through ctx.deps.db, decide with pure
 * domain functions, and call ctx.commit() once: the task change, its events and every
 * outgoing message land in one transaction. ctx.reply()/ctx.say() queue messages that go
 * out with the commit (or on their own when the handler ends without one).
 */
import type { Change } from '../db/commit.js';
import type { Deps } from './deps.js';
import type { Lang, OutMessage, Task } from './domain/types.js';

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
  t(key: string, params?: Record<string, string | number>): string;
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
