/**
 * FakeLark: the Lark/Feishu Open API over HTTP on 127.0.0.1, close enough to the real one
 * that the real SDK client (bot/lark/sdk-client.ts) runs against it unchanged — tokens,
 * message send/reply/patch/urgent, file upload, contacts and chats, Lark's error codes and
 * HTTP statuses, `uuid` idempotency, the 14-day card rule and the published rate limits.
 *
 * It records everything (messages, patches, urgents, files, calls) for assertions and can
 * misbehave on demand (failNext, failFor, latency, dropped connections, hangs, token faults).
 *
 * Used by tests, the sandbox and the benchmarks, so it imports nothing from vitest and can run
 * as a process: `tsx bot/sandbox/fake-lark/server.ts [port]`.
 *
 * Sources: open.feishu.cn — 频控策略 (rate limits), the message, urgent, file, contact and chat API pages; error
 * codes from the API pages (message patch, contact v3 department/user get, chat get).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { serve, type HttpBindings } from '@hono/node-server';
import { appendFileSync } from 'node:fs';
import { Hono, type Context } from 'hono';
import { checkBodySize, checkCard, checkPost, checkText, checkUuid, type Refusal } from './rules.js';
import { submitForm, type FormSubmission } from './forms.js';

// ---------------------------------------------------------------------------------------------
// Public types

export interface FakeLarkOptions {
  appId?: string;
  appSecret?: string;
  botOpenId?: string;
  botName?: string;
  tenantKey?: string;
  /** Lifetime of issued tenant tokens, seconds (Lark: 7200). */
  tokenTtlSeconds?: number;
  /**
   * HTTP status of "missing/invalid token" answers (99991661/99991663). The docs give no
   * status; 400 is what the gateway is reported to answer, some newer APIs answer 401.
   */
  tokenErrorStatus?: 400 | 401;
  /** Rate limits, or false to switch them all off. */
  rateLimits?: Partial<RateLimits> | false;
  /** The fake's clock (message times, the 14-day rule, uuid window, token expiry). */
  now?: () => Date | number;
  host?: string;
  port?: number;
}

/** Lark's published limits (频控策略); windows slide. */
export interface RateLimits {
  /** create + reply, per app. */
  sendPerSecond: number;
  sendPerMinute: number;
  /** Per group chat, shared by all senders. */
  perChatPerSecond: number;
  /** Per receiving user (p2p). */
  perUserPerSecond: number;
  /** PATCH of one message. */
  patchPerMessagePerSecond: number;
  patchPerSecond: number;
  patchPerMinute: number;
  urgentPerSecond: number;
  /**
   * How a per-chat / per-user refusal looks: 'ogw' = HTTP 429 + 99991400 + x-ogw headers (the
   * gateway's answer); 'im' = HTTP 400 + 230020 without headers (the IM service's answer).
   */
  recipientRefusal: 'ogw' | 'im';
}

export const DEFAULT_RATE_LIMITS: RateLimits = {
  sendPerSecond: 50,
  sendPerMinute: 1000,
  perChatPerSecond: 5,
  perUserPerSecond: 5,
  patchPerMessagePerSecond: 5,
  patchPerSecond: 50,
  patchPerMinute: 1000,
  urgentPerSecond: 50,
  recipientRefusal: 'ogw',
};

/** An injected failure: what the fake answers instead of the real thing. */
export interface Fault {
  status: number;
  /** Lark code in the body (ignored when `body` is given). */
  code?: number;
  msg?: string;
  headers?: Record<string, string>;
  /** Raw body: an object is sent as JSON, a string as text/plain. */
  body?: unknown;
}

/** Which calls a fault applies to (default: every Open API call except the token endpoints). */
export interface CallFilter {
  method?: string;
  /** A path prefix or a pattern, e.g. '/open-apis/im/v1/messages' or /\/reply$/. */
  path?: string | RegExp;
  /** Text the query string must contain, e.g. 'receive_id_type=chat_id' (sends to chats only). */
  query?: string;
}

export interface TransportFaultOptions extends CallFilter {
  /** Do the work first (the message is created), then drop or hang: the lost-answer case. */
  afterEffect?: boolean;
}

export interface FakeUser {
  openId: string;
  name: string;
  unionId: string;
  userId: string | null;
  email: string | null;
  departmentIds: string[];
  /** 230029 on send. */
  resigned: boolean;
  /** 230053 on send: the user stopped the bot's messages. */
  blockedBot: boolean;
}

export interface FakeChat {
  chatId: string;
  name: string;
  ownerId: string | null;
  managers: string[];
  members: string[];
  chatType: 'group' | 'p2p';
  botIsMember: boolean;
  dissolved: boolean;
}

export interface FakeMessage {
  id: string;
  chatId: string;
  chatType: 'group' | 'p2p';
  /** How it was addressed: the receive_id and its type (for replies: the target's chat). */
  receiveIdType: string;
  receiveId: string;
  msgType: string;
  /** Parsed content, kept current by PATCH (see `patches` for the history). */
  content: any;
  /** Content as first sent. */
  sentContent: any;
  uuid: string | null;
  /** The message this one replies to. */
  replyTo: string | null;
  rootId: string | null;
  time: Date;
  updatedAt: Date | null;
  recalled: boolean;
  /** A person's message: who sent it, and its mentions (`@_user_N` keys in the content). Absent for the bot's own. */
  sender?: string;
  mentions?: Array<{ key: string; openId: string; name: string }>;
}

export interface FakeReaction {
  reactionId: string;
  messageId: string;
  emojiType: string;
  /** An open_id, or the app id for the bot's own. */
  operatorId: string;
  operatorType: 'user' | 'app';
  time: Date;
}

export interface FakePatch {
  messageId: string;
  content: any;
  time: Date;
}

export interface FakeUrgent {
  messageId: string;
  kind: 'app' | 'sms' | 'phone';
  userIds: string[];
  invalidUserIds: string[];
  time: Date;
}

export interface FakeFile {
  fileKey: string;
  fileName: string;
  fileType: string;
  bytes: Uint8Array;
  time: Date;
}

export interface FakeCall {
  method: string;
  path: string;
  query: string;
  /** HTTP status answered; 0 when the connection was dropped or left hanging. */
  status: number;
  /** Lark code answered, when there was a body with one. */
  code: number | null;
  outcome: 'answered' | 'dropped' | 'hung';
  time: Date;
}

// ---------------------------------------------------------------------------------------------
// Ids that look like Lark's

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
export const fakeOpenId = (): string => `ou_${hex(16)}`;
export const fakeChatId = (): string => `oc_${hex(16)}`;
export const fakeMessageId = (): string => `om_${hex(16)}`;
export const fakeDepartmentId = (): string => `od-${hex(16)}`;
const fakeUnionId = (): string => `on_${hex(16)}`;
const fakeFileKey = (): string => `file_v3_00${hex(1)}_${randomUUID()}g`;
const fakeToken = (): string => `t-g${hex(20)}`;
const fakeReactionId = (): string => `ZCaCIjUBVVWSrm5L-3ZTw${hex(12)}`;

// ---------------------------------------------------------------------------------------------
// Internals

/** A refusal the way Lark words it; an Error because Hono hands only Errors to onError. */
class LarkError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    readonly msg: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(msg);
  }
}

const MSG_TYPES = new Set(['text', 'post', 'image', 'file', 'audio', 'media', 'sticker', 'interactive', 'share_chat', 'share_user', 'system']);
const RECEIVE_ID_TYPES = new Set(['open_id', 'user_id', 'union_id', 'email', 'chat_id']);
/**
 * The shape of an emoji_type of Lark's list (表情文案说明,
 * https://open.feishu.cn/document/server-docs/im-v1/message-reaction/emojis-introduce): OK, THUMBSUP, DONE, JIAYI…
 */
const EMOJI_TYPE = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const FILE_TYPES = new Set(['opus', 'mp4', 'pdf', 'doc', 'xls', 'ppt', 'stream']);
const FILE_LIMIT = 30 * 1024 * 1024;
/** Message resources are served up to 100 MB (message-resource get page). */
const RESOURCE_LIMIT = 100 * 1024 * 1024;
const UUID_WINDOW_MS = 60 * 60 * 1000;
const CARD_UPDATE_WINDOW_MS = 14 * 24 * 60 * 60 * 1000;
const TOKEN_RENEW_BELOW_MS = 30 * 60 * 1000;

/** Sliding-window counters: a hit is counted only when every limit it touches allows it. */
class RateWindows {
  private readonly hits = new Map<string, number[]>();

  /** → null if allowed (and recorded), else the first limit hit with ms until a slot frees. */
  take(rules: { key: string; limit: number; windowMs: number }[], now: number): { limit: number; resetMs: number; key: string } | null {
    for (const r of rules) {
      const list = this.prune(r.key, r.windowMs, now);
      if (list.length >= r.limit) return { limit: r.limit, resetMs: list[list.length - r.limit]! + r.windowMs - now, key: r.key };
    }
    for (const r of rules) this.hits.get(r.key)!.push(now);
    return null;
  }

  private prune(key: string, windowMs: number, now: number): number[] {
    let list = this.hits.get(key);
    if (!list) {
      list = [];
      this.hits.set(key, list);
    }
    let drop = 0;
    while (drop < list.length && list[drop]! <= now - windowMs) drop++;
    if (drop) list.splice(0, drop);
    return list;
  }

  clear(): void {
    this.hits.clear();
  }
}

interface FaultRule {
  fault: Fault;
  filter: CallFilter;
  remaining: number | null;
  until: number | null;
}

interface TransportRule {
  kind: 'drop' | 'hang';
  filter: CallFilter;
  afterEffect: boolean;
  remaining: number;
}

type Env = { Bindings: Partial<HttpBindings> };
type Ctx = Context<Env>;

const matches = (f: CallFilter, method: string, path: string, query = ''): boolean => {
  if (f.method && f.method.toUpperCase() !== method) return false;
  if (f.query !== undefined && !query.includes(f.query)) return false;
  if (f.path === undefined) return true;
  return typeof f.path === 'string' ? path.startsWith(f.path) : f.path.test(path);
};

/** Walks a card (JSON 1.0 or 2.0) and collects what a reader would see. */
function collectCardText(node: unknown, out: string[], key = ''): void {
  if (typeof node === 'string') {
    if (node.trim() !== '') out.push(node);
    return;
  }
  if (typeof node === 'number' && key !== '') {
    out.push(String(node));
    return;
  }
  if (Array.isArray(node)) {
    for (const item of node) collectCardText(item, out, key);
    return;
  }
  if (!node || typeof node !== 'object') return;
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
    if (CARD_NON_TEXT_KEYS.has(k)) continue;
    collectCardText(v, out, k);
  }
}
const CARD_NON_TEXT_KEYS = new Set([
  'tag',
  'schema',
  'config',
  'template',
  'type',
  'value',
  'behaviors',
  'url',
  'default_url',
  'pc_url',
  'ios_url',
  'android_url',
  'multi_url',
  'img_key',
  'icon',
  'name',
  'width',
  'width_mode',
  'direction',
  'flex_mode',
  'background_style',
  'weight',
  'vertical_align',
  'horizontal_align',
  'horizontal_spacing',
  'vertical_spacing',
  'padding',
  'margin',
  'element_id',
  'chart_spec',
  'color',
  'text_color',
  'text_size',
  'text_align',
  'size',
  'style',
  'data_type',
  'page_size',
  'row_height',
  'header_style',
  'required',
  'form_action_type',
  'action_type',
  'placeholder_hidden',
  'max_length',
  'input_type',
  'initial_date',
  'initial_option',
  'aspect_ratio',
  'color_theme',
  'height',
  'preview',
  'media',
  'id',
  'user_id',
  'open_id',
  'confirm_text_hidden',
]);

// ---------------------------------------------------------------------------------------------

/**
 * The fake Lark Open API.
 * @example
 *   const lark = new FakeLark(); const { url } = await lark.start();
 *   lark.addChat({ chatId: 'oc_1', name: '办公室', ownerId: 'ou_a', members: ['ou_a'] });
 *   const api = createLarkApi({ appId: lark.appId, appSecret: lark.appSecret, domain: url });
 */
export class FakeLark {
  readonly appId: string;
  readonly appSecret: string;
  readonly botOpenId: string;
  readonly botName: string;
  readonly tenantKey: string;

  // Records
  messages: FakeMessage[] = [];
  /** What people typed (userSays), for replies to find their target. */
  readonly userMessages: FakeMessage[] = [];
  patches: FakePatch[] = [];
  urgents: FakeUrgent[] = [];
  /** Reactions on messages, people's (userReacts) and the bot's (POST …/reactions). */
  reactions: FakeReaction[] = [];
  files: FakeFile[] = [];
  /** Files people sent in messages (userSendsFile), by file_key: what message-resource get serves. */
  readonly resources = new Map<string, { messageId: string; fileName: string; bytes: Uint8Array }>();
  /** Who read which message and when (a person opening the chat): read_users answers from it. */
  readonly reads = new Map<string, Map<string, Date>>();
  /** Approval definitions that exist in the tenant, and those the app subscribed to. */
  readonly approvalDefinitions = new Set<string>();
  readonly approvalSubscriptions = new Set<string>();
  /** 即时提醒: group chats pinned at the top of people's message lists (feed_card patch). */
  pins: Array<{ chatId: string; userIds: string[]; timeSensitive: boolean; time: Date }> = [];
  /** Who has each group at the top of their message list now (the last time_sensitive said so). */
  readonly pinned = new Map<string, Set<string>>();
  calls: FakeCall[] = [];
  /** Requests refused because they break one of Lark's rules (rules.ts): each one is a bug in the sender. */
  violations: { code: number; msg: string; time: Date }[] = [];
  /** Requests refused for frequency (429 / 230020). */
  refusedForFrequency = 0;
  /** Sends answered from the uuid cache instead of creating a second message. */
  dedupedSends = 0;
  tokensIssued = 0;

  // Directory
  readonly users = new Map<string, FakeUser>();
  readonly chats = new Map<string, FakeChat>();
  readonly departments = new Map<string, string>();

  private limits: RateLimits | null;
  private readonly windows = new RateWindows();
  private tokenTtlMs: number;
  private readonly tokenErrorStatus: number;
  private readonly tokens = new Map<string, number>();
  private readonly uuids = new Map<string, { messageId: string; at: number }>();
  private readonly p2pChats = new Map<string, string>();
  private faults: FaultRule[] = [];
  private tokenFaults: FaultRule[] = [];
  private transport: TransportRule[] = [];
  private latencyMs = 0;
  private readonly injectedNow: (() => Date | number) | null;
  private clockOffsetMs = 0;
  private readonly host: string;
  private readonly port: number;
  private server: Server | null = null;
  private readonly hanging = new Set<() => void>();
  private readonly waiters = new Set<() => void>();
  readonly app: Hono<Env>;

  constructor(opts: FakeLarkOptions = {}) {
    this.appId = opts.appId ?? `cli_${hex(8)}`;
    this.appSecret = opts.appSecret ?? hex(16);
    this.botOpenId = opts.botOpenId ?? fakeOpenId();
    this.botName = opts.botName ?? '督办';
    this.tenantKey = opts.tenantKey ?? hex(8);
    this.tokenTtlMs = (opts.tokenTtlSeconds ?? 7200) * 1000;
    this.tokenErrorStatus = opts.tokenErrorStatus ?? 400;
    this.limits = opts.rateLimits === false ? null : { ...DEFAULT_RATE_LIMITS, ...(opts.rateLimits ?? {}) };
    this.injectedNow = opts.now ?? null;
    this.host = opts.host ?? '127.0.0.1';
    this.port = opts.port ?? 0;
    this.app = this.routes();
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  /** Listens on 127.0.0.1 (a random port unless one was given). */
  async start(): Promise<{ url: string }> {
    if (this.server) return { url: this.url };
    await new Promise<void>((resolve, reject) => {
      const server = serve({ fetch: this.app.fetch, hostname: this.host, port: this.port, overrideGlobalObjects: false }, () => resolve()) as Server;
      server.once('error', reject);
      server.keepAliveTimeout = 5_000;
      this.server = server;
    });
    return { url: this.url };
  }

  get url(): string {
    if (!this.server) throw new Error('FakeLark is not started');
    const addr = this.server.address() as AddressInfo;
    return `http://${this.host}:${addr.port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    for (const release of this.hanging) release();
    this.hanging.clear();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Forgets records, faults, rate windows, uuids and the clock offset; keeps users, chats and tokens. */
  reset(): void {
    this.messages = [];
    this.reactions = [];
    this.userMessages.length = 0;
    this.patches = [];
    this.urgents = [];
    this.files = [];
    this.resources.clear();
    this.calls = [];
    this.refusedForFrequency = 0;
    this.violations = [];
    this.dedupedSends = 0;
    this.faults = [];
    this.tokenFaults = [];
    this.transport = [];
    this.latencyMs = 0;
    this.clockOffsetMs = 0;
    this.uuids.clear();
    this.windows.clear();
  }

  // ---- clock ----------------------------------------------------------------------------------

  now(): Date {
    if (this.injectedNow) {
      const t = this.injectedNow();
      return t instanceof Date ? t : new Date(t);
    }
    return new Date(Date.now() + this.clockOffsetMs);
  }

  /** Moves the fake's clock (ignored when a `now` was injected: move that clock instead). */
  setTime(t: Date | string | number): void {
    this.clockOffsetMs = new Date(t).getTime() - Date.now();
  }

  advance(ms: number): void {
    this.clockOffsetMs += ms;
  }

  // ---- directory ------------------------------------------------------------------------------

  addUser(u: {
    openId?: string;
    name: string;
    departmentId?: string;
    departmentName?: string;
    unionId?: string;
    userId?: string;
    email?: string;
    resigned?: boolean;
    blockedBot?: boolean;
  }): FakeUser {
    const departmentId = u.departmentId ?? (u.departmentName ? fakeDepartmentId() : undefined);
    if (departmentId && u.departmentName) this.departments.set(departmentId, u.departmentName);
    const user: FakeUser = {
      openId: u.openId ?? fakeOpenId(),
      name: u.name,
      unionId: u.unionId ?? fakeUnionId(),
      userId: u.userId ?? null,
      email: u.email ?? null,
      departmentIds: departmentId ? [departmentId] : [],
      resigned: u.resigned ?? false,
      blockedBot: u.blockedBot ?? false,
    };
    this.users.set(user.openId, user);
    return user;
  }

  addDepartment(id: string, name: string): void {
    this.departments.set(id, name);
  }

  addChat(c: { chatId?: string; name: string; ownerId?: string | null; members: string[]; managers?: string[]; botIsMember?: boolean }): FakeChat {
    const chat: FakeChat = {
      chatId: c.chatId ?? fakeChatId(),
      name: c.name,
      ownerId: c.ownerId ?? null,
      managers: c.managers ?? [],
      members: [...new Set([...(c.ownerId ? [c.ownerId] : []), ...c.members])],
      chatType: 'group',
      botIsMember: c.botIsMember ?? true,
      dissolved: false,
    };
    this.chats.set(chat.chatId, chat);
    return chat;
  }

  /** The bot was removed from the chat: sends answer 230002 from now on. */
  removeBot(chatId: string): void {
    const chat = this.chats.get(chatId);
    if (chat) chat.botIsMember = false;
  }

  dissolveChat(chatId: string): void {
    const chat = this.chats.get(chatId);
    if (chat) chat.dissolved = true;
  }

  /** A user recalls nothing; the bot's own message is recalled (230011 on reply/patch). */
  recall(messageId: string): void {
    const m = this.messages.find((x) => x.id === messageId) ?? this.userMessages.find((x) => x.id === messageId);
    if (m) m.recalled = true;
  }

  /** The p2p chat id of the bot with a user (created on first use, like Lark). */
  /**
   * A message a person typed: Lark knows it, so the bot may reply to it. Kept apart from
   * `messages`, which holds only what the bot sent.
   */
  userSays(a: {
    sender: string;
    text: string;
    chatId?: string;
    messageId?: string;
    parentId?: string;
    /** Another message type (post, file, image…) and its content as Lark stores it; default a text with `text`. */
    msgType?: string;
    content?: Record<string, unknown>;
    mentions?: Array<{ key: string; openId: string; name: string }>;
  }): FakeMessage {
    const chatId = a.chatId ?? this.p2pChatOf(a.sender);
    const chat = this.chats.get(chatId);
    if (!chat) throw new Error(`userSays: unknown chat ${chatId}`);
    const parent = a.parentId ? (this.messages.find((m) => m.id === a.parentId) ?? this.userMessages.find((m) => m.id === a.parentId) ?? null) : null;
    const msg: FakeMessage = {
      id: a.messageId ?? fakeMessageId(),
      chatId,
      chatType: chat.chatType,
      receiveIdType: 'chat_id',
      receiveId: chatId,
      msgType: a.msgType ?? 'text',
      content: a.content ?? { text: a.text },
      sentContent: a.content ?? { text: a.text },
      uuid: null,
      replyTo: parent?.id ?? null,
      rootId: parent ? (parent.rootId ?? parent.id) : null,
      time: this.now(),
      updatedAt: null,
      recalled: false,
      sender: a.sender,
      mentions: a.mentions ?? [],
    };
    this.userMessages.push(msg);
    return msg;
  }

  /**
   * A file a person sent (message type `file`, content `{"file_key","file_name"}` — message
   * content page): recorded like userSays, its bytes served by message-resource get.
   */
  userSendsFile(a: { sender: string; fileName: string; bytes: Uint8Array; chatId?: string; messageId?: string; parentId?: string }): FakeMessage {
    const msg = this.userSays({ sender: a.sender, text: '', chatId: a.chatId, messageId: a.messageId, parentId: a.parentId });
    const fileKey = fakeFileKey();
    msg.msgType = 'file';
    msg.content = { file_key: fileKey, file_name: a.fileName };
    msg.sentContent = msg.content;
    this.resources.set(fileKey, { messageId: msg.id, fileName: a.fileName, bytes: a.bytes });
    return msg;
  }

  /**
   * A person reacts to a message in a chat they are in: recorded like Lark does, and returned as
   * the im.message.reaction.created_v1 fields (give them to `reactionEvent`).
   */
  userReacts(a: { messageId: string; from: string; emojiType: string }): { messageId: string; emojiType: string; operator: string; time: Date } {
    const msg = this.messages.find((m) => m.id === a.messageId) ?? this.userMessages.find((m) => m.id === a.messageId);
    if (!msg) throw new Error(`userReacts: unknown message ${a.messageId}`);
    const chat = this.chats.get(msg.chatId)!;
    if (!chat.members.includes(a.from)) throw new Error(`userReacts: ${a.from} is not in ${chat.chatId}`);
    if (!EMOJI_TYPE.test(a.emojiType)) throw new Error(`userReacts: ${a.emojiType} is not an emoji_type`);
    const time = this.now();
    this.reactions.push({ reactionId: fakeReactionId(), messageId: msg.id, emojiType: a.emojiType, operatorId: a.from, operatorType: 'user', time });
    return { messageId: msg.id, emojiType: a.emojiType, operator: a.from, time };
  }

  p2pChatOf(openId: string): string {
    let id = this.p2pChats.get(openId);
    if (!id) {
      id = fakeChatId();
      this.p2pChats.set(openId, id);
      this.chats.set(id, {
        chatId: id,
        name: '',
        ownerId: null,
        managers: [],
        members: [openId],
        chatType: 'p2p',
        botIsMember: true,
        dissolved: false,
      });
    }
    return id;
  }

  // ---- tokens ---------------------------------------------------------------------------------

  /** Every issued token becomes invalid (calls answer 99991663 until a new one is fetched). */
  expireTokens(): void {
    this.tokens.clear();
  }

  setTokenTtl(seconds: number): void {
    this.tokenTtlMs = seconds * 1000;
  }

  // ---- faults ---------------------------------------------------------------------------------

  /** The next `n` matching calls answer `fault` instead. */
  failNext(n: number, fault: Fault & CallFilter): void {
    const { method, path, query, ...f } = fault;
    this.faults.push({ fault: f, filter: { method, path, query }, remaining: n, until: null });
  }

  /** Every matching call answers `fault` for the next `ms` (real time). */
  failFor(ms: number, fault: Fault & CallFilter): void {
    const { method, path, query, ...f } = fault;
    this.faults.push({ fault: f, filter: { method, path, query }, remaining: null, until: performance.now() + ms });
  }

  /** The next `n` token requests answer `fault`. */
  failToken(n: number, fault: Fault): void {
    this.tokenFaults.push({ fault, filter: {}, remaining: n, until: null });
  }

  clearFaults(): void {
    this.faults = [];
    this.tokenFaults = [];
    this.transport = [];
  }

  /** Every answer (token endpoint included) waits this long first. */
  setLatency(ms: number): void {
    this.latencyMs = ms;
  }

  /**
   * The next `n` matching calls lose their connection (socket destroyed, no answer). Token
   * calls are affected only when `path` names them.
   */
  dropConnections(n: number, opts: TransportFaultOptions = {}): void {
    this.transport.push({ kind: 'drop', filter: opts, afterEffect: opts.afterEffect ?? false, remaining: n });
  }

  /** The next `n` matching calls are never answered (until the client gives up or stop()). */
  hang(n: number, opts: TransportFaultOptions = {}): void {
    this.transport.push({ kind: 'hang', filter: opts, afterEffect: opts.afterEffect ?? false, remaining: n });
  }

  /** Replace or switch off (false) the rate limits. */
  setRateLimits(limits: Partial<RateLimits> | false): void {
    this.limits = limits === false ? null : { ...DEFAULT_RATE_LIMITS, ...limits };
    this.windows.clear();
  }

  // ---- assertions helpers ---------------------------------------------------------------------

  /** Messages that landed in a chat, or in the p2p chat with a user (by open_id). */
  messagesTo(id: string): FakeMessage[] {
    const chatId = this.p2pChats.get(id) ?? id;
    return this.messages.filter((m) => m.chatId === chatId);
  }

  /** Readable text of a message: text as sent (with <at> tags), post and card text flattened. */
  textOf(msg: FakeMessage): string {
    const c = msg.content;
    switch (msg.msgType) {
      case 'text':
        return typeof c?.text === 'string' ? c.text : '';
      case 'interactive':
        return this.cardText(msg);
      case 'post': {
        const out: string[] = [];
        for (const lang of Object.values(c ?? {}) as any[]) {
          if (lang?.title) out.push(String(lang.title));
          for (const para of lang?.content ?? []) {
            out.push((para as any[]).map((el) => (typeof el?.text === 'string' ? el.text : el?.tag === 'at' ? `@${el.user_name ?? el.user_id}` : '')).join(''));
          }
        }
        return out.join('\n');
      }
      case 'file':
        return `[file ${c?.file_key ?? ''}]`;
      default:
        return JSON.stringify(c);
    }
  }

  /** All the text of a card, one piece per line: header, markdown, buttons, table cells. */
  cardText(msgOrCard: FakeMessage | Record<string, unknown>): string {
    const card = (msgOrCard as FakeMessage).msgType !== undefined && 'content' in msgOrCard ? (msgOrCard as FakeMessage).content : msgOrCard;
    const out: string[] = [];
    collectCardText(card, out);
    return out.join('\n');
  }

  /**
   * Someone fills in a form on a card the bot sent and presses its submit button: the callback
   * Lark's client would post (forms.ts). Throws when the card holds no such form or field, or
   * a required field is empty (the client sends nothing then).
   */
  formSubmission(o: { messageId: string; button?: string; values: Record<string, unknown> }): FormSubmission {
    const msg = this.messages.find((m) => m.id === o.messageId);
    if (msg?.msgType !== 'interactive') throw new Error(`no card ${o.messageId} was sent`);
    const chat = this.chats.get(msg.chatId);
    return submitForm(msg.content, { button: o.button, values: o.values, chatMembers: chat && chat.chatType === 'group' ? new Set(chat.members) : null });
  }

  /**
   * A callback answered with `card: { type: 'raw', data }`: Lark shows that card in place of the
   * clicked one, for everyone (a shared card). A card Lark cannot build is refused (the client
   * shows error 200672/200673 and keeps the old card): it throws.
   */
  cardAnswered(messageId: string, card: unknown): void {
    const msg = this.messages.find((m) => m.id === messageId);
    if (msg?.msgType !== 'interactive') throw new Error(`no card ${messageId} was sent`);
    const bad = checkCard(card);
    // 200672/200673: the client could not use the answer's card (card callback page, error codes).
    if (bad) throw new Error(`the callback's card is refused: ${this.refuse(bad).msg}`);
    msg.content = card;
    msg.updatedAt = this.now();
  }

  /** Resolves once `predicate()` holds (checked after every answered call), or rejects after `timeoutMs`. */
  waitFor(predicate: () => boolean, timeoutMs = 5_000): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!predicate()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`FakeLark.waitFor: condition not met within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  waitForMessages(count: number, timeoutMs?: number): Promise<void> {
    return this.waitFor(() => this.messages.length >= count, timeoutMs);
  }

  // ---- HTTP -----------------------------------------------------------------------------------

  /** An approval definition of the tenant (its code as the admin console shows it). */
  addApprovalDefinition(code: string): void {
    this.approvalDefinitions.add(code.toUpperCase());
  }

  /**
   * A person reads one of the bot's messages (opening the chat). Only the first read counts, as
   * in read_users. Returns the message for the caller to build the p2p read event.
   */
  markRead(openId: string, messageId: string, at: Date = this.now()): FakeMessage {
    const msg = this.findMessage(messageId);
    const byUser = this.reads.get(msg.id) ?? new Map<string, Date>();
    if (!byUser.has(openId)) byUser.set(openId, at);
    this.reads.set(msg.id, byUser);
    return msg;
  }

  private routes(): Hono<Env> {
    const app = new Hono<Env>();

    app.use('*', async (c, next) => {
      const url = new URL(c.req.url);
      const call: FakeCall = {
        method: c.req.method,
        path: url.pathname,
        query: url.search,
        status: 0,
        code: null,
        outcome: 'answered',
        time: this.now(),
      };
      this.calls.push(call);
      if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));

      const transport = this.takeTransport(c.req.method, url.pathname);
      if (transport && !transport.afterEffect) return this.breakConnection(c, call, transport.kind);

      await next();

      if (transport?.afterEffect) return this.breakConnection(c, call, transport.kind);
      call.status = c.res.status;
      call.code = await c.res
        .clone()
        .json()
        .then((b: any) => (typeof b?.code === 'number' ? b.code : null))
        .catch(() => null);
      this.notify();
    });

    app.onError((err, c) => {
      if (err instanceof LarkError) return this.answerError(c, err);
      return c.json({ code: 99991603, msg: `fake lark internal error: ${(err as Error).message}` }, 500);
    });

    // Token endpoints, with their own faults.
    const token = (kind: 'tenant' | 'app') => async (c: Ctx) => {
      const fault = this.takeFault(this.tokenFaults, c.req.method, new URL(c.req.url).pathname);
      if (fault) return this.answerFault(c, fault);
      const body = await this.jsonBody(c);
      if (body.app_id !== this.appId || body.app_secret !== this.appSecret) {
        throw new LarkError(400, 10014, 'app secret invalid');
      }
      const { token: t, expire } = this.issueToken();
      if (kind === 'tenant') return c.json({ code: 0, msg: 'ok', tenant_access_token: t, expire });
      return c.json({ code: 0, msg: 'ok', app_access_token: t, tenant_access_token: t, expire });
    };
    app.post('/open-apis/auth/v3/tenant_access_token/internal', token('tenant'));
    app.post('/open-apis/auth/v3/app_access_token/internal', token('app'));

    // Everything else needs a valid tenant token, then may be faulted, then rate limited.
    app.use('/open-apis/*', async (c, next) => {
      const url = new URL(c.req.url);
      const path = url.pathname;
      if (path.startsWith('/open-apis/auth/')) return next();
      this.checkToken(c);
      const fault = this.takeFault(this.faults, c.req.method, path, url.search);
      if (fault) return this.answerFault(c, fault);
      await next();
    });

    app.get('/open-apis/bot/v3/info', (c) =>
      c.json({
        code: 0,
        msg: 'ok',
        bot: { activate_status: 2, app_name: this.botName, avatar_url: '', ip_white_list: [], open_id: this.botOpenId },
      }),
    );

    app.post('/open-apis/im/v1/messages', async (c) => {
      const receiveIdType = c.req.query('receive_id_type');
      // receive_id_type: open_id, union_id, user_id, email or chat_id (message create page).
      if (!receiveIdType) throw this.refuse(fieldErr('receive_id_type', 'is required'));
      if (!RECEIVE_ID_TYPES.has(receiveIdType)) throw this.refuse(fieldErr('receive_id_type', `must be one of ${[...RECEIVE_ID_TYPES].join(', ')}`));
      const { body, bytes } = await this.jsonBodySized(c);
      if (typeof body.receive_id !== 'string' || body.receive_id === '') throw this.refuse(fieldErr('receive_id', 'is required'));
      const { msgType, content, raw } = this.validateContent(body, bytes);
      const uuid = this.validateUuid(body.uuid);
      const chat = this.resolveRecipient(receiveIdType, body.receive_id);
      this.limitSend(chat);
      const dup = this.dedupe(uuid);
      if (dup) return c.json({ code: 0, msg: 'success', data: this.messageData(dup) });
      const msg = this.record({ chat, receiveIdType, receiveId: body.receive_id, msgType, content, raw, uuid, parent: null });
      return c.json({ code: 0, msg: 'success', data: this.messageData(msg) });
    });

    app.post('/open-apis/im/v1/messages/:id/reply', async (c) => {
      const target = this.findMessage(c.req.param('id'));
      const { body, bytes } = await this.jsonBodySized(c);
      if (body.reply_in_thread !== undefined && typeof body.reply_in_thread !== 'boolean') throw this.refuse(fieldErr('reply_in_thread', 'must be a boolean'));
      const { msgType, content, raw } = this.validateContent(body, bytes);
      const uuid = this.validateUuid(body.uuid);
      const chat = this.chats.get(target.chatId)!;
      this.checkChatWritable(chat);
      this.limitSend(chat);
      const dup = this.dedupe(uuid);
      if (dup) return c.json({ code: 0, msg: 'success', data: this.messageData(dup) });
      const msg = this.record({ chat, receiveIdType: 'chat_id', receiveId: chat.chatId, msgType, content, raw, uuid, parent: target });
      return c.json({ code: 0, msg: 'success', data: this.messageData(msg) });
    });

    app.patch('/open-apis/im/v1/messages/:id', async (c) => {
      const msg = this.findMessage(c.req.param('id'));
      const { body, bytes } = await this.jsonBodySized(c);
      if (typeof body.content !== 'string') throw this.refuse(fieldErr('content', 'is required'));
      // Only the app's own interactive messages (message patch page).
      if (!this.messages.includes(msg))
        throw this.refuse(new LarkError(400, 230027, 'Lack of necessary permissions: only messages this app sent can be updated.'));
      if (msg.msgType !== 'interactive')
        throw this.refuse(
          new LarkError(400, 230001, 'Your request contains an invalid request parameter: only interactive messages can be updated with PATCH.'),
        );
      const chat = this.chats.get(msg.chatId)!;
      if (chat.dissolved) throw new LarkError(400, 232009, 'Your request specifies a chat which has already been dissolved.');
      if (this.now().getTime() - msg.time.getTime() > CARD_UPDATE_WINDOW_MS) {
        throw new LarkError(400, 230031, 'Message can only be modified within 14 days after sending.');
      }
      const tooBig = checkBodySize('interactive', bytes);
      if (tooBig) throw this.refuse(tooBig);
      const card = this.parseCard(body.content);
      // A 1.0 card must say update_multi; 2.0 cards are shared by default (card JSON 2.0 release notes).
      const shared = (x: any) => x?.config?.update_multi === true || (x?.schema === '2.0' && x?.config?.update_multi === undefined);
      if (!shared(msg.content) || !shared(card)) {
        throw this.refuse(
          new LarkError(400, 230001, 'Your request contains an invalid request parameter: only shared cards (config.update_multi: true) can be updated.'),
        );
      }
      this.limit([
        { key: 'patch:s', limit: this.limits?.patchPerSecond, windowMs: 1_000 },
        { key: 'patch:m', limit: this.limits?.patchPerMinute, windowMs: 60_000 },
        { key: `patch:msg:${msg.id}`, limit: this.limits?.patchPerMessagePerSecond, windowMs: 1_000, recipient: true },
      ]);
      msg.content = card;
      msg.updatedAt = this.now();
      this.patches.push({ messageId: msg.id, content: card, time: this.now() });
      return c.json({ code: 0, msg: 'success', data: {} });
    });

    // Add a reaction (https://open.feishu.cn/document/server-docs/im-v1/message-reaction/create): body
    // { reaction_type: { emoji_type } } with an emoji_type of Lark's list; not on a recalled message; the
    // bot must be in the chat. Answers the reaction with the app as its operator.
    app.post('/open-apis/im/v1/messages/:id/reactions', async (c) => {
      const msg = this.findMessage(c.req.param('id'));
      const body = await this.jsonBody(c);
      const emojiType = body.reaction_type?.emoji_type;
      if (typeof emojiType !== 'string' || emojiType === '') throw this.refuse(fieldErr('reaction_type.emoji_type', 'is required'));
      if (!EMOJI_TYPE.test(emojiType)) throw this.refuse(fieldErr('reaction_type.emoji_type', 'is not an emoji_type of the emoji list'));
      const chat = this.chats.get(msg.chatId)!;
      this.checkChatWritable(chat);
      const time = this.now();
      const reaction: FakeReaction = { reactionId: fakeReactionId(), messageId: msg.id, emojiType, operatorId: this.appId, operatorType: 'app', time };
      this.reactions.push(reaction);
      return c.json({
        code: 0,
        msg: 'success',
        data: {
          reaction_id: reaction.reactionId,
          operator: { operator_id: this.appId, operator_type: 'app' },
          action_time: String(time.getTime()),
          reaction_type: { emoji_type: emojiType },
        },
      });
    });

    const urgent = (kind: FakeUrgent['kind']) => async (c: Ctx) => {
      const msg = this.findMessage(c.req.param('id')!);
      // urgent_app page: user_id_type is open_id, union_id or user_id; only the app's own messages.
      const userIdType = c.req.query('user_id_type');
      if (!userIdType) throw this.refuse(fieldErr('user_id_type', 'is required'));
      if (!['open_id', 'union_id', 'user_id'].includes(userIdType)) throw this.refuse(fieldErr('user_id_type', 'must be open_id, union_id or user_id'));
      if (!this.messages.includes(msg))
        throw this.refuse(new LarkError(400, 230027, 'Lack of necessary permissions: only messages this app sent can be urgent.'));
      const body = await this.jsonBody(c);
      const list = body.user_id_list;
      if (!Array.isArray(list) || list.length === 0 || !list.every((x) => typeof x === 'string')) throw this.refuse(fieldErr('user_id_list', 'is required'));
      if (list.length > 200) throw this.refuse(fieldErr('user_id_list', 'holds at most 200 ids'));
      const chat = this.chats.get(msg.chatId)!;
      this.checkChatWritable(chat);
      this.limit([{ key: `urgent:${kind}`, limit: this.limits?.urgentPerSecond, windowMs: 1_000 }]);
      const invalid = list.filter((id: string) => !this.users.has(id) || (chat.chatType === 'group' && !chat.members.includes(id)));
      const valid = list.filter((id: string) => !invalid.includes(id));
      this.urgents.push({ messageId: msg.id, kind, userIds: valid, invalidUserIds: invalid, time: this.now() });
      return c.json({ code: 0, msg: 'success', data: { invalid_user_id_list: invalid } });
    };
    app.patch('/open-apis/im/v1/messages/:id/urgent_app', urgent('app'));
    app.patch('/open-apis/im/v1/messages/:id/urgent_sms', urgent('sms'));
    app.patch('/open-apis/im/v1/messages/:id/urgent_phone', urgent('phone'));

    // read_users (open.feishu.cn/document/server-docs/im-v1/message/read_users): user_id_type is
    // required (open_id, union_id, user_id); page_size 1–100; only the bot's own messages sent
    // within 7 days, with the bot still in the chat; only those who read are listed.
    app.get('/open-apis/im/v1/messages/:id/read_users', (c) => {
      const userIdType = c.req.query('user_id_type');
      if (!userIdType) throw this.refuse(fieldErr('user_id_type', 'is required'));
      if (!['open_id', 'union_id', 'user_id'].includes(userIdType)) throw this.refuse(fieldErr('user_id_type', 'must be open_id, union_id or user_id'));
      const size = c.req.query('page_size');
      const pageSize = size === undefined ? 20 : Number(size);
      if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) throw this.refuse(fieldErr('page_size', 'must be 1 to 100'));
      const msg = this.findMessage(c.req.param('id')!);
      if (!this.messages.includes(msg))
        throw this.refuse(new LarkError(400, 230027, 'Lack of necessary permissions: only messages this bot sent can be queried.'));
      if (this.now().getTime() - msg.time.getTime() > 7 * 86_400_000)
        throw this.refuse(new LarkError(400, 230001, 'Your request contains an invalid request parameter: the message was sent more than 7 days ago.'));
      const chat = this.chats.get(msg.chatId)!;
      this.checkChatWritable(chat);
      const all = [...(this.reads.get(msg.id) ?? new Map<string, Date>())].sort((a, b) => a[1].getTime() - b[1].getTime());
      const from = Number(c.req.query('page_token') ?? 0) || 0;
      const page = all.slice(from, from + pageSize);
      const hasMore = from + pageSize < all.length;
      const idOf = (openId: string) => (userIdType === 'open_id' ? openId : userIdType === 'union_id' ? `on_${openId.slice(3)}` : openId.slice(3, 11));
      return c.json({
        code: 0,
        msg: 'success',
        data: {
          items: page.map(([u, at]) => ({ user_id_type: userIdType, user_id: idOf(u), timestamp: String(at.getTime()), tenant_key: this.tenantKey })),
          has_more: hasMore,
          ...(hasMore ? { page_token: String(from + pageSize) } : {}),
        },
      });
    });

    // 即时提醒 (im-v2/feed_card/patch): feed_card_id is a group chat's id ("当前只支持群聊"),
    // user_id_type is required, the body { time_sensitive: boolean, user_ids: string[] }: true
    // pins the chat at the top of their list, false takes it down; people not in the chat come
    // back in failed_user_reasons.
    app.patch('/open-apis/im/v2/feed_cards/:id', async (c) => {
      const userIdType = c.req.query('user_id_type');
      if (!userIdType) throw this.refuse(fieldErr('user_id_type', 'is required'));
      if (!['open_id', 'union_id', 'user_id'].includes(userIdType)) throw this.refuse(fieldErr('user_id_type', 'must be open_id, union_id or user_id'));
      const body = await this.jsonBody(c);
      if (typeof body.time_sensitive !== 'boolean') throw this.refuse(fieldErr('time_sensitive', 'is required'));
      const ids = body.user_ids;
      if (!Array.isArray(ids) || ids.length === 0 || !ids.every((x) => typeof x === 'string')) throw this.refuse(fieldErr('user_ids', 'is required'));
      const chat = this.chats.get(c.req.param('id')!);
      if (chat?.chatType !== 'group') throw this.refuse(fieldErr('feed_card_id', 'must be the id of a group chat'));
      this.checkChatWritable(chat);
      const failed = ids.filter((u: string) => !chat.members.includes(u));
      const done = ids.filter((u: string) => !failed.includes(u));
      this.pins.push({ chatId: chat.chatId, userIds: done, timeSensitive: body.time_sensitive, time: this.now() });
      const pinned = this.pinned.get(chat.chatId) ?? new Set<string>();
      for (const u of done) {
        if (body.time_sensitive) pinned.add(u);
        else pinned.delete(u);
      }
      this.pinned.set(chat.chatId, pinned);
      return c.json({
        code: 0,
        msg: 'success',
        data: { failed_user_reasons: failed.map((u: string) => ({ user_id: u, error_code: 0, error_message: 'not in the chat' })) },
      });
    });

    // Approval subscription (approval-v4/approval/subscribe, its error table): the definition must
    // exist in the tenant (HTTP 400, 1390002 approval code not found); subscribing once is enough,
    // a repeat answers HTTP 400, 1390007 subscription existed and changes nothing.
    app.post('/open-apis/approval/v4/approvals/:code/subscribe', (c) => {
      const code = decodeURIComponent(c.req.param('code')!).toUpperCase();
      if (!this.approvalDefinitions.has(code)) throw this.refuse(new LarkError(400, 1390002, 'approval code not found'));
      if (this.approvalSubscriptions.has(code)) throw new LarkError(400, 1390007, 'subscription existed');
      this.approvalSubscriptions.add(code);
      return c.json({ code: 0, msg: 'success', data: {} });
    });

    // File upload (im/v1 file create page): multipart, file_type one of opus/mp4/pdf/doc/xls/ppt/stream,
    // a file name, a file of 1 byte to 30 MB.
    app.post('/open-apis/im/v1/files', async (c) => {
      const type = c.req.header('content-type') ?? '';
      if (!type.startsWith('multipart/form-data')) throw this.refuse(new LarkError(400, 234001, 'Invalid request param: multipart/form-data expected.'));
      const form = await c.req.parseBody();
      const fileType = form.file_type;
      const fileName = form.file_name;
      const file = form.file;
      if (typeof fileType !== 'string' || !FILE_TYPES.has(fileType)) throw this.refuse(new LarkError(400, 234001, 'Invalid request param: file_type.'));
      if (typeof fileName !== 'string' || fileName === '') throw this.refuse(new LarkError(400, 234001, 'Invalid request param: file_name.'));
      if (!file || typeof file === 'string') throw this.refuse(new LarkError(400, 234001, 'Invalid request param: file.'));
      const bytes = new Uint8Array(await (file as Blob).arrayBuffer());
      if (bytes.byteLength === 0) throw this.refuse(new LarkError(400, 234010, 'File size cannot be 0.'));
      if (bytes.byteLength > FILE_LIMIT) throw this.refuse(new LarkError(400, 234006, 'The file size exceed the max value.'));
      const fileKey = fakeFileKey();
      this.files.push({ fileKey, fileName, fileType, bytes, time: this.now() });
      return c.json({ code: 0, msg: 'success', data: { file_key: fileKey } });
    });

    app.get('/open-apis/contact/v3/users/:id', (c) => {
      const idType = c.req.query('user_id_type') ?? 'open_id';
      const user = this.findUser(idType, c.req.param('id'));
      if (!user) throw new LarkError(400, 41050, 'no user authority error');
      return c.json({
        code: 0,
        msg: 'success',
        data: {
          user: {
            open_id: user.openId,
            union_id: user.unionId,
            ...(user.userId ? { user_id: user.userId } : {}),
            name: user.name,
            en_name: '',
            department_ids: user.departmentIds,
            status: { is_activated: !user.resigned, is_resigned: user.resigned, is_frozen: false, is_exited: false, is_unjoin: false },
          },
        },
      });
    });

    app.get('/open-apis/contact/v3/departments/:id', (c) => {
      const id = c.req.param('id');
      const name = this.departments.get(id);
      if (name === undefined) throw new LarkError(400, 40015, 'department not exist');
      return c.json({
        code: 0,
        msg: 'success',
        data: { department: { name, open_department_id: id, parent_department_id: '0', status: { is_deleted: false } } },
      });
    });

    app.get('/open-apis/im/v1/chats/:id', (c) => {
      const chat = this.chats.get(c.req.param('id'));
      if (chat?.chatType !== 'group') throw new LarkError(400, 232006, 'Your request specifies a chat_id which is invalid.');
      // Outside the chat Lark returns only name, avatar, counts and status.
      const full = chat.botIsMember;
      return c.json({
        code: 0,
        msg: 'success',
        data: {
          avatar: '',
          name: chat.name,
          description: '',
          ...(full
            ? {
                owner_id_type: 'open_id',
                owner_id: chat.ownerId ?? '',
                user_manager_id_list: chat.managers,
                bot_manager_id_list: [],
                chat_mode: 'group',
                chat_type: 'private',
                chat_tag: 'inner',
                external: false,
                tenant_key: this.tenantKey,
              }
            : {}),
          user_count: String(chat.members.length),
          bot_count: chat.botIsMember ? '1' : '0',
          chat_status: chat.dissolved ? 'dissolved' : 'normal',
        },
      });
    });

    app.get('/open-apis/im/v1/chats/:id/members', (c) => {
      const chat = this.chats.get(c.req.param('id'));
      if (chat?.chatType !== 'group') throw new LarkError(400, 232006, 'Your request specifies a chat_id which is invalid.');
      if (!chat.botIsMember) throw new LarkError(400, 232011, 'Operator can NOT be out of the chat.');
      const pageSize = Math.min(Math.max(Number(c.req.query('page_size') ?? 20) || 20, 1), 100);
      const start = Number(c.req.query('page_token') ?? 0) || 0;
      const slice = chat.members.slice(start, start + pageSize);
      const next = start + pageSize;
      return c.json({
        code: 0,
        msg: 'success',
        data: {
          items: slice.map((id) => ({ member_id_type: 'open_id', member_id: id, name: this.users.get(id)?.name ?? '', tenant_key: this.tenantKey })),
          page_token: next < chat.members.length ? String(next) : '',
          has_more: next < chat.members.length,
          member_total: chat.members.length,
        },
      });
    });

    // Message get (im/v1 message get): `data.items` holding the message; the bot must be in its
    // chat (open.feishu.cn/document/server-docs/im-v1/message/get).
    app.get('/open-apis/im/v1/messages/:id', (c) => {
      const msg = this.findMessage(c.req.param('id'));
      const chat = this.chats.get(msg.chatId);
      if (!chat?.botIsMember) throw new LarkError(400, 230002, 'The bot can not be outside the group.');
      return c.json({ code: 0, msg: 'success', data: { items: [this.messageData(msg)] } });
    });

    // Message resource get (open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/reference/im-v1/message-resource/get):
    // `type` image or file; the file_key must be the message's own; the bot and the message in
    // one chat; cards and merged-forward messages refused with 234043; at most 100 MB.
    app.get('/open-apis/im/v1/messages/:id/resources/:key', (c) => {
      const type = c.req.query('type');
      if (type !== 'image' && type !== 'file') throw this.refuse(new LarkError(400, 234001, 'Invalid request param: type.'));
      const msg = this.messages.find((m) => m.id === c.req.param('id')) ?? this.userMessages.find((m) => m.id === c.req.param('id'));
      if (!msg) throw new LarkError(400, 234003, 'File not in msg.');
      if (msg.msgType === 'interactive' || msg.msgType === 'merge_forward') throw new LarkError(400, 234043, 'Unsupported message type.');
      const chat = this.chats.get(msg.chatId);
      if (!chat?.botIsMember) throw new LarkError(400, 234004, 'App not in chat.');
      const key = c.req.param('key');
      const res = this.resources.get(key);
      if (!res || res.messageId !== msg.id) throw new LarkError(400, 234003, 'File not in msg.');
      if (res.bytes.byteLength > RESOURCE_LIMIT) throw new LarkError(400, 234037, 'Downloaded file size exceeds limit.');
      c.header('content-type', 'application/octet-stream');
      c.header('content-length', String(res.bytes.byteLength));
      c.header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(res.fileName)}`);
      return c.body(res.bytes as unknown as ArrayBuffer);
    });

    app.all('/open-apis/*', (c) => c.json({ code: 404, msg: '404 page not found' }, 404));
    return app;
  }

  // ---- request handling helpers ----------------------------------------------------------------

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }

  /** Token calls are hit only by rules that name their path (e.g. { path: '/open-apis/auth' }). */
  private takeTransport(method: string, path: string): TransportRule | null {
    const isToken = path.startsWith('/open-apis/auth/');
    const rule = this.transport.find((r) => r.remaining > 0 && (!isToken || r.filter.path !== undefined) && matches(r.filter, method, path));
    if (!rule) return null;
    rule.remaining--;
    if (rule.remaining === 0) this.transport = this.transport.filter((r) => r !== rule);
    return rule;
  }

  private breakConnection(c: Ctx, call: FakeCall, kind: 'drop' | 'hang'): Promise<Response> {
    call.status = 0;
    call.outcome = kind === 'drop' ? 'dropped' : 'hung';
    const incoming = c.env?.incoming as IncomingMessage | undefined;
    if (kind === 'drop') {
      incoming?.socket.destroy();
      this.notify();
      return new Promise<Response>((resolve) => setTimeout(() => resolve(new Response(null, { status: 499 })), 0));
    }
    this.notify();
    return new Promise<Response>((resolve) => {
      const release = () => {
        this.hanging.delete(release);
        resolve(new Response(null, { status: 499 }));
      };
      this.hanging.add(release);
      incoming?.socket.once('close', release);
    });
  }

  private takeFault(rules: FaultRule[], method: string, path: string, query = ''): Fault | null {
    const now = performance.now();
    for (const rule of rules) {
      if (rule.until !== null && rule.until < now) continue;
      if (rule.remaining !== null && rule.remaining <= 0) continue;
      if (!matches(rule.filter, method, path, query)) continue;
      if (rule.remaining !== null) rule.remaining--;
      return rule.fault;
    }
    return null;
  }

  private answerFault(_c: Ctx, f: Fault): Response {
    const headers = new Headers(f.headers ?? {});
    if (f.body === undefined) {
      headers.set('content-type', 'application/json; charset=utf-8');
      return new Response(JSON.stringify({ code: f.code ?? -1, msg: f.msg ?? 'injected failure' }), { status: f.status, headers });
    }
    if (typeof f.body === 'string') {
      if (!headers.has('content-type')) headers.set('content-type', 'text/plain; charset=utf-8');
      return new Response(f.body, { status: f.status, headers });
    }
    headers.set('content-type', 'application/json; charset=utf-8');
    return new Response(JSON.stringify(f.body), { status: f.status, headers });
  }

  private answerError(_c: Ctx, e: LarkError): Response {
    const headers = new Headers(e.headers);
    headers.set('content-type', 'application/json; charset=utf-8');
    const body = {
      code: e.code,
      msg: e.msg,
      error: { log_id: `${this.now().toISOString().replace(/\D/g, '').slice(0, 14)}${hex(9).toUpperCase()}` },
    };
    return new Response(JSON.stringify(body), { status: e.status, headers });
  }

  private async jsonBody(c: Ctx): Promise<Record<string, any>> {
    try {
      const body = await c.req.json();
      if (!body || typeof body !== 'object' || Array.isArray(body)) throw new Error('not an object');
      return body;
    } catch {
      throw new LarkError(400, 9499, 'Bad Request: the body is not a JSON object.');
    }
  }

  /** The body and its size in bytes as it came over the wire (Lark's size limits are on the request body). */
  private async jsonBodySized(c: Ctx): Promise<{ body: Record<string, any>; bytes: number }> {
    const raw = await c.req.text();
    try {
      const body = JSON.parse(raw);
      if (!body || typeof body !== 'object' || Array.isArray(body)) throw new Error('not an object');
      return { body, bytes: Buffer.byteLength(raw) };
    } catch {
      throw this.refuse(new LarkError(400, 9499, 'Bad Request: the body is not a JSON object.'));
    }
  }

  /**
   * Records a refusal of what the bot sent (see `violations`) and hands it back to be thrown.
   * With FAKE_LARK_VIOLATION_LOG set, each one is also appended to that file.
   */
  private refuse(e: LarkError | Refusal): LarkError {
    const err = e instanceof LarkError ? e : new LarkError(e.status, e.code, e.msg);
    this.violations.push({ code: err.code, msg: err.msg, time: this.now() });
    const log = typeof process !== 'undefined' ? process.env.FAKE_LARK_VIOLATION_LOG : undefined;
    if (log) {
      try {
        appendFileSync(
          log,
          `${JSON.stringify({ code: err.code, msg: err.msg, test: process.env.VITEST_WORKER_ID ? (globalThis as any).__vitest_worker__?.current?.name : undefined })}\n`,
        );
      } catch {
        // the log is a debugging aid only
      }
    }
    return err;
  }

  private issueToken(): { token: string; expire: number } {
    const now = this.now().getTime();
    // Lark hands back the current token while more than 30 min are left.
    for (const [t, exp] of this.tokens) {
      if (exp - now > TOKEN_RENEW_BELOW_MS) return { token: t, expire: Math.floor((exp - now) / 1000) };
    }
    const t = fakeToken();
    this.tokens.set(t, now + this.tokenTtlMs);
    this.tokensIssued++;
    return { token: t, expire: Math.floor(this.tokenTtlMs / 1000) };
  }

  private checkToken(c: Ctx): void {
    const auth = c.req.header('authorization') ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    if (!m) {
      throw new LarkError(this.tokenErrorStatus, 99991661, 'Missing access token for authorization. Please make a request with token attached.');
    }
    const exp = this.tokens.get(m[1]!);
    if (exp === undefined || exp <= this.now().getTime()) {
      throw new LarkError(this.tokenErrorStatus, 99991663, 'Invalid access token for authorization. Please make a request with token attached.');
    }
  }

  private validateContent(body: Record<string, any>, bodyBytes: number): { msgType: string; content: any; raw: string } {
    const msgType = body.msg_type;
    if (typeof msgType !== 'string' || msgType === '') throw this.refuse(fieldErr('msg_type', 'is required'));
    if (!MSG_TYPES.has(msgType)) throw this.refuse(new LarkError(400, 230001, `Your request contains an invalid request parameter: msg_type ${msgType}.`));
    const raw = body.content;
    // content is a JSON object serialised into a string (message create page, content).
    if (typeof raw !== 'string') throw this.refuse(fieldErr('content', 'must be a JSON string'));
    let content: any;
    try {
      content = JSON.parse(raw);
    } catch {
      throw this.refuse(new LarkError(400, 230001, 'Your request contains an invalid request parameter: content is not valid JSON.'));
    }
    if (!content || typeof content !== 'object' || Array.isArray(content)) {
      throw this.refuse(new LarkError(400, 230001, 'Your request contains an invalid request parameter: content must be a JSON object.'));
    }
    const tooBig = checkBodySize(msgType, bodyBytes);
    if (tooBig) throw this.refuse(tooBig);
    const bad = msgType === 'text' ? checkText(content) : msgType === 'post' ? checkPost(content) : null;
    if (bad) throw this.refuse(bad);
    if (msgType === 'interactive') this.parseCard(raw);
    if (msgType === 'file' && !this.files.some((f) => f.fileKey === content.file_key)) {
      throw this.refuse(new LarkError(400, 230001, 'Your request contains an invalid request parameter: unknown file_key.'));
    }
    return { msgType, content, raw };
  }

  /** Cards: a template reference, a JSON 1.0 card, or a JSON 2.0 card checked against rules.ts. */
  private parseCard(raw: string): any {
    let card: any;
    try {
      card = JSON.parse(raw);
    } catch {
      throw this.refuse(new LarkError(400, 230099, 'Failed to create card content: content is not valid JSON.'));
    }
    const bad = checkCard(card);
    if (bad) throw this.refuse(bad);
    return card;
  }

  private validateUuid(uuid: unknown): string | null {
    const bad = checkUuid(uuid);
    if (bad) throw this.refuse(bad);
    return typeof uuid === 'string' && uuid !== '' ? uuid : null;
  }

  private findUser(idType: string, id: string): FakeUser | null {
    if (idType === 'open_id') return this.users.get(id) ?? null;
    for (const u of this.users.values()) {
      if ((idType === 'union_id' && u.unionId === id) || (idType === 'user_id' && u.userId === id) || (idType === 'email' && u.email === id)) return u;
    }
    return null;
  }

  private resolveRecipient(type: string, id: string): FakeChat {
    if (type === 'chat_id') {
      const chat = this.chats.get(id);
      if (!chat) throw new LarkError(400, 230002, 'The bot can not be outside the group.');
      this.checkChatWritable(chat);
      return chat;
    }
    const user = this.findUser(type, id);
    if (!user) throw new LarkError(400, 230013, 'Bot has NO availability to this user.');
    if (user.resigned) throw new LarkError(400, 230029, 'The user has resigned.');
    if (user.blockedBot) throw new LarkError(400, 230053, 'The user has stopped the bot from sending messages to him.');
    return this.chats.get(this.p2pChatOf(user.openId))!;
  }

  private checkChatWritable(chat: FakeChat): void {
    if (chat.dissolved) throw new LarkError(400, 232009, 'Your request specifies a chat which has already been dissolved.');
    if (!chat.botIsMember) throw new LarkError(400, 230002, 'The bot can not be outside the group.');
  }

  private findMessage(id: string): FakeMessage {
    const msg = this.messages.find((m) => m.id === id) ?? this.userMessages.find((m) => m.id === id);
    if (!msg) throw new LarkError(400, 230001, `Your request contains an invalid request parameter: message_id ${id} not found.`);
    if (msg.recalled) throw new LarkError(400, 230011, 'The message is recalled.');
    return msg;
  }

  private dedupe(uuid: string | null): FakeMessage | null {
    if (!uuid) return null;
    const hit = this.uuids.get(uuid);
    if (!hit || this.now().getTime() - hit.at > UUID_WINDOW_MS) return null;
    const msg = this.messages.find((m) => m.id === hit.messageId);
    if (!msg) return null;
    this.dedupedSends++;
    return msg;
  }

  private limitSend(chat: FakeChat): void {
    const recipient =
      chat.chatType === 'p2p'
        ? { key: `user:${chat.members[0]}`, limit: this.limits?.perUserPerSecond, windowMs: 1_000, recipient: true }
        : { key: `chat:${chat.chatId}`, limit: this.limits?.perChatPerSecond, windowMs: 1_000, recipient: true };
    this.limit([
      { key: 'send:s', limit: this.limits?.sendPerSecond, windowMs: 1_000 },
      { key: 'send:m', limit: this.limits?.sendPerMinute, windowMs: 60_000 },
      recipient,
    ]);
  }

  /** Rate limits run on real time: the fake's settable clock is for dates, not for pacing. */
  private limit(rules: { key: string; limit: number | undefined; windowMs: number; recipient?: boolean }[]): void {
    if (!this.limits) return;
    const active = rules.filter((r): r is { key: string; limit: number; windowMs: number; recipient?: boolean } => typeof r.limit === 'number' && r.limit > 0);
    const hit = this.windows.take(active, performance.now());
    if (!hit) return;
    this.refusedForFrequency++;
    const rule = active.find((r) => r.key === hit.key);
    if (rule?.recipient && this.limits.recipientRefusal === 'im') {
      throw new LarkError(400, 230020, 'This operation triggers the frequency limit.');
    }
    throw new LarkError(429, 99991400, 'request trigger frequency limit', {
      'x-ogw-ratelimit-limit': String(hit.limit),
      'x-ogw-ratelimit-reset': String(Math.max(1, Math.ceil(hit.resetMs / 1000))),
    });
  }

  private record(a: {
    chat: FakeChat;
    receiveIdType: string;
    receiveId: string;
    msgType: string;
    content: any;
    raw: string;
    uuid: string | null;
    parent: FakeMessage | null;
  }): FakeMessage {
    const msg: FakeMessage = {
      id: fakeMessageId(),
      chatId: a.chat.chatId,
      chatType: a.chat.chatType,
      receiveIdType: a.receiveIdType,
      receiveId: a.receiveId,
      msgType: a.msgType,
      content: a.content,
      sentContent: a.content,
      uuid: a.uuid,
      replyTo: a.parent?.id ?? null,
      rootId: a.parent ? (a.parent.rootId ?? a.parent.id) : null,
      time: this.now(),
      updatedAt: null,
      recalled: false,
    };
    this.messages.push(msg);
    if (a.uuid) this.uuids.set(a.uuid, { messageId: msg.id, at: msg.time.getTime() });
    return msg;
  }

  private messageData(m: FakeMessage): Record<string, unknown> {
    return {
      message_id: m.id,
      ...(m.rootId ? { root_id: m.rootId } : {}),
      ...(m.replyTo ? { parent_id: m.replyTo } : {}),
      msg_type: m.msgType,
      create_time: String(m.time.getTime()),
      update_time: String((m.updatedAt ?? m.time).getTime()),
      deleted: m.recalled,
      updated: m.updatedAt !== null,
      chat_id: m.chatId,
      sender: m.sender
        ? { id: m.sender, id_type: 'open_id', sender_type: 'user', tenant_key: this.tenantKey }
        : { id: this.appId, id_type: 'app_id', sender_type: 'app', tenant_key: this.tenantKey },
      // A recalled message keeps its id; its content is gone (message get page: deleted: true).
      body: { content: m.recalled ? JSON.stringify({ text: 'This message was recalled' }) : JSON.stringify(m.content ?? m.sentContent) },
      mentions: (m.mentions ?? []).map((x) => ({ key: x.key, id: x.openId, id_type: 'open_id', name: x.name, tenant_key: this.tenantKey })),
    };
  }
}

function fieldErr(field: string, description: string): LarkError {
  return new LarkError(400, 99992402, `field validation failed: ${field} ${description}`);
}

// ---------------------------------------------------------------------------------------------
// As a process: `tsx bot/sandbox/fake-lark/server.ts [port]` — prints the URL and credentials.

const isMain = (() => {
  try {
    return typeof process !== 'undefined' && !!process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href;
  } catch {
    return false;
  }
})();

if (isMain) {
  const port = Number(process.argv[2] ?? 0) || 0;
  const fake = new FakeLark({ port });
  const { url } = await fake.start();
  process.stdout.write(`${JSON.stringify({ url, appId: fake.appId, appSecret: fake.appSecret, botOpenId: fake.botOpenId })}\n`);
  const shutdown = () => void fake.stop().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
