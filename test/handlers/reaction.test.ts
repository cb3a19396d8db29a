/**
 * 签收 by reaction through the signed webhook (im.message.reaction.created_v1 in Lark's shape),
 * a real libSQL file and the strict fake Lark: an assignee's OK / DONE / THUMBSUP on the task
 * card signs for it and the bot confirms with its own reaction (POST …/reactions); every other
 * reaction does nothing at all.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import { reactionEvent } from '../../bot/sandbox/fake-lark/events.js';
import { outbox, taskEvents } from '../../db/schema.js';
import { getTaskByNumber } from '../../db/tasks.js';
import { GROUP, PEOPLE, TENANT, testBot, type TestBot } from '../helpers/app.js';

let bot: TestBot;
afterEach(async () => bot?.close());

async function start() {
  bot = await testBot({ now: '2026-11-23T10:00:00+08:00' });
  await bot.say({ from: 'chief', text: '/交办 @张三 @赵六 起草年度工作总结 截止 2026-11-27', mention: ['zhang', 'zhao'] });
  await bot.settle();
  const task = (await getTaskByNumber(bot.deps.db, TENANT, 1))!;
  expect(task.cardMessageId).toBeTruthy();
  return task;
}

const reload = async () => (await getTaskByNumber(bot.deps.db, TENANT, 1))!;
const kinds = async (taskId: number) =>
  (
    await bot.deps.db
      .select({ kind: taskEvents.kind, payload: taskEvents.payload })
      .from(taskEvents)
      .where(eq(taskEvents.taskId, taskId))
      .orderBy(asc(taskEvents.seq))
  ).map((e) => [e.kind, JSON.parse(e.payload)]);
const botReactions = () => bot.fake.reactions.filter((r) => r.operatorType === 'app');

async function react(from: keyof typeof PEOPLE, messageId: string, emoji: string) {
  const res = await bot.react({ from, messageId, emoji });
  expect(res.status).toBe(200);
  await bot.settle();
}

describe('签收 by reaction', () => {
  it('the lead’s OK on the group card signs for it; the bot answers with its own reaction, and no text', async () => {
    const t0 = await start();
    const texts = bot.fake.messages.length;
    await react('zhang', t0.cardMessageId!, 'OK');
    const t1 = await reload();
    expect(t1.state).toBe('in_progress');
    expect(t1.assignees.find((a) => a.userId === PEOPLE.zhang.openId)!.acceptedAt).not.toBeNull();
    expect((await kinds(t1.id)).at(-1)).toEqual(['accepted', { reaction: 'OK' }]);
    expect(botReactions()).toEqual([expect.objectContaining({ messageId: t0.cardMessageId, emojiType: 'DONE', operatorType: 'app' })]);
    // No new message: the card is updated in place (✓ by the lead) and the reaction says the rest.
    expect(bot.fake.messages.length).toBe(texts);
    expect(bot.fake.cardText(bot.fake.messages.find((m) => m.id === t0.cardMessageId)!)).toContain('张三 ✓');
  });

  it('a co-assignee’s DONE on their own p2p card signs for them, confirmed on that card', async () => {
    const t0 = await start();
    const p2p = bot.fake.messagesTo(PEOPLE.zhao.openId).find((m) => m.msgType === 'interactive')!;
    await react('zhao', p2p.id, 'DONE');
    const t1 = await reload();
    expect(t1.assignees.find((a) => a.userId === PEOPLE.zhao.openId)!.acceptedAt).not.toBeNull();
    expect(t1.assignees.find((a) => a.userId === PEOPLE.zhang.openId)!.acceptedAt).toBeNull();
    expect(botReactions().map((r) => r.messageId)).toEqual([p2p.id]);
    void t0;
  });

  it('anyone else’s reaction, another emoji, a second reaction or a redelivery does nothing', async () => {
    const t0 = await start();
    const outboxBefore = (await bot.deps.db.select().from(outbox)).length;
    await react('sun', t0.cardMessageId!, 'OK'); // not an assignee
    await react('chief', t0.cardMessageId!, 'THUMBSUP'); // the assigner
    await react('zhang', t0.cardMessageId!, 'SMILE'); // not a sign
    let t1 = await reload();
    expect(t1.version).toBe(t0.version);
    expect(t1.state).toBe('assigned');
    expect(botReactions()).toEqual([]);
    expect((await bot.deps.db.select().from(outbox)).length).toBe(outboxBefore);

    await react('zhang', t0.cardMessageId!, 'THUMBSUP');
    t1 = await reload();
    expect(t1.state).toBe('in_progress');
    const signed = t1.version;
    // Already signed: a second sign is nothing, and says nothing.
    await react('zhang', t0.cardMessageId!, 'OK');
    // The same event delivered again is the same event.
    const again = reactionEvent({
      messageId: t0.cardMessageId!,
      emojiType: 'DONE',
      operator: PEOPLE.zhang.openId,
      tenantKey: TENANT,
      eventId: 'ev_react_fixed',
    });
    expect((await bot.post(again)).status).toBe(200);
    expect((await bot.post(again)).status).toBe(200);
    await bot.settle();
    expect((await reload()).version).toBe(signed);
    expect(botReactions()).toHaveLength(1);
    expect((await kinds(t1.id)).filter(([k]) => k === 'accepted')).toHaveLength(1);
  });

  it('a reaction of the app itself, or on a message that is no task card, is ignored', async () => {
    const t0 = await start();
    const own = reactionEvent({ messageId: t0.cardMessageId!, emojiType: 'OK', operator: { app: 'cli_test_app' }, tenantKey: TENANT });
    expect((await bot.post(own)).status).toBe(200);
    const chat = bot.fake.userSays({ sender: PEOPLE.zhang.openId, text: '收到', chatId: GROUP });
    await react('zhang', chat.id, 'OK');
    await bot.settle();
    expect((await reload()).version).toBe(t0.version);
    expect(botReactions()).toEqual([]);
  });
});
