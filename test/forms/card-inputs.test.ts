/**
 * Inputs on task cards, submitted the way Lark's client submits them (bot.submit → the strict
 * fake's form submission → the signed callback): 汇报进展 with an optional percent, 申请延期 with
 * a date picker, a time and the reason, 退回 with its reason.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { getTaskByNumber } from '../../db/tasks.js';
import { GROUP, PEOPLE, TENANT, testBot, type TestBot } from '../helpers/app.js';

let bot: TestBot;
afterEach(async () => bot?.close());

const MONDAY = '2026-11-23T10:00:00+08:00';
const task = async () => (await getTaskByNumber(bot.deps.db, TENANT, 1))!;

async function start() {
  bot = await testBot({ now: MONDAY });
  await bot.say({ from: 'chief', text: '/交办 @张三 @赵六 起草年度工作总结 截止 2026-12-01', mention: ['zhang', 'zhao'] });
  await bot.settle();
  const card = bot.fake.messagesTo(GROUP).find((m) => m.msgType === 'interactive')!;
  return { card, id: (await task()).id };
}

describe('inputs on task cards', () => {
  it('汇报进展 takes a percent picked, alone or with text; the picked one wins over the text', async () => {
    const { card, id } = await start();
    let r = await bot.submit({ from: 'zhang', messageId: card.id, button: `progress_${id}_submit`, values: { progress_percent: '60' } });
    expect(r.body.toast.type).toBe('success');
    await bot.settle();
    expect(await task()).toMatchObject({ state: 'in_progress', percent: 60, lastProgressText: '完成60%' });
    r = await bot.submit({
      from: 'zhao',
      messageId: card.id,
      button: `progress_${id}_submit`,
      values: { progress_text: '初稿完成50%', progress_percent: '70' },
    });
    await bot.settle();
    expect(await task()).toMatchObject({ percent: 70, lastProgressText: '初稿完成50%' });
    r = await bot.submit({ from: 'zhao', messageId: card.id, button: `progress_${id}_submit`, values: { progress_text: '排版完成90%' } });
    await bot.settle();
    expect((await task()).percent).toBe(90);
    r = await bot.submit({ from: 'zhao', messageId: card.id, button: `progress_${id}_submit`, values: {} });
    expect(r.body.toast).toEqual({ type: 'warning', content: '请先填写内容再提交。' });
    expect(bot.fake.violations).toEqual([]);
  });

  it('申请延期 with a picked date and reason asks for the extension; the decision buttons follow', async () => {
    const { card, id } = await start();
    const button = `extend_${id}_submit`;
    expect((await bot.submit({ from: 'zhang', messageId: card.id, button, values: { extend_reason: '材料未齐' } })).body.toast).toEqual({
      type: 'warning',
      content: '请选延期到的日期。',
    });
    expect((await bot.submit({ from: 'zhang', messageId: card.id, button, values: { extend_date: '2026-12-10' } })).body.toast.content).toBe(
      '请写明延期理由。',
    );
    expect(
      (await bot.submit({ from: 'zhang', messageId: card.id, button, values: { extend_date: '2026-11-20', extend_reason: '材料未齐' } })).body.toast.content,
    ).toMatch(/已经过去了/);
    // Someone who is no assignee may not ask.
    expect(
      (await bot.submit({ from: 'sun', messageId: card.id, button, values: { extend_date: '2026-12-10', extend_reason: '材料未齐' } })).body.toast.type,
    ).toBe('warning');
    expect((await task()).pendingExtension).toBeNull();

    const r = await bot.submit({
      from: 'zhang',
      messageId: card.id,
      button,
      values: { extend_date: '2026-12-10', extend_time: '12:00', extend_reason: '材料未齐' },
    });
    expect(r.body.toast).toEqual({ type: 'success', content: '已提交延期申请' });
    await bot.settle();
    expect((await task()).pendingExtension).toMatchObject({
      dueAt: new Date('2026-12-10T12:00:00+08:00'),
      reason: '材料未齐',
      requestedBy: PEOPLE.zhang.openId,
    });
    // The card now carries 同意延期 / 驳回延期 and no second request form.
    const now = bot.fake.messages.find((m) => m.id === card.id)!;
    expect(bot.fake.cardText(now)).toContain('同意延期');
    expect(JSON.stringify(now.content)).not.toContain(`extend_${id}`);
    await bot.click({ from: 'chief', value: { a: 'approve_extension', task: id, n: 1 }, messageId: card.id });
    await bot.settle();
    expect((await task()).dueAt).toEqual(new Date('2026-12-10T12:00:00+08:00'));
    // A date without a time is the chat's end of day, as typing it would be.
    const again = await bot.submit({ from: 'zhang', messageId: card.id, button, values: { extend_date: '2026-12-15', extend_reason: '再延' } });
    expect(again.body.toast.type).toBe('success');
    await bot.settle();
    expect((await task()).pendingExtension?.dueAt).toEqual(new Date('2026-12-15T18:00:00+08:00'));
    expect(bot.fake.violations).toEqual([]);
  });

  it('退回 takes its reason from the form', async () => {
    const { card, id } = await start();
    await bot.click({ from: 'zhang', value: { a: 'submit', task: id, n: 1 }, messageId: card.id });
    await bot.settle();
    const r = await bot.submit({ from: 'chief', messageId: card.id, button: `reject_${id}_submit`, values: { reject_reason: '数据要更新' } });
    expect(r.body.toast.type).toBe('success');
    await bot.settle();
    expect(await task()).toMatchObject({ state: 'in_progress', returnCount: 1, returned: { reason: '数据要更新' } });
  });
});
