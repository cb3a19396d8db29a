/**
 * Nobody approves their own submission: someone who assigned a task to themselves, submitted
 * it and typed /通过 (or clicked 通过) is refused with a sentence that says who reviews it — the
 * 督办领导, or without one the chat's admins — and those can.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { t } from '../../bot/i18n.js';
import { getTaskByNumber } from '../../db/tasks.js';
import { GROUP, PEOPLE, TENANT, testBot, type Person, type TestBot } from '../helpers/app.js';

let bot: TestBot;
afterEach(async () => bot?.close());

async function say(from: Person, text: string, mention: Person[] = []) {
  const r = await bot.say({ from, text, mention });
  expect(r.res.status).toBe(200);
  await bot.settle();
}
const task = async (n: number) => (await getTaskByNumber(bot.deps.db, TENANT, n))!;
const lastReply = () => {
  const texts = bot.fake.messages.filter((m) => m.chatId === GROUP && m.msgType === 'text');
  return String((texts.at(-1)?.content as { text?: string })?.text ?? '');
};

describe('no self-approval', () => {
  it('without a 督办领导 the chat admins review; the assignee who assigned it cannot', async () => {
    bot = await testBot();
    await say('zhang', '/交办 @张三 自己给自己的任务 截止 2026-12-01', ['zhang']);
    await say('zhang', '/签收 #1');
    await say('zhang', '/办结 #1 已完成');
    expect((await task(1)).state).toBe('submitted');
    // The request to review goes to the chat's admin (its owner), not to the one who submitted it.
    const asked = (p: Person) => bot.fake.messagesTo(PEOPLE[p].openId).filter((m) => m.msgType === 'text' && String(m.content.text).includes('#1'));
    expect(asked('leader')).toHaveLength(1);
    expect(asked('zhang')).toHaveLength(0);
    expect(lastReply()).toContain(`<at user_id="${PEOPLE.leader.openId}">`);
    expect(lastReply()).not.toContain(`<at user_id="${PEOPLE.zhang.openId}">`);
    const version = (await task(1)).version;
    await say('zhang', '/通过 #1');
    expect(lastReply()).toBe(t('zh', 'task.refuse.own_submission', { n: 1, verb: t('zh', 'task.verb.approve') }));
    await say('zhang', '/退回 #1 再改改');
    expect((await task(1)).state).toBe('submitted');
    expect((await task(1)).version).toBe(version);
    const click = await bot.click({ from: 'zhang', value: { a: 'approve', task: (await task(1)).id } });
    expect(click.body?.toast?.type).toBe('warning');
    expect((await task(1)).state).toBe('submitted');
    // The chat's owner (an admin) reviews it.
    await say('leader', '/通过 #1');
    expect((await task(1)).state).toBe('done');
  });

  it('with a 督办领导 the leader reviews it; an admin who is not the reviewer cannot', async () => {
    bot = await testBot();
    await say('leader', '/设置 督办领导 @李科长', ['chief']);
    await say('zhang', '/交办 @张三 自己给自己的任务 截止 2026-12-01', ['zhang']);
    await say('zhang', '/办结 #1 已完成');
    await say('zhang', '/通过 #1');
    expect((await task(1)).state).toBe('submitted');
    await say('leader', '/通过 #1');
    expect((await task(1)).state).toBe('submitted');
    await say('chief', '/通过 #1');
    expect((await task(1)).state).toBe('done');
  });

  it('a 交办人 who is not an assignee still approves as before', async () => {
    bot = await testBot();
    await say('chief', '/交办 @张三 起草通知 截止 2026-12-01', ['zhang']);
    await say('zhang', '/办结 #1 已完成');
    await say('chief', '/通过 #1');
    expect((await task(1)).state).toBe('done');
  });
});
