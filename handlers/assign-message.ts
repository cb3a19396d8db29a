/**
 * A task from any message: replying to a colleague's message with `@督办 /交办 @张三 截止 周五`
 * and no 事项 makes that message the task. The bot reads it back from Lark (GET
 * /open-apis/im/v1/messages/:message_id, https://open.feishu.cn/document/server-docs/im-v1/message/get —
 * scope im:message or im:message:readonly, the bot in the chat): a text or rich text gives the
 * title (its first line, or the post's own title) and the detail (the whole of it); a file or an
 * image becomes the task's first evidence and names it. The task links back to the message.
 * What cannot be read — a card, a sticker, a recalled message, the bot's own — is refused with
 * a sentence, and nothing is written.
 */
import type { BotContext } from '../bot/context.js';
import type { Evidence } from '../bot/domain/task.js';
import type { OriginMessage } from '../bot/domain/types.js';
import { UserError } from '../bot/errors.js';
import { LarkApiError, type LarkMessageInfo } from '../bot/lark/api.js';
import { postText } from '../bot/lark/events.js';
import { MAX_NOTE_CHARS, normalizeText, type AssignDraft } from '../bot/parse/command.js';
import type { MessageEvent } from '../bot/router.js';
import { assignerSettings, createTask } from './assign.js';

/** Lark's code for a recalled message (230011, "The message is recalled"). */
const RECALLED = 230011;

/** How much of a message's first line becomes the title; the detail keeps it all. */
const TITLE_FROM_MESSAGE_MAX = 60;

/** What a message says as a task: a title, the detail, and a file or image it carried. */
export interface MessageAsTask {
  title: string;
  detail: string | null;
  evidence: Evidence | null;
}

const clip = (s: string, max: number) => {
  const c = [...s];
  return c.length > max ? `${c.slice(0, max).join('')}…` : s;
};

/** The text of a message with its `@_user_N` keys as `@name`. */
function withNames(text: string, m: LarkMessageInfo): string {
  let out = text;
  for (const x of [...(m.mentions ?? [])].sort((a, b) => b.key.length - a.key.length)) out = out.split(x.key).join(`@${x.name || x.key}`);
  return normalizeText(out.replace(/@_user_\d+|@_all/g, ''));
}

/**
 * Reads a message as a task (message content page:
 * https://open.feishu.cn/document/server-docs/im-v1/message-content-description/message_content).
 * Null when its type holds nothing to read as one.
 */
export function messageAsTask(m: LarkMessageInfo, link: string, t: BotContext['t']): MessageAsTask | null {
  const c = m.content ?? {};
  const evidenceOf = (type: 'file' | 'image', name: string): Evidence => ({ type, name, messageId: m.messageId, link });
  const fromText = (text: string, heading: string, evidence: Evidence | null): MessageAsTask | null => {
    const body = clip(withNames(text, m), MAX_NOTE_CHARS);
    const firstLine = body.split('\n').find((l) => l.trim()) ?? '';
    const title = clip(heading || firstLine, TITLE_FROM_MESSAGE_MAX);
    if (!title) return evidence ? { title: t('task.origin.image_title'), detail: null, evidence } : null;
    return { title, detail: body && body !== title ? body : null, evidence };
  };
  switch (m.msgType) {
    case 'text':
      return typeof c.text === 'string' ? fromText(c.text, '', null) : null;
    case 'post': {
      const found: { image?: string } = {};
      const text = postText(c, found);
      const body = Array.isArray(c.content)
        ? c
        : (Object.values(c).find((v) => Array.isArray((v as Record<string, unknown>)?.content)) as Record<string, unknown>);
      const heading = typeof body?.title === 'string' ? normalizeText(body.title) : '';
      return fromText(text, heading, found.image ? evidenceOf('image', '') : null);
    }
    case 'file': {
      const name = typeof c.file_name === 'string' && c.file_name ? c.file_name : t('task.origin.file_title');
      return { title: clip(name, TITLE_FROM_MESSAGE_MAX), detail: null, evidence: evidenceOf('file', name) };
    }
    case 'image':
      return { title: t('task.origin.image_title'), detail: null, evidence: evidenceOf('image', '') };
    default:
      return null;
  }
}

/** `/交办 @主办 [截止 …]` replying to a message, with no 事项: the message becomes the task. */
export async function assignFromMessage(ctx: BotContext, draft: AssignDraft & { lead: string }, event: MessageEvent): Promise<void> {
  const settings = await assignerSettings(ctx, event.chatId);
  const parentId = event.parentId!;
  let parent: LarkMessageInfo;
  try {
    parent = await ctx.deps.lark.getMessage(parentId);
  } catch (err) {
    if (!(err instanceof LarkApiError)) throw err;
    // Gone, or in a chat the bot cannot read: said so; a passing failure: try again.
    if (err.code === RECALLED) throw new UserError('task.origin.recalled');
    throw new UserError(err.isFinal ? 'task.origin.unreadable' : 'task.origin.later');
  }
  if (parent.deleted) throw new UserError('task.origin.recalled');
  if (!parent.senderId) throw new UserError('task.origin.not_a_person');
  // The AppLink that opens the message's chat (AppLink 打开会话:
  // https://open.feishu.cn/document/uAjLw4CM/uYjL24iN/applink-protocol/supported-protocol/open-a-chat-page).
  const link = `https://applink.feishu.cn/client/chat/open?openChatId=${encodeURIComponent(parent.chatId || event.chatId)}`;
  const read = messageAsTask(parent, link, ctx.t);
  if (!read) throw new UserError('task.origin.unsupported', { type: parent.msgType || '?' });
  const origin: OriginMessage = { messageId: parent.messageId, chatId: parent.chatId || event.chatId, link };
  await createTask(
    ctx,
    {
      chatId: event.chatId,
      lead: draft.lead,
      co: draft.co,
      title: read.title,
      detail: read.detail,
      dueAt: draft.dueAt,
      dueWorkdays: draft.dueWorkdays ?? null,
      priority: draft.priority,
      category: draft.category,
      source: draft.source,
      origin,
      evidence: read.evidence,
    },
    settings,
  );
}
