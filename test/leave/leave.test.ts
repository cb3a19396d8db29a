/**
 * Leave pauses chasing (SPEC §4): Lark's leave approval events through the real webhook (1.0
 * callbacks, signed and encrypted), /请假 and /销假 through messages, and the chase job (runJob
 * and `npm run job -- chase --now …`) against the fake Lark. While someone is away nothing
 * reaches them: their deputy gets the reminders, acting for them; a revert resumes them; the
 * briefing of what waits goes out once, at the first working morning back, suggesting 延期 where
 * a deadline fell during the leave.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { leaveApprovalRevertEvent, leaveApprovalV1Event, leaveApprovalV2Event } from '../../bot/sandbox/fake-lark/events.js';
import type { FakeMessage } from '../../bot/sandbox/fake-lark/server.js';
import { runJob } from '../../schedules/jobs.js';
import { GROUP, PEOPLE, runJobCommand, TENANT, testBot, type TestBot } from '../helpers/app.js';

const CODE = '7C468A54-8745-2245-9675-08B7C63E7A85';
let bot: TestBot;
afterEach(async () => {
  await bot?.close();
});

const since = (n: number) => bot.fake.messages.slice(n);
const text = (m: FakeMessage) => bot.fake.textOf(m);
const p2p = (who: keyof typeof PEOPLE) => bot.fake.p2pChatOf(PEOPLE[who].openId);
const at = (who: keyof typeof PEOPLE) => `<at user_id="${PEOPLE[who].openId}"></at>`;

async function chase(iso: string): Promise<void> {
  bot.setNow(iso);
  await runJob(bot.deps, 'chase', new Date(iso));
  await bot.settle();
}

async function say(from: keyof typeof PEOPLE, t: string, mention: Array<keyof typeof PEOPLE> = [], chatType: 'group' | 'p2p' = 'group'): Promise<string> {
  const n = bot.fake.messages.length;
  const { res } = await bot.say({ from, text: t, mention, ...(chatType === 'p2p' ? { chatType, chatId: p2p(from) } : {}) });
  expect(res.status).toBe(200);
  await bot.settle();
  return since(n).map(text).join('\n');
}

describe('leave', () => {
  it('a leave approval routes the reminders to the deputy; its revert resumes them', async () => {
    bot = await testBot({ now: '2026-11-30T10:00:00+08:00' }); // a Monday
    bot.fake.addApprovalDefinition(CODE);
    await say('leader', '/设置 督办领导 @王主任', ['leader']);
    expect(await say('leader', `/设置 请假审批 ${CODE}`)).toContain(`已订阅请假审批 ${CODE}`);
    expect(bot.fake.approvalSubscriptions.has(CODE)).toBe(true);
    // Named again: Lark answers 1390007 "subscription existed", which is what was asked. An
    // unknown code is 1390002 "approval code not found", said in the answer.
    expect(await say('leader', `/设置 请假审批 ${CODE}`)).toContain(`已订阅请假审批 ${CODE}`);
    expect(await say('leader', '/设置 请假审批 0000-AAAA')).toContain('请假审批 0000-AAAA 订阅失败（1390002）');
    expect(bot.fake.calls.filter((c) => c.path.endsWith('/subscribe')).map((c) => c.status)).toEqual([200, 400, 400]);
    // 张三 names a standing deputy in p2p.
    expect(await say('zhang', '/设置 代理人 @赵六', ['zhao'], 'p2p')).toContain('由 赵六 代为接收提醒');
    await say('chief', '/交办 @张三 整理档案 截止 2026-12-01 18:00', ['zhang']);

    // Lark's approval app: both the old event and V2 arrive (same instance); only V2 is read.
    const leave = { approvalCode: CODE, instanceCode: 'CEF48CEE-CEF4-45C9-1234-DCBF8BEC1234', openId: PEOPLE.zhang.openId, tenantKey: TENANT };
    const times = { start: '2026-12-02 00:00:00', end: '2026-12-05 00:00:00', time: bot.clock.now() };
    let n = bot.fake.messages.length;
    expect((await bot.post(leaveApprovalV1Event({ ...leave, ...times }))).status).toBe(200);
    const v2 = leaveApprovalV2Event({ ...leave, ...times });
    expect((await bot.post(v2)).status).toBe(200);
    expect((await bot.post(v2)).status).toBe(200); // Lark's retry: the same uuid, once
    await bot.settle();
    const notices = since(n).filter((m) => m.chatId === p2p('zhang'));
    expect(notices).toHaveLength(1);
    expect(text(notices[0]!)).toContain('12月2日 至 12月4日');
    expect(text(notices[0]!)).toContain('提醒转给代理人 赵六');

    // Wednesday, overdue day 1, 张三 away: the group 催办 mentions 赵六 for 张三, nothing reaches 张三.
    n = bot.fake.messages.length;
    await chase('2026-12-02T09:30:00+08:00');
    const wed = since(n);
    const group = wed.filter((m) => m.chatId === GROUP);
    expect(group).toHaveLength(1);
    expect(text(group[0]!)).toContain(at('zhao'));
    expect(text(group[0]!)).not.toContain(at('zhang'));
    expect(text(group[0]!)).toContain('代 张三（请假至 12月4日）');
    expect(wed.filter((m) => m.chatId === p2p('zhang'))).toEqual([]);
    // Cards and lists say so: /查看 and /任务 show 请假至 after 张三's name.
    expect(await say('chief', '/查看 #1')).toContain('张三 · 请假至 12月4日');
    expect(await say('chief', '/任务 本群')).toContain('请假至 12月4日');
    expect(bot.fake.urgents.flatMap((u) => u.userIds)).not.toContain(PEOPLE.zhang.openId);

    // The approval is withdrawn: reminders resume the next slot, 张三 is told once.
    n = bot.fake.messages.length;
    bot.setNow('2026-12-02T15:00:00+08:00');
    expect((await bot.post(leaveApprovalRevertEvent({ ...leave, time: bot.clock.now() }))).status).toBe(200);
    await bot.settle();
    expect(
      since(n)
        .filter((m) => m.chatId === p2p('zhang'))
        .map(text),
    ).toEqual([expect.stringContaining('已撤销')]);
    n = bot.fake.messages.length;
    await chase('2026-12-03T09:30:00+08:00');
    const thu = since(n).filter((m) => m.chatId === GROUP);
    expect(thu).toHaveLength(1);
    expect(text(thu[0]!)).toContain(at('zhang'));
    expect(text(thu[0]!)).not.toContain('请假至');
  });

  it('an event of an approval the office did not name changes nothing', async () => {
    bot = await testBot({ now: '2026-11-30T10:00:00+08:00' });
    await say('chief', '/交办 @张三 整理档案 截止 2026-12-01 18:00', ['zhang']);
    const n = bot.fake.messages.length;
    const other = leaveApprovalV2Event({
      approvalCode: 'AAAA-BBBB',
      instanceCode: 'INST-1',
      openId: PEOPLE.zhang.openId,
      tenantKey: TENANT,
      start: '2026-12-02 00:00:00',
      end: '2026-12-05 00:00:00',
    });
    expect((await bot.post(other)).status).toBe(200);
    await bot.settle();
    await chase('2026-12-02T09:30:00+08:00');
    const group = since(n).filter((m) => m.chatId === GROUP);
    expect(text(group[0]!)).toContain(at('zhang'));
  });

  it('/请假 with a deputy, /销假, and one briefing the first working morning back', async () => {
    bot = await testBot({ now: '2026-11-30T10:00:00+08:00' });
    await say('chief', '/交办 @张三 整理档案 截止 2026-12-02 18:00', ['zhang']);
    await say('chief', '/交办 @张三 报送材料 截止 2026-12-10 18:00', ['zhang']);
    const reply = await say('zhang', '/请假 12月1日-12月3日 @赵六', ['zhao']);
    expect(reply).toContain('张三 12月1日 至 12月3日 请假');
    expect(reply).toContain('提醒转给代理人 赵六');
    // Someone else's leave: only an admin may record it.
    expect(await say('sun', '/请假 @赵六 12月1日', ['zhao'])).toContain('只有本人或群管理员');

    // Thursday: overdue day 1 of #1, 赵六 is chased for 张三.
    let n = bot.fake.messages.length;
    await chase('2026-12-03T09:30:00+08:00');
    expect(text(since(n).find((m) => m.chatId === GROUP)!)).toContain(at('zhao'));
    expect(since(n).filter((m) => m.chatId === p2p('zhang'))).toEqual([]);

    // Friday before 09:30 nothing; then the briefing through the job command, once.
    n = bot.fake.messages.length;
    await chase('2026-12-04T09:05:00+08:00');
    expect(since(n).filter((m) => m.chatId === p2p('zhang'))).toEqual([]);
    const run = await runJobCommand(bot, ['chase', '--now', '2026-12-04T09:35:00+08:00']);
    expect(run.code).toBe(0);
    await runJob(bot.deps, 'deliver', new Date('2026-12-04T09:36:00+08:00'));
    await bot.settle();
    const briefings = since(n).filter((m) => m.chatId === p2p('zhang') && text(m).includes('欢迎回来'));
    expect(briefings).toHaveLength(1);
    const b = text(briefings[0]!);
    expect(b).toContain('#1 整理档案');
    expect(b).toContain('#2 报送材料');
    expect(b).toContain('/延期 #1');
    expect(b).not.toContain('/延期 #2');
    // Deadlines did not move.
    expect((await bot.deps.db.query.tasks.findFirst({ where: (t, { eq }) => eq(t.number, 1) }))!.dueAt!.toISOString()).toBe('2026-12-02T10:00:00.000Z');
    n = bot.fake.messages.length;
    await runJobCommand(bot, ['chase', '--now', '2026-12-04T09:40:00+08:00']);
    await chase('2026-12-07T09:30:00+08:00');
    expect(since(n).filter((m) => text(m).includes('欢迎回来'))).toEqual([]);
  });

  it('/销假 ends the leave at once; the briefing waits for the next working morning', async () => {
    bot = await testBot({ now: '2026-11-30T10:00:00+08:00' });
    await say('chief', '/交办 @张三 整理档案 截止 2026-12-01 18:00', ['zhang']);
    await say('zhang', '/请假 12月1日-12月10日');
    bot.setNow('2026-12-02T14:00:00+08:00');
    expect(await say('zhang', '/销假')).toContain('已销假：张三');
    let n = bot.fake.messages.length;
    await chase('2026-12-02T16:00:00+08:00');
    expect(since(n).filter((m) => text(m).includes('欢迎回来'))).toEqual([]);
    await chase('2026-12-03T09:30:00+08:00');
    expect(since(n).filter((m) => m.chatId === p2p('zhang') && text(m).includes('欢迎回来'))).toHaveLength(1);
    expect(text(since(n).find((m) => m.chatId === GROUP)!)).toContain(at('zhang'));
    n = bot.fake.messages.length;
    expect(await say('zhang', '/销假')).toContain('没有请假记录');
  });

  it("a chat admin sets someone else's deputies in the explicit form only; the reply names whose they are", async () => {
    bot = await testBot({ now: '2026-11-30T10:00:00+08:00' });
    const standing = async () => Object.fromEntries((await bot.deps.db.query.deputies.findMany()).map((r) => [r.userId, r.deputies as string[]]));
    // The plain form is the sender's own, admin (王主任 owns the group) or not.
    expect(await say('leader', '/设置 代理人 @赵六', ['zhao'])).toContain('已设置：王主任请假期间由 赵六 代为接收提醒');
    // Someone else's, said so: 张三's deputies are 赵六 and 孙七.
    expect(await say('leader', '/设置 代理人 @张三 为 @赵六 @孙七', ['zhang', 'zhao', 'sun'])).toContain('已设置：张三请假期间由 赵六、孙七 代为接收提醒');
    // Two people before 为, or 为 with nobody before it: refused with the usage, nothing changes.
    for (const [t, who] of [
      ['/设置 代理人 @张三 @孙七 为 @赵六', ['zhang', 'sun', 'zhao']],
      ['/设置 代理人 为 @赵六', ['zhao']],
      ['/设置 代理人 @张三 为', ['zhang']],
    ] as const) {
      const answer = await say('leader', t, [...who]);
      expect(answer, t).toContain('没看懂设置项');
      expect(answer, t).toContain('/设置 代理人 @张三 为 @甲');
    }
    // Not an admin: refused; nor in p2p, where no group's admins apply.
    expect(await say('sun', '/设置 代理人 @张三 为 @孙七', ['zhang', 'sun'])).toContain('只有本人或群管理员');
    expect(await say('leader', '/设置 代理人 @张三 为 无', ['zhang'], 'p2p')).toContain('只有本人或群管理员');
    expect(await standing()).toEqual({ [PEOPLE.leader.openId]: [PEOPLE.zhao.openId], [PEOPLE.zhang.openId]: [PEOPLE.zhao.openId, PEOPLE.sun.openId] });

    // 张三's leave takes them; clearing them is the same form.
    expect(await say('zhang', '/请假 12月2日-12月4日')).toContain('提醒转给代理人 赵六、孙七');
    expect(await say('leader', '/设置 代理人 @张三 为 无', ['zhang'])).toContain('已清除张三的代理人');
    expect(await standing()).toEqual({ [PEOPLE.leader.openId]: [PEOPLE.zhao.openId] });
  });

  it("in English: /settings deputies for @x: @a, and the plain form stays the sender's own", async () => {
    bot = await testBot({ now: '2026-11-30T10:00:00+08:00', lang: 'en' });
    expect(await say('leader', '/settings deputies for @张三: @赵六', ['zhang', 'zhao'])).toContain('while 张三 is on leave, 赵六 receive the reminders');
    expect(await say('leader', '/settings deputies @孙七', ['sun'])).toContain('while 王主任 is on leave, 孙七 receive the reminders');
    const refused = await say('leader', '/settings deputies @张三 for @赵六', ['zhang', 'zhao']);
    expect(refused).toContain('I could not read the setting');
    expect(refused).toContain('/settings deputies for @x: @a');
  });

  it('the weekly digest names whoever is away with 请假至', async () => {
    bot = await testBot({ now: '2026-11-30T10:00:00+08:00' });
    await say('chief', '/交办 @张三 整理档案 截止 2026-12-01 18:00', ['zhang']);
    await say('zhang', '/请假 12月4日-12月8日');
    const n = bot.fake.messages.length;
    bot.setNow('2026-12-04T16:00:00+08:00');
    await runJob(bot.deps, 'digest', new Date('2026-12-04T16:00:00+08:00'));
    await bot.settle();
    const digest = since(n)
      .filter((m) => m.chatId === GROUP)
      .map(text)
      .join('\n');
    expect(digest).toContain('张三（请假至 12月8日）');
  });
});
