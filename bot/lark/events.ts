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
      /** Text content with @_user_N placeholders kept. Empty for non-text messages. */
      text: string;
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
  | (Base & { kind: 'ignored'; eventType: string });

type Json = Record<string, any>;

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/** Normalizes a decoded schema-2.0 envelope; throws MalformedEventError on a shape Lark never sends. */
export function normalizeEvent(envelope: Json): IncomingEvent {
  const header = envelope?.header;
  const event = envelope?.event;
  if (!header || typeof header !== 'object' || !event || typeof event !== 'object') {
    throw new MalformedEventError('missing header or event');
  }
  const eventId = str(header.event_id);
  const eventType = str(header.event_type);
  if (!eventId || !eventType) throw new MalformedEventError('missing event_id or event_type');
  const tenantKey = str(header.tenant_key) ?? str(event.tenant_key) ?? 'default';
  const createdAt = Number(header.create_time) || 0;
  const base = { eventId, tenantKey, createdAt };

  switch (eventType) {
    case 'im.message.receive_v1': {
      const m = event.message;
      const sender = str(event.sender?.sender_id?.open_id);
      if (!m || !str(m.message_id) || !str(m.chat_id) || !sender) throw new MalformedEventError('bad message event');
      if (event.sender?.sender_type && event.sender.sender_type !== 'user') {
        return { ...base, kind: 'ignored', eventType: `${eventType}:${event.sender.sender_type}` };
      }
      let text = '';
      if (m.message_type === 'text' && typeof m.content === 'string') {
        try {
          const parsed = JSON.parse(m.content);
          if (typeof parsed?.text === 'string') text = parsed.text;
        } catch {
          throw new MalformedEventError('message content is not JSON');
        }
      }
      const mentions: Mention[] = Array.isArray(m.mentions)
        ? m.mentions
            .filter((x: Json) => str(x?.key) && str(x?.id?.open_id))
            .map((x: Json) => ({ key: x.key, openId: x.id.open_id, name: typeof x.name === 'string' ? x.name : '' }))
        : [];
      return {
        ...base,
        kind: 'message',
        messageId: m.message_id,
        chatId: m.chat_id,
        chatType: m.chat_type === 'p2p' ? 'p2p' : 'group',
        sender,
        text,
        messageType: String(m.message_type ?? ''),
        mentions,
        parentId: str(m.parent_id),
        rootId: str(m.root_id),
      };
    }
    case 'card.action.trigger': {
      const operator = str(event.operator?.open_id);
      if (!operator) throw new MalformedEventError('card action without operator');
      const value = event.action?.value;
      return {
        ...base,
        tenantKey: str(header.tenant_key) ?? str(event.operator?.tenant_key) ?? 'default',
        kind: 'cardAction',
        operator,
        chatId: str(event.context?.open_chat_id),
        messageId: str(event.context?.open_message_id),
        value: value && typeof value === 'object' && !Array.isArray(value) ? value : {},
        formValue: event.action?.form_value && typeof event.action.form_value === 'object' ? event.action.form_value : {},
      };
    }
    case 'im.chat.member.bot.added_v1': {
      const chatId = str(event.chat_id);
      if (!chatId) throw new MalformedEventError('bot added without chat_id');
      return { ...base, kind: 'botAdded', chatId, operator: str(event.operator_id?.open_id), chatName: str(event.name) };
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
