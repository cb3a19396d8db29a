/**
 * A reply to the group 催办 that lists several tasks (SPEC §3: a reply to the bot's message is
 * progress without a command), through the webhook after the real `npm run job -- chase --now …`:
 * a reply naming #N is progress on that task, a reply from the lead of exactly one listed task
 * is progress on it, anything else gets one short question and changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { botMessageTasks } from '../../db/schema.js';
import { getTaskByNumber } from '../../db/tasks.js';
import { GROUP, TENANT, runJobCommand, testBot, type Person, type TestBot } from '../helpers/app.js';

let bot: TestBot;
let chaseId = '';

async function say(from: Person, text: string, mention: Person[] = []) {
  const { res } = await bot.say({ from, text, mention });
  expect(res.status).toBe(200);
  await bot.settle();
}

/** A plain reply (no @bot) to the group 催办; the bot's answers to it. */
async function reply(from: Person, text: string): Promise<string[]> {
  const before = bot.fake.messages.length;
  const { res } = await bot.say({ from, text, parentId: chaseId, atBot: false });
  expect(res.status).toBe(200);
  await bot.settle();
  return bot.fake.messages
    .slice(before)
    .filter((m) => m.chatId === GROUP && m.msgType === 'text')
    .map((m) => bot.fake.textOf(m));
}

const task = async (n: number) => (await getTaskByNumber(bot.deps.db, TENANT, n))!;

describe('a reply to a group 催办 listing several tasks', () => {
  beforeAll(async () => {
    bot = await testBot({ now: '2026-11-23T10:00:00+08:00' });
    await say('chief', '/交办 @张三 起草年度工作总结 截止 2026-11-24', ['zhang']);
    await say('chief', '/交办 @张三 整理会议纪要 截止 2026-11-24', ['zhang']);
    await say('chief', '/交办 @孙七 核对消防台账 截止 2026-11-24', ['sun']);
    await say('zhang', '/签收 #1');
    await say('zhang', '/签收 #2');
    await say('sun', '/签收 #3');
    bot.setNow('2026-11-25T09:30:00+08:00');
    const r = await runJobCommand(bot, ['chase', '--now', '2026-11-25T09:30:00+08:00']);
    expect(r.code, r.out).toBe(0);
    await bot.settle();
    const chases = bot.fake.messagesTo(GROUP).filter((m) => m.msgType === 'text' && bot.fake.textOf(m).includes('逾期第'));
    expect(chases).toHaveLength(1);
    expect(bot.fake.textOf(chases[0]!)).toMatch(/#1[\s\S]*#2[\s\S]*#3/);
    chaseId = chases[0]!.id;
    bot.setNow('2026-11-25T10:00:00+08:00');
  }, 60_000);
  afterAll(async () => bot?.close());

  it('remembers which tasks the message lists', async () => {
    const rows = await bot.deps.db.select().from(botMessageTasks).where(eq(botMessageTasks.messageId, chaseId));
    expect(rows.map((r) => r.taskId).sort()).toEqual([(await task(1)).id, (await task(2)).id, (await task(3)).id].sort());
  });

  it('from the lead of exactly one listed task: progress on that task', async () => {
    const answers = await reply('sun', '已联系消防大队，周四复查');
    expect(answers.join('\n')).toContain('已记录 #3 的进展');
    expect((await task(3)).assignees[0]!.progress?.text).toBe('已联系消防大队，周四复查');
  });

  it('from the lead of two of them, naming none: one short question, nothing recorded', async () => {
    const events = await bot.deps.db.$client.execute("SELECT count(*) AS n FROM task_events WHERE kind = 'progress'");
    const answers = await reply('zhang', '正在推进');
    expect(answers).toHaveLength(1);
    expect(answers[0]).toContain('请写明是哪一项（#1、#2）');
    expect(answers[0]).toContain('#1 已完成初稿');
    const after = await bot.deps.db.$client.execute("SELECT count(*) AS n FROM task_events WHERE kind = 'progress'");
    expect(after.rows[0]!.n).toBe(events.rows[0]!.n);
    expect((await task(1)).assignees[0]!.progress ?? null).toBeNull();
  });

  it('naming #N: progress on that task, the number left out of the text; "#N 完成" submits it', async () => {
    const answers = await reply('zhang', '#2 纪要初稿已完成50%');
    expect(answers.join('\n')).toContain('已记录 #2 的进展');
    const t2 = await task(2);
    expect(t2.assignees[0]!.progress).toMatchObject({ text: '纪要初稿已完成50%', percent: 50 });
    expect((await task(1)).assignees[0]!.progress ?? null).toBeNull();
    await reply('zhang', '完成 #2');
    expect((await task(2)).state).toBe('submitted');
  });

  it('naming a task the message does not list: asked which, nothing changes', async () => {
    const answers = await reply('zhang', '#7 已办');
    expect(answers).toHaveLength(1);
    expect(answers[0]).toContain('请写明是哪一项');
    expect((await task(1)).state).toBe('in_progress');
  });
});
