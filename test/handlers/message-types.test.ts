/**
 * Messages other than plain text, through the real webhook: a rich-text (`post`) message is
 * read like text — its text and `at` elements in order — for commands and for replies to a task
 * card; a type the bot cannot read gets the one-line hint and changes nothing.
 */
import { afterEach, expect, it } from 'vitest';
import { asc, desc, eq, sql } from 'drizzle-orm';
import { otherMessageEvent, postMessageEvent } from '../../bot/sandbox/fake-lark/events.js';
import { eventLogRows } from '../../bot/domain/ledger.js';
import { outbox, taskEvents, tasks } from '../../db/schema.js';
import { getTaskByNumber } from '../../db/tasks.js';
import { BOT_NAME, GROUP, PEOPLE, TENANT, testBot, type TestBot } from '../helpers/app.js';

let bot: TestBot;
afterEach(async () => bot?.close());
let seq = 0;

async function post(envelope: Record<string, unknown>) {
  const res = await bot.post(envelope);
  expect(res.status).toBe(200);
  await bot.settle();
}
const ids = () => ({ eventId: `ev_post_${++seq}`, messageId: `om_post_${seq}`, tenantKey: TENANT, time: bot.clock.now() });

it('a post command and a post reply to the task card work like text', async () => {
  bot = await testBot({ now: '2026-11-23T10:00:00+08:00' });
  await post(
    postMessageEvent({
      ...ids(),
      title: '本周工作',
      text: `@${BOT_NAME} /交办 @张三 修复东门路灯\n截止 周五`,
      chatId: GROUP,
      sender: PEOPLE.leader.openId,
      mentions: [
        { openId: bot.deps.botOpenId, name: BOT_NAME },
        { openId: PEOPLE.zhang.openId, name: PEOPLE.zhang.name },
      ],
    }),
  );
  const task = await getTaskByNumber(bot.deps.db, TENANT, 1);
  expect(task).toMatchObject({ title: '修复东门路灯', state: 'assigned' });
  expect(task!.assignees.map((a) => a.userId)).toEqual([PEOPLE.zhang.openId]);
  expect(task!.dueAt?.toISOString()).toBe('2026-11-27T10:00:00.000Z');

  await post(
    postMessageEvent({
      ...ids(),
      text: '已联系施工队 完成50%',
      chatId: GROUP,
      sender: PEOPLE.zhang.openId,
      parentId: task!.cardMessageId!,
    }),
  );
  expect(await getTaskByNumber(bot.deps.db, TENANT, 1)).toMatchObject({ state: 'in_progress', percent: 50, lastProgressText: '已联系施工队 完成50%' });
  await post(postMessageEvent({ ...ids(), text: '完成', chatId: GROUP, sender: PEOPLE.zhang.openId, parentId: task!.cardMessageId! }));
  expect((await getTaskByNumber(bot.deps.db, TENANT, 1))!.state).toBe('submitted');
  expect(bot.fake.violations).toEqual([]);
});

it('a sticker gets the one-line hint and changes nothing', async () => {
  bot = await testBot({ now: '2026-11-23T10:00:00+08:00' });
  await post(
    otherMessageEvent({
      ...ids(),
      messageType: 'sticker',
      content: { file_key: 'v2_sticker' },
      chatId: bot.fake.p2pChatOf(PEOPLE.sun.openId),
      chatType: 'p2p',
      sender: PEOPLE.sun.openId,
    }),
  );
  const [last] = await bot.deps.db.select({ body: outbox.body }).from(outbox).orderBy(desc(outbox.id)).limit(1);
  expect(JSON.parse(last!.body).content.text).toMatch(/没有识别到指令|不是指令|指令/);
  expect(Number((await bot.deps.db.select({ n: sql<number>`count(*)` }).from(tasks))[0]!.n)).toBe(0);
});

it('a file, an image or a link replied to the task card is kept as evidence, shown by /查看 and in the ledger', async () => {
  bot = await testBot({ now: '2026-11-23T10:00:00+08:00' });
  const r = await bot.say({ from: 'leader', text: '/交办 @张三 修复东门路灯 截止 周五', mention: ['zhang'] });
  expect(r.res.status).toBe(200);
  await bot.settle();
  const card = (await getTaskByNumber(bot.deps.db, TENANT, 1))!.cardMessageId!;
  const from = { chatId: GROUP, sender: PEOPLE.zhang.openId, parentId: card };
  await post(otherMessageEvent({ ...ids(), ...from, messageType: 'file', content: { file_key: 'file_v2_abc', file_name: '验收单.pdf' } }));
  await post(otherMessageEvent({ ...ids(), ...from, messageType: 'image', content: { image_key: 'img_v2_abc' } }));
  await post(postMessageEvent({ ...ids(), ...from, text: 'https://example.feishu.cn/docx/AbCdEf' }));
  const task = (await getTaskByNumber(bot.deps.db, TENANT, 1))!;
  expect(task.state).toBe('in_progress'); // evidence from the lead counts as signing for the task
  const events = (await bot.deps.db.select().from(taskEvents).where(eq(taskEvents.taskId, task.id)).orderBy(asc(taskEvents.seq))).map((e) => ({
    ...e,
    payload: (typeof e.payload === 'string' ? JSON.parse(e.payload) : e.payload) as Record<string, unknown>,
  }));
  const evidence = events.filter((e) => e.kind === 'evidence').map((e) => e.payload);
  expect(evidence).toEqual([
    { type: 'file', name: '验收单.pdf', messageId: `om_post_${seq - 2}`, link: `https://applink.feishu.cn/client/chat/open?openChatId=${GROUP}` },
    { type: 'image', name: '', messageId: `om_post_${seq - 1}`, link: expect.any(String) },
    { type: 'link', name: 'https://example.feishu.cn/docx/AbCdEf', messageId: `om_post_${seq}`, link: expect.any(String) },
  ]);
  // The ledger's event log lists each one.
  const rows = eventLogRows([task], events as never, (id) => id);
  expect(rows.filter((x) => x.kind === 'evidence').map((x) => x.detail)).toEqual([
    expect.stringContaining('name: 验收单.pdf'),
    expect.stringContaining('type: image'),
    expect.stringContaining('name: https://example.feishu.cn/docx/AbCdEf'),
  ]);
  // /查看 lists them in the task's record.
  await bot.say({ from: 'leader', text: '/查看 #1' });
  await bot.settle();
  const shown = bot.fake.messages.at(-1)!;
  expect(shown.msgType).toBe('interactive');
  const text = bot.fake.cardText(shown);
  expect(text).toContain('提交佐证材料');
  expect(text).toContain('验收单&#46;pdf');
  expect(bot.fake.violations).toEqual([]);
});
