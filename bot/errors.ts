import type { KeyTail, MessageKey } from './i18n.js';

/** A verb with a usage line (`usage.<verb>` in the catalogue). */
export type UsageVerb = KeyTail<'usage.'>;

/**
 * The line under a refusal that shows how to write the command: a catalogue key (typed: a wrong
 * one fails the type check) and its params.
 */
export interface Usage {
  key: MessageKey;
  params?: Record<string, string | number>;
}

/** The usage line of a verb. */
export const usageOf = (verb: UsageVerb): Usage => ({ key: `usage.${verb}` });

/**
 * A user's mistake is an answer, a bug is an exception. UserError carries a message-catalogue
 * key (typed: a wrong one fails the type check); the router turns it into a short, specific
 * reply (or a card toast) and writes nothing.
 */
export class UserError extends Error {
  constructor(
    readonly key: MessageKey,
    readonly params: Record<string, string | number> = {},
    /** The usage line that follows the message, if any. */
    readonly usage?: Usage,
  ) {
    super(key);
    this.name = 'UserError';
  }
}
