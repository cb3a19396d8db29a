/**
 * The p2p menu (application.bot.menu_v6, payload as Lark documents it: operator.operator_id,
 * event_key, no chat) and the 新建 button of /任务, through the real webhook against the strict
 * fake Lark: each item answers the person in p2p; 新建督办 opens the 交办 form there and
 * submitting it creates the task.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { getTaskByNumber } from '../../db/tasks.js';
import { saveUser } from '../../db/users.js';
import { GROUP, PEOPLE, TENANT, testBot, type TestBot } from '../helpers/app.js';

let bot: TestBot;
afterEach(async () => bot?.close());

const MONDAY = '2026-11-23T10:00:00+08:00';

async function click(from: keyof typeof PEOPLE, eventKey: string) {
  const before = bot.fake.messages.length;
  const res = await bot.menu({ from, eventKey });
  expect(res.status).toBe(200);
  await bot.settle();
  return bot.fake.messages.slice(before);
}

describe('the p2p menu', () => {
  it('新建督办 sends the 交办 form to the person; submitting it creates the task', async () => {
    bot = await testBot({ now: MONDAY });
    // The bot knows the office's people from the group (the form offers them in p2p).
    await bot.say({ from: 'chief', text: '/交办 @张三 @赵六 起草年度工作总结 截止 周五', mention: ['zhang', 'zhao'] });
    await bot.settle();
    const [form, ...rest] = await click('chief', 'new_task');
    expect(rest).toEqual([]);
    expect(form!.chatId).toBe(bot.fake.p2pChatOf(PEOPLE.chief.openId));
    expect(bot.fake.cardText(form!)).toContain('新建督办');
    const r = await bot.submit({ from: 'chief', messageId: form!.id, values: { title: '核对台账', lead: PEOPLE.zhang.openId, due_quick: 'w3' } });
    expect(r.body.toast).toEqual({ type: 'success', content: '已交办 #2' });
    await bot.settle();
    expect(await getTaskByNumber(bot.deps.db, TENANT, 2)).toMatchObject({ title: '核对台账', chatId: form!.chatId, cardMessageId: form!.id });
    expect(bot.fake.messagesTo(PEOPLE.zhang.openId).some((m) => bot.fake.cardText(m).includes('核对台账'))).toBe(true);
    expect(bot.fake.violations).toEqual([]);
  });

  it('我的任务, 待我审批, 本周统计 and 帮助 each answer in p2p', async () => {
    bot = await testBot({ now: MONDAY });
    await bot.say({ from: 'chief', text: '/交办 @张三 起草年度工作总结 截止 周五', mention: ['zhang'] });
    await bot.settle();
    await bot.say({ from: 'zhang', text: '/办结 #1' });
    await bot.settle();
    const mine = await click('zhang', 'my_tasks');
    expect(mine.map((m) => m.chatId)).toEqual([bot.fake.p2pChatOf(PEOPLE.zhang.openId)]);
    expect(bot.fake.cardText(mine[0]!)).toContain('起草年度工作总结');
    const review = await click('chief', 'to_review');
    expect(review.map((m) => m.chatId)).toEqual([bot.fake.p2pChatOf(PEOPLE.chief.openId)]);
    expect(bot.fake.cardText(review[0]!)).toContain('#1');
    const stats = await click('chief', 'week_stats');
    expect(stats).toHaveLength(1);
    expect(stats[0]!.chatId).toBe(bot.fake.p2pChatOf(PEOPLE.chief.openId));
    const help = await click('sun', 'help');
    expect(bot.fake.cardText(help[0]!)).toContain('/交办');
    expect(bot.fake.violations).toEqual([]);
  });

  it("in an office of 300 the p2p form offers 100 colleagues and stays within Lark's 30 KB", async () => {
    bot = await testBot({ now: MONDAY });
    for (let i = 0; i < 300; i++) {
      const openId = `ou_${createHash('md5').update(String(i)).digest('hex')}`;
      await saveUser(
        bot.deps.db,
        { openId, tenantKey: TENANT, name: `同事${String(i).padStart(3, '0')}`, departmentId: null, departmentName: null },
        bot.clock.now(),
      );
    }
    const [form] = await click('chief', 'new_task');
    expect(bot.fake.violations).toEqual([]);
    const bytes = Buffer.byteLength(JSON.stringify({ content: JSON.stringify(form!.content) }));
    expect(bytes).toBeLessThan(30 * 1024);
    const lead = JSON.stringify(form!.content).match(/"tag":"select_person","name":"lead"[^\]]*\]/)![0];
    expect(lead.match(/"value":"ou_/g)).toHaveLength(100);
  });

  it('an event key the bot does not know gets a short answer and changes nothing', async () => {
    bot = await testBot({ now: MONDAY });
    const out = await click('zhang', 'something_else');
    expect(out.map((m) => bot.fake.textOf(m))).toEqual(['这个菜单项还没有对应的功能，请联系管理员检查机器人菜单的设置。']);
  });
});

describe('新建 on /任务', () => {
  it('sends the 交办 form into the chat for whoever may assign there', async () => {
    bot = await testBot({ now: MONDAY });
    await bot.say({ from: 'chief', text: '/任务 本群' });
    await bot.settle();
    const list = bot.fake.messagesTo(GROUP).at(-1)!;
    expect(bot.fake.cardText(list)).toContain('新建');
    const r = await bot.click({ from: 'chief', value: { a: 'new_task' }, messageId: list.id });
    expect(r.body.toast.type).toBe('info');
    await bot.settle();
    const form = bot.fake.messagesTo(GROUP).at(-1)!;
    expect(bot.fake.cardText(form)).toContain('新建督办');
    await bot.submit({ from: 'chief', messageId: form.id, values: { title: '更换路灯', lead: PEOPLE.zhao.openId } });
    await bot.settle();
    expect(await getTaskByNumber(bot.deps.db, TENANT, 1)).toMatchObject({ title: '更换路灯', chatId: GROUP });
    // In a chat where only the 交办人 may assign, nobody else gets the form.
    await bot.say({ from: 'leader', text: '/设置 交办人 @李科长', mention: ['chief'] });
    await bot.settle();
    const n = bot.fake.messages.length;
    const refused = await bot.click({ from: 'zhang', value: { a: 'new_task' }, messageId: list.id });
    expect(refused.body.toast.type).toBe('warning');
    await bot.settle();
    expect(bot.fake.messages.length).toBe(n);
  });
});

describe('/帮助', () => {
  it('shows the form first (with 新建督办) and the syntax second', async () => {
    bot = await testBot({ now: MONDAY });
    await bot.say({ from: 'zhang', text: '/帮助' });
    await bot.settle();
    const help = bot.fake.messagesTo(GROUP).at(-1)!;
    const text = bot.fake.cardText(help);
    expect(text.indexOf('填表交办')).toBeGreaterThanOrEqual(0);
    expect(text.indexOf('填表交办')).toBeLessThan(text.indexOf('/交办 @主办'));
    expect(JSON.stringify(help.content)).toContain('"value":{"a":"new_task"}');
    const r = await bot.click({ from: 'chief', value: { a: 'new_task' }, messageId: help.id });
    expect(r.body.toast.type).toBe('info');
    await bot.settle();
    expect(bot.fake.cardText(bot.fake.messagesTo(GROUP).at(-1)!)).toContain('新建督办');
    expect(bot.fake.violations).toEqual([]);
  });
});
