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
import { chatsConfiguredFor, getChat, groupChatsStoredAsOwnedBy, settingsOf, upsertChat } from '../db/chats.js';

/** How long Lark's answer about a chat's owner and managers is trusted. */
export const CHAT_ADMINS_TTL_MS = 60_000;
const MAX_CACHED = 5_000;
/**
 * Lookups of chat owners in flight at once: Lark allows an app some 5–10 calls a second on its
 * chat APIs (lark-notes §4.6, "单个应用调用频率上限为每秒 10 次 / 5 次").
 */
export const OWNER_LOOKUPS_AT_A_TIME = 5;

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
  const configured = settingsOf(row);
  if (!row || row.chatType === 'p2p') return configured;
  const live = await larkAdminsOf(deps, tenantKey, chatId);
  return { ...configured, admins: [...new Set([...configured.admins, ...live])] };
}

/**
 * The group chats each of `userIds` owns or manages as Lark says now: who → chat ids. Lark is
 * asked (through the cache above, so once per chat a minute) only about the chats whose stored
 * owner is one of them — the stored owner says where to ask, never who owns — at most
 * OWNER_LOOKUPS_AT_A_TIME at once. Each answer also stores the owner Lark names, so a new owner
 * is asked about from then on. A chat Lark cannot be asked about counts for nobody.
 */
export async function chatsOwnedNow(deps: Deps, tenantKey: string, userIds: readonly string[]): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  const wanted = new Set(userIds);
  const ask = await groupChatsStoredAsOwnedBy(deps.db, tenantKey, [...wanted]);
  let next = 0;
  const lookups = async () => {
    while (next < ask.length) {
      const chatId = ask[next++]!;
      for (const id of await larkAdminsOf(deps, tenantKey, chatId)) {
        if (!wanted.has(id)) continue;
        const set = out.get(id);
        if (set) set.add(chatId);
        else out.set(id, new Set([chatId]));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(OWNER_LOOKUPS_AT_A_TIME, ask.length) }, lookups));
  return out;
}

/**
 * Chats whose tasks the user oversees in a list (/任务 全部): those where /设置 made them an
 * admin or the 督办领导, and those they own or manage as Lark says now (chatsOwnedNow).
 */
export async function chatsOverseenNow(deps: Deps, tenantKey: string, userId: string): Promise<string[]> {
  const configured = await chatsConfiguredFor(deps.db, tenantKey, userId);
  const owned = (await chatsOwnedNow(deps, tenantKey, [userId])).get(userId) ?? [];
  return [...new Set([...configured, ...owned])];
}
