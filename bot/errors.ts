/**
 * A user's mistake is an answer, a bug is an exception. UserError carries a message-catalogue
 * key; the router turns it into a short, specific reply (or a card toast) and writes nothing.
 */
export class UserError extends Error {
  constructor(
    readonly key: string,
    readonly params: Record<string, string | number> = {},
    /** The verb whose usage line follows the message, if any. */
    readonly usage?: string,
  ) {
    super(key);
    this.name = 'UserError';
  }
}
