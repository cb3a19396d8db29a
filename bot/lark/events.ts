/**
 * Lark event envelopes (schema 2.0) normalized into one discriminated union. Raw Lark JSON
 * stops here: everything past this file sees IncomingEvent.
 */

export interface Mention {
  /** Placeholder in the text, e.g. '@_user_1'. */
  key: string;
  openId: string;
  name: string;
}

interface Base {
  eventId: string;
  tenantKey: string;
  /** Lark's create_time, ms. */
  createdAt: number;
}

export type IncomingEvent =
  | (Base & {
      kind: 'message';
      messageId: string;
      chatId: string;
      chatType: 'group' | 'p2p';
      sender: string;
      /**
       * Text with @_user_N placeholders kept: a `text` message's text, or a `post`'s text and
       * `at` elements in order, paragraphs on their own lines. Empty for other types.
       */
      text: string;
      /** A file or image sent as the message (its key and file name). */
      attachment: Attachment | null;
      messageType: string;
      mentions: Mention[];
      /** Set when the message is a reply / in a thread. */
      parentId: string | null;
      rootId: string | null;
    })
  | (Base & {
      kind: 'cardAction';
      operator: string;
      chatId: string | null;
      messageId: string | null;
      /** The button's callback value: not trusted, re-checked by the handler. */
      value: Record<string, unknown>;
      formValue: Record<string, unknown>;
    })
  | (Base & { kind: 'botAdded'; chatId: string; operator: string | null; chatName: string | null })
  /** A click on the bot's p2p menu (an item whose action is "推送事件"): who, and the item's event key. */
  | (Base & { kind: 'menu'; operator: string; eventKey: string })
  /** leave_approvalV2: an approved leave (local times 'YYYY-MM-DD HH:MM:SS'). */
  | (Base & { kind: 'leaveApproved'; instanceCode: string; approvalCode: string | null; userId: string; start: string; end: string })
  /** leave_approval_revert: an approved leave withdrawn. */
  | (Base & { kind: 'leaveReverted'; instanceCode: string; approvalCode: string | null })
  /** im.message.message_read_v1: a person read the bot's p2p messages. */
  | (Base & { kind: 'messageRead'; reader: string; readAt: number; messageIds: string[] })
  /** A person's reaction added to a message in one of the bot's chats (im.message.reaction.created_v1). */
  | (Base & { kind: 'reaction'; messageId: string; emoji: string; operator: string })
  | (Base & { kind: 'ignored'; eventType: string });

export interface Attachment {
  type: 'file' | 'image';
  key: string;
  /** The file's name; empty for images. */
  name: string;
}

type Json = Record<string, any>;

/**
 * The text of a received `post`: `{ title, content: [[{tag:'text',text}|{tag:'at',user_id:'@_user_1'}|…]] }`
 * (message content page: https://open.feishu.cn/document/server-docs/im-v1/message-content-description/message_content).
 * A `post` sent with languages (`{ zh_cn: {…} }`) is read from its first language. The title is
 * left out: it is a heading, not what was said.
 */
export function postText(content: Json, out: { image?: string } = {}): string {
  const body = Array.isArray(content?.content) ? content : (Object.values(content ?? {}).find((v) => Array.isArray((v as Json)?.content)) as Json | undefined);
  if (!body) return '';
  const lines: string[] = [];
  for (const para of body.content as unknown[]) {
    if (!Array.isArray(para)) continue;
    let line = '';
    for (const el of para as Json[]) {
      if (el?.tag === 'img' && typeof el.image_key === 'string' && !out.image) out.image = el.image_key;
      if (el?.tag === 'text' || el?.tag === 'a' || el?.tag === 'md' || el?.tag === 'code_block') line += typeof el.text === 'string' ? el.text : '';
      else if (el?.tag === 'at' && typeof el.user_id === 'string') line += el.user_id;
      if (el?.tag === 'a' && typeof el.href === 'string' && el.href !== el.text) line += ` ${el.href}`;
    }
    lines.push(line);
  }
  return lines.join('\n').trim();
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/**
 * Lark's ids by their prefix and shape: open_id `ou_…`, chat_id `oc_…`, message_id `om_…`, each
 * followed by letters, digits, `_` or `-`. Anything else (a `/`, `..`, `?`, a space) is not an
 * id Lark sends, and would otherwise end up inside an API path.
 * Sources: open.feishu.cn/document/server-docs/group/chat/chat-id-description ("chat_id的格式是由oc_开头"),
 * open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/reference/im-v1/message/intro ("message_id 格式是以 om_ 为前缀");
 * open_ids in every event sample start with ou_.
 */
const ID_SHAPES = {
  open_id: /^ou_[A-Za-z0-9_-]{1,100}$/,
  chat_id: /^oc_[A-Za-z0-9_-]{1,100}$/,
  message_id: /^om_[A-Za-z0-9_-]{1,100}$/,
  /** tenant_key and event_id have no prefix: a short token of the same alphabet. */
  token: /^[A-Za-z0-9_-]{1,128}$/,
} as const;
export type IdKind = keyof typeof ID_SHAPES;

/** Whether `v` has the shape of a Lark id of that kind. */
export function isLarkId(kind: IdKind, v: unknown): v is string {
  return typeof v === 'string' && ID_SHAPES[kind].test(v);
}

/** A present id of the wrong shape makes the whole event malformed; an absent one is null. */
function id(kind: IdKind, v: unknown, what: string): string | null {
  const s = str(v);
  if (s === null) return null;
  if (!isLarkId(kind, s)) throw new MalformedEventError(`${what} is not a Lark ${kind}`);
  return s;
}

/**
 * The approval app's leave events are old-style (schema 1.0) callbacks: `{ ts, uuid, token,
 * type: 'event_callback', event: { type: 'leave_approvalV2' | 'leave_approval' |
 * 'leave_approval_revert', … } }`, where `uuid` is the event's id and `ts` seconds with a
 * fraction (open.feishu.cn/document/server-docs/approval-v4/event/special-event/leave). An
 * approval sends both leave_approval and leave_approvalV2 (different uuids, one instance_code):
 * only V2 is read, the other is ignored. V2 names the applicant by `open_id` (and `user_id`).
 */
function normalizeV1(envelope: Json): IncomingEvent {
  const event = envelope.event;
  if (!event || typeof event !== 'object') throw new MalformedEventError('event_callback without event');
  const eventId = id('token', envelope.uuid, 'uuid');
  const eventType = str(event.type);
  if (!eventId || !eventType) throw new MalformedEventError('event_callback without uuid or type');
  const base = { eventId, tenantKey: id('token', event.tenant_key, 'tenant_key') ?? 'default', createdAt: Math.round(Number(envelope.ts) * 1000) || 0 };
  const code = (v: unknown, what: string) => {
    const c = str(v);
    if (c !== null && !/^[A-Za-z0-9-]{1,100}$/.test(c)) throw new MalformedEventError(`${what} is not an approval code`);
    return c;
  };
  switch (eventType) {
    case 'leave_approvalV2': {
      const instanceCode = code(event.instance_code, 'instance_code');
      const userId = id('open_id', event.open_id, 'open_id');
      const start = str(event.leave_start_time);
      const end = str(event.leave_end_time);
      if (!instanceCode || !userId || !start || !end) throw new MalformedEventError('leave_approvalV2 without instance, applicant or times');
      return { ...base, kind: 'leaveApproved', instanceCode, approvalCode: code(event.approval_code, 'approval_code'), userId, start, end };
    }
    case 'leave_approval_revert': {
      const instanceCode = code(event.instance_code, 'instance_code');
      if (!instanceCode) throw new MalformedEventError('leave_approval_revert without instance_code');
      return { ...base, kind: 'leaveReverted', instanceCode, approvalCode: code(event.approval_code, 'approval_code') };
    }
    default:
      return { ...base, kind: 'ignored', eventType };
  }
}

/** Normalizes a decoded schema-2.0 envelope (or a 1.0 event_callback, see normalizeV1); throws MalformedEventError on a shape Lark never sends. */
export function normalizeEvent(envelope: Json): IncomingEvent {
  if (envelope?.schema === undefined && envelope?.type === 'event_callback') return normalizeV1(envelope);
  const header = envelope?.header;
  const event = envelope?.event;
  if (!header || typeof header !== 'object' || !event || typeof event !== 'object') {
    throw new MalformedEventError('missing header or event');
  }
  const eventId = id('token', header.event_id, 'event_id');
  const eventType = str(header.event_type);
  if (!eventId || !eventType) throw new MalformedEventError('missing event_id or event_type');
  const tenantKey = id('token', header.tenant_key, 'tenant_key') ?? id('token', event.tenant_key, 'tenant_key') ?? 'default';
  const createdAt = Number(header.create_time) || 0;
  const base = { eventId, tenantKey, createdAt };

  switch (eventType) {
    case 'im.message.receive_v1': {
      const m = event.message;
      if (!m || typeof m !== 'object') throw new MalformedEventError('bad message event');
      if (event.sender?.sender_type && event.sender.sender_type !== 'user') {
        return { ...base, kind: 'ignored', eventType: `${eventType}:${event.sender.sender_type}` };
      }
      const sender = id('open_id', event.sender?.sender_id?.open_id, 'sender');
      const messageId = id('message_id', m.message_id, 'message_id');
      const chatId = id('chat_id', m.chat_id, 'chat_id');
      if (!messageId || !chatId || !sender) throw new MalformedEventError('bad message event');
      let text = '';
      let attachment: Attachment | null = null;
      let parsed: Json | null = null;
      if (typeof m.content === 'string') {
        try {
          parsed = JSON.parse(m.content);
        } catch {
          throw new MalformedEventError('message content is not JSON');
        }
      }
      if (m.message_type === 'text' && typeof parsed?.text === 'string') text = parsed.text;
      else if (m.message_type === 'post' && parsed) {
        const found: { image?: string } = {};
        text = postText(parsed, found);
        if (found.image) attachment = { type: 'image', key: found.image, name: '' };
      } else if (m.message_type === 'file' && str(parsed?.file_key)) attachment = { type: 'file', key: parsed!.file_key, name: str(parsed!.file_name) ?? '' };
      else if (m.message_type === 'image' && str(parsed?.image_key)) attachment = { type: 'image', key: parsed!.image_key, name: '' };
      const mentions: Mention[] = Array.isArray(m.mentions)
        ? m.mentions
            .filter((x: Json) => str(x?.key) && str(x?.id?.open_id))
            .map((x: Json) => ({ key: x.key, openId: id('open_id', x.id.open_id, 'mention')!, name: typeof x.name === 'string' ? x.name : '' }))
        : [];
      return {
        ...base,
        kind: 'message',
        messageId,
        chatId,
        chatType: m.chat_type === 'p2p' ? 'p2p' : 'group',
        sender,
        text,
        attachment,
        messageType: String(m.message_type ?? ''),
        mentions,
        parentId: id('message_id', m.parent_id, 'parent_id'),
        rootId: id('message_id', m.root_id, 'root_id'),
      };
    }
    case 'card.action.trigger': {
      const operator = id('open_id', event.operator?.open_id, 'operator');
      if (!operator) throw new MalformedEventError('card action without operator');
      const value = event.action?.value;
      return {
        ...base,
        tenantKey: id('token', header.tenant_key, 'tenant_key') ?? id('token', event.operator?.tenant_key, 'tenant_key') ?? 'default',
        kind: 'cardAction',
        operator,
        chatId: id('chat_id', event.context?.open_chat_id, 'open_chat_id'),
        messageId: id('message_id', event.context?.open_message_id, 'open_message_id'),
        value: value && typeof value === 'object' && !Array.isArray(value) ? value : {},
        formValue: event.action?.form_value && typeof event.action.form_value === 'object' ? event.action.form_value : {},
      };
    }
    case 'im.chat.member.bot.added_v1': {
      const chatId = id('chat_id', event.chat_id, 'chat_id');
      if (!chatId) throw new MalformedEventError('bot added without chat_id');
      return { ...base, kind: 'botAdded', chatId, operator: id('open_id', event.operator_id?.open_id, 'operator'), chatName: str(event.name) };
    }
    case 'im.message.message_read_v1': {
      // open.feishu.cn/document/server-docs/im-v1/message/events/message_read: reader.reader_id.open_id,
      // reader.read_time (ms, a string), message_id_list — the bot's p2p messages the user read.
      const reader = id('open_id', event.reader?.reader_id?.open_id, 'reader');
      const readAt = Number(event.reader?.read_time);
      const list: unknown[] = Array.isArray(event.message_id_list) ? event.message_id_list : [];
      if (!reader || !Number.isFinite(readAt) || readAt <= 0) throw new MalformedEventError('message_read without reader or read_time');
      const messageIds = list.map((m) => id('message_id', m, 'message_id')).filter((m): m is string => m !== null);
      return { ...base, kind: 'messageRead', reader, readAt, messageIds: messageIds.slice(0, 200) };
    }
    case 'im.message.reaction.created_v1': {
      // Event page: https://open.feishu.cn/document/server-docs/im-v1/message-reaction/event/created
      // — { message_id, reaction_type: { emoji_type }, operator_type: 'user' | 'app', user_id: { open_id, … }, action_time }.
      // An app's reaction (the bot's own confirmation among them) is nobody's 签收.
      if (event.operator_type !== 'user') return { ...base, kind: 'ignored', eventType: `${eventType}:${String(event.operator_type)}` };
      const messageId = id('message_id', event.message_id, 'message_id');
      const operator = id('open_id', event.user_id?.open_id, 'operator');
      const emoji = str(event.reaction_type?.emoji_type);
      if (!messageId || !operator || !emoji) throw new MalformedEventError('bad reaction event');
      if (!/^[A-Za-z0-9_]{1,64}$/.test(emoji)) throw new MalformedEventError('emoji_type is not an emoji type');
      return { ...base, kind: 'reaction', messageId, emoji, operator };
    }
    case 'application.bot.menu_v6': {
      // { operator: { operator_name, operator_id: { union_id, user_id, open_id } }, event_key (1–30 characters), timestamp }
      // (机器人自定义菜单事件: https://open.larksuite.com/document/uAjLw4CM/ukTMukTMukTM/application-v6/bot/events/menu).
      const operator = id('open_id', event.operator?.operator_id?.open_id, 'operator');
      const eventKey = str(event.event_key);
      if (!operator || !eventKey || eventKey.length > 30) throw new MalformedEventError('menu event without operator or event_key');
      return { ...base, kind: 'menu', operator, eventKey };
    }
    default:
      return { ...base, kind: 'ignored', eventType };
  }
}

export class MalformedEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedEventError';
  }
}
