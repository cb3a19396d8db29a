/**
 * A task from any message, through the signed webhook, a real libSQL file and the strict fake
 * Lark: a /交办 that replies to a colleague's message and gives no 事项 reads that message back
 * (GET /open-apis/im/v1/messages/:message_id) — a text, a rich text, a file, an image — and the
 * task links back to it; what cannot be read is refused and nothing is written.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { asc, desc, eq, sql } from 'drizzle-orm';
import { outbox, taskEvents, tasks } from '../../db/schema.js';
import { getTaskByNumber } from '../../db/tasks.js';
import { GROUP, PEOPLE, TENANT, testBot, type TestBot } from '../helpers/app.js';

let bot: TestBot;
afterEach(async () => bot?.close());

const MONDAY = '2026-11-23T10:00:00+08:00';
const FRIDAY_END = new Date('2026-11-27T18:00:00+08:00');

async function replyAssign(parentId: string, text = '/交办 @张三 截止 周五') {
  const { res } = await bot.say({ from: 'chief', text, mention: ['zhang'], parentId });
  expect(res.status).toBe(200);
  await bot.settle();
}

const taskCount = async () => Number((await bot.deps.db.select({ n: sql<number>`count(*)` }).from(tasks))[0]!.n);
const eventsOf = async (taskId: number) =>
  (await bot.deps.db.select().from(taskEvents).where(eq(taskEvents.taskId, taskId)).orderBy(asc(taskEvents.seq))).map((e) => ({
    kind: e.kind,
    payload: JSON.parse(e.payload),
  }));

async function lastReply(): Promise<string> {
  const rows = await bot.deps.db.select({ body: outbox.body }).from(outbox).orderBy(desc(outbox.id));
  for (const r of rows) {
    const m = JSON.parse(r.body);
    if (m.kind === 'reply' && m.msgType === 'text') return String(m.content.text);
  }
  return '';
}

const groupCardText = () => bot.fake.cardText(bot.fake.messagesTo(GROUP).find((m) => m.msgType === 'interactive')!);

describe('/交办 replying to a message, with no 事项', () => {
  it('a text: its first line is the title, the whole of it the detail; the task links back to it', async () => {
    bot = await testBot({ now: MONDAY });
    const said = bot.fake.userSays({
      sender: PEOPLE.leader.openId,
      chatId: GROUP,
      text: '请@_user_1 牵头整理12月3日会议纪要\n并于周五前报送办公室',
      mentions: [{ key: '@_user_1', openId: PEOPLE.zhang.openId, name: '张三' }],
    });
    await replyAssign(said.id);
    const t = (await getTaskByNumber(bot.deps.db, TENANT, 1))!;
    expect(t.title).toBe('请@张三 牵头整理12月3日会议纪要');
    expect(t.detail).toBe('请@张三 牵头整理12月3日会议纪要\n并于周五前报送办公室');
    expect(t.dueAt).toEqual(FRIDAY_END);
    expect(t.assignees.map((a) => [a.userId, a.role])).toEqual([[PEOPLE.zhang.openId, 'lead']]);
    expect(t.origin).toEqual({
      messageId: said.id,
      chatId: GROUP,
      link: `https://applink.feishu.cn/client/chat/open?openChatId=${GROUP}`,
    });
    const events = await eventsOf(t.id);
    expect(events.map((e) => e.kind)).toEqual(['assigned']);
    expect(events[0]!.payload).toMatchObject({ title: t.title, origin: said.id });
    // The bot read the message the way Lark documents it.
    expect(bot.fake.calls.some((c) => c.method === 'GET' && c.path === `/open-apis/im/v1/messages/${said.id}` && c.status === 200)).toBe(true);
    const card = groupCardText();
    expect(card).toContain('#1 请@张三 牵头整理12月3日会议纪要');
    expect(card).toContain('并于周五前报送办公室');
    expect(card).toContain('原消息');
    expect(JSON.stringify(bot.fake.messagesTo(GROUP)[0]!.content)).toContain(`openChatId=${GROUP}`);
  });

  it('a rich text: the post’s title is the title, its paragraphs the detail', async () => {
    bot = await testBot({ now: MONDAY });
    const post = {
      title: '关于开展安全生产大检查的通知',
      content: [
        [{ tag: 'text', text: '各科室：' }],
        [
          { tag: 'text', text: '请于周五前完成自查，' },
          { tag: 'a', text: '检查表', href: 'https://example.gov.cn/t' },
        ],
      ],
    };
    const said = bot.fake.userSays({ sender: PEOPLE.leader.openId, chatId: GROUP, text: '', msgType: 'post', content: post });
    await replyAssign(said.id, '/交办 @张三 截止 周五 !重要');
    const t = (await getTaskByNumber(bot.deps.db, TENANT, 1))!;
    expect(t.title).toBe('关于开展安全生产大检查的通知');
    expect(t.detail).toBe('各科室：\n请于周五前完成自查，检查表 https://example.gov.cn/t');
    expect(t.priority).toBe('high');
    expect(t.origin?.messageId).toBe(said.id);
  });

  it('a file becomes the task’s first evidence and names it; so does an image', async () => {
    bot = await testBot({ now: MONDAY });
    const file = bot.fake.userSendsFile({ sender: PEOPLE.leader.openId, chatId: GROUP, fileName: '2026年度考核方案.pdf', bytes: new Uint8Array([1, 2, 3]) });
    await replyAssign(file.id);
    const t1 = (await getTaskByNumber(bot.deps.db, TENANT, 1))!;
    expect(t1.title).toBe('2026年度考核方案.pdf');
    const e1 = await eventsOf(t1.id);
    expect(e1.map((e) => e.kind)).toEqual(['assigned', 'evidence']);
    expect(e1[1]!.payload).toMatchObject({ type: 'file', name: '2026年度考核方案.pdf', messageId: file.id });

    const image = bot.fake.userSays({
      sender: PEOPLE.leader.openId,
      chatId: GROUP,
      text: '',
      msgType: 'image',
      content: { image_key: 'img_v2_041b28e3-5680-48c2-9af2-497ace79333g' },
    });
    await replyAssign(image.id);
    const t2 = (await getTaskByNumber(bot.deps.db, TENANT, 2))!;
    expect(t2.title).toBe('图片所示事项');
    expect((await eventsOf(t2.id))[1]!.payload).toMatchObject({ type: 'image', messageId: image.id });
  });

  it('with a 事项 written, the reply is an ordinary /交办', async () => {
    bot = await testBot({ now: MONDAY });
    const said = bot.fake.userSays({ sender: PEOPLE.leader.openId, chatId: GROUP, text: '会议纪要' });
    await replyAssign(said.id, '/交办 @张三 起草会议纪要 截止 周五');
    const t = (await getTaskByNumber(bot.deps.db, TENANT, 1))!;
    expect(t.title).toBe('起草会议纪要');
    expect(t.origin ?? null).toBeNull();
  });

  it('refuses what it cannot read — a sticker, a recalled message, the bot’s own card — and writes nothing', async () => {
    bot = await testBot({ now: MONDAY });
    const sticker = bot.fake.userSays({ sender: PEOPLE.leader.openId, chatId: GROUP, text: '', msgType: 'sticker', content: { file_key: 'v2_sticker' } });
    await replyAssign(sticker.id);
    expect(await lastReply()).toBe('所回复的消息（sticker）里读不出事项，请直接写上事项标题。');

    const gone = bot.fake.userSays({ sender: PEOPLE.leader.openId, chatId: GROUP, text: '作废的安排' });
    bot.fake.recall(gone.id);
    await replyAssign(gone.id);
    expect(await lastReply()).toBe('所回复的消息已撤回，请直接写上事项标题。');
    expect(await taskCount()).toBe(0);

    await bot.say({ from: 'chief', text: '/交办 @赵六 修复路灯 截止 周五', mention: ['zhao'] });
    await bot.settle();
    const card = bot.fake.messagesTo(GROUP).find((m) => m.msgType === 'interactive')!;
    await replyAssign(card.id);
    expect(await lastReply()).toContain('这条是机器人的消息');
    expect(await taskCount()).toBe(1);
  });
});
