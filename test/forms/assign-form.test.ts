/**
 * 交办 by form, through the real webhook and card callback against the strict fake Lark and a
 * real libSQL file: /交办 without arguments (or with some) answers with the form, submitting it
 * creates the task as the command would and turns the form into the task card; refusals name
 * the field in a toast and keep what was typed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { listEvents } from '../../db/events.js';
import { tasks } from '../../db/schema.js';
import { getTaskByNumber } from '../../db/tasks.js';
import { GROUP, PEOPLE, TENANT, testBot, type TestBot } from '../helpers/app.js';

let bot: TestBot;
afterEach(async () => bot?.close());

const MONDAY = '2026-11-23T10:00:00+08:00';
const taskCount = async () => Number((await bot.deps.db.select({ n: sql<number>`count(*)` }).from(tasks))[0]!.n);

async function openForm(text = '/交办', mention: string[] = []) {
  bot = bot ?? (await testBot({ now: MONDAY }));
  const before = bot.fake.messages.length;
  const r = await bot.say({ from: 'chief', text, mention });
  expect(r.res.status).toBe(200);
  await bot.settle();
  const form = bot.fake.messages.slice(before).find((m) => m.msgType === 'interactive' && JSON.stringify(m.content).includes('"tag":"form"'));
  if (!form)
    throw new Error(
      `no form card; got ${bot.fake.messages
        .slice(before)
        .map((m) => bot.fake.textOf(m))
        .join(' | ')}`,
    );
  return form;
}

/** Every component of the card with this name. */
function field(card: any, name: string): any {
  let found: any = null;
  const walk = (n: any) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      if (n.name === name && n.tag !== 'form') found = n;
      Object.values(n).forEach(walk);
    }
  };
  walk(card);
  return found;
}

describe('交办 by form', () => {
  it('/交办 alone answers with the form; submitting it creates the task as the command would and the form becomes its card', async () => {
    bot = await testBot({ now: MONDAY });
    const form = await openForm();
    expect(bot.fake.violations).toEqual([]);
    expect(bot.fake.cardText(form)).toContain('新建督办');
    for (const name of ['title', 'detail', 'lead', 'co', 'due_date', 'due_time', 'due_quick', 'category', 'priority', 'source', 'supervisor'])
      expect(field(form.content, name)).not.toBeNull();
    expect(field(form.content, 'lead').tag).toBe('select_person');
    expect(field(form.content, 'co').tag).toBe('multi_select_person');
    expect(field(form.content, 'due_date').tag).toBe('date_picker');
    expect(field(form.content, 'due_time').tag).toBe('picker_time');

    const r = await bot.submit({
      from: 'chief',
      messageId: form.id,
      values: {
        title: '起草年度工作总结',
        detail: '按市政府要求，分三部分。',
        lead: PEOPLE.zhang.openId,
        co: [PEOPLE.zhao.openId],
        due_date: '2026-12-01',
        due_time: '15:00',
        category: 'decision',
        priority: 'urgent',
        source: '市政办〔2026〕12号',
        supervisor: PEOPLE.leader.openId,
      },
    });
    expect(r.status).toBe(200);
    expect(r.body.toast).toEqual({ type: 'success', content: '已交办 #1' });
    await bot.settle();
    const t = (await getTaskByNumber(bot.deps.db, TENANT, 1))!;
    expect(t).toMatchObject({
      title: '起草年度工作总结',
      detail: '按市政府要求，分三部分。',
      category: 'decision',
      priority: 'urgent',
      source: '市政办〔2026〕12号',
      supervisorId: PEOPLE.leader.openId,
      creatorId: PEOPLE.chief.openId,
      chatId: GROUP,
      state: 'assigned',
      cardMessageId: form.id,
    });
    expect(t.dueAt).toEqual(new Date('2026-12-01T15:00:00+08:00'));
    expect(t.assignees.map((a) => [a.userId, a.role])).toEqual([
      [PEOPLE.zhang.openId, 'lead'],
      [PEOPLE.zhao.openId, 'co'],
    ]);
    // The form card is now the task card, and no second card went to the group.
    const shown = bot.fake.messages.find((m) => m.id === form.id)!;
    expect(bot.fake.cardText(shown)).toContain('#1');
    expect(JSON.stringify(shown.content)).not.toContain('"tag":"form","name":"assign"');
    expect(
      bot.fake
        .messagesTo(GROUP)
        .filter((m) => m.msgType === 'interactive' && bot.fake.cardText(m).includes('#1'))
        .map((m) => m.id),
    ).toEqual([form.id]);
    // Each assignee got their p2p card; 紧急 buzzed each once.
    for (const p of ['zhang', 'zhao'] as const)
      expect(bot.fake.messagesTo(PEOPLE[p].openId).some((m) => bot.fake.cardText(m).includes('起草年度工作总结'))).toBe(true);
    expect(bot.fake.urgents.flatMap((u) => u.userIds).sort()).toEqual([PEOPLE.zhang.openId, PEOPLE.zhao.openId].sort());
    // Later changes update the same card in place.
    await bot.say({ from: 'zhang', text: '/签收 #1' });
    await bot.settle();
    expect(bot.fake.patches.some((p) => p.messageId === form.id)).toBe(true);
    // Pressed again: the same task, not a second one.
    const again = await bot.click({
      from: 'chief',
      value: { a: 'assign_form' },
      formValue: { title: '起草年度工作总结', lead: PEOPLE.zhang.openId },
      messageId: form.id,
    });
    expect(again.body.toast.type).toBe('info');
    expect(await taskCount()).toBe(1);
    expect(bot.fake.violations).toEqual([]);
  });

  it('a shortcut means what typing it after 截止 means', async () => {
    bot = await testBot({ now: MONDAY });
    await bot.say({ from: 'chief', text: '/交办 @张三 核对台账 截止 3个工作日内', mention: ['zhang'] });
    await bot.settle();
    const typed = (await getTaskByNumber(bot.deps.db, TENANT, 1))!;
    const form = await openForm();
    await bot.submit({ from: 'chief', messageId: form.id, values: { title: '核对台账', lead: PEOPLE.zhang.openId, due_quick: 'w3' } });
    await bot.settle();
    const picked = (await getTaskByNumber(bot.deps.db, TENANT, 2))!;
    expect(picked.dueAt).toEqual(typed.dueAt);
    const ruleOf = async (id: number) => (await listEvents(bot.deps.db, id)).find((e) => e.kind === 'assigned')!.payload.dueRule;
    expect(await ruleOf(picked.id)).toEqual(await ruleOf(typed.id));
    expect(await ruleOf(picked.id)).toMatchObject({ workdays: 3 });
  });

  it('/交办 with part of a task answers with the form filled in with it', async () => {
    bot = await testBot({ now: MONDAY });
    const form = await openForm('/交办 @张三 截止 周五 !紧急 #民生', ['zhang']);
    expect(bot.fake.cardText(form)).toContain('请补全 「事项」');
    expect(field(form.content, 'lead').initial_option).toBe(PEOPLE.zhang.openId);
    expect(field(form.content, 'due_date').initial_date).toBe('2026-11-27');
    expect(field(form.content, 'due_time').initial_time).toBe('18:00');
    expect(field(form.content, 'priority').initial_option).toBe('urgent');
    expect(field(form.content, 'category').initial_option).toBe('livelihood');
    await bot.submit({ from: 'chief', messageId: form.id, values: { title: '更换路灯' } });
    await bot.settle();
    expect(await getTaskByNumber(bot.deps.db, TENANT, 1)).toMatchObject({
      title: '更换路灯',
      priority: 'urgent',
      category: 'livelihood',
      dueAt: new Date('2026-11-27T18:00:00+08:00'),
    });
    const titleOnly = await openForm('/交办 整理档案');
    expect(field(titleOnly.content, 'title').default_value).toBe('整理档案');
    expect(bot.fake.cardText(titleOnly)).toContain('「主办」');
  });

  it.each([
    ['no 主办', { title: '起草总结' }, '请填写「主办」。'],
    ['no 事项', { lead: PEOPLE.zhang.openId }, '请填写「事项」。'],
    ['a past deadline', { title: '起草总结', lead: PEOPLE.zhang.openId, due_date: '2026-11-20' }, /^「截止」：.*已经过去了/],
    ['a title too long', { title: '路'.repeat(201), lead: PEOPLE.zhang.openId }, '「事项」：标题有 201 字，请控制在 200 字以内；详细要求可在进展中补充。'],
    ['a date and a shortcut', { title: '起草总结', lead: PEOPLE.zhang.openId, due_date: '2026-12-01', due_quick: 'w3' }, /^「截止」：请只选一种/],
  ])('refuses %s with a toast naming the field, keeping what was typed', async (_, values, toast) => {
    bot = await testBot({ now: MONDAY });
    const form = await openForm();
    const r = await bot.submit({ from: 'chief', messageId: form.id, values });
    expect(r.body.toast.type).toBe('warning');
    expect(r.body.toast.content).toMatch(toast);
    expect(await taskCount()).toBe(0);
    // The answer is the form again, as typed.
    const shown = bot.fake.messages.find((m) => m.id === form.id)!;
    if ('title' in values) expect(field(shown.content, 'title').default_value).toBe(values.title);
    if ('lead' in values) expect(field(shown.content, 'lead').initial_option).toBe(values.lead);
    if ('due_date' in values) expect(field(shown.content, 'due_date').initial_date).toBe(values.due_date);
    expect(bot.fake.violations).toEqual([]);
  });

  it('in English: /assign alone opens the form, refusals name the field in English', async () => {
    bot = await testBot({ now: MONDAY, lang: 'en' });
    const form = await openForm('/assign');
    expect(bot.fake.cardText(form)).toContain('New task');
    const refused = await bot.submit({ from: 'chief', messageId: form.id, values: { title: 'Draft the report' } });
    expect(refused.body.toast).toEqual({ type: 'warning', content: 'Please fill in "Lead".' });
    const ok = await bot.submit({ from: 'chief', messageId: form.id, values: { title: 'Draft the report', lead: PEOPLE.zhang.openId, due_quick: 'fri' } });
    expect(ok.body.toast).toEqual({ type: 'success', content: 'Assigned #1' });
    await bot.settle();
    expect((await getTaskByNumber(bot.deps.db, TENANT, 1))!.dueAt).toEqual(new Date('2026-11-27T18:00:00+08:00'));
    expect(bot.fake.violations).toEqual([]);
  });

  it('only those who may assign get the form or can submit it', async () => {
    bot = await testBot({ now: MONDAY });
    const form = await openForm();
    await bot.say({ from: 'leader', text: '/设置 交办人 @李科长', mention: ['chief'] });
    await bot.settle();
    const r = await bot.submit({ from: 'zhang', messageId: form.id, values: { title: '起草总结', lead: PEOPLE.zhao.openId } });
    expect(r.body.toast.type).toBe('warning');
    expect(await taskCount()).toBe(0);
  });
});
