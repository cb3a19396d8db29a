/**
 * `kill -9` of the bot while its 加急 call is at Lark (Lark has buzzed, the answer never came):
 * after the restart the buzz is not repeated — Lark's urgent API has no idempotency key, and a
 * second buzz is worse than a missing one — while every message still reaches Lark once.
 */
import { afterEach, expect, it } from 'vitest';
import { assignEvent, count, createOffice, deliverLikeLark, expectEveryMessageOnce, expireLeases, settled, withDb, type Office } from './office.js';

let office: Office | undefined;
afterEach(async () => {
  await office?.close();
  office = undefined;
});

it('kill -9 during a 加急 call, then a restart: nobody is buzzed twice', { timeout: 90_000 }, async () => {
  office = await createOffice({ groups: 2, staff: 2 });
  office.fake.hang(100, { path: /\/urgent_app$/, afterEffect: true });
  let bot = await office.startBot();
  const envelopes = office.groups.map((g, i) => assignEvent(office!, g, i, `报送防汛值班表-${i} !紧急`));
  const { acknowledged } = await deliverLikeLark(bot, envelopes);
  expect(acknowledged).toHaveLength(2);
  await office.fake.waitFor(() => office!.fake.urgents.length >= 2, 30_000);
  const buzzed = office.fake.urgents.length;
  await bot.kill9();

  office.fake.clearFaults();
  await expireLeases(office);
  bot = await office.startBot();
  await settled(office, 60_000);

  expect(office.fake.urgents).toHaveLength(buzzed);
  const perMessage = new Map<string, number>();
  for (const u of office.fake.urgents) for (const id of u.userIds) perMessage.set(`${u.messageId}:${id}`, (perMessage.get(`${u.messageId}:${id}`) ?? 0) + 1);
  expect([...perMessage.values()].every((n) => n === 1)).toBe(true);
  const unsure = await withDb(office, async (db) => (await db.execute("SELECT last_error FROM outbox WHERE kind = 'urgent' AND status = 'failed'")).rows);
  expect(unsure.length).toBeGreaterThanOrEqual(buzzed > 0 ? 1 : 0);
  expect(unsure.every((r) => /not repeated/.test(String(r.last_error)))).toBe(true);
  expect(await count(office, "SELECT count(*) FROM outbox WHERE status = 'pending'")).toBe(0);
  await expectEveryMessageOnce(office);
});
