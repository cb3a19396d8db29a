/**
 * Redraws a chase message card (bot/cards/chase.ts: 督办, decisions, 回头看, reminders) after one
 * of its buttons was answered: the card keeps its items and shows each task as it stands now,
 * for the person who clicked. The reference in the button value is not trusted: it is parsed
 * strictly and its tasks are loaded within the clicker's tenant only.
 */
import type { BotContext } from '../bot/context.js';
import { briefingCard, parseBatchRef } from '../bot/cards/chase.js';
import { loadTasksByIds } from '../db/reminders.js';
import { cardViewFor } from './act.js';

/** The redrawn card, or null when the value names no batch (the caller falls back to the task card). */
export async function briefingCardFor(ctx: BotContext, ref: unknown): Promise<Record<string, unknown> | null> {
  const items = parseBatchRef(ref);
  if (!items) return null;
  const byId = new Map((await loadTasksByIds(ctx.deps.db, ctx.tenantKey, [...new Set(items.map((i) => i.taskId))])).map((t) => [t.id, t]));
  const present = items.flatMap((i) => {
    const task = byId.get(i.taskId);
    return task ? [{ kind: i.kind, task }] : [];
  });
  if (present.length === 0) return null;
  const { names } = await cardViewFor(
    ctx,
    present.map((i) => i.task),
  );
  return briefingCard(present, { lang: ctx.lang, now: ctx.now, calendar: ctx.deps.calendar, names }, typeof ref === 'string' ? ref : undefined);
}
