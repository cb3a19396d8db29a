/**
 * The LarkApi port on the official SDK (@larksuiteoapi/node-sdk). Everything the SDK does
 * not do for us lives here:
 *  - every failure becomes one LarkApiError (HTTP status, Lark code, wait hint); the SDK
 *    throws raw axios errors for non-2xx answers and *returns* `{ code ≠ 0 }` bodies on 200;
 *  - a hard per-request deadline (the SDK has none: a hung connection would hang the sender);
 *  - no logging by the SDK: its error logger prints the whole axios error, request body
 *    included — for the token call that body carries the app secret;
 *  - the tenant token is cached per client and refreshed once when Lark says it is invalid
 *    (99991663/99991661): the SDK only refreshes on its own clock and never on an answer.
 * No retries happen here beyond that one refresh: the outbox decides when to try again.
 */
import { Readable } from 'node:stream';
import * as lark from '@larksuiteoapi/node-sdk';
import { larkBaseUrl } from '../config.js';
import {
  LarkApiError,
  ResourceTooLargeError,
  type LarkApi,
  type LarkChat,
  type LarkChatMember,
  type LarkMessageInfo,
  type LarkUser,
  type ReplyArgs,
  type SendArgs,
} from './api.js';

export interface LarkClientOptions {
  appId: string;
  appSecret: string;
  /** 'feishu' | 'lark' | a base URL such as http://127.0.0.1:9000 (tests, sandbox). */
  domain: string;
  /** Whole-request deadline, token fetch included per call. Default 10 s. */
  timeoutMs?: number;
}

/**
 * Lark codes meaning "the token you sent is not (or no longer) valid": 99991661 missing,
 * 99991663 invalid tenant token, 99991668 invalid access token (seen on revoked tokens).
 * Source: open.feishu.cn, the server error-code page.
 */
const TOKEN_INVALID_CODES = new Set([99991661, 99991663, 99991668]);

/** Department lookup answers this for an id that does not exist (contact v3 department.get). */
const DEPARTMENT_NOT_FOUND = 40015;

const silentLogger = { error() {}, warn() {}, info() {}, debug() {}, trace() {} };

/**
 * The SDK's token cache contract (get/set with an expiry in ms), kept per client so that a
 * rejected token can be dropped, and so that concurrent calls on a cold cache wait for the
 * one token request in flight instead of each asking for a token.
 */
class TokenCache {
  private readonly values = new Map<string, { value: unknown; expiredTime?: number }>();
  private pending: { promise: Promise<void>; resolve: () => void } | null = null;

  constructor(private readonly waitMs: number) {}

  // `Symbol` (the wrapper type) because that is how the SDK's Cache type spells its keys.
  private keyOf(key: string | Symbol, namespace?: string): string {
    return `${namespace ?? ''}/${String(key)}`;
  }

  private fresh(key: string): unknown {
    const hit = this.values.get(key);
    if (hit && (!hit.expiredTime || hit.expiredTime > Date.now())) return hit.value;
    return undefined;
  }

  async get(key: string | Symbol, options?: { namespace?: string }): Promise<unknown> {
    const k = this.keyOf(key, options?.namespace);
    const value = this.fresh(k);
    if (value !== undefined) return value;
    if (this.pending) {
      const waiting = this.pending.promise;
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([waiting, new Promise<void>((r) => (timer = setTimeout(r, this.waitMs)))]);
      clearTimeout(timer);
      return this.fresh(k);
    }
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    this.pending = { promise, resolve };
    return undefined;
  }

  async set(key: string | Symbol, value: unknown, expiredTime?: number, options?: { namespace?: string }): Promise<boolean> {
    this.values.set(this.keyOf(key, options?.namespace), { value, expiredTime });
    this.release();
    return true;
  }

  /** Wake anyone waiting for a token that will not come (the fetch failed). */
  release(): void {
    const p = this.pending;
    this.pending = null;
    p?.resolve();
  }

  clear(): void {
    this.values.clear();
    this.release();
  }
}

const isLoopback = (baseUrl: string): boolean => {
  try {
    const host = new URL(baseUrl).hostname;
    return host === '127.0.0.1' || host === 'localhost' || host === '[::1]' || host === '::1';
  } catch {
    return false;
  }
};

/** Lark sends x-ogw-ratelimit-reset in seconds; we keep milliseconds. */
function retryAfterFrom(headers: unknown): number | null {
  if (!headers || typeof headers !== 'object') return null;
  const h = headers as Record<string, unknown> & { get?: (name: string) => unknown };
  const raw = typeof h.get === 'function' ? h.get('x-ogw-ratelimit-reset') : h['x-ogw-ratelimit-reset'];
  const seconds = Number(Array.isArray(raw) ? raw[0] : raw);
  return Number.isFinite(seconds) && seconds >= 0 && raw !== undefined && raw !== null && raw !== '' ? Math.round(seconds * 1000) : null;
}

function parseBody(data: unknown): { code?: unknown; msg?: unknown } | null {
  if (data && typeof data === 'object') return data as { code?: unknown; msg?: unknown };
  if (typeof data === 'string') {
    try {
      const parsed = JSON.parse(data);
      return parsed && typeof parsed === 'object' ? parsed : null;
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * Classifies anything the SDK (axios underneath) can throw. Exported for the tests and for
 * anyone wrapping another SDK call the same way.
 */
const NEVER_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

export function toLarkApiError(err: unknown): LarkApiError {
  if (err instanceof LarkApiError) return err;
  const e = err as { response?: { status?: unknown; data?: unknown; headers?: unknown; statusText?: unknown }; code?: unknown; message?: unknown };
  const res = e?.response;
  if (res && typeof res.status === 'number') {
    const body = parseBody(res.data);
    const code = typeof body?.code === 'number' ? body.code : -1;
    const msg =
      typeof body?.msg === 'string' && body.msg !== ''
        ? body.msg
        : `HTTP ${res.status}${typeof res.statusText === 'string' && res.statusText ? ` ${res.statusText}` : ''}`;
    const rateLimited = res.status === 429 || code === 99991400;
    return new LarkApiError(res.status, code, msg, rateLimited ? retryAfterFrom(res.headers) : null);
  }
  // The SDK's token manager turns a 200 answer without a token into a plain Error.
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const tokenFailure = /failed to get tenant_access_token, code: (-?\d+), msg: (.*)$/.exec(message);
  if (tokenFailure) return new LarkApiError(200, Number(tokenFailure[1]), `token: ${tokenFailure[2]}`);
  const errCode = typeof e?.code === 'string' ? e.code : '';
  const timedOut = errCode === 'ECONNABORTED' || errCode === 'ETIMEDOUT' || errCode === 'ERR_CANCELED' || /timeout/i.test(message);
  // Refused or unresolvable: the request never left, so it certainly did nothing.
  const neverSent = NEVER_SENT_CODES.has(errCode);
  return new LarkApiError(0, -1, timedOut ? `timeout: ${message}` : `network: ${errCode ? `${errCode} ` : ''}${message}`, null, !neverSent);
}

/**
 * The file part of an upload, as a stream with a name. A bare Buffer goes out as a form field
 * without `filename`, which multipart parsers (Go's FormFile, undici's formData) read as a
 * text value, not a file. The SDK's form encoder (form-data) takes the filename from `.name`.
 * The name is kept ASCII for the header; the real name travels in `file_name`.
 */
function namedStream(fileName: string, bytes: Uint8Array): Readable {
  const stream = Readable.from([Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)], { objectMode: false });
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_') || 'upload';
  return Object.assign(stream, { name: ascii });
}

type Body = { code?: number; msg?: string; data?: any; [k: string]: any };

/**
 * Reads a response stream (Node's Readable, or a web ReadableStream on Workers) up to `maxBytes`,
 * destroying it as soon as more arrives: a file is never held past the bound.
 */
async function readBounded(stream: unknown, maxBytes: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const take = (chunk: Uint8Array) => {
    size += chunk.byteLength;
    if (size > maxBytes) throw new ResourceTooLargeError(maxBytes);
    chunks.push(chunk);
  };
  const web = stream as { getReader?: () => ReadableStreamDefaultReader<Uint8Array> };
  if (typeof web.getReader === 'function') {
    const reader = web.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        take(value);
      }
    } catch (err) {
      await reader.cancel().catch(() => {});
      throw err;
    }
  } else {
    const node = stream as Readable;
    try {
      for await (const chunk of node) take(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Uint8Array));
    } finally {
      node.destroy?.();
    }
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** An error answer of a streamed call carries its JSON body as a stream: read a little of it for Lark's code. */
async function streamedError(err: unknown): Promise<LarkApiError> {
  const res = (err as { response?: { data?: unknown } })?.response;
  const data = res?.data as { pipe?: unknown; getReader?: unknown } | null | undefined;
  if (res && data && typeof data === 'object' && !Array.isArray(data) && (typeof data.pipe === 'function' || typeof data.getReader === 'function')) {
    try {
      res.data = new TextDecoder().decode(await readBounded(res.data, 64 * 1024));
    } catch {
      res.data = null;
    }
  }
  return toLarkApiError(err);
}

/** A 200 answer can still be a refusal: Lark puts it in `code`. */
function ok<T extends Body | null | undefined>(res: T): NonNullable<T> {
  if (!res || typeof res !== 'object') throw new LarkApiError(200, -1, 'empty answer from Lark');
  if (typeof res.code === 'number' && res.code !== 0) throw new LarkApiError(200, res.code, res.msg ?? `code ${res.code}`);
  return res as NonNullable<T>;
}

/**
 * Creates the SDK-backed LarkApi. Reads no environment: pass what loadConfig() produced.
 * @example createLarkApi({ appId: cfg.LARK_APP_ID, appSecret: cfg.LARK_APP_SECRET, domain: cfg.LARK_DOMAIN })
 */
/**
 * A repeated subscribe answers HTTP 400, code 1390007 "subscription existed" (the error table of
 * open.larksuite.com/document/uAjLw4CM/ukTMukTMukTM/reference/approval-v4/approval/subscribe):
 * the app is subscribed, which is what was asked.
 */
const SUBSCRIPTION_EXISTED = 1390007;
const READ_USERS_MAX_PAGES = 10;

export function createLarkApi(opts: LarkClientOptions): LarkApi {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const baseUrl = larkBaseUrl(opts.domain);
  const cache = new TokenCache(timeoutMs);

  // A fresh axios instance (no interceptors shared with other SDK users), made from the
  // SDK's own so that no axios import is needed here.
  const http = lark.defaultHttpInstance.create({
    timeout: timeoutMs,
    maxRedirects: 0,
    // A loopback base URL is a local fake or sandbox: never send it through a proxy.
    ...(isLoopback(baseUrl) ? { proxy: false as const } : {}),
  });
  // `timeout` above is a socket-idle timer; this is the whole-request deadline.
  http.interceptors.request.use((config) => {
    if (!config.signal) config.signal = AbortSignal.timeout(timeoutMs);
    // The SDK's generated methods (chat.get, user.get, department.get, …) pass `data: {}` on
    // GET too; axios serializes it to "{}". Node's http adapter sends that body along, but
    // on Workers axios goes through fetch, and workerd's Request refuses a GET or HEAD with a
    // body — so every lookup failed there. Lark's GET endpoints take no body: drop it.
    const method = config.method?.toLowerCase();
    if (method === 'get' || method === 'head') config.data = undefined;
    return config;
  });
  // The SDK expects its http instance to resolve to the body (the SDK's own http client does the same).
  http.interceptors.response.use((resp) =>
    (resp.config as { $return_headers?: boolean }).$return_headers ? ({ data: resp.data, headers: resp.headers } as any) : resp.data,
  );

  const client = new lark.Client({
    appId: opts.appId,
    appSecret: opts.appSecret,
    domain: baseUrl,
    appType: lark.AppType.SelfBuild,
    cache,
    httpInstance: http as unknown as lark.HttpInstance,
    logger: silentLogger,
    // Not LoggerLevel.fatal: it is 0, and the SDK reads a falsy level as "info".
    loggerLevel: lark.LoggerLevel.error,
  });

  /**
   * One call, with one token refresh when Lark rejects the cached token — whether the refusal
   * comes as an HTTP error (the usual case) or as a 200 body with the code.
   */
  async function call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      const res = await fn();
      const code = (res as Body | null)?.code;
      if (typeof code !== 'number' || !TOKEN_INVALID_CODES.has(code)) return res;
    } catch (first) {
      cache.release();
      const err = toLarkApiError(first);
      if (!(TOKEN_INVALID_CODES.has(err.code) || err.status === 401)) throw err;
    }
    cache.clear();
    try {
      return await fn();
    } catch (second) {
      cache.release();
      throw toLarkApiError(second);
    }
  }

  /**
   * Every path segment encoded: the SDK pastes path values into the URL as they are, so an id
   * holding `/` or `..` would call another API (ids are also checked where they enter).
   */
  const seg = (v: string): string => encodeURIComponent(v);

  return {
    async botInfo() {
      const res = await call(() => client.request<Body>({ method: 'GET', url: '/open-apis/bot/v3/info' }));
      const bot = ok(res).bot;
      if (!bot?.open_id) throw new LarkApiError(200, -1, 'bot/v3/info answered without bot.open_id');
      return { openId: String(bot.open_id), name: String(bot.app_name ?? '') };
    },

    async send(args: SendArgs) {
      const res = await call(() =>
        client.im.v1.message.create({
          params: { receive_id_type: args.receiveIdType },
          data: { receive_id: args.receiveId, msg_type: args.msgType, content: args.content, uuid: args.uuid },
        }),
      );
      const id = ok(res).data?.message_id;
      if (!id) throw new LarkApiError(200, -1, 'message.create answered without message_id');
      return { messageId: id };
    },

    async reply(args: ReplyArgs) {
      const res = await call(() =>
        client.im.v1.message.reply({
          path: { message_id: seg(args.messageId) },
          data: { msg_type: args.msgType, content: args.content, uuid: args.uuid },
        }),
      );
      const id = ok(res).data?.message_id;
      if (!id) throw new LarkApiError(200, -1, 'message.reply answered without message_id');
      return { messageId: id };
    },

    async patchCard(messageId: string, content: string) {
      ok(await call(() => client.im.v1.message.patch({ path: { message_id: seg(messageId) }, data: { content } })));
    },

    async urgentApp(messageId: string, openIds: string[]) {
      ok(
        await call(() =>
          client.im.v1.message.urgentApp({
            path: { message_id: seg(messageId) },
            params: { user_id_type: 'open_id' },
            data: { user_id_list: openIds },
          }),
        ),
      );
    },

    // Add a reaction: https://open.feishu.cn/document/server-docs/im-v1/message-reaction/create
    // (scope im:message or im:message.reactions:write_only; body { reaction_type: { emoji_type } }).
    async addReaction(messageId: string, emojiType: string) {
      ok(await call(() => client.im.v1.messageReaction.create({ path: { message_id: seg(messageId) }, data: { reaction_type: { emoji_type: emojiType } } })));
    },

    async uploadFile(fileName: string, fileType: 'xls' | 'stream', bytes: Uint8Array) {
      // file.create returns only `data` (null when a 200 carries code ≠ 0).
      const data = await call(() =>
        client.im.v1.file.create({ data: { file_type: fileType, file_name: fileName, file: namedStream(fileName, bytes) as any } }),
      );
      const fileKey = data?.file_key;
      if (!fileKey) throw new LarkApiError(200, -1, 'file.create answered without file_key');
      return { fileKey };
    },

    async getUser(openId: string): Promise<LarkUser> {
      const res = await call(() =>
        client.contact.v3.user.get({
          path: { user_id: seg(openId) },
          params: { user_id_type: 'open_id', department_id_type: 'open_department_id' },
        }),
      );
      const user = ok(res).data?.user;
      if (!user) throw new LarkApiError(200, -1, 'user.get answered without user');
      return { openId: user.open_id ?? openId, name: user.name ?? '', departmentIds: user.department_ids ?? [] };
    },

    async getDepartmentName(departmentId: string) {
      try {
        const res = await call(() =>
          client.contact.v3.department.get({
            path: { department_id: seg(departmentId) },
            params: { department_id_type: 'open_department_id' },
          }),
        );
        return ok(res).data?.department?.name ?? null;
      } catch (err) {
        if (err instanceof LarkApiError && err.code === DEPARTMENT_NOT_FOUND) return null;
        throw err;
      }
    },

    async listChatMembers(chatId: string, limit = 5000): Promise<LarkChatMember[]> {
      // im/v1 chat.members get: pages of at most 100, member_id_type open_id, a name for each
      // (open.feishu.cn/document/server-docs/group/chat-member/get).
      const out: LarkChatMember[] = [];
      let pageToken = '';
      for (let page = 0; page < Math.ceil(limit / 100); page++) {
        const res = await call(() =>
          client.request<Body>({
            method: 'GET',
            url: `/open-apis/im/v1/chats/${seg(chatId)}/members`,
            params: { member_id_type: 'open_id', page_size: 100, ...(pageToken ? { page_token: pageToken } : {}) },
          }),
        );
        const data = ok(res).data ?? {};
        for (const m of (data.items ?? []) as Array<{ member_id?: string; name?: string }>) {
          if (typeof m.member_id === 'string') out.push({ openId: m.member_id, name: typeof m.name === 'string' ? m.name : '' });
        }
        if (!data.has_more || typeof data.page_token !== 'string' || data.page_token === '' || out.length >= limit) break;
        pageToken = data.page_token;
      }
      return out.slice(0, limit);
    },

    async getMessage(messageId: string): Promise<LarkMessageInfo> {
      // im/v1 message get: `data.items[0]` with msg_type, chat_id, sender and body.content (a JSON
      // string) — open.feishu.cn/document/server-docs/im-v1/message/get.
      const res = await call(() => client.request<Body>({ method: 'GET', url: `/open-apis/im/v1/messages/${seg(messageId)}` }));
      const item = ok(res).data?.items?.[0];
      if (!item) throw new LarkApiError(200, -1, 'message.get answered without items');
      let content: Record<string, unknown> | null = null;
      try {
        const parsed = JSON.parse(String(item.body?.content ?? ''));
        content = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : null;
      } catch {
        content = null;
      }
      return {
        messageId: String(item.message_id ?? messageId),
        chatId: String(item.chat_id ?? ''),
        msgType: String(item.msg_type ?? ''),
        content,
        senderId: item.sender?.sender_type === 'user' && typeof item.sender?.id === 'string' ? item.sender.id : null,
        mentions: Array.isArray(item.mentions)
          ? (item.mentions as Body[])
              .filter((m) => typeof m?.key === 'string' && typeof m?.id === 'string')
              .map((m) => ({ key: String(m.key), openId: String(m.id), name: typeof m.name === 'string' ? m.name : '' }))
          : [],
        deleted: item.deleted === true,
      };
    },

    async downloadResource(messageId: string, fileKey: string, type: 'file' | 'image', maxBytes: number): Promise<Uint8Array> {
      // im/v1 message-resource get: the bytes as a stream, up to 100 MB, the bot in the message's
      // chat, file_key and message_id matching (open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/reference/im-v1/message-resource/get).
      const res = await call(async () => {
        try {
          return await client.im.v1.messageResource.get({ path: { message_id: seg(messageId), file_key: seg(fileKey) }, params: { type } });
        } catch (err) {
          throw await streamedError(err);
        }
      });
      const headers = res.headers as Record<string, unknown> | undefined;
      const declared = Number(headers?.['content-length']);
      const stream = res.getReadableStream();
      if (Number.isFinite(declared) && declared > maxBytes) {
        (stream as Readable).destroy?.();
        throw new ResourceTooLargeError(maxBytes);
      }
      return readBounded(stream, maxBytes);
    },

    async subscribeApproval(approvalCode: string) {
      try {
        ok(await call(() => client.approval.v4.approval.subscribe({ path: { approval_code: seg(approvalCode) } })));
      } catch (err) {
        if (err instanceof LarkApiError && err.code === SUBSCRIPTION_EXISTED) return;
        throw err;
      }
    },

    async pinChat(chatId: string, openIds: string[], timeSensitive = true) {
      ok(
        await call(() =>
          client.im.v2.feedCard.patch({
            path: { feed_card_id: seg(chatId) },
            params: { user_id_type: 'open_id' },
            data: { time_sensitive: timeSensitive, user_ids: openIds },
          }),
        ),
      );
    },

    async readUsers(messageId: string) {
      const out: Array<{ openId: string; readAt: Date }> = [];
      let pageToken: string | undefined;
      // 100 a page is the documented maximum; a chat of a few hundred people is a handful of pages.
      for (let page = 0; page < READ_USERS_MAX_PAGES; page++) {
        const res = await call(() =>
          client.im.v1.message.readUsers({
            path: { message_id: seg(messageId) },
            params: { user_id_type: 'open_id', page_size: 100, ...(pageToken ? { page_token: pageToken } : {}) },
          }),
        );
        const data = ok(res).data;
        for (const item of data?.items ?? []) {
          const at = Number(item.timestamp);
          if (item.user_id && Number.isFinite(at)) out.push({ openId: item.user_id, readAt: new Date(at) });
        }
        if (!data?.has_more || !data.page_token) break;
        pageToken = data.page_token;
      }
      return out;
    },

    async getChat(chatId: string): Promise<LarkChat> {
      const res = await call(() => client.im.v1.chat.get({ path: { chat_id: seg(chatId) }, params: { user_id_type: 'open_id' } }));
      const chat = ok(res).data ?? {};
      const ownerIsOpenId = !chat.owner_id_type || chat.owner_id_type === 'open_id';
      return {
        chatId,
        name: chat.name ?? '',
        ownerId: chat.owner_id && ownerIsOpenId ? chat.owner_id : null,
        managerIds: chat.user_manager_id_list ?? [],
      };
    },
  };
}
