/**
 * Builds Lark event deliveries the way Lark sends them (schema 2.0 envelopes, optional AES
 * encryption, X-Lark-* signature headers), so tests feed the webhook exactly what production
 * receives. Sources: open.feishu.cn — event subscription, Encrypt Key, request signature and card callback pages.
 *
 * @example
 *   const env = messageEvent({ text: '@督办 /交办 @王主任 修复路灯', chatId, sender: ou_a,
 *     mentions: [{ openId: botOpenId, name: '督办' }, { openId: ou_b, name: '王主任' }] });
 *   const { body, headers } = signedRequest(env, { encryptKey: 'k', verificationToken: 'vt' });
 *   await app.request('/lark/events', { method: 'POST', body, headers });
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

type Json = Record<string, any>;

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const newEventId = () => hex(16);
const ms = (t: Date | number | undefined): string => String(t === undefined ? Date.now() : t instanceof Date ? t.getTime() : t);

/** AES-256-CBC with key = SHA-256(encryptKey), random IV prefixed, base64 (open.feishu.cn, "Encrypt Key"). */
export function encrypt(plaintext: string, encryptKey: string, iv: Uint8Array = randomBytes(16)): string {
  const key = createHash('sha256').update(encryptKey, 'utf8').digest();
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([Buffer.from(iv), cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
}

/** The inverse of encrypt(); decodes bytes, not hex strings, so multi-byte text survives block edges. */
export function decrypt(encrypted: string, encryptKey: string): string {
  const key = createHash('sha256').update(encryptKey, 'utf8').digest();
  const raw = Buffer.from(encrypted, 'base64');
  const decipher = createDecipheriv('aes-256-cbc', key, raw.subarray(0, 16));
  return Buffer.concat([decipher.update(raw.subarray(16)), decipher.final()]).toString('utf8');
}

/** X-Lark-Signature: hex(SHA-256(timestamp + nonce + encryptKey + rawBody)) over the raw bytes. */
export function sign(timestamp: string, nonce: string, encryptKey: string, rawBody: string): string {
  return createHash('sha256')
    .update(timestamp + nonce + encryptKey, 'utf8')
    .update(rawBody, 'utf8')
    .digest('hex');
}

export interface EnvelopeOptions {
  eventId?: string;
  tenantKey?: string;
  appId?: string;
  /** The verification token, put in header.token (signedRequest can set it too). */
  token?: string;
  /** header.create_time; default now. */
  time?: Date | number;
}

function envelope(eventType: string, event: Json, o: EnvelopeOptions): Json {
  return {
    schema: '2.0',
    header: {
      event_id: o.eventId ?? newEventId(),
      event_type: eventType,
      create_time: ms(o.time),
      token: o.token ?? '',
      app_id: o.appId ?? 'cli_a1b2c3d4e5f60718',
      tenant_key: o.tenantKey ?? 'tenant_fake',
    },
    event,
  };
}

export type UserRef = string | { openId: string; unionId?: string; userId?: string };

const userIdOf = (u: UserRef): Json => {
  const r = typeof u === 'string' ? { openId: u } : u;
  return { open_id: r.openId, union_id: r.unionId ?? `on_${createHash('md5').update(r.openId).digest('hex')}`, user_id: r.userId ?? r.openId.slice(3, 11) };
};

export interface MentionRef {
  openId: string;
  name: string;
}

export interface MessageEventOptions extends EnvelopeOptions {
  /**
   * What the user typed, with each mention written as `@name` (e.g. '@督办 /交办 @王主任 …');
   * they become `@_user_N` placeholders numbered by position, like Lark. Text that already
   * holds `@_user_N` placeholders is kept, with `mentions` taken in order.
   */
  text: string;
  chatId: string;
  chatType?: 'group' | 'p2p';
  sender: UserRef;
  mentions?: MentionRef[];
  parentId?: string;
  rootId?: string;
  messageId?: string;
}

/** im.message.receive_v1 with a text message. */
export function messageEvent(o: MessageEventOptions): Json {
  const mentions = o.mentions ?? [];
  const { text, keyed } = placeMentions(o.text, mentions);
  const tenantKey = o.tenantKey ?? 'tenant_fake';
  const created = ms(o.time);
  const message: Json = {
    message_id: o.messageId ?? `om_${hex(16)}`,
    ...(o.rootId ? { root_id: o.rootId } : o.parentId ? { root_id: o.parentId } : {}),
    ...(o.parentId ? { parent_id: o.parentId } : {}),
    create_time: created,
    update_time: created,
    chat_id: o.chatId,
    chat_type: o.chatType ?? 'group',
    message_type: 'text',
    content: JSON.stringify({ text }),
    ...(keyed.length ? { mentions: keyed.map(({ key, m }) => ({ key, id: userIdOf(m.openId), name: m.name, tenant_key: tenantKey })) } : {}),
  };
  return envelope(
    'im.message.receive_v1',
    { sender: { sender_id: userIdOf(o.sender), sender_type: 'user', tenant_key: tenantKey }, message },
    { ...o, tenantKey },
  );
}

/**
 * im.message.receive_v1 with a rich-text (`post`) message, as Lark delivers one: `{ title,
 * content: [[…]] }` without a language key, each line a paragraph, each mention an `at`
 * element whose user_id is its `@_user_N` key (message content page, post).
 */
export function postMessageEvent(o: MessageEventOptions & { title?: string }): Json {
  const env = messageEvent(o);
  const { text } = JSON.parse(env.event.message.content) as { text: string };
  const names = new Map<string, string>(((env.event.message.mentions ?? []) as Json[]).map((m) => [m.key, m.name]));
  const content = text.split('\n').map((line) =>
    line
      .split(/(@_user_\d+)/)
      .filter((part) => part !== '')
      .map((part) => (/^@_user_\d+$/.test(part) ? { tag: 'at', user_id: part, user_name: names.get(part) ?? '' } : { tag: 'text', text: part, style: [] })),
  );
  env.event.message.message_type = 'post';
  env.event.message.content = JSON.stringify({ title: o.title ?? '', content });
  return env;
}

/** im.message.receive_v1 with a message of another type: `file`, `image`, `sticker`… and its content. */
export function otherMessageEvent(o: Omit<MessageEventOptions, 'text'> & { messageType: string; content: Json }): Json {
  const env = messageEvent({ ...o, text: '', mentions: [] });
  env.event.message.message_type = o.messageType;
  env.event.message.content = JSON.stringify(o.content);
  return env;
}

function placeMentions(input: string, mentions: MentionRef[]): { text: string; keyed: { key: string; m: MentionRef }[] } {
  if (/@_user_\d+/.test(input) || mentions.length === 0) {
    return { text: input, keyed: mentions.map((m, i) => ({ key: `@_user_${i + 1}`, m })) };
  }
  // Find every `@name` (longest names first, so '@王主任' is not taken for '@王'), then number
  // them by where they appear.
  const taken: { start: number; end: number; m: MentionRef }[] = [];
  const byLength = [...mentions].sort((a, b) => b.name.length - a.name.length);
  for (const m of byLength) {
    const needle = `@${m.name}`;
    let from = 0;
    let found = -1;
    for (;;) {
      const at = input.indexOf(needle, from);
      if (at < 0) break;
      if (!taken.some((t) => at < t.end && at + needle.length > t.start)) {
        found = at;
        break;
      }
      from = at + 1;
    }
    if (found < 0) throw new Error(`messageEvent: mention "@${m.name}" does not appear in the text "${input}"`);
    taken.push({ start: found, end: found + needle.length, m });
  }
  taken.sort((a, b) => a.start - b.start);
  let text = '';
  let pos = 0;
  const keyed = taken.map((t, i) => {
    const key = `@_user_${i + 1}`;
    text += input.slice(pos, t.start) + key;
    pos = t.end;
    return { key, m: t.m };
  });
  text += input.slice(pos);
  return { text, keyed };
}

export interface CardActionEventOptions extends EnvelopeOptions {
  operator: UserRef;
  /** The button's callback value. */
  value: Json;
  chatId: string;
  messageId: string;
  formValue?: Json;
  /** The component: 'button' by default. */
  tag?: string;
  /** The component's `name` (a form's submit button has one). */
  name?: string;
  /** The callback's own token for delayed updates (`c-…`, event.token); `token` is the verification token. */
  callbackToken?: string;
}

/** card.action.trigger (the schema 2.0 card callback). */
export function cardActionEvent(o: CardActionEventOptions): Json {
  const tenantKey = o.tenantKey ?? 'tenant_fake';
  return envelope(
    'card.action.trigger',
    {
      operator: { tenant_key: tenantKey, ...userIdOf(o.operator) },
      token: o.callbackToken ?? `c-${hex(20)}`,
      action: {
        value: o.value,
        tag: o.tag ?? 'button',
        timezone: 'Asia/Shanghai',
        ...(o.name ? { name: o.name } : {}),
        ...(o.formValue ? { form_value: o.formValue } : {}),
      },
      host: 'im_message',
      context: { open_message_id: o.messageId, open_chat_id: o.chatId },
    },
    { ...o, tenantKey },
  );
}

export interface MenuEventOptions extends EnvelopeOptions {
  operator: UserRef;
  /** The item's event key as set in the developer console (1–30 characters). */
  eventKey: string;
  /** operator_name is sent only with application:application.bot.operator_name:readonly. */
  operatorName?: string;
}

/**
 * application.bot.menu_v6: a click on a p2p menu item whose action is "推送事件". The body holds
 * operator { operator_name?, operator_id { union_id, user_id, open_id } }, event_key and
 * timestamp (seconds) — and no chat (机器人自定义菜单事件:
 * https://open.larksuite.com/document/uAjLw4CM/ukTMukTMukTM/application-v6/bot/events/menu).
 */
export function menuEvent(o: MenuEventOptions): Json {
  if (o.eventKey.length < 1 || o.eventKey.length > 30) throw new Error('menuEvent: an event key has 1 to 30 characters');
  return envelope(
    'application.bot.menu_v6',
    {
      operator: { ...(o.operatorName ? { operator_name: o.operatorName } : {}), operator_id: userIdOf(o.operator) },
      event_key: o.eventKey,
      timestamp: String(Math.floor(Number(ms(o.time)) / 1000)),
    },
    o,
  );
}

export interface BotAddedEventOptions extends EnvelopeOptions {
  chatId: string;
  name?: string;
  operator?: UserRef;
}

/** im.chat.member.bot.added_v1: the bot was added to a group. */
export function botAddedEvent(o: BotAddedEventOptions): Json {
  const tenantKey = o.tenantKey ?? 'tenant_fake';
  return envelope(
    'im.chat.member.bot.added_v1',
    {
      chat_id: o.chatId,
      ...(o.operator ? { operator_id: userIdOf(o.operator) } : {}),
      external: false,
      operator_tenant_key: tenantKey,
      name: o.name ?? '',
      i18n_names: { zh_cn: o.name ?? '' },
    },
    { ...o, tenantKey },
  );
}

export interface LeaveEventOptions {
  uuid?: string;
  tenantKey?: string;
  appId?: string;
  /** The verification token (signedRequest can set it too). */
  token?: string;
  time?: Date | number;
  approvalCode: string;
  instanceCode: string;
}

/**
 * The approval app's events are 1.0 callbacks (open.feishu.cn/document/server-docs/approval-v4/event/special-event/leave):
 * `{ ts, uuid, token, type: 'event_callback', event: { type, app_id, tenant_key, … } }`.
 */
function callbackV1(event: Json, o: Omit<LeaveEventOptions, 'approvalCode' | 'instanceCode'>): Json {
  const t = o.time === undefined ? Date.now() : typeof o.time === 'number' ? o.time : o.time.getTime();
  return {
    ts: (t / 1000).toFixed(7),
    uuid: o.uuid ?? hex(16),
    token: o.token ?? '',
    type: 'event_callback',
    event: { app_id: o.appId ?? 'cli_a1b2c3d4e5f60718', tenant_key: o.tenantKey ?? 'tenant_fake', ...event },
  };
}

/** leave_approvalV2: an approved leave; times are local 'YYYY-MM-DD HH:MM:SS', the end exclusive for day units. */
export function leaveApprovalV2Event(
  o: LeaveEventOptions & { openId: string; start: string; end: string; unit?: 'DAY' | 'HALF_DAY' | 'HOUR'; reason?: string },
): Json {
  const t = o.time === undefined ? Date.now() : typeof o.time === 'number' ? o.time : o.time.getTime();
  const range = JSON.stringify([[o.start, o.end]]).replace(/"/g, '');
  return callbackV1(
    {
      type: 'leave_approvalV2',
      approval_code: o.approvalCode,
      instance_code: o.instanceCode,
      user_id: o.openId.slice(3, 11),
      open_id: o.openId,
      origin_instance_code: '',
      start_time: Math.floor(t / 1000) - 3600,
      end_time: Math.floor(t / 1000),
      i18n_resources: '[{is_default=true,locale=zh_cn,texts={@i18n@1=年假}}]',
      leave_name: '@i18n@1',
      leave_unit: o.unit ?? 'DAY',
      leave_start_time: o.start,
      leave_end_time: o.end,
      leave_detail: range,
      leave_range: range,
      leave_interval: 86_400,
      leave_reason: o.reason ?? '年假',
      leave_certification: [],
    },
    o,
  );
}

/** leave_approval (the older twin sent with every V2): same instance_code, another uuid. */
export function leaveApprovalV1Event(o: LeaveEventOptions & { openId: string; start: string; end: string }): Json {
  return callbackV1(
    {
      type: 'leave_approval',
      approval_code: o.approvalCode,
      instance_code: o.instanceCode,
      employee_id: o.openId.slice(3, 11),
      open_id: o.openId,
      leave_type: '年假',
      leave_start_time: o.start,
      leave_end_time: o.end,
      leave_interval: 86_400,
      leave_unit: 1,
      leave_reason: '年假',
    },
    o,
  );
}

/** leave_approval_revert: an approved leave withdrawn. */
export function leaveApprovalRevertEvent(o: LeaveEventOptions): Json {
  const t = o.time === undefined ? Date.now() : typeof o.time === 'number' ? o.time : o.time.getTime();
  return callbackV1(
    { type: 'leave_approval_revert', approval_code: o.approvalCode, instance_code: o.instanceCode, operate_time: String(Math.floor(t / 1000)) },
    o,
  );
}

/** im.message.message_read_v1: the reader read the bot's p2p messages (open.feishu.cn/document/server-docs/im-v1/message/events/message_read). */
export function messageReadEvent(o: EnvelopeOptions & { reader: UserRef; messageIds: string[]; readAt?: Date }): Json {
  const tenantKey = o.tenantKey ?? 'tenant_fake';
  return envelope(
    'im.message.message_read_v1',
    {
      reader: { reader_id: userIdOf(o.reader), read_time: o.readAt ? String(o.readAt.getTime()) : ms(o.time), tenant_key: tenantKey },
      message_id_list: o.messageIds,
    },
    { ...o, tenantKey },
  );
}

export interface ReactionEventOptions extends EnvelopeOptions {
  messageId: string;
  /** An emoji_type of Lark's list (表情文案说明), e.g. 'OK', 'DONE', 'THUMBSUP'. */
  emojiType: string;
  /** Who reacted: a person, or the app itself (operator_type 'app'). */
  operator: UserRef | { app: string };
  actionTime?: Date | number;
}

/**
 * im.message.reaction.created_v1 as Lark posts it (event page:
 * https://open.feishu.cn/document/server-docs/im-v1/message-reaction/event/created): the message,
 * `reaction_type.emoji_type`, `operator_type` and `user_id` of the one who reacted, `action_time` in ms.
 */
export function reactionEvent(o: ReactionEventOptions): Json {
  const app = typeof o.operator === 'object' && 'app' in o.operator ? o.operator.app : null;
  return envelope(
    'im.message.reaction.created_v1',
    {
      message_id: o.messageId,
      reaction_type: { emoji_type: o.emojiType },
      operator_type: app ? 'app' : 'user',
      ...(app ? {} : { user_id: userIdOf(o.operator as UserRef) }),
      action_time: ms(o.actionTime ?? o.time),
    },
    o,
  );
}

/** The body Lark posts when the request URL is saved. */
export function urlVerification(challenge: string, token: string): Json {
  return { challenge, token, type: 'url_verification' };
}

export interface SignedRequestOptions {
  /** Encrypt the body and add signature headers (as Lark does when the app has an Encrypt Key). */
  encryptKey?: string;
  /** Put this verification token into the envelope (header.token, or token for url_verification). */
  verificationToken?: string;
  /** Seconds since the epoch (string or number) or a Date; default now. */
  timestamp?: string | number | Date;
  nonce?: string;
  /**
   * Break the delivery after signing: 'signature' flips the signature, 'body' alters the body,
   * 'timestamp' / 'nonce' change those headers so the signature no longer matches.
   */
  tamper?: 'signature' | 'body' | 'timestamp' | 'nonce';
  /** Sign a url_verification too (Lark does not: challenges carry no signature headers). */
  signChallenge?: boolean;
}

/**
 * A ready-to-post delivery: the raw body and the headers Lark would send.
 * @example await fetch(url + '/lark/events', { method: 'POST', ...signedRequest(env, { encryptKey }) })
 */
export function signedRequest(env: Json, o: SignedRequestOptions = {}): { body: string; headers: Record<string, string> } {
  const payload: Json = structuredClone(env);
  const isChallenge = payload.type === 'url_verification';
  if (o.verificationToken !== undefined) {
    if (payload.header && typeof payload.header === 'object') payload.header.token = o.verificationToken;
    else payload.token = o.verificationToken;
  }
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  if (!o.encryptKey) {
    let body = JSON.stringify(payload);
    if (o.tamper === 'body') body = body.replace(/}$/, ',"tampered":true}');
    return { body, headers };
  }
  let body = JSON.stringify({ encrypt: encrypt(JSON.stringify(payload), o.encryptKey) });
  if (isChallenge && !o.signChallenge) return { body, headers };
  const timestamp =
    o.timestamp === undefined
      ? String(Math.floor(Date.now() / 1000))
      : o.timestamp instanceof Date
        ? String(Math.floor(o.timestamp.getTime() / 1000))
        : String(o.timestamp);
  const nonce = o.nonce ?? hex(8);
  let signature = sign(timestamp, nonce, o.encryptKey, body);
  headers['x-lark-request-timestamp'] = timestamp;
  headers['x-lark-request-nonce'] = nonce;
  switch (o.tamper) {
    case 'signature':
      signature = (signature[0] === '0' ? '1' : '0') + signature.slice(1);
      break;
    case 'body':
      body = JSON.stringify({ encrypt: encrypt(JSON.stringify({ ...payload, tampered: true }), o.encryptKey) });
      break;
    case 'timestamp':
      headers['x-lark-request-timestamp'] = String(Number(timestamp) + 1);
      break;
    case 'nonce':
      headers['x-lark-request-nonce'] = `${nonce}x`;
      break;
  }
  headers['x-lark-signature'] = signature;
  return { body, headers };
}
