/**
 * Resolves after the current turn of the event loop: long work yields here so webhooks are
 * still answered meanwhile, and work batched per turn (inbox claims) waits here for its batch.
 */
export const nextTurn = (): Promise<void> => new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
