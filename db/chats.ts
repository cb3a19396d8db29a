/** Chats the bot is in and their settings (defaults merged in). */
import { eq } from 'drizzle-orm';
import { oversees } from '../bot/domain/roles.js';
import { DEFAULT_SETTINGS, type ChatSettings } from '../bot/domain/types.js';
import type { Db, Tx } from './client.js';
import { chats } from './schema.js';

export type ChatRow = typeof chats.$inferSelect;

/**
 * The chat's settings with defaults. `admins` includes the stored owner for views and lists
 * (digests, /任务 全部); permission decisions use bot/chat-admins.ts settingsForDecision, which
 * asks Lark instead (`withStoredOwner: false` here).
 */
export function settingsOf(row: Pick<ChatRow, 'settings' | 'ownerId'> | undefined | null, opts: { withStoredOwner?: boolean } = {}): ChatSettings {
  const stored = (row?.settings ?? {}) as Partial<ChatSettings>;
  const s: ChatSettings = { ...DEFAULT_SETTINGS, ...stored };
  if ((opts.withStoredOwner ?? true) && row?.ownerId && !s.admins.includes(row.ownerId)) s.admins = [...s.admins, row.ownerId];
  return s;
}

export async function getChat(db: Db | Tx, chatId: string): Promise<ChatRow | null> {
  const [row] = await db.select().from(chats).where(eq(chats.chatId, chatId));
  return row ?? null;
}

export async function getChatSettings(db: Db | Tx, chatId: string): Promise<ChatSettings> {
  return settingsOf(await getChat(db, chatId));
}

/**
 * Chats of the tenant where the user is an admin or the 督办领导: `configured` by /设置, and
 * `storedOwner`, those where they are so only as the owner stored when Lark last said (to be
 * confirmed with Lark before they count: bot/chat-admins.ts chatsOverseenNow).
 */
export async function chatsOverseenBy(db: Db | Tx, tenantKey: string, userId: string): Promise<{ configured: string[]; storedOwner: string[] }> {
  const rows = await db.select({ chatId: chats.chatId, settings: chats.settings, ownerId: chats.ownerId }).from(chats).where(eq(chats.tenantKey, tenantKey));
  const configured = rows.filter((r) => oversees(userId, settingsOf(r, { withStoredOwner: false })));
  const storedOwner = rows.filter((r) => !configured.includes(r) && oversees(userId, settingsOf(r)));
  return { configured: configured.map((r) => r.chatId), storedOwner: storedOwner.map((r) => r.chatId) };
}

/** The tenant's chats whose configured 督办领导 is `userId`. */
export async function chatsSupervisedBy(db: Db | Tx, tenantKey: string, userId: string): Promise<string[]> {
  const rows = await db.select({ chatId: chats.chatId, settings: chats.settings, ownerId: chats.ownerId }).from(chats).where(eq(chats.tenantKey, tenantKey));
  return rows.filter((r) => settingsOf(r).supervisorId === userId).map((r) => r.chatId);
}

/** Records a chat the bot has seen (first message, bot added); keeps existing settings. */
export async function upsertChat(
  db: Db | Tx,
  c: { chatId: string; tenantKey: string; chatType: 'group' | 'p2p'; name?: string | null; ownerId?: string | null },
  now: Date,
): Promise<void> {
  await db
    .insert(chats)
    .values({ chatId: c.chatId, tenantKey: c.tenantKey, chatType: c.chatType, name: c.name ?? null, ownerId: c.ownerId ?? null, settings: {}, updatedAt: now })
    .onConflictDoUpdate({
      target: chats.chatId,
      set: {
        ...(c.name ? { name: c.name } : {}),
        ...(c.ownerId ? { ownerId: c.ownerId } : {}),
        updatedAt: now,
      },
    });
}

/** Saves changed settings (only what differs from the stored ones). */
export async function saveChatSettings(tx: Db | Tx, chatId: string, patch: Partial<ChatSettings>, now: Date): Promise<void> {
  const row = await getChat(tx, chatId);
  const merged = { ...((row?.settings ?? {}) as Partial<ChatSettings>), ...patch };
  await tx.update(chats).set({ settings: merged, updatedAt: now }).where(eq(chats.chatId, chatId));
}
