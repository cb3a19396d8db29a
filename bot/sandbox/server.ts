/**
 * The sandbox (SPEC §9): the real bot — createNodeDeps, createApp, the handlers, the database,
 * the outbox and the jobs — against FakeLark, the same fake Lark Open API the tests use, plus
 * a web page where you act as any of the sample people.
 *
 * What flows where:
 *  - the page posts what a person types or clicks; the sandbox turns it into the schema-2.0
 *    event Lark would send (mentions as `@_user_N` + `mentions`, replies with parent_id/root_id,
 *    clicks as card.action.trigger), signs and encrypts it with the generated encrypt key, and
 *    POSTs it over HTTP to the bot's own /lark/events — the production path;
 *  - the bot answers through the real SDK client at LARK_DOMAIN = the fake's URL; the page
 *    shows what the fake received: sends, replies, PATCHed cards, 加急, uploaded files;
 *  - the simulated clock (SandboxClock) is the bot's clock and the fake's; moving it runs the
 *    scheduled jobs at the new time, like `npm run job -- <name> --now <time>`.
 */
import { clockLabel } from '../cards/time.js';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { createApp } from '../app.js';
import { loadConfig } from '../config.js';
import { recoverInbox } from '../ingest.js';
import type { Router } from '../router.js';
import { createLogger } from '../log.js';
import { createNodeDeps, type NodeDeps } from '../node-deps.js';
import type { Clock } from '../clock.js';
import { isValidYmd } from '../domain/calendar.js';
import { getChat } from '../../db/chats.js';
import { absencesIn } from '../../db/leave.js';
import { pendingDueBy } from '../../db/outbox.js';
import { readMarksCount, readStatusOf } from '../../db/reads.js';
import { getTaskByNumber, hasAnyTask } from '../../db/tasks.js';
import { applyCalendarImports } from '../../schedules/calendar-imports.js';
import { runJob } from '../../schedules/jobs.js';
import { pollReads } from '../../schedules/reads.js';
import { awayUntil } from '../cards/leave.js';
import { FakeLark, type FakeMessage } from './fake-lark/server.js';
import { botAddedEvent, cardActionEvent, menuEvent, messageEvent, messageReadEvent, otherMessageEvent, signedRequest } from './fake-lark/events.js';
import { RequiredFieldEmpty, submitForm } from './fake-lark/forms.js';
import { renderMessageBody, renderUserText, type RenderContext } from './render.js';
import { GROUPS, PEOPLE, SANDBOX_APP, personByKey, seedOffice, seedWeek, type SandboxPerson, type SeedDriver } from './seed.js';
import { pageHtml, messagesHtml, type ChatView, type PageModel, type ShownMessage } from './page.js';

// ───────────────────────── the clock ─────────────────────────

/**
 * The simulated time. It runs at the speed of real time from wherever it was last set (so the
 * outbox's retries and backoffs still come due), and only ever moves forward.
 */
export class SandboxClock implements Clock {
  private base: number;
  private setAt: number;

  constructor(start: Date) {
    this.base = start.getTime();
    this.setAt = Date.now();
  }

  now(): Date {
    return new Date(this.base + (Date.now() - this.setAt));
  }

  set(t: Date): void {
    const ms = Math.max(t.getTime(), this.now().getTime());
    this.base = ms;
    this.setAt = Date.now();
  }

  /** Starts the clock over at `t`, backwards too: only before anything has happened (the seed). */
  restart(t: Date): void {
    this.base = t.getTime();
    this.setAt = Date.now();
  }

  advance(ms: number): void {
    this.set(new Date(this.now().getTime() + Math.max(0, ms)));
  }
}

// ───────────────────────── options and state ─────────────────────────

export interface SandboxOptions {
  /** 0 picks a free port. Default 3000. */
  port?: number;
  host?: string;
  /** Default file:./data/sandbox.db. */
  databaseUrl?: string;
  /** Start over: delete the database and the transcript first. */
  fresh?: boolean;
  lang?: 'zh' | 'en';
  /** Seed the sample week when the database has no tasks (default true). */
  seed?: boolean;
  /** The real "today" the seed week is chosen from (tests pin it). YYYY-MM-DD. */
  today?: string;
  /** Where the simulated clock starts when nothing is seeded or kept (default: now). */
  startAt?: Date;
  logLevel?: string;
}

/** A message a person typed on the page (Lark keeps these; the fake only sees the bot's). */
interface UserMessage {
  id: string;
  chatId: string;
  chatType: 'group' | 'p2p';
  sender: string;
  /** Text as the event carries it, with `@_user_N` placeholders. */
  text: string;
  mentions: Array<{ key: string; openId: string; name: string }>;
  parentId: string | null;
  rootId: string | null;
  time: number;
  seq: number;
  /** A file the person sent (message type `file`); its bytes live in the fake Lark's resources. */
  file?: { key: string; name: string; size: number };
}

/** The card a callback answer put in place of the clicked one, until a later PATCH. */
interface CardOverride {
  card: unknown;
  /** fake.patches.length when it was applied: later patches of the message win. */
  patchCount: number;
}

interface Transcript {
  version: 1;
  clock: string;
  p2p: Record<string, string>;
  userMessages: UserMessage[];
  botMessages: Array<Omit<FakeMessage, 'time' | 'updatedAt'> & { time: string; updatedAt: string | null }>;
  urgents: Array<{ messageId: string; kind: 'app' | 'sms' | 'phone'; userIds: string[]; invalidUserIds: string[]; time: string }>;
  files: Array<{ fileKey: string; fileName: string; fileType: string; base64: string; time: string }>;
  overrides: Array<{ messageId: string; card: unknown }>;
}

export interface Sandbox {
  /** Base URL of the sandbox (the bot's /lark/events and /healthz live here too). */
  url: string;
  /** The page: `${url}/sandbox`. */
  pageUrl: string;
  fake: FakeLark;
  deps: NodeDeps;
  clock: SandboxClock;
  /** Acts as a person: what the page does when someone presses send. */
  say(personKey: string, chat: string, text: string, opts?: { replyTo?: string | null; mentionBot?: boolean }): Promise<void>;
  /** Moves the clock (an instant, or one of the page's buttons) and runs the jobs there. */
  moveClock(to: Date | 'next_morning' | 'plus_day' | 'plus_2h' | 'friday_16'): Promise<Date>;
  /** Waits until every event is processed and the outbox is empty. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

/** Jobs the clock buttons run, in this order, with --now semantics. */
export const CLOCK_JOBS = ['chase', 'revisit', 'digest'] as const;

const HERE = dirname(fileURLToPath(import.meta.url));
const DEFAULT_DB = 'file:./data/sandbox.db';

function dbPathOf(url: string): string | null {
  if (!url.startsWith('file:') || url.startsWith('file::memory:')) return null;
  return resolve(url.slice('file:'.length).split('?')[0]!);
}

// ───────────────────────── start ─────────────────────────

export async function startSandbox(router: Router, opts: SandboxOptions = {}): Promise<Sandbox> {
  const databaseUrl = opts.databaseUrl ?? DEFAULT_DB;
  const dbPath = dbPathOf(databaseUrl);
  const transcriptPath = dbPath ? `${dbPath.replace(/\.db$/, '')}.transcript.json` : null;
  if (opts.fresh && dbPath) {
    for (const p of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`, `${dbPath}-journal`, transcriptPath!]) rmSync(p, { force: true });
  }
  const saved = transcriptPath && existsSync(transcriptPath) && dbPath && existsSync(dbPath) ? readTranscript(transcriptPath) : null;

  const log = createLogger(opts.logLevel ?? 'warn');
  const clock = new SandboxClock(saved ? new Date(saved.clock) : (opts.startAt ?? new Date()));
  const fake = new FakeLark({
    appId: SANDBOX_APP.appId,
    appSecret: SANDBOX_APP.appSecret,
    botOpenId: SANDBOX_APP.botOpenId,
    botName: SANDBOX_APP.botName,
    tenantKey: SANDBOX_APP.tenantKey,
    now: () => clock.now(),
    // Tokens would expire each time the clock jumps a day; the SDK client copes, but quietly is nicer.
    tokenTtlSeconds: 10 * 365 * 24 * 3600,
  });
  for (const p of PEOPLE) {
    fake.addDepartment(p.departmentId, p.department);
    fake.addUser({ openId: p.openId, name: p.name, departmentId: p.departmentId, userId: p.key });
  }
  const keyToOpenId = (k: string) => personByKey(k)!.openId;
  for (const g of GROUPS) {
    fake.addChat({ chatId: g.chatId, name: g.name, ownerId: keyToOpenId(g.owner), managers: g.managers.map(keyToOpenId), members: g.members.map(keyToOpenId) });
  }
  const { url: fakeUrl } = await fake.start();

  const encryptKey = randomBytes(24).toString('base64url');
  const verificationToken = randomBytes(16).toString('hex');
  const config = loadConfig({
    LARK_APP_ID: SANDBOX_APP.appId,
    LARK_APP_SECRET: SANDBOX_APP.appSecret,
    LARK_ENCRYPT_KEY: encryptKey,
    LARK_VERIFICATION_TOKEN: verificationToken,
    LARK_DOMAIN: fakeUrl,
    LARK_MODE: 'webhook',
    DATABASE_URL: databaseUrl,
    PORT: String(opts.port || 3000),
    HOST: opts.host ?? '127.0.0.1',
    DUBAN_TZ: 'Asia/Shanghai',
    DUBAN_LANG: opts.lang ?? 'zh',
    LOG_LEVEL: opts.logLevel ?? 'warn',
  });
  const deps = await createNodeDeps(config, { clock, log });
  const tz = config.DUBAN_TZ;

  // ── conversation state ──
  const userMessages: UserMessage[] = [];
  const overrides = new Map<string, CardOverride>();
  let seq = 0;
  let version = 1;
  const listeners = new Set<() => void>();
  const bump = () => {
    version++;
    for (const l of [...listeners]) l();
  };
  const p2pChat = (openId: string) => fake.p2pChatOf(openId);

  if (saved) restoreTranscript(saved, fake, userMessages, overrides, p2pChat);
  // The fake must know what people typed, so that the bot's replies to it find their target.
  for (const m of userMessages) tellFake(fake, m);
  seq = userMessages.reduce((m, x) => Math.max(m, x.seq), 0);

  // Watches the fake's records: anything new there is news for the page. So is a 催办 the bot
  // recorded or a read it learnt of (the marks beside the messages), counted every half second.
  let lastPrint = '';
  let marks = '';
  const fingerprint = () =>
    `${fake.messages.length}|${fake.patches.length}|${fake.urgents.length}|${fake.files.length}|${userMessages.length}|${overrides.size}|${marks}`;
  const marksWatcher = setInterval(() => {
    readMarksCount(deps.db)
      .then((m) => {
        marks = m;
      })
      .catch(() => {});
  }, 500);
  marksWatcher.unref();
  const watcher = setInterval(() => {
    const fp = fingerprint();
    if (fp !== lastPrint) {
      lastPrint = fp;
      bump();
    }
  }, 120);
  watcher.unref();
  // `npm run job -- calendar import` on the sandbox's database takes effect within a minute,
  // without a clock move: the calendar is reloaded and working-day deadlines are recounted.
  const calendarWatcher = setInterval(() => {
    applyCalendarImports(deps, clock.now())
      .then((r) => {
        if (r.recounted) bump();
      })
      .catch((err) => log.warn({ err }, 'applying calendar imports failed; keeping the loaded calendar'));
  }, 60_000);
  calendarWatcher.unref();

  // ── the HTTP server: the bot's own routes and the page ──
  const botApp = createApp(deps, router, { health: () => ({ mode: 'sandbox' }) });
  const app = new Hono();
  let selfUrl = '';

  const nameOf = (openId: string): string | undefined => {
    if (openId === SANDBOX_APP.botOpenId) return deps.config.DUBAN_LANG === 'en' ? 'Duban' : SANDBOX_APP.botName;
    const p = PEOPLE.find((x) => x.openId === openId);
    if (p) return lang() === 'en' ? p.nameEn : p.name;
    return fake.users.get(openId)?.name;
  };
  let pageLang: 'zh' | 'en' = opts.lang ?? 'zh';
  const lang = () => pageLang;

  /** Chats a person sees: the groups they are in, then their p2p chat with the bot. */
  const chatsOf = (p: SandboxPerson): ChatView[] => [
    ...GROUPS.filter((g) => g.members.includes(p.key)).map((g) => ({
      key: g.key,
      chatId: g.chatId,
      type: 'group' as const,
      name: lang() === 'en' ? g.nameEn : g.name,
      members: g.members.map((k) => personByKey(k)!),
    })),
    { key: 'p2p', chatId: p2pChat(p.openId), type: 'p2p' as const, name: lang() === 'en' ? 'Duban (bot)' : '督办（机器人）', members: [p] },
  ];

  const resolveChat = (p: SandboxPerson, key: string | undefined): ChatView => {
    const all = chatsOf(p);
    return all.find((c) => c.key === key) ?? all[0]!;
  };

  // ── turning the page's actions into Lark events ──

  async function postEnvelope(envelope: Record<string, unknown>): Promise<Record<string, unknown>> {
    const now = clock.now();
    // Signed and encrypted like Lark's own deliveries, stamped with the simulated time the bot checks against.
    const req = signedRequest(envelope, { encryptKey, verificationToken, timestamp: now });
    const res = await fetch(`${selfUrl}/lark/events`, { method: 'POST', headers: req.headers, body: req.body });
    const text = await res.text();
    if (!res.ok) throw new Error(`the bot refused the event: HTTP ${res.status} ${text}`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  }

  /** Finds `@名字` in typed text: people of the chat and the bot become mention placeholders. */
  function toLarkText(text: string, chat: ChatView, mentionBot: boolean): { text: string; mentions: UserMessage['mentions'] } {
    const candidates = [
      ...chat.members.flatMap((p) => [
        { name: p.name, openId: p.openId },
        { name: p.nameEn, openId: p.openId },
      ]),
      { name: SANDBOX_APP.botName, openId: SANDBOX_APP.botOpenId },
      { name: 'Duban', openId: SANDBOX_APP.botOpenId },
    ].sort((a, b) => b.name.length - a.name.length);
    const mentions: UserMessage['mentions'] = [];
    let out = '';
    let i = 0;
    while (i < text.length) {
      if (text[i] === '@') {
        const hit = candidates.find((c) => text.startsWith(c.name, i + 1));
        if (hit) {
          const key = `@_user_${mentions.length + 1}`;
          mentions.push({ key, openId: hit.openId, name: nameOf(hit.openId) ?? hit.name });
          out += key;
          i += 1 + hit.name.length;
          continue;
        }
      }
      out += text[i];
      i++;
    }
    if (mentionBot && chat.type === 'group' && !mentions.some((m) => m.openId === SANDBOX_APP.botOpenId)) {
      // Lark numbers mentions in order of appearance: the bot, typed first, is @_user_1.
      const renumbered = mentions.map((m, idx) => ({ ...m, key: `@_user_${idx + 2}` }));
      let shifted = out;
      for (let idx = mentions.length - 1; idx >= 0; idx--) shifted = shifted.split(mentions[idx]!.key).join(`\u0000${idx + 2}\u0000`);
      shifted = shifted.replace(/\u0000(\d+)\u0000/g, '@_user_$1');
      return {
        text: `@_user_1 ${shifted}`,
        mentions: [{ key: '@_user_1', openId: SANDBOX_APP.botOpenId, name: nameOf(SANDBOX_APP.botOpenId)! }, ...renumbered],
      };
    }
    return { text: out, mentions };
  }

  /** The root of a thread a message belongs to (a user's message or the bot's). */
  const rootOf = (messageId: string): string => {
    const u = userMessages.find((m) => m.id === messageId);
    if (u) return u.rootId ?? u.id;
    const b = fake.messages.find((m) => m.id === messageId);
    if (b) return b.rootId ?? b.id;
    return messageId;
  };

  async function say(personKey: string, chatKey: string, input: string, o: { replyTo?: string | null; mentionBot?: boolean } = {}): Promise<void> {
    const person = personByKey(personKey);
    if (!person) throw new Error(`unknown person ${personKey}`);
    const chat = resolveChat(person, chatKey);
    const { text, mentions } = toLarkText(input, chat, o.mentionBot ?? true);
    const parentId = o.replyTo ?? null;
    const msg: UserMessage = {
      id: `om_${randomBytes(16).toString('hex')}`,
      chatId: chat.chatId,
      chatType: chat.type,
      sender: person.openId,
      text,
      mentions,
      parentId,
      rootId: parentId ? rootOf(parentId) : null,
      time: clock.now().getTime(),
      seq: ++seq,
    };
    userMessages.push(msg);
    tellFake(fake, msg);
    bump();
    await postEnvelope(
      messageEvent({
        appId: SANDBOX_APP.appId,
        tenantKey: SANDBOX_APP.tenantKey,
        messageId: msg.id,
        chatId: msg.chatId,
        chatType: msg.chatType,
        sender: { openId: person.openId, userId: person.key },
        // Already in Lark's form: `@_user_N` placeholders, mentions in key order.
        text: msg.text,
        mentions: msg.mentions.map((m) => ({ openId: m.openId, name: m.name })),
        parentId: msg.parentId ?? undefined,
        rootId: msg.rootId ?? undefined,
        time: msg.time,
      }),
    );
  }

  /**
   * A person sends a file into a chat, as Lark delivers it: a `file` message whose content is
   * `{"file_key","file_name"}`, its bytes served by message-resource get. In a group the event is
   * delivered as with the scope to read all group messages (im:message.group_msg).
   */
  async function sendFile(personKey: string, chatKey: string, name: string, bytes: Uint8Array): Promise<void> {
    const person = personByKey(personKey);
    if (!person) throw new Error(`unknown person ${personKey}`);
    const chat = resolveChat(person, chatKey);
    const recorded = fake.userSendsFile({
      sender: person.openId,
      chatId: chat.chatId,
      fileName: name,
      bytes,
      messageId: `om_${randomBytes(16).toString('hex')}`,
    });
    recorded.time = clock.now();
    const msg: UserMessage = {
      id: recorded.id,
      chatId: chat.chatId,
      chatType: chat.type,
      sender: person.openId,
      text: '',
      mentions: [],
      parentId: null,
      rootId: null,
      time: clock.now().getTime(),
      seq: ++seq,
      file: { key: String(recorded.content.file_key), name, size: bytes.byteLength },
    };
    userMessages.push(msg);
    bump();
    await postEnvelope(
      otherMessageEvent({
        appId: SANDBOX_APP.appId,
        tenantKey: SANDBOX_APP.tenantKey,
        messageId: msg.id,
        chatId: msg.chatId,
        chatType: msg.chatType,
        sender: { openId: person.openId, userId: person.key },
        messageType: 'file',
        content: recorded.content,
        time: msg.time,
      }),
    );
  }

  /** The card as shown now: a callback's answer, unless a PATCH came after it. */
  function currentCard(messageId: string): unknown {
    const m = fake.messages.find((x) => x.id === messageId);
    const o = overrides.get(messageId);
    return o && !fake.patches.slice(o.patchCount).some((p) => p.messageId === messageId) ? o.card : m?.content;
  }

  async function click(
    personKey: string,
    messageId: string,
    value: Record<string, unknown>,
    formValue: Record<string, unknown> | null,
    button?: string,
  ): Promise<{ toast: { type: string; content: string } | null }> {
    const person = personByKey(personKey);
    if (!person) throw new Error(`unknown person ${personKey}`);
    const target = fake.messages.find((m) => m.id === messageId);
    if (!target) throw new Error('that card is not one the bot sent');
    // A form is submitted as Lark's client submits it: its fields in Lark's shapes (dates as
    // "yyyy-MM-dd +0800"), and nothing sent when a required one is empty (fake-lark/forms.ts).
    let action: { value: Record<string, unknown>; formValue?: Record<string, unknown>; name?: string } = { value };
    if (formValue) {
      try {
        const chat = fake.chats.get(target.chatId);
        const s = submitForm(currentCard(messageId) as Record<string, unknown>, {
          button,
          values: formValue,
          chatMembers: chat?.chatType === 'group' ? new Set(chat.members) : null,
        });
        action = { value: s.value, formValue: s.formValue, name: s.name };
      } catch (err) {
        if (err instanceof RequiredFieldEmpty) return { toast: { type: 'error', content: lang() === 'zh' ? '有必填项未填写' : 'A required field is empty' } };
        throw err;
      }
    }
    const answer = await postEnvelope(
      cardActionEvent({
        appId: SANDBOX_APP.appId,
        tenantKey: SANDBOX_APP.tenantKey,
        operator: { openId: person.openId, userId: person.key },
        value: action.value,
        formValue: action.formValue,
        name: action.name,
        messageId,
        chatId: target.chatId,
        time: clock.now(),
      }),
    );
    const card = (answer.card as { type?: string; data?: unknown } | undefined) ?? null;
    if (card && card.type === 'raw' && card.data) {
      // Lark shows the answer's card in place of the clicked one (and refuses one it cannot build).
      if (target.msgType === 'interactive') fake.cardAnswered(messageId, card.data);
      overrides.set(messageId, { card: card.data, patchCount: fake.patches.length });
      bump();
    }
    const toast = answer.toast as { type: string; content: string } | undefined;
    return { toast: toast ?? null };
  }

  /**
   * Until every event is processed and every message due within a few seconds is delivered
   * (a burst can meet the fake's per-chat limit of 5/s; the outbox retries a second later).
   */
  async function settle(maxMs = 10_000): Promise<void> {
    const until = Date.now() + maxMs;
    for (;;) {
      await deps.settle();
      const soon = clock.now().getTime() + 3_000;
      if ((await pendingDueBy(deps.db, new Date(soon))) === 0 || Date.now() > until) return;
      await new Promise((res) => setTimeout(res, 200));
      deps.sender.kick();
    }
  }

  async function runJobs(now: Date): Promise<void> {
    for (const name of CLOCK_JOBS) {
      try {
        await runJob(deps, name, now);
      } catch (err) {
        deps.log.error({ err, job: name }, 'sandbox job failed');
      }
    }
    await settle();
  }

  const calendar = deps.calendar;
  function targetOf(op: 'next_morning' | 'plus_day' | 'plus_2h' | 'friday_16'): Date {
    const now = clock.now();
    const today = calendar.localDate(now);
    switch (op) {
      case 'plus_day':
        return new Date(now.getTime() + 24 * 3600_000);
      case 'plus_2h':
        return new Date(now.getTime() + 2 * 3600_000);
      case 'next_morning':
        // 09:30 is when the daily 提醒/催办 go out (SPEC §4).
        return calendar.at(calendar.nextWorkday(today), '09:30');
      case 'friday_16': {
        let d = today;
        for (let i = 0; i < 8; i++) {
          if (calendar.weekday(d) === 5 && calendar.at(d, '16:00').getTime() > now.getTime()) return calendar.at(d, '16:00');
          d = addDay(d);
        }
        return calendar.at(d, '16:00');
      }
    }
  }

  async function moveClock(to: Date | 'next_morning' | 'plus_day' | 'plus_2h' | 'friday_16'): Promise<Date> {
    const at = to instanceof Date ? to : targetOf(to);
    await settle();
    clock.set(at);
    bump();
    await runJobs(clock.now());
    bump();
    return clock.now();
  }

  // ── routes ──
  const personFrom = (key: string | undefined): SandboxPerson => personByKey(key ?? '') ?? PEOPLE[0]!;

  /**
   * Opening a chat reads what the bot sent there, as in Lark's client. In a p2p chat Lark tells
   * the bot with im.message.message_read_v1; a group's reads are only known by asking read_users,
   * which the sandbox does at once (the chase job asks every half hour).
   */
  async function markSeen(viewer: SandboxPerson, chat: ChatView): Promise<void> {
    const unread = fake.messages.filter((m) => m.chatId === chat.chatId && !m.recalled && !fake.reads.get(m.id)?.has(viewer.openId));
    if (!unread.length) return;
    const now = clock.now();
    for (const m of unread) fake.markRead(viewer.openId, m.id, now);
    if (chat.type === 'p2p') {
      await postEnvelope(
        messageReadEvent({
          appId: SANDBOX_APP.appId,
          tenantKey: SANDBOX_APP.tenantKey,
          reader: { openId: viewer.openId, userId: viewer.key },
          messageIds: unread.map((m) => m.id),
          readAt: now,
          time: now,
        }),
      );
      await deps.settle();
    } else {
      // Asked only when one of them is a 催办 for the viewer: read_users is one call per message.
      const status = await readStatusOf(
        deps.db,
        unread.map((m) => m.id),
      );
      if ([...status.values()].some((rs) => rs.some((r) => r.userId === viewer.openId && !r.readAt))) await pollReads(deps, now, 0);
    }
    bump();
  }

  /** Whoever is on leave now, by open_id: "请假至 12月25日". */
  async function awayNow(): Promise<Map<string, string>> {
    const away = await absencesIn(deps.db, SANDBOX_APP.tenantKey, clock.now(), (d) => calendar.localDate(d));
    return new Map([...away].map(([id, a]) => [id, awayUntil(a.lastDay, lang())]));
  }

  const shownMessages = async (chat: ChatView, viewer: SandboxPerson): Promise<ShownMessage[]> => {
    const ctx: RenderContext = {
      nameOf,
      lang: lang(),
      formatTime: (ms) => clockLabel(new Date(ms), tz, lang()),
      members: fake.chats.get(chat.chatId)?.members ?? [],
    };
    const patchesSince = (id: string, n: number) => fake.patches.slice(n).some((p) => p.messageId === id);
    const inChat = fake.messages.filter((m) => m.chatId === chat.chatId && !m.recalled);
    // The 催办 and 督办 messages: whom each was for, and whether the bot knows they read it.
    const readStatus = await readStatusOf(
      deps.db,
      inChat.map((m) => m.id),
    );
    const bot: ShownMessage[] = inChat.map((m, i) => {
      const o = overrides.get(m.id);
      const content = o && !patchesSince(m.id, o.patchCount) ? o.card : m.content;
      const file = m.msgType === 'file' ? fake.files.find((f) => f.fileKey === m.content?.file_key) : undefined;
      const urgent = fake.urgents.filter((u) => u.messageId === m.id).flatMap((u) => u.userIds);
      return {
        id: m.id,
        from: 'bot' as const,
        senderName: nameOf(SANDBOX_APP.botOpenId)!,
        time: m.time.getTime(),
        order: i,
        html: file ? '' : renderMessageBody(m.msgType, content, ctx),
        file: file ? { key: file.fileKey, name: file.fileName, size: file.bytes.byteLength } : null,
        urgentTo: [...new Set(urgent)].map((id) => nameOf(id) ?? id),
        reads: (readStatus.get(m.id) ?? []).map((r) => ({
          who: chat.type === 'p2p' ? '' : (nameOf(r.userId) ?? r.userId),
          at: r.readAt ? r.readAt.getTime() : null,
        })),
        replyTo: m.replyTo ? quoteOf(m.replyTo) : null,
        updated: m.updatedAt !== null || !!o,
        mine: false,
        isCard: m.msgType === 'interactive',
      };
    });
    const users: ShownMessage[] = userMessages
      .filter((m) => m.chatId === chat.chatId)
      .map((m) => ({
        id: m.id,
        from: 'user' as const,
        senderName: nameOf(m.sender) ?? m.sender,
        time: m.time,
        order: 1e9 + m.seq,
        html: m.file ? '' : `<div class="text">${renderUserText(m.text, m.mentions, ctx)}</div>`,
        file: m.file ?? null,
        urgentTo: [],
        reads: [],
        replyTo: m.parentId ? quoteOf(m.parentId) : null,
        updated: false,
        mine: m.sender === viewer.openId,
        isCard: false,
      }));
    return [...bot, ...users].sort((a, b) => a.time - b.time || a.order - b.order);
  };

  const quoteOf = (messageId: string): { id: string; who: string; text: string } | null => {
    const u = userMessages.find((m) => m.id === messageId);
    if (u) {
      const plain = u.text.replace(/@_user_\d+/g, (k) => `@${u.mentions.find((x) => x.key === k)?.name ?? ''}`);
      return { id: u.id, who: nameOf(u.sender) ?? '', text: plain.slice(0, 80) };
    }
    const b = fake.messages.find((m) => m.id === messageId);
    if (!b) return null;
    const headerTitle = b.msgType === 'interactive' ? b.content?.header?.title?.content : null;
    const text =
      typeof headerTitle === 'string'
        ? headerTitle
        : fake
            .textOf(b)
            .replace(/<at[^>]*>([^<]*)<\/at>/g, '@$1')
            .split('\n')[0]!;
    return { id: b.id, who: nameOf(SANDBOX_APP.botOpenId)!, text: text.slice(0, 80) };
  };

  const chatCounts = (p: SandboxPerson): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const c of chatsOf(p)) {
      out[c.key] = fake.messages.filter((m) => m.chatId === c.chatId).length + userMessages.filter((m) => m.chatId === c.chatId).length;
    }
    return out;
  };

  const modelFor = async (asKey: string | undefined, chatKey: string | undefined): Promise<PageModel> => {
    const me = personFrom(asKey);
    const chat = resolveChat(me, chatKey);
    await markSeen(me, chat).catch((err) => log.warn({ err }, 'marking the chat read failed'));
    return {
      lang: lang(),
      tz,
      me,
      people: PEOPLE,
      chats: chatsOf(me),
      chat,
      botName: nameOf(SANDBOX_APP.botOpenId)!,
      clockText: clockLabel(clock.now(), tz, lang(), true),
      clockIso: clock.now().toISOString(),
      messages: await shownMessages(chat, me),
      away: Object.fromEntries(await awayNow()),
      counts: chatCounts(me),
      version,
    };
  };

  app.get('/', (c) => c.redirect('/sandbox'));
  app.get('/favicon.ico', (c) => c.body(null, 204));
  app.get('/sandbox', async (c) => {
    const q = c.req.query();
    if (q.lang === 'zh' || q.lang === 'en') setLang(q.lang);
    return c.html(pageHtml(await modelFor(q.as, q.chat)));
  });
  app.get('/sandbox/client.js', (c) => {
    c.header('content-type', 'text/javascript; charset=utf-8');
    c.header('cache-control', 'no-cache');
    return c.body(readFileSync(resolve(HERE, 'client.js'), 'utf8'));
  });
  app.get('/sandbox/messages', async (c) => {
    const q = c.req.query();
    const model = await modelFor(q.as, q.chat);
    return c.json({ html: messagesHtml(model), clock: model.clockText, counts: model.counts, version: model.version });
  });
  app.get('/sandbox/stream', (c) =>
    streamSSE(c, async (stream) => {
      let last = -1;
      while (!stream.aborted && !stopped) {
        if (version !== last) {
          last = version;
          await stream.writeSSE({ event: 'version', data: String(version) });
        }
        await new Promise<void>((r) => {
          const done = () => {
            listeners.delete(done);
            clearTimeout(timer);
            r();
          };
          const timer = setTimeout(done, 15_000);
          listeners.add(done);
          stream.onAbort(done);
        });
        if (version === last && !stream.aborted) await stream.write(': keep-alive\n\n');
      }
    }),
  );
  app.post('/sandbox/api/message', async (c) => {
    const body = await c.req.json().catch(() => null);
    if (!body || typeof body.text !== 'string' || !body.text.trim()) return c.json({ error: 'empty message' }, 400);
    if (body.text.length > 4000) return c.json({ error: 'message too long' }, 400);
    try {
      await say(String(body.as), String(body.chat), body.text.trim(), {
        replyTo: typeof body.replyTo === 'string' ? body.replyTo : null,
        mentionBot: body.mentionBot !== false,
      });
      return c.json({ ok: true });
    } catch (err) {
      return c.json({ error: (err as Error).message }, 400);
    }
  });
  app.post('/sandbox/api/file', async (c) => {
    const body = await c.req.json().catch(() => null);
    const name = typeof body?.name === 'string' ? body.name.trim().slice(0, 200) : '';
    if (!name || typeof body.base64 !== 'string') return c.json({ error: 'no file' }, 400);
    // Lark takes files up to 100 MB; the sandbox keeps what it is sent in memory, so it stops at 20 MB.
    if (body.base64.length > Math.ceil((20 * 2 ** 20 * 4) / 3) + 4)
      return c.json({ error: lang() === 'zh' ? '沙盒只接收 20 MB 以内的文件' : 'The sandbox takes files up to 20 MB' }, 400);
    try {
      await sendFile(String(body.as), String(body.chat), name, new Uint8Array(Buffer.from(body.base64, 'base64')));
      return c.json({ ok: true });
    } catch (err) {
      return c.json({ error: (err as Error).message }, 400);
    }
  });
  app.post('/sandbox/api/action', async (c) => {
    const body = await c.req.json().catch(() => null);
    if (!body || typeof body.messageId !== 'string' || !body.value || typeof body.value !== 'object') return c.json({ error: 'bad action' }, 400);
    try {
      const r = await click(
        String(body.as),
        body.messageId,
        body.value,
        body.formValue && typeof body.formValue === 'object' ? body.formValue : null,
        typeof body.button === 'string' && body.button ? body.button : undefined,
      );
      return c.json({ ok: true, toast: r.toast });
    } catch (err) {
      return c.json({ error: (err as Error).message }, 400);
    }
  });
  // The p2p menu (application.bot.menu_v6): the page's menu bar in a chat with the bot.
  app.post('/sandbox/api/menu', async (c) => {
    const body = await c.req.json().catch(() => null);
    const person = personByKey(String(body?.as ?? ''));
    if (!person || typeof body?.key !== 'string' || !body.key) return c.json({ error: 'bad menu click' }, 400);
    try {
      await postEnvelope(
        menuEvent({
          appId: SANDBOX_APP.appId,
          tenantKey: SANDBOX_APP.tenantKey,
          operator: { openId: person.openId, userId: person.key },
          eventKey: body.key,
          time: clock.now(),
        }),
      );
      await settle();
      bump();
      return c.json({ ok: true });
    } catch (err) {
      return c.json({ error: (err as Error).message }, 400);
    }
  });
  app.post('/sandbox/api/clock', async (c) => {
    const body = await c.req.json().catch(() => null);
    const op = body?.op;
    if (op === 'date') {
      // Forward only, and at most two years: the clock of a demo never runs back over what happened.
      const ymd = typeof body.date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(body.date) && isValidYmd(body.date) ? body.date : null;
      const at = ymd ? calendar.at(ymd, '09:30') : null;
      const bad = lang() === 'zh' ? '请选择今天之后两年内的日期' : 'Pick a date after today, within two years';
      if (!at || at.getTime() <= clock.now().getTime() || at.getTime() - clock.now().getTime() > 731 * 24 * 3600_000) return c.json({ error: bad }, 400);
      const now = await moveClock(at);
      return c.json({ ok: true, clock: clockLabel(now, tz, lang(), true) });
    }
    if (!['next_morning', 'plus_day', 'plus_2h', 'friday_16'].includes(op)) return c.json({ error: 'unknown clock step' }, 400);
    const now = await moveClock(op);
    return c.json({ ok: true, clock: clockLabel(now, tz, lang(), true) });
  });
  app.get('/sandbox/files/:key', (c) => {
    const sent = fake.resources.get(c.req.param('key'));
    const f = fake.files.find((x) => x.fileKey === c.req.param('key')) ?? (sent ? { fileName: sent.fileName, bytes: sent.bytes } : undefined);
    if (!f) return c.text('not found', 404);
    const type = /\.xlsx$/i.test(f.fileName) ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'application/octet-stream';
    c.header('content-type', type);
    c.header(
      'content-disposition',
      `attachment; filename="download${/\.\w+$/.exec(f.fileName)?.[0] ?? ''}"; filename*=UTF-8''${encodeURIComponent(f.fileName)}`,
    );
    return c.body(f.bytes as unknown as ArrayBuffer);
  });
  app.all('*', (c) => botApp.fetch(c.req.raw));

  function setLang(l: 'zh' | 'en') {
    if (pageLang === l && deps.config.DUBAN_LANG === l) return;
    pageLang = l;
    // The bot reads its language from the config on every event; switching it is enough.
    (deps.config as { DUBAN_LANG: 'zh' | 'en' }).DUBAN_LANG = l;
    bump();
  }

  // ── listen ──
  let stopped = false;
  const server = await new Promise<Server>((resolvePromise, reject) => {
    const s = serve({ fetch: app.fetch, hostname: config.HOST, port: opts.port ?? 3000 }, () => resolvePromise(s as Server)) as Server;
    s.once('error', reject);
  });
  const addr = server.address() as AddressInfo;
  selfUrl = `http://${config.HOST}:${addr.port}`;

  await recoverInbox(deps, router).catch((err) => log.error({ err }, 'inbox recovery failed'));
  deps.sender.kick();

  // ── seed a fresh office ──
  const seeding = (opts.seed ?? true) && !(await hasAnyTask(deps.db)) && !saved;
  const monday = seedWeek(calendar, opts.today ?? calendar.localDate(new Date()));
  // A fresh office starts on the seed week's Monday morning, before any of its events.
  if (seeding) clock.restart(calendar.at(monday, '08:30'));

  // The bot joins the groups it does not know yet, as Lark tells it (im.chat.member.bot.added_v1).
  for (const g of GROUPS) {
    if (await getChat(deps.db, g.chatId)) continue;
    await postEnvelope(
      botAddedEvent({
        appId: SANDBOX_APP.appId,
        tenantKey: SANDBOX_APP.tenantKey,
        chatId: g.chatId,
        name: g.name,
        operator: keyToOpenId(g.owner),
        time: clock.now(),
      }),
    );
  }

  await settle();

  if (seeding) {
    const driver: SeedDriver = {
      at: async (ymd, hhmm) => {
        await settle();
        clock.set(calendar.at(ymd, hhmm));
      },
      say: async (person, chat, text) => {
        await say(person, chat, text);
        await settle();
      },
      replyToTaskCard: async (person, number, text) => {
        const cardId = (await getTaskByNumber(deps.db, SANDBOX_APP.tenantKey, number))?.cardMessageId || null;
        await say(person, 'office', text, { replyTo: cardId, mentionBot: !cardId });
        await settle();
      },
      runJobs: () => runJobs(clock.now()),
    };
    await seedOffice(driver, monday);
    await settle();
  }

  // ── keep the conversation with the database ──
  const persist = () => {
    if (!transcriptPath) return;
    try {
      mkdirSync(dirname(transcriptPath), { recursive: true });
      writeFileSync(transcriptPath, JSON.stringify(snapshot(clock, fake, userMessages, overrides, p2pChat)));
    } catch (err) {
      log.warn({ err }, 'could not save the sandbox transcript');
    }
  };
  const saver = setInterval(() => {
    if (fingerprint() !== lastSaved) {
      lastSaved = fingerprint();
      persist();
    }
  }, 2_000);
  saver.unref();
  let lastSaved = '';
  persist();

  return {
    url: selfUrl,
    pageUrl: `${selfUrl}/sandbox`,
    fake,
    deps,
    clock,
    say,
    moveClock,
    settle,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(watcher);
      clearInterval(marksWatcher);
      clearInterval(calendarWatcher);
      clearInterval(saver);
      for (const l of [...listeners]) l();
      await Promise.race([settle(), new Promise((r) => setTimeout(r, 3_000))]);
      persist();
      server.closeAllConnections?.();
      await new Promise<void>((r) => server.close(() => r()));
      await deps.close();
      await fake.stop();
    },
  };
}

function addDay(ymd: string): string {
  const d = new Date(`${ymd}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** Records a person's message in the fake Lark (its time is the one the page shows). */
function tellFake(fake: FakeLark, m: UserMessage): void {
  // A file's bytes are not kept in the transcript: after a restart it shows, and is no longer served.
  const recorded = fake.userSays({ sender: m.sender, text: m.text, chatId: m.chatId, messageId: m.id, parentId: m.parentId ?? undefined });
  recorded.time = new Date(m.time);
}

// ───────────────────────── transcript (a kept sandbox) ─────────────────────────

function snapshot(
  clock: SandboxClock,
  fake: FakeLark,
  userMessages: UserMessage[],
  overrides: Map<string, CardOverride>,
  p2pChat: (openId: string) => string,
): Transcript {
  return {
    version: 1,
    clock: clock.now().toISOString(),
    p2p: Object.fromEntries(PEOPLE.map((p) => [p.openId, p2pChat(p.openId)])),
    userMessages,
    // Each card as it is shown now: a click's answer unless a later PATCH replaced it. The
    // patches are not kept, so an override saved as such would win over newer states after a restart.
    botMessages: fake.messages.map((m) => {
      const o = overrides.get(m.id);
      const current = o && !fake.patches.slice(o.patchCount).some((p) => p.messageId === m.id) ? o.card : m.content;
      return { ...m, content: current, time: m.time.toISOString(), updatedAt: m.updatedAt ? m.updatedAt.toISOString() : null };
    }) as unknown as Transcript['botMessages'],
    urgents: fake.urgents.map((u) => ({ ...u, time: u.time.toISOString() })),
    files: fake.files.map((f) => ({
      fileKey: f.fileKey,
      fileName: f.fileName,
      fileType: f.fileType,
      base64: Buffer.from(f.bytes).toString('base64'),
      time: f.time.toISOString(),
    })),
    overrides: [],
  };
}

function readTranscript(path: string): Transcript | null {
  try {
    const t = JSON.parse(readFileSync(path, 'utf8')) as Transcript;
    return t?.version === 1 ? t : null;
  } catch {
    return null;
  }
}

/**
 * Puts a saved conversation back into a fresh FakeLark. p2p chat ids are new each run (the
 * fake makes them), so saved p2p messages move to the person's new p2p chat.
 */
function restoreTranscript(
  t: Transcript,
  fake: FakeLark,
  userMessages: UserMessage[],
  overrides: Map<string, CardOverride>,
  p2pChat: (openId: string) => string,
): void {
  const moved = new Map<string, string>();
  for (const [openId, oldId] of Object.entries(t.p2p)) moved.set(oldId, p2pChat(openId));
  const chatOf = (id: string) => moved.get(id) ?? id;
  for (const m of t.botMessages) {
    fake.messages.push({
      ...m,
      chatId: chatOf(m.chatId),
      receiveId: m.receiveIdType === 'chat_id' ? chatOf(m.receiveId) : m.receiveId,
      time: new Date(m.time),
      updatedAt: m.updatedAt ? new Date(m.updatedAt) : null,
    });
  }
  for (const u of t.urgents) fake.urgents.push({ ...u, time: new Date(u.time) });
  for (const f of t.files)
    fake.files.push({
      fileKey: f.fileKey,
      fileName: f.fileName,
      fileType: f.fileType,
      bytes: new Uint8Array(Buffer.from(f.base64, 'base64')),
      time: new Date(f.time),
    });
  for (const m of t.userMessages) userMessages.push({ ...m, chatId: chatOf(m.chatId) });
  for (const o of t.overrides) overrides.set(o.messageId, { card: o.card, patchCount: 0 });
}
