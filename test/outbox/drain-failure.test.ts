/**
 * A drain that fails as a whole (the database refusing a write mid-drain) must not strand the
 * rows it had leased: they are handed back and the sender tries again by itself, with nothing
 * else coming to kick it. Lark's uuid answers the resend of a message it already created.
 */
import { afterEach, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { PEOPLE, testBot, type TestBot } from '../helpers/app.js';

let bot: TestBot;
afterEach(async () => bot?.close());

const pending = async () => (await bot.deps.db.all<{ n: number }>(sql`SELECT count(*) AS n FROM outbox WHERE status = 'pending'`))[0]!.n;

async function until(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

it('hands back the rows of a drain that failed and sends them once the database writes again', { timeout: 20_000 }, async () => {
  bot = await testBot();
  // Marking a row sent fails, and so does rescheduling it: the drain itself throws.
  await bot.deps.db.run(
    sql`CREATE TRIGGER refuse_sent BEFORE UPDATE OF status ON outbox WHEN NEW.status = 'sent' BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END`,
  );
  await bot.deps.db.run(sql`CREATE TRIGGER refuse_later BEFORE UPDATE OF next_attempt_at ON outbox BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END`);
  const { res } = await bot.say({ from: 'chief', text: '/交办 @张三 报送防汛值班表 截止 2026-12-01', mention: ['zhang'] });
  expect(res.status).toBe(200);

  // The card reached Lark, and the drain failed right after.
  expect(await until(async () => bot.fake.messagesTo(PEOPLE.zhang.openId).length > 0, 5_000)).toBe(true);
  await new Promise((r) => setTimeout(r, 200));
  expect(await pending()).toBeGreaterThan(0);
  const leased = await bot.deps.db.all<{ n: number }>(sql`SELECT count(*) AS n FROM outbox WHERE status = 'pending' AND lease_until IS NOT NULL`);
  expect(leased[0]!.n).toBe(0);

  await bot.deps.db.run(sql`DROP TRIGGER refuse_sent`);
  await bot.deps.db.run(sql`DROP TRIGGER refuse_later`);
  // No event, no kick: the sender's own retry sends what is left (the clock stands still).
  expect(await until(async () => (await pending()) === 0, 8_000)).toBe(true);
  const toZhang = bot.fake.messagesTo(PEOPLE.zhang.openId);
  expect(new Set(toZhang.map((m) => m.uuid)).size).toBe(toZhang.length);
  expect(bot.fake.dedupedSends).toBeGreaterThan(0);
});
