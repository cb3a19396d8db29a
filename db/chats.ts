/** Chats the bot is in and their settings (defaults merged in). */
import { and, eq, inArray, ne } from 'drizzle-orm';
import { oversees } from '../bot/domain/roles.js';
import { DEFAULT_SETTINGS, type ChatSettings } from '../bot/domain/types.js';
import type { Db, Tx } from './client.js';
import { chats } from './schema.js';

export type ChatRow = typeof chats.$inferSelect;

/** Ids per `IN (…)`: well under SQLite's bound-parameter limit. */
const CHUNK = 500;

/**
 * The chat's settings as /设置 left them, with defaults. `admins` are only those set with /设置:
 * the chat's owner and managers come from Lark (bot/chat-admins.ts settingsForDecision,
 * chatsOwnedNow), never from the owner stored here, which may be a former one.
 */
export function settingsOf(row: Pick<ChatRow, 'settings'> | undefined | null): ChatSettings {
  const stored = (row?.settings ?? {}) as Partial<ChatSettings>;
  return { ...DEFAULT_SETTINGS, ...stored };
}

export async function getChat(db: Db | Tx, chatId: string): Promise<ChatRow | null> {
  const [row] = await db.select().from(chats).where(eq(chats.chatId, chatId));
  return row ?? null;
}

export async function getChatSettings(db: Db | Tx, chatId: string): Promise<ChatSettings> {
  return settingsOf(await getChat(db, chatId));
}

/** Chats of the tenant where /设置 made the user an admin or the 督办领导 (what Lark says is not here). */
export async function chatsConfiguredFor(db: Db | Tx, tenantKey: string, userId: string): Promise<string[]> {
  const rows = await db.select({ chatId: chats.chatId, settings: chats.settings }).from(chats).where(eq(chats.tenantKey, tenantKey));
  return rows.filter((r) => oversees(userId, settingsOf(r))).map((r) => r.chatId);
}

/**
 * The tenant's group chats whose stored owner is one of `userIds`: where to ask Lark who owns
 * them now (bot/chat-admins.ts chatsOwnedNow); the stored owner itself grants nothing.
 */
export async function groupChatsStoredAsOwnedBy(db: Db | Tx, tenantKey: string, userIds: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < userIds.length; i += CHUNK) {
    const rows = await db
      .select({ chatId: chats.chatId })
      .from(chats)
      .where(and(eq(chats.tenantKey, tenantKey), ne(chats.chatType, 'p2p'), inArray(chats.ownerId, userIds.slice(i, i + CHUNK))));
    for (const r of rows) out.push(r.chatId);
  }
  return out;
}

/** The tenant's chats whose configured 督办领导 is `userId`. */
export async function chatsSupervisedBy(db: Db | Tx, tenantKey: string, userId: string): Promise<string[]> {
  const rows = await db.select({ chatId: chats.chatId, settings: chats.settings }).from(chats).where(eq(chats.tenantKey, tenantKey));
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
