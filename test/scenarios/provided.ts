/** Values the worker project's global setup (Node) hands to the tests and the pool (workerd). */
export {};

declare module 'vitest' {
  export interface ProvidedContext {
    /** The Worker's string bindings: the bot's settings plus where the database and Lark are. */
    workerBindings: Record<string, string>;
    /** The fake Lark server's control endpoint (its records as JSON). */
    fakeControlUrl: string;
  }
}
