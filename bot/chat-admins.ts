/**
 * A chat's owner and managers come from Lark (im-v1/chat/get), never from what was seen first:
 * ownership moves, and a former owner must not keep admin rights. Answers are cached per chat
 * for a short while (a burst of commands asks Lark once) and dropped when someone changes a
 * setting, so /设置 always decides on a fresh answer. When Lark cannot be asked, nobody gets
 * admin rights from it (only the admins set with /设置 remain).
 * Source: open.feishu.cn/document/server-docs/group/chat/get (owner_id, user_manager_id_list)
 */
import type { ChatSettings } from './domain/types.js';
import type { Deps } from './deps.js';
import { chatsOverseenBy, getChat, settingsOf, upsertChat } from '../db/chats.js';

/** How long Lark's answer about a chat's owner and managers is trusted. */
export const CHAT_ADMINS_TTL_MS = 60_000;
const MAX_CACHED = 5_000;

const cache = new Map<string, { at: number; ids: readonly string[] }>();

/** Drops the cached answer for a chat (a setting changed; the next check asks Lark). */
export function forgetChatAdmins(chatId: string): void {
  cache.delete(chatId);
}

/** The chat's owner and managers as Lark says now (cached briefly); [] when Lark cannot say. */
export async function larkAdminsOf(deps: Deps, tenantKey: string, chatId: string): Promise<readonly string[]> {
  const now = Date.now();
  const hit = cache.get(chatId);
  if (hit && now - hit.at < CHAT_ADMINS_TTL_MS) return hit.ids;
  try {
    const chat = await deps.lark.getChat(chatId);
    const ids = [...new Set([...(chat.ownerId ? [chat.ownerId] : []), ...chat.managerIds])];
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
    cache.set(chatId, { at: now, ids });
    // The stored owner follows Lark too (digests and lists read it): a transfer shows up there.
    if (chat.ownerId) await upsertChat(deps.db, { chatId, tenantKey, chatType: 'group', ownerId: chat.ownerId }, deps.clock.now());
    return ids;
  } catch (err) {
    deps.log.warn({ err, chat_id: chatId }, 'chat owner lookup failed; only admins set with /设置 count');
    return [];
  }
}

/**
 * The chat's settings for a permission decision: admins are those set with /设置 plus the
 * owner and managers Lark reports now — not the owner stored when the chat was first seen.
 */
export async function settingsForDecision(deps: Deps, tenantKey: string, chatId: string): Promise<ChatSettings> {
  const row = await getChat(deps.db, chatId);
  const configured = settingsOf(row, { withStoredOwner: false });
  if (!row || row.chatType === 'p2p') return configured;
  const live = await larkAdminsOf(deps, tenantKey, chatId);
  return { ...configured, admins: [...new Set([...configured.admins, ...live])] };
}

/**
 * Chats whose tasks the user oversees in a list (/任务 全部): those where /设置 made them an
 * admin or the 督办领导, and those they own as Lark says now — a former owner's stored
 * ownership is asked about (cached briefly, one lookup per chat they were stored as owning).
 */
export async function chatsOverseenNow(deps: Deps, tenantKey: string, userId: string): Promise<string[]> {
  const { configured, storedOwner } = await chatsOverseenBy(deps.db, tenantKey, userId);
  const confirmed: string[] = [];
  for (const chatId of storedOwner) if ((await larkAdminsOf(deps, tenantKey, chatId)).includes(userId)) confirmed.push(chatId);
  return [...configured, ...confirmed];
}
