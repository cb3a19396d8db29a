/** One structured logger (pino). Never log whole payloads or secrets. */
import pino, { type Logger } from 'pino';

export function createLogger(level: string = 'info'): Logger {
  return pino({
    level,
    base: undefined,
    redact: { paths: ['*.app_secret', '*.LARK_APP_SECRET', '*.encrypt', '*.authorization'], remove: true },
  });
}
