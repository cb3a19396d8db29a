/**
 * testBot(): the real bot wired like production — real libSQL file, the real SDK client
 * talking HTTP to the fake Lark server, the real webhook with signed, encrypted events —
 * with a settable clock. Every E2E test starts here.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Hono } from 'hono';
import { FixedClock } from '../../bot/clock.js';
import { loadConfig } from '../../bot/config.js';
import { createApp } from '../../bot/app.js';
import { createRouter } from '../../handlers/index.js';
import { createNodeDeps, type NodeDeps } from '../../bot/node-deps.js';
import { createLogger } from '../../bot/log.js';
import { FakeLark } from '../../bot/sandbox/fake-lark/server.js';
import { cardActionEvent, menuEvent, messageEvent, reactionEvent, signedRequest } from '../../bot/sandbox/fake-lark/events.js';
import { BOT_NAME, GROUP, OTHER_GROUP, PEOPLE, furnishOffice, type Person } from '../fixtures/office.js';

export const ENCRYPT_KEY = 'test-encrypt-key';
export const VERIFICATION_TOKEN = 'test-verification-token';
export const TENANT = 'tenant_test';
/** The sample office (test/fixtures/office.ts), as the handler tests name it. */
export { BOT_NAME, GROUP, OTHER_GROUP, PEOPLE, type Person };

export interface SayOptions {
  /** Who speaks. */
  from: Person | string;
  text: string;
  chatId?: string;
  chatType?: 'group' | 'p2p';
  /** Message text may use @张三-style names: each named person becomes a real mention. */
  mention?: Array<Person | string>;
  /** Prefix the bot's own mention (a group command). Default: true in groups. */
  atBot?: boolean;
  parentId?: string;
  tenantKey?: string;
  eventId?: string;
  messageId?: string;
}

export interface TestBot {
  fake: FakeLark;
  deps: NodeDeps;
  clock: FixedClock;
  app: Hono;
  /** POSTs an envelope to /lark/events, signed and encrypted like Lark. */
  post(
    envelope: Record<string, unknown>,
    opts?: { encryptKey?: string; timestamp?: number; tamper?: 'signature' | 'body' | 'timestamp' | 'nonce' },
  ): Promise<Response>;
  /** A text message from a person; returns the envelope sent (for redelivery tests). */
  say(opts: SayOptions): Promise<{ res: Response; envelope: Record<string, unknown> }>;
  /** A card button click; returns the callback answer. */
  click(opts: {
    from: Person | string;
    value: Record<string, unknown>;
    formValue?: Record<string, unknown>;
    messageId?: string;
    chatId?: string;
    tenantKey?: string;
  }): Promise<{ status: number; body: any }>;
  /**
   * Fills in a form on a card the bot sent and presses its submit button, as Lark's client
   * does (FakeLark.formSubmission: Lark's value shapes, required fields, the offered options);
   * a card in the answer replaces the clicked one in the fake, checked like any card.
   */
  submit(opts: {
    from: Person | string;
    messageId: string;
    values: Record<string, unknown>;
    button?: string;
    tenantKey?: string;
  }): Promise<{ status: number; body: any }>;
  /** A person's reaction on a message (im.message.reaction.created_v1); the fake records it too. */
  react(opts: { from: Person | string; messageId: string; emoji: string; tenantKey?: string }): Promise<Response>;
  /** A click on the bot's p2p menu (application.bot.menu_v6) with that item's event key. */
  menu(opts: { from: Person | string; eventKey: string; tenantKey?: string }): Promise<Response>;
  /** Waits until deferred work and the outbox are done. */
  settle(): Promise<void>;
  /** Stops the bot and starts it again on the same database (a restart). */
  restart(): Promise<void>;
  /** Sets the bot's (and the fake's) clock. */
  setNow(iso: string | Date): void;
  close(): Promise<void>;
}

const openIdOf = (p: Person | string): string => (p in PEOPLE ? PEOPLE[p as Person].openId : p);
const nameOf = (p: Person | string): string => (p in PEOPLE ? PEOPLE[p as Person].name : p);

export async function testBot(opts: { now?: string; lang?: 'zh' | 'en'; env?: Record<string, string> } = {}): Promise<TestBot> {
  const clock = new FixedClock(new Date(opts.now ?? '2026-11-24T10:00:00+08:00'));
  const fake = new FakeLark({ appId: 'cli_test_app', appSecret: 'test-app-secret', tenantKey: TENANT, now: () => clock.now() });
  const { url } = await fake.start();
  furnishOffice(fake);

  const dir = mkdtempSync(join(tmpdir(), 'duban-test-'));
  const config = loadConfig({
    LARK_APP_ID: 'cli_test_app',
    LARK_APP_SECRET: 'test-app-secret',
    LARK_ENCRYPT_KEY: ENCRYPT_KEY,
    LARK_VERIFICATION_TOKEN: VERIFICATION_TOKEN,
    LARK_DOMAIN: url,
    LARK_MODE: 'webhook',
    DATABASE_URL: `file:${join(dir, 'duban.db')}`,
    DUBAN_LANG: opts.lang ?? 'zh',
    // Tests send many messages from one person on a still clock; test/hostile/bursts.test.ts sets the real limit.
    DUBAN_COMMANDS_PER_MINUTE: '100000',
    DUBAN_HINT_EVERY_MINUTES: '0',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    ...opts.env,
  });
  let deps = await createNodeDeps(config, { clock, log: createLogger(config.LOG_LEVEL) });
  let app = createApp(deps, createRouter());
  let seq = 0;

  const post: TestBot['post'] = async (envelope, o = {}) => {
    const { body, headers } = signedRequest(envelope, {
      encryptKey: o.encryptKey ?? ENCRYPT_KEY,
      verificationToken: VERIFICATION_TOKEN,
      timestamp: o.timestamp ?? Math.floor(clock.now().getTime() / 1000),
      tamper: o.tamper,
    });
    return app.request('/lark/events', { method: 'POST', body, headers });
  };

  const bot: TestBot = {
    fake,
    deps,
    clock,
    app,
    post,
    async restart() {
      await deps.settle().catch(() => {});
      await deps.close();
      deps = await createNodeDeps(config, { clock, log: createLogger(config.LOG_LEVEL) });
      app = createApp(deps, createRouter());
      bot.deps = deps;
      bot.app = app;
    },
    async say(o) {
      seq += 1;
      const chatType = o.chatType ?? (o.chatId && fake.chats.get(o.chatId)?.chatType === 'p2p' ? 'p2p' : 'group');
      const chatId = o.chatId ?? (chatType === 'p2p' ? fake.p2pChatOf(openIdOf(o.from)) : GROUP);
      const messageId = o.messageId ?? `om_in_${seq}_${Date.now()}`;
      // Lark knows what people typed; the bot may reply to it.
      if (fake.chats.has(chatId)) fake.userSays({ sender: openIdOf(o.from), text: o.text, chatId, messageId, parentId: o.parentId });
      const atBot = o.atBot ?? chatType === 'group';
      const mentions = [
        ...(atBot ? [{ openId: deps.botOpenId, name: BOT_NAME }] : []),
        ...(o.mention ?? []).map((p) => ({ openId: openIdOf(p), name: nameOf(p) })),
      ];
      const envelope = messageEvent({
        text: atBot ? `@${BOT_NAME} ${o.text}` : o.text,
        chatId,
        chatType,
        sender: openIdOf(o.from),
        mentions,
        parentId: o.parentId,
        tenantKey: o.tenantKey ?? TENANT,
        eventId: o.eventId ?? `ev_${seq}_${Date.now()}`,
        messageId,
        time: clock.now(),
      });
      const res = await post(envelope);
      return { res, envelope };
    },
    async click(o) {
      seq += 1;
      const envelope = cardActionEvent({
        operator: openIdOf(o.from),
        value: o.value,
        formValue: o.formValue,
        chatId: o.chatId ?? GROUP,
        messageId: o.messageId ?? 'om_card',
        tenantKey: o.tenantKey ?? TENANT,
        eventId: `ev_click_${seq}_${Date.now()}`,
        time: clock.now(),
      });
      const res = await post(envelope);
      return { status: res.status, body: await res.json().catch(() => null) };
    },
    async submit(o) {
      seq += 1;
      const target = fake.messages.find((m) => m.id === o.messageId);
      if (!target) throw new Error(`no card ${o.messageId} was sent`);
      const form = fake.formSubmission({ messageId: o.messageId, button: o.button, values: o.values });
      const envelope = cardActionEvent({
        operator: openIdOf(o.from),
        value: form.value,
        name: form.name,
        formValue: form.formValue,
        chatId: target.chatId,
        messageId: o.messageId,
        tenantKey: o.tenantKey ?? TENANT,
        eventId: `ev_form_${seq}_${Date.now()}`,
        time: clock.now(),
      });
      const res = await post(envelope);
      const body = await res.json().catch(() => null);
      if (body?.card?.type === 'raw') fake.cardAnswered(o.messageId, body.card.data);
      return { status: res.status, body };
    },
    async react(o) {
      seq += 1;
      const r = fake.userReacts({ messageId: o.messageId, from: openIdOf(o.from), emojiType: o.emoji });
      return post(
        reactionEvent({
          messageId: r.messageId,
          emojiType: r.emojiType,
          operator: r.operator,
          tenantKey: o.tenantKey ?? TENANT,
          eventId: `ev_react_${seq}_${Date.now()}`,
          time: clock.now(),
        }),
      );
    },
    async menu(o) {
      seq += 1;
      return post(
        menuEvent({
          operator: openIdOf(o.from),
          eventKey: o.eventKey,
          tenantKey: o.tenantKey ?? TENANT,
          eventId: `ev_menu_${seq}_${Date.now()}`,
          time: clock.now(),
        }),
      );
    },
    async settle() {
      await deps.settle();
    },
    setNow(iso) {
      clock.set(new Date(iso));
    },
    async close() {
      await deps.settle().catch(() => {});
      await deps.close();
      await fake.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return bot;
}

const ROOT = resolve(import.meta.dirname, '../..');

/** `npm run job -- <args>` in its own process, against this bot's database and fake Lark. */
export function runJobCommand(bot: Pick<TestBot, 'deps'>, args: string[]): Promise<{ code: number | null; out: string }> {
  const c = bot.deps.config;
  const env = {
    ...Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => typeof e[1] === 'string')),
    LARK_APP_ID: c.LARK_APP_ID,
    LARK_APP_SECRET: c.LARK_APP_SECRET,
    LARK_DOMAIN: c.LARK_DOMAIN,
    LARK_MODE: 'webhook',
    LARK_ENCRYPT_KEY: c.LARK_ENCRYPT_KEY ?? '',
    DATABASE_URL: c.DATABASE_URL,
    DUBAN_TZ: 'Asia/Shanghai',
    DUBAN_LANG: c.DUBAN_LANG,
    LOG_LEVEL: 'error',
  };
  return new Promise((done, fail) => {
    const child = spawn('npm', ['run', '--silent', 'job', '--', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, out }));
  });
}
