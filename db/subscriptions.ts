/** /周报 订阅 / 退订: who receives the leader digest (SPEC §5). */
import { and, eq } from 'drizzle-orm';
import type { Db, Tx } from './client.js';
import { subscriptions } from './schema.js';

export async function listSubscribers(db: Db | Tx, tenantKey: string): Promise<string[]> {
  const rows = await db.select({ userId: subscriptions.userId }).from(subscriptions).where(eq(subscriptions.tenantKey, tenantKey));
  return rows.map((r) => r.userId).sort();
}

/** /周报 订阅: true when newly subscribed. */
export async function subscribe(db: Db | Tx, tenantKey: string, userId: string, now: Date): Promise<boolean> {
  const r = await db.insert(subscriptions).values({ tenantKey, userId, createdAt: now }).onConflictDoNothing().returning({ userId: subscriptions.userId });
  return r.length > 0;
}

/** /周报 退订: true when a subscription was removed. */
export async function unsubscribe(db: Db | Tx, tenantKey: string, userId: string): Promise<boolean> {
  const r = await db
    .delete(subscriptions)
    .where(and(eq(subscriptions.tenantKey, tenantKey), eq(subscriptions.userId, userId)))
    .returning({ userId: subscriptions.userId });
  return r.length > 0;
}

export async function isSubscribed(db: Db | Tx, tenantKey: string, userId: string): Promise<boolean> {
  const r = await db
    .select({ userId: subscriptions.userId })
    .from(subscriptions)
    .where(and(eq(subscriptions.tenantKey, tenantKey), eq(subscriptions.userId, userId)));
  return r.length > 0;
}
