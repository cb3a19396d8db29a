/**
 * 加急 buzzes a phone and Lark gives it no idempotency key: a repeat is a second buzz. So an
 * urgent call whose outcome is unknown — no answer came back, or the process died during the
 * call — is never repeated; one Lark answered with an error (it did nothing) is retried.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { PEOPLE, testBot, type TestBot } from '../helpers/app.js';

let bot: TestBot;
afterEach(async () => bot?.close());

const URGENT = /\/urgent_app$/;

async function assignUrgent(): Promise<void> {
  const { res } = await bot.say({ from: 'chief', text: '/交办 @张三 报送防汛值班表 !紧急 截止 2026-12-01', mention: ['zhang'] });
  expect(res.status).toBe(200);
  await bot.settle();
}

const buzzesOf = (openId: string) => bot.fake.urgents.filter((u) => u.userIds.includes(openId)).map((u) => u.messageId);
const urgentRows = () =>
  bot.deps.db.all<{ status: string; last_error: string | null; attempts: number }>(
    sql`SELECT status, last_error, attempts FROM outbox WHERE kind = 'urgent' ORDER BY id`,
  );

describe('加急 at most once', () => {
  it('is sent once per card when all goes well', async () => {
    bot = await testBot();
    await assignUrgent();
    const buzzes = buzzesOf(PEOPLE.zhang.openId);
    expect(buzzes.length).toBeGreaterThan(0);
    expect(new Set(buzzes).size).toBe(buzzes.length);
    expect((await urgentRows()).every((r) => r.status === 'sent')).toBe(true);
  });

  it('is not repeated when the answer was lost after Lark buzzed', async () => {
    bot = await testBot();
    bot.fake.dropConnections(10, { path: URGENT, afterEffect: true });
    await assignUrgent();
    const buzzes = buzzesOf(PEOPLE.zhang.openId);
    expect(buzzes.length).toBeGreaterThan(0);
    expect(new Set(buzzes).size).toBe(buzzes.length); // never twice for one message
    const rows = await urgentRows();
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r.status).toBe('failed');
      expect(r.attempts).toBe(1);
      expect(r.last_error).toMatch(/not repeated/);
    }
    // The cards themselves went out: only the buzz is uncertain.
    expect(bot.fake.messagesTo(PEOPLE.zhang.openId).some((m) => m.msgType === 'interactive')).toBe(true);
  });

  it('is retried when Lark answered with an error, and then buzzes once', async () => {
    bot = await testBot();
    bot.fake.failNext(2, { status: 500, code: 0, path: URGENT });
    await assignUrgent();
    expect(bot.fake.urgents).toEqual([]);
    for (let i = 0; i < 6 && (await urgentRows()).some((r) => r.status === 'pending'); i++) {
      bot.clock.advance(60_000); // past the sender's backoff
      bot.deps.sender.kick();
      await bot.settle();
    }
    const buzzes = buzzesOf(PEOPLE.zhang.openId);
    expect(buzzes.length).toBeGreaterThan(0);
    expect(new Set(buzzes).size).toBe(buzzes.length);
    expect((await urgentRows()).every((r) => r.status === 'sent')).toBe(true);
  });
});
