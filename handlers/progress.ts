/**
 * /进展 /progress #N 文字 — and a plain reply to any message the bot sent about a task: the
 * reply is progress on that task, and a reply that is just 完成 / 办结 / done submits it.
 */
import type { CommandHandler, ReplyHandler } from '../bot/router.js';
import { parseReply } from '../bot/parse/command.js';
import { getTaskByMessageId } from '../db/tasks.js';
import type { Evidence } from '../bot/domain/task.js';
import type { MessageEvent } from '../bot/router.js';
import { applyAction, loadTask } from './act.js';

/**
 * A file or image, or a message that is nothing but a link, replied to a task card: evidence.
 * The link opens the chat it was sent in (AppLink 打开会话:
 * https://open.feishu.cn/document/uAjLw4CM/uYjL24iN/applink-protocol/supported-protocol/open-a-chat-page).
 */
export function evidenceOf(event: MessageEvent): Evidence | null {
  const link = `https://applink.feishu.cn/client/chat/open?openChatId=${encodeURIComponent(event.chatId)}`;
  if (event.attachment) return { type: event.attachment.type, name: event.attachment.name, messageId: event.messageId, link };
  const words = event.text
    .replace(/@_user_\d+/g, '')
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  if (words.length === 1 && /^https?:\/\/\S+$/.test(words[0]!)) return { type: 'link', name: words[0]!.slice(0, 500), messageId: event.messageId, link };
  return null;
}

export const progress: CommandHandler<'progress'> = async (ctx, cmd) => {
  const task = await loadTask(ctx, { number: cmd.taskNumber });
  await applyAction(ctx, task, { kind: 'progress', text: cmd.text, percent: cmd.percent }, 'command');
};

/** Returns false when the replied-to message is not about a task (the router then hints). */
export const progressByReply: ReplyHandler = async (ctx, event) => {
  const { db } = ctx.deps;
  let task = null;
  for (const id of [event.parentId, event.rootId]) {
    if (id && !task) task = await getTaskByMessageId(db, ctx.tenantKey, id);
  }
  if (!task) return false;
  const evidence = evidenceOf(event);
  if (evidence) {
    await applyAction(ctx, task, { kind: 'attach', evidence }, 'reply');
    return true;
  }
  const intent = parseReply(event.text, event.mentions, ctx.deps.botOpenId);
  const action =
    intent.kind === 'done' ? ({ kind: 'submit', note: null } as const) : ({ kind: 'progress', text: intent.text, percent: intent.percent } as const);
  await applyAction(ctx, task, action, 'reply');
  return true;
};
