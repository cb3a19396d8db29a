/**
 * Edits from the task card through the card callback (card.action.trigger, form_value in Lark's
 * shapes built by the strict fake), a real libSQL file and the signed webhook: 调整 sends the
 * edit card privately to whoever decides on the task, and each of its forms — 改期 by date
 * picker, 转办 by person picker, 加协办, 减协办, 修改 — makes the same change as the typed command.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { getTaskByNumber } from '../../db/tasks.js';
import { GROUP, PEOPLE, TENANT, testBot, type TestBot } from '../helpers/app.js';

let bot: TestBot;
afterEach(async () => bot?.close());

async function start() {
  bot = await testBot({ now: '2026-11-23T10:00:00+08:00' });
  await bot.say({ from: 'chief', text: '/交办 @张三 @赵六 起草年度工作总结 截止 2026-11-27', mention: ['zhang', 'zhao'] });
  await bot.settle();
  return (await getTaskByNumber(bot.deps.db, TENANT, 1))!;
}

const reload = async () => (await getTaskByNumber(bot.deps.db, TENANT, 1))!;
const editCards = (p: keyof typeof PEOPLE) =>
  bot.fake.messagesTo(PEOPLE[p].openId).filter((m) => m.msgType === 'interactive' && JSON.stringify(m.content).includes('edit_due_submit'));

async function openEditCard(from: keyof typeof PEOPLE, cardMessageId: string, taskId: number) {
  const r = await bot.click({ from, value: { a: 'edit_menu', task: taskId, n: 1, v: 'g' }, messageId: cardMessageId });
  await bot.settle();
  return r;
}

describe('调整 on the task card', () => {
  it('sends the edit card privately to the assigner; an assignee gets the refusal and no card', async () => {
    const t0 = await start();
    // The group card carries the 调整 button.
    expect(JSON.stringify(bot.fake.messages.find((m) => m.id === t0.cardMessageId)!.content)).toContain('"a":"edit_menu"');
    const denied = await openEditCard('zhang', t0.cardMessageId!, t0.id);
    expect(denied.body.toast).toMatchObject({ type: 'warning', content: '只有交办人或督办领导可以修改 #1。' });
    expect(editCards('zhang')).toHaveLength(0);
    const ok = await openEditCard('chief', t0.cardMessageId!, t0.id);
    expect(ok.body.toast.content).toBe('已私信你 #1 的调整卡片');
    const cards = editCards('chief');
    expect(cards).toHaveLength(1);
    const text = bot.fake.cardText(cards[0]!);
    expect(text).toContain('改期');
    expect(text).toContain('转办');
    expect(text).toContain('减协办');
  });

  it('改期 by date and time picker, 转办 by person picker, 加协办 / 减协办 and 修改 through its forms', async () => {
    const t0 = await start();
    await openEditCard('chief', t0.cardMessageId!, t0.id);
    const card = editCards('chief')[0]!;

    let r = await bot.submit({
      from: 'chief',
      messageId: card.id,
      button: 'edit_due_submit',
      values: { edit_due_date: '2026-12-02', edit_due_time: '12:00', edit_due_reason: '等统计局数据' },
    });
    expect(r.body.toast).toMatchObject({ type: 'success', content: '#1 已改期' });
    let t = await reload();
    expect(t.dueAt).toEqual(new Date('2026-12-02T12:00:00+08:00'));
    expect(t.originalDueAt).toEqual(new Date('2026-12-02T12:00:00+08:00'));
    // The chat is told what was understood, with the weekday and the working days left.
    const said = bot.fake
      .messagesTo(GROUP)
      .filter((m) => m.msgType === 'text')
      .map((m) => bot.fake.textOf(m));
    expect(said.at(-1)).toMatch(/时限改为 12月2日（周三） 12:00（还剩 \d+ 个工作日）.*等统计局数据/);
    // The answer redraws the edit card as the task now stands (the picker starts at the new date).
    expect(JSON.stringify(bot.fake.messages.find((m) => m.id === card.id)!.content)).toContain('"initial_date":"2026-12-02"');

    r = await bot.submit({ from: 'chief', messageId: card.id, button: 'edit_reassign_submit', values: { edit_lead: PEOPLE.sun.openId } });
    expect(r.body.toast.content).toBe('#1 已转办');
    t = await reload();
    expect(t.assignees.map((a) => [a.userId, a.role])).toEqual([
      [PEOPLE.sun.openId, 'lead'],
      [PEOPLE.zhao.openId, 'co'],
    ]);
    expect(bot.fake.messagesTo(PEOPLE.sun.openId).filter((m) => m.msgType === 'interactive')).toHaveLength(1);

    r = await bot.submit({ from: 'chief', messageId: card.id, button: 'edit_add_submit', values: { edit_co_add: [PEOPLE.zhang.openId] } });
    expect(r.body.toast.content).toBe('#1 已加协办');
    r = await bot.submit({ from: 'chief', messageId: card.id, button: 'edit_remove_submit', values: { edit_co_remove: [PEOPLE.zhao.openId] } });
    expect(r.body.toast.content).toBe('#1 已减协办');
    t = await reload();
    expect(t.assignees.map((a) => a.userId)).toEqual([PEOPLE.sun.openId, PEOPLE.zhang.openId]);

    r = await bot.submit({ from: 'chief', messageId: card.id, button: 'edit_title_submit', values: { edit_title: '起草2026年度工作总结' } });
    expect(r.body.toast.content).toBe('#1 已修改');
    r = await bot.submit({ from: 'chief', messageId: card.id, button: 'edit_detail_submit', values: { edit_detail: '按办公厅模板' } });
    t = await reload();
    expect([t.title, t.detail]).toEqual(['起草2026年度工作总结', '按办公厅模板']);
    expect(bot.fake.cardText(bot.fake.messages.find((m) => m.id === t0.cardMessageId)!)).toContain('最近变更');
  });

  it('a refused edit from the card is a toast, and nothing changes', async () => {
    const t0 = await start();
    await openEditCard('chief', t0.cardMessageId!, t0.id);
    const card = editCards('chief')[0]!;
    // The lead already leads it; a date in the past; nobody picked.
    let r = await bot.submit({ from: 'chief', messageId: card.id, button: 'edit_reassign_submit', values: { edit_lead: PEOPLE.zhang.openId } });
    expect(r.body.toast).toMatchObject({ type: 'warning', content: '张三 已经是 #1 的主办，没有改动。' });
    r = await bot.submit({ from: 'chief', messageId: card.id, button: 'edit_due_submit', values: { edit_due_date: '2026-11-20' } });
    expect(r.body.toast.type).toBe('warning');
    expect(r.body.toast.content).toContain('已经过去了');
    r = await bot.submit({ from: 'chief', messageId: card.id, button: 'edit_add_submit', values: {} });
    expect(r.body.toast.content).toBe('请选择人员');
    // Someone else posting the same form is refused like the command.
    r = await bot.click({
      from: 'zhao',
      value: { a: 'edit_due', task: t0.id, n: 1 },
      formValue: { edit_due_date: '2026-12-09 +0800' },
      messageId: card.id,
      chatId: bot.fake.p2pChatOf(PEOPLE.chief.openId),
    });
    expect(r.body.toast.content).toBe('只有交办人或督办领导可以改期 #1。');
    expect((await reload()).version).toBe(t0.version);
  });
});
