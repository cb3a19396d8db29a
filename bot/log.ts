/** One structured logger (pino). Never log whole payloads or secrets. */
import pino, { type Logger, type LoggerOptions } from 'pino';
import { redactDeep, redactSecrets } from './redact.js';

/** What both loggers (Node, Workers) share: secrets removed by path, credentials out of messages and errors. */
export function loggerOptions(level: string, secrets: readonly string[] = []): LoggerOptions {
  return {
    level,
    base: undefined,
    redact: { paths: ['*.app_secret', '*.LARK_APP_SECRET', '*.encrypt', '*.authorization'], remove: true },
    // Some callers log `err: String(err)`: that string is redacted like any other.
    serializers: { err: (e: unknown) => redactDeep(e instanceof Error ? pino.stdSerializers.err(e) : e, secrets) },
    hooks: {
      logMethod(args, method) {
        // The message and any string field of the merged object (a URL, an error text).
        const clean = args.map((a) =>
          typeof a === 'string' ? redactSecrets(a, secrets) : a && typeof a === 'object' && !(a instanceof Error) ? redactDeep(a, secrets) : a,
        );
        method.apply(this, clean as Parameters<typeof method>);
      },
    },
  };
}

export function createLogger(level: string = 'info', secrets: readonly string[] = []): Logger {
  return pino(loggerOptions(level, secrets));
}
