/**
 * Configuration from environment variables (SPEC §7), parsed once from an injected record.
 * Every problem is reported together, one line each, with how to fix it.
 */
import { z } from 'zod';

const isTimeZone = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

/**
 * Without an Encrypt Key Lark neither signs nor encrypts what it posts, and the verification
 * token travels in every event: anyone who can reach /lark/events could forge commands and
 * card clicks. Source: open.feishu.cn/document/ukTMukTMukTM/uYDNxYjL2QTM24iN0EjN/event-subscription-configure-/encrypt-key-encryption-configuration-case
 */
export const WEBHOOK_NEEDS_KEY =
  'webhook mode needs LARK_ENCRYPT_KEY: without it Lark neither signs nor encrypts events, and anyone who can reach /lark/events could forge commands and card clicks. ' +
  'Set an Encrypt Key in the developer console (事件与回调 Events & Callbacks → 加密策略 Encryption strategy) and copy it into LARK_ENCRYPT_KEY, or use LARK_MODE=websocket (no public URL needed)';

const Schema = z
  .object({
    LARK_APP_ID: z
      .string({ message: 'missing: copy the App ID from the Feishu developer console (it starts with cli_)' })
      .regex(/^cli_\w+$/, 'copy the App ID from the Feishu developer console (it starts with cli_)'),
    LARK_APP_SECRET: z
      .string({ message: 'missing: copy the App Secret from the developer console (Credentials & Basic Info)' })
      .min(8, 'copy the App Secret from the developer console (Credentials & Basic Info)'),
    LARK_VERIFICATION_TOKEN: z.string().optional(),
    LARK_ENCRYPT_KEY: z.string().optional(),
    LARK_DOMAIN: z
      .string()
      .default('feishu')
      .refine((v) => v === 'feishu' || v === 'lark' || /^https?:\/\/[^\s/]+(:\d+)?\/?$/.test(v), {
        message: 'use feishu, lark, or a base URL such as http://127.0.0.1:9000',
      }),
    LARK_MODE: z.enum(['websocket', 'webhook'], { message: 'use websocket or webhook' }).default('websocket'),
    DATABASE_URL: z
      .string()
      .default('file:./data/duban.db')
      .refine((v) => /^(file:|libsql:|https?:|wss?:)/.test(v), {
        message: 'use file:./data/duban.db, libsql://<db>.turso.io or http(s)://…',
      }),
    DATABASE_AUTH_TOKEN: z.string().optional(),
    PORT: z.coerce.number({ message: 'use a port number such as 3000' }).int().min(1).max(65535).default(3000),
    HOST: z.string().default('127.0.0.1'),
    DUBAN_TZ: z.string().default('Asia/Shanghai').refine(isTimeZone, { message: 'use an IANA time zone such as Asia/Shanghai' }),
    DUBAN_LANG: z.enum(['zh', 'en'], { message: 'use zh or en' }).default('zh'),
    DUBAN_COMMANDS_PER_MINUTE: z.coerce
      .number({ message: 'use a whole number of messages a minute, such as 10' })
      .int('use a whole number of messages a minute, such as 10')
      .min(1, 'use at least 1')
      .default(10),
    DUBAN_HINT_EVERY_MINUTES: z.coerce
      .number({ message: 'use a whole number of minutes, such as 10' })
      .int('use a whole number of minutes, such as 10')
      .min(0, 'use 0 or more minutes')
      .default(10),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Processes sending for this app on one database (bot processes, and job commands run beside them). */
    /** Leave approval definition codes to subscribe to (comma-separated), besides those named with /设置 请假审批. */
    LARK_LEAVE_APPROVALS: z
      .string()
      .default('')
      .refine((v) => v.split(',').every((c) => !c.trim() || /^[A-Za-z0-9-]{4,64}$/.test(c.trim())), {
        message: 'use approval codes separated by commas, such as 7C468A54-8745-2245-9675-08B7C63E7A85',
      }),
    DUBAN_SENDERS: z.coerce.number({ message: 'use the number of processes sending for this app, such as 2' }).int().min(1).max(50).default(1),
  })
  .superRefine((v, ctx) => {
    if (v.LARK_MODE === 'webhook' && !v.LARK_ENCRYPT_KEY) ctx.addIssue({ code: 'custom', path: ['LARK_ENCRYPT_KEY'], message: WEBHOOK_NEEDS_KEY });
    if (/^(libsql:|https?:|wss?:)/.test(v.DATABASE_URL) && !v.DATABASE_AUTH_TOKEN && /^libsql:/.test(v.DATABASE_URL)) {
      ctx.addIssue({ code: 'custom', path: ['DATABASE_AUTH_TOKEN'], message: 'a libsql:// database needs its auth token' });
    }
  });

export type Config = z.infer<typeof Schema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const r = Schema.safeParse(cleaned);
  if (!r.success) {
    throw new ConfigError(r.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`));
  }
  return r.data;
}

/** Lark's base URL for a LARK_DOMAIN value. */
export function larkBaseUrl(domain: string): string {
  if (domain === 'feishu') return 'https://open.feishu.cn';
  if (domain === 'lark') return 'https://open.larksuite.com';
  return domain.replace(/\/$/, '');
}
