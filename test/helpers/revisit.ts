/**
 * The 回头看 tests' start: on a bot started Tue 2026-11-24 10:00, 李科长 assigns 整治东门占道经营
 * to 张三 (due 11-27), who signs and finishes it, and 李科长 approves it with 回头看 2026-12-01
 * 10:00 — task #1, done, its 回头看 due.
 */
import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { taskEvents } from '../../db/schema.js';
import type { TestBot } from './app.js';

export async function doneWithRevisitDue(bot: TestBot): Promise<void> {
  for (const [from, text, mention] of [
    ['chief', '/交办 @张三 整治东门占道经营 截止 2026-11-27', ['zhang']],
    ['zhang', '/签收 #1', []],
    ['zhang', '/办结 #1 已整治完毕', []],
    ['chief', '/通过 #1 回头看 2026-12-01 10:00', []],
  ] as const) {
    const { res } = await bot.say({ from, text, mention: [...mention] });
    expect(res.status).toBe(200);
    await bot.settle();
  }
}

/** How many events the ledger holds. */
export const eventCount = async (bot: TestBot): Promise<number> => Number((await bot.deps.db.select({ n: sql<number>`count(*)` }).from(taskEvents))[0]!.n);
