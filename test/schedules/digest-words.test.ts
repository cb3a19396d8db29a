/**
 * The digests show who is being waited on and each person's word, through the webhook and the
 * real `npm run job -- digest --now …` process: a submitted task is listed as waiting for its
 * reviewer with the working days waited (group summary and the leader's 待审核 item), and an
 * overdue task carries the lead's latest word with its percent and a co-assignee's, each named.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GROUP, PEOPLE, runJobCommand, testBot, type Person, type TestBot } from '../helpers/app.js';

let bot: TestBot;

async function say(from: Person, text: string, mention: Person[] = [], chatType: 'group' | 'p2p' = 'group') {
  const { res } = await bot.say({ from, text, mention, chatType, ...(chatType === 'p2p' ? { chatId: bot.fake.p2pChatOf(PEOPLE[from].openId) } : {}) });
  expect(res.status).toBe(200);
  await bot.settle();
}

const cards = (to: string) => bot.fake.messagesTo(to).filter((m) => m.msgType === 'interactive');

describe('digests: waiting for the reviewer, each person’s word', () => {
  let summary = '';
  let leaderCard = '';
  beforeAll(async () => {
    bot = await testBot({ now: '2026-11-30T10:00:00+08:00' }); // Monday
    await say('leader', '/设置 督办领导 @王主任', ['leader']);
    await say('leader', '/周报 订阅', [], 'p2p');
    await say('chief', '/交办 @张三 @赵六 起草年度工作总结 截止 2026-12-01', ['zhang', 'zhao']);
    await say('chief', '/交办 @孙七 核对消防台账 截止 2026-12-09', ['sun']);
    await say('chief', '/交办 @赵六 报送安全检查材料 截止 2026-12-02', ['zhao']);
    await say('zhang', '/进展 #1 50%，卡在审批');
    await say('zhao', '/进展 #1 协办部分数据已收集完毕');
    bot.setNow('2026-12-01T10:00:00+08:00');
    await say('sun', '/办结 #2 台账已核对');
    bot.setNow('2026-12-03T10:00:00+08:00');
    await say('zhao', '/办结 #3 材料已报送');
    // Friday 16:00, the digest time.
    bot.setNow('2026-12-04T16:00:00+08:00');
    const before = { group: cards(GROUP).length, leader: cards(PEOPLE.leader.openId).length };
    const r = await runJobCommand(bot, ['digest', '--now', '2026-12-04T16:00:00+08:00']);
    expect(r.code, r.out).toBe(0);
    await bot.settle();
    const group = cards(GROUP).slice(before.group);
    const leader = cards(PEOPLE.leader.openId).slice(before.leader);
    expect(group).toHaveLength(1);
    expect(leader).toHaveLength(1);
    summary = bot.fake.cardText(group[0]!).replace(/\*\*/g, '');
    leaderCard = bot.fake.cardText(leader[0]!).replace(/\*\*/g, '');
  }, 120_000);
  afterAll(async () => bot?.close());

  it('the group summary lists the submission as waiting for review, with the working days waited, and not as overdue', () => {
    expect(summary).toContain('📝 待审核（2）');
    expect(summary).toContain('#2 核对消防台账 · 主办 孙七 · 已等待审核 3 个工作日');
    expect(summary).toContain('🔴 逾期事项（1）');
    expect(summary).not.toMatch(/#2 核对消防台账[^\n]*逾期/);
  });

  it('the leader’s 待审核 item says how long it has waited; a late submission is not offered for 催办', () => {
    expect(leaderCard).toContain('📝 待审核 #2 核对消防台账 · 孙七 已提交办结，已等待 3 个工作日');
    expect(leaderCard).toContain('📝 待审核 #3 报送安全检查材料 · 赵六 已提交办结，已等待 1 个工作日');
    expect(leaderCard).not.toMatch(/新逾期 #3/);
  });

  it('an overdue task carries each person’s latest word, the lead’s with its percent, each with a name', () => {
    const line = '最新进展：张三（主办 50%）：50%，卡在审批；赵六（协办）：协办部分数据已收集完毕';
    expect(summary).toContain(line);
    expect(leaderCard).toContain(line);
  });
});
