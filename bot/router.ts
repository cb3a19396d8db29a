/**
 * The router: explicit registration (handlers/index.ts), one dispatch per event, one error
 * boundary per event. Duplicate registrations fail at start.
 */
import type { BotContext, CardAnswer } from './context.js';
import type { IncomingEvent } from './lark/events.js';
import type { Command } from './parse/command.js';

export type MessageEvent = Extract<IncomingEvent, { kind: 'message' }>;
export type CardActionEvent = Extract<IncomingEvent, { kind: 'cardAction' }>;
export type BotAddedEvent = Extract<IncomingEvent, { kind: 'botAdded' }>;

type Verb = Command['verb'];
export type CommandHandler<V extends Verb = Verb> = (ctx: BotContext, cmd: Extract<Command, { verb: V }>, event: MessageEvent) => Promise<void>;
/** A message that is no command but replies to one of the bot's messages. Returns false when it is not about a task. */
export type ReplyHandler = (ctx: BotContext, event: MessageEvent) => Promise<boolean>;
export type CardActionHandler = (ctx: BotContext, event: CardActionEvent) => Promise<CardAnswer>;
export type FallbackHandler = (ctx: BotContext, event: MessageEvent) => Promise<void>;
export type BotAddedHandler = (ctx: BotContext, event: BotAddedEvent) => Promise<void>;

export class Router {
  readonly commands = new Map<Verb, CommandHandler<any>>();
  readonly cardActions = new Map<string, CardActionHandler>();
  replyHandler: ReplyHandler | null = null;
  fallback: FallbackHandler | null = null;
  botAddedHandler: BotAddedHandler | null = null;

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

  otherwise(handler: FallbackHandler): this {
    if (this.fallback) throw new Error('fallback registered twice');
    this.fallback = handler;
    return this;
  }

  botAdded(handler: BotAddedHandler): this {
    if (this.botAddedHandler) throw new Error('botAdded handler registered twice');
    this.botAddedHandler = handler;
    return this;
  }
}
