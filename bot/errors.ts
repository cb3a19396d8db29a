import type { KeyTail, MessageKey } from './i18n.js';

/** A verb with a usage line (`usage.<verb>` in the catalogue). */
export type UsageVerb = KeyTail<'usage.'>;

/**
 * A user's mistake is an answer, a bug is an exception. UserError carries a message-catalogue
 * key (typed: a wrong one fails the type check); the router turns it into a short, specific
 * reply (or a card toast) and writes nothing.
 */
export class UserError extends Error {
  constructor(
    readonly key: MessageKey,
    readonly params: Record<string, string | number> = {},
    /** The verb whose usage line follows the message, if any. */
    readonly usage?: UsageVerb,
  ) {
    super(key);
    this.name = 'UserError';
  }
}
