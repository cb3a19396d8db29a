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

it('/办结 #N sent with a file — replying to the file just sent, or a rich-text message with an image — attaches it', async () => {
  bot = await testBot({ now: '2026-11-23T10:00:00+08:00' });
  await bot.say({ from: 'leader', text: '/交办 @张三 修复东门路灯 截止 周五', mention: ['zhang'] });
  await bot.say({ from: 'leader', text: '/交办 @张三 清理西门路障 截止 周五', mention: ['zhang'] });
  await bot.settle();
  const p2p = bot.fake.p2pChatOf(PEOPLE.zhang.openId);
  const file = ids();
  await post(
    otherMessageEvent({
      ...file,
      chatId: p2p,
      chatType: 'p2p',
      sender: PEOPLE.zhang.openId,
      messageType: 'file',
      content: { file_key: 'file_v2_x', file_name: '验收单.pdf' },
    }),
  );
  await bot.say({ from: 'zhang', text: '/办结 #1 已修复', chatId: p2p, chatType: 'p2p', parentId: file.messageId });
  await bot.settle();
  const evidenceOf = async (n: number) => {
    const t = (await getTaskByNumber(bot.deps.db, TENANT, n))!;
    const rows = await bot.deps.db.select().from(taskEvents).where(eq(taskEvents.taskId, t.id)).orderBy(asc(taskEvents.seq));
    return {
      state: t.state,
      kinds: rows.map((r) => r.kind),
      evidence: rows.filter((r) => r.kind === 'evidence').map((r) => JSON.parse(String(r.payload)).name),
    };
  };
  expect(await evidenceOf(1)).toMatchObject({ state: 'submitted', evidence: ['验收单.pdf'] });
  expect((await evidenceOf(1)).kinds.slice(-2)).toEqual(['evidence', 'submitted']);

  const withImage = postMessageEvent({ ...ids(), text: '/办结 #2 已清理', chatId: p2p, chatType: 'p2p', sender: PEOPLE.zhang.openId });
  const content = JSON.parse((withImage as any).event.message.content);
  content.content.push([{ tag: 'img', image_key: 'img_v2_site' }]);
  (withImage as any).event.message.content = JSON.stringify(content);
  await post(withImage);
  expect(await evidenceOf(2)).toMatchObject({ state: 'submitted', evidence: [''] });
  expect(bot.fake.violations).toEqual([]);
});
