/**
 * The LarkApi port: every call duban makes to the Lark Open API. The SDK-backed
 * implementation lives in sdk-client.ts; handlers never call it — they return OutMessages
 * for the outbox, and only the sender (schedules/deliver.ts) and the directory cache use it.
 */

export interface SendArgs {
  receiveIdType: 'chat_id' | 'open_id';
  receiveId: string;
  msgType: string;
  /** Already JSON-encoded content, as the API wants it. */
  content: string;
  /** Idempotency key: Lark drops a repeat with the same uuid for about an hour. */
  uuid: string;
}

export interface ReplyArgs {
  messageId: string;
  msgType: string;
  content: string;
  uuid: string;
}

export interface LarkUser {
  openId: string;
  name: string;
  departmentIds: string[];
}

export interface LarkChat {
  chatId: string;
  name: string;
  ownerId: string | null;
  managerIds: string[];
}

/** A message as `GET /open-apis/im/v1/messages/:message_id` returns it (the fields duban reads). */
export interface LarkMessageInfo {
  messageId: string;
  chatId: string;
  msgType: string;
  /** The parsed `body.content`; null when it is not a JSON object. */
  content: Record<string, unknown> | null;
  senderId: string | null;
  /** The mentions its `@_user_N` keys stand for (a post's `at` elements, a text's placeholders). */
  mentions?: Array<{ key: string; openId: string; name: string }>;
  /** Recalled: Lark keeps the id but not what was said. */
  deleted?: boolean;
}

/** A chat member as `GET /open-apis/im/v1/chats/:chat_id/members` lists them. */
export interface LarkChatMember {
  openId: string;
  name: string;
}

/** A message resource larger than the caller's bound: refused without reading it whole. */
export class ResourceTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`resource larger than ${maxBytes} bytes`);
    this.name = 'ResourceTooLargeError';
  }
}

export interface LarkApi {
  botInfo(): Promise<{ openId: string; name: string }>;
  send(args: SendArgs): Promise<{ messageId: string }>;
  reply(args: ReplyArgs): Promise<{ messageId: string }>;
  /** PATCH a shared interactive card (≤ 14 days old). */
  patchCard(messageId: string, content: string): Promise<void>;
  /** 加急 in app (urgent_app). */
  urgentApp(messageId: string, openIds: string[]): Promise<void>;
  /** A reaction of the bot's on a message (im/v1/messages/:message_id/reactions). */
  addReaction(messageId: string, emojiType: string): Promise<void>;
  uploadFile(fileName: string, fileType: 'xls' | 'stream', bytes: Uint8Array): Promise<{ fileKey: string }>;
  getUser(openId: string): Promise<LarkUser>;
  getDepartmentName(departmentId: string): Promise<string | null>;
  getChat(chatId: string): Promise<LarkChat>;
  /** The chat's members (every page, at most `limit` of them). */
  listChatMembers(chatId: string, limit?: number): Promise<LarkChatMember[]>;
  /** One message: its type and content (what a reply's parent was). */
  getMessage(messageId: string): Promise<LarkMessageInfo>;
  /**
   * A file or image of a message (im/v1 message-resource get), read as a stream and given up
   * with ResourceTooLargeError past `maxBytes`.
   */
  downloadResource(messageId: string, fileKey: string, type: 'file' | 'image', maxBytes: number): Promise<Uint8Array>;
  /**
   * Subscribes the app to an approval definition's events (leave_approvalV2 …):
   * POST /open-apis/approval/v4/approvals/:approval_code/subscribe, scope approval:approval
   * (open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/reference/approval-v4/approval/subscribe).
   * Once per app and code; a repeat answering "subscription existed" is taken as done.
   */
  subscribeApproval(approvalCode: string): Promise<void>;
  /**
   * Who read one of the bot's messages: GET /open-apis/im/v1/messages/:message_id/read_users
   * ?user_id_type=open_id&page_size≤100 → items [{ user_id_type, user_id, timestamp (ms), tenant_key }],
   * has_more, page_token. Only the bot's own messages of the last 7 days, and the bot must still be
   * in the chat (open.feishu.cn/document/server-docs/im-v1/message/read_users).
   */
  readUsers(messageId: string): Promise<Array<{ openId: string; readAt: Date }>>;
  /**
   * 即时提醒 (instant reminder): pins a group chat at the top of these users' message list, or
   * (timeSensitive false) takes it down again: "设置为 true 后，卡片在消息列表临时置顶；设置为
   * false，消息卡片不置顶". PATCH /open-apis/im/v2/feed_cards/:feed_card_id?user_id_type=open_id
   * { time_sensitive, user_ids } — feed_card_id is the chat id ("当前只支持群聊"), tenant token,
   * scope im:datasync.feed_card.time_sensitive:write, 1000/min and 50/s
   * (open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/group/im-v2/feed_card/patch). The p2p
   * twin, PATCH /open-apis/im/v2/feed_cards/bot_time_sentive (open.feishu.cn/document/im-v2/
   * groups-bots/bot_time_sentive, the bot's own chat with each user), is not used: the ladder
   * pins the group its 催办 is in.
   */
  pinChat(chatId: string, openIds: string[], timeSensitive?: boolean): Promise<void>;
}

/**
 * Lark error codes that decide what the sender does. Source: open.feishu.cn 频控策略 (rate limits)
 * and the send API's error table.
 */
export const FINAL_SEND_CODES = new Set([230002, 230013, 230029, 230053, 232009, 230099, 230025, 230031, 230001, 99992402]);
export const RATE_LIMIT_CODES = new Set([99991400, 230020]);
/**
 * Credential, token and permission problems: an operator fixes them (secret, scopes, app
 * availability) and the message should then still go out, so they are retried, not failed.
 */
export const OPERATOR_FIXABLE_CODES = new Set([10003, 10014, 99991661, 99991663, 99991664, 99991665, 99991668, 99991672, 99991679]);

/** A failed Lark call, classified once so the sender can decide: retry, wait, or give up. */
export class LarkApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    /** Wait this long before retrying (from x-ogw-ratelimit-reset), if Lark said so. */
    readonly retryAfterMs: number | null = null,
    /**
     * No answer came back after the request may have reached Lark (a timeout, a connection lost
     * mid-call): the call may or may not have taken effect.
     */
    readonly unanswered = false,
  ) {
    super(message);
    this.name = 'LarkApiError';
  }
  get isRateLimit(): boolean {
    return this.status === 429 || RATE_LIMIT_CODES.has(this.code);
  }
  /** A refusal that will not change on retry (bot removed from chat, user resigned, bad card). */
  get isFinal(): boolean {
    if (this.isRateLimit) return false;
    if (FINAL_SEND_CODES.has(this.code)) return true;
    if (OPERATOR_FIXABLE_CODES.has(this.code) || this.status === 403) return false;
    return this.status >= 400 && this.status < 500 && this.status !== 408 && this.code !== 0 && this.status !== 401;
  }
}
