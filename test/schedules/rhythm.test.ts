/**
 * The office's rhythm over three simulated weeks (SPEC §4): 30 tasks in 3 chats assigned
 * through the webhook, worked on, submitted and chased; the chase job runs at every tick of
 * each day (as the cron does, and once as `npm run job -- chase --now …`). Counted on what
 * reaches the fake Lark: at most one message per recipient per slot, at most one 加急 per
 * person per day from the chase, and the rules of who is waited on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeMessage } from '../../bot/sandbox/fake-lark/server.js';
import { runJob } from '../../schedules/jobs.js';
import { GROUP, PEOPLE, runJobCommand, testBot, type TestBot } from '../helpers/app.js';

const CHATS = [GROUP, 'oc_group_rhythm_b', 'oc_group_rhythm_c'];
const ASSIGNEES = ['zhang', 'zhao', 'sun'] as const;
/** Every tick of a day the scenario runs the chase at (local time). */
const TICKS = ['08:55', '09:30', '09:35', '10:05', '11:30', '14:00', '16:00', '16:30', '17:55'];

let bot: TestBot;
const text = (m: FakeMessage) => bot.fake.textOf(m);
const p2pOf = (openId: string) => bot.fake.p2pChatOf(openId);

/** Messages (not patches) each tick sent, by recipient chat; 加急 by person and local day. */
const perSlot = new Map<string, number>();
const buzzPerDay = new Map<string, number>();
const tickMessages: FakeMessage[] = [];

async function tick(iso: string): Promise<FakeMessage[]> {
  const before = bot.fake.messages.length;
  const urgentsBefore = bot.fake.urgents.length;
  bot.setNow(iso);
  await runJob(bot.deps, 'chase', new Date(iso));
  await bot.settle();
  const sent = bot.fake.messages.slice(before);
  for (const m of sent) perSlot.set(`${iso}|${m.chatId}`, (perSlot.get(`${iso}|${m.chatId}`) ?? 0) + 1);
  for (const u of bot.fake.urgents.slice(urgentsBefore)) {
    for (const id of u.userIds) buzzPerDay.set(`${iso.slice(0, 10)}|${id}`, (buzzPerDay.get(`${iso.slice(0, 10)}|${id}`) ?? 0) + 1);
  }
  tickMessages.push(...sent);
  return sent;
}

async function say(from: keyof typeof PEOPLE, t: string, chatId: string, mention: Array<keyof typeof PEOPLE> = []) {
  const { res } = await bot.say({ from, text: t, chatId, mention });
  expect(res.status).toBe(200);
  await bot.settle();
}

const jobCommand = (now: string) => runJobCommand(bot, ['chase', '--now', now]);

/** Local dates from `from` for `days` calendar days. */
function days(from: string, n: number): string[] {
  const out: string[] = [];
  const d = new Date(`${from}T00:00:00Z`);
  for (let i = 0; i < n; i++) {
    out.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}

const taskRow = async (n: number) => (await bot.deps.db.query.tasks.findFirst({ where: (t, { eq }) => eq(t.number, n) }))!;

describe('three weeks of chasing in three chats', () => {
  beforeAll(async () => {
    bot = await testBot({ now: '2026-11-30T09:00:00+08:00' }); // a Monday
    const staff = Object.values(PEOPLE)
      .filter((p) => p.openId !== 'ou_outsider')
      .map((p) => p.openId);
    for (const chatId of CHATS.slice(1)) bot.fake.addChat({ chatId, name: `工作群 ${chatId.slice(-1)}`, ownerId: PEOPLE.leader.openId, members: staff });
    for (const chatId of CHATS) await say('leader', '/设置 督办领导 @王主任', chatId, ['leader']);
    // 30 tasks: ten per chat, deadlines spread over the first two weeks, every fifth one 紧急.
    const dues = [
      '2026-11-30 10:00',
      '2026-12-01 18:00',
      '2026-12-02 18:00',
      '2026-12-03 18:00',
      '2026-12-04 18:00',
      '2026-12-07 18:00',
      '2026-12-09 18:00',
      '2026-12-11 18:00',
      '2026-12-15 18:00',
      '2026-12-31 18:00',
    ];
    for (let i = 0; i < 30; i++) {
      const chatId = CHATS[i % 3]!;
      const who = ASSIGNEES[i % 3]!;
      const due = dues[Math.floor(i / 3)]!;
      await say('chief', `/交办 @${PEOPLE[who].name} 节奏事项${i + 1} 截止 ${due}${i % 5 === 4 ? ' !紧急' : ''}`, chatId, [who]);
    }
    // #1 (due Monday 10:00) is signed for; #4 will be submitted before its deadline.
    await say('zhang', '/签收 #1', CHATS[0]!);
    await say('zhang', '/签收 #4', CHATS[0]!);
  }, 120_000);

  afterAll(async () => {
    await bot?.close();
  });

  it('sends one message per recipient per slot and 加急 at most once per person per day', { timeout: 600_000 }, async () => {
    const card1 = (await taskRow(1)).cardMessageId!;
    // Monday 10:05: #1's deadline (10:00) has passed: its card turns red now, not at the next 09:30.
    await tick('2026-11-30T08:55:00+08:00');
    await tick('2026-11-30T09:30:00+08:00');
    const patchesBefore = bot.fake.patches.length;
    await tick('2026-11-30T10:05:00+08:00');
    const red = bot.fake.patches.slice(patchesBefore).filter((p) => p.messageId === card1);
    expect(red.length).toBeGreaterThan(0);
    expect(JSON.stringify(red.at(-1)!.content)).toContain('🔴');

    // #4 (due Thursday 18:00) is submitted on Wednesday 16:30: the assignee's clock stops.
    bot.setNow('2026-12-02T16:30:00+08:00');
    await say('zhang', '/办结 #4 已完成', CHATS[0]!);
    // Chat C turns 加急 off.
    await say('leader', '/设置 加急 关闭', CHATS[2]!);
    const settingsReply = bot.fake.messages.at(-1)!;
    expect(text(settingsReply)).toContain('加急');

    let sawReviewerReminder = false;
    let sawReviewEscalation = false;
    let jobCommandRan = false;
    for (const day of days('2026-11-30', 21)) {
      for (const at of TICKS) {
        const iso = `${day}T${at}:00+08:00`;
        if (iso <= '2026-11-30T10:05:00+08:00') continue;
        // One tick of the second week runs through the real job command.
        if (!jobCommandRan && day === '2026-12-08' && at === '09:30') {
          const before = bot.fake.messages.length;
          bot.setNow(iso);
          const r = await jobCommand(iso);
          expect(r.code, r.out).toBe(0);
          expect(r.out).toMatch(/claimed \d+/);
          await bot.settle();
          const sent = bot.fake.messages.slice(before);
          for (const m of sent) perSlot.set(`${iso}|${m.chatId}`, (perSlot.get(`${iso}|${m.chatId}`) ?? 0) + 1);
          tickMessages.push(...sent);
          expect(sent.length).toBeGreaterThan(0);
          jobCommandRan = true;
          continue;
        }
        const sent = await tick(iso);
        for (const m of sent) {
          // While 待审核, #4 is nobody's 催办 and its assignee gets nothing about it.
          if (day >= '2026-12-03' && m.chatId === CHATS[0] && text(m).includes('节奏事项4」')) throw new Error(`#4 chased while submitted: ${text(m)}`);
          if (m.chatId === p2pOf(PEOPLE.zhang.openId)) expect(text(m)).not.toContain('#4 节奏事项4');
          // The reviewer: reminded from the next working morning (Thursday 09:30).
          if (m.chatId === p2pOf(PEOPLE.chief.openId) && text(m).includes('#4 节奏事项4') && text(m).includes('待您决定')) {
            if (!sawReviewerReminder) expect(iso).toBe('2026-12-03T09:30:00+08:00');
            sawReviewerReminder = true;
          }
          // After two working days the 督办领导 sees it.
          if (m.chatId === p2pOf(PEOPLE.leader.openId) && text(m).includes('#4 节奏事项4') && text(m).includes('提交办结')) {
            if (!sawReviewEscalation) expect(iso).toBe('2026-12-04T09:30:00+08:00');
            sawReviewEscalation = true;
          }
        }
      }
    }
    expect(jobCommandRan).toBe(true);
    expect(sawReviewerReminder).toBe(true);
    expect(sawReviewEscalation).toBe(true);

    // ≤ 1 message per recipient per slot, and the slots did carry batches of several tasks.
    const worst = Math.max(...perSlot.values());
    expect(worst, [...perSlot].filter(([, n]) => n > 1).join('\n')).toBe(1);
    const groupChases = tickMessages.filter((m) => CHATS.includes(m.chatId) && text(m).includes('逾期第'));
    expect(groupChases.some((m) => (text(m).match(/逾期第/g) ?? []).length >= 3)).toBe(true);
    // Each lead mentioned once per group 催办.
    for (const m of groupChases) {
      for (const p of ASSIGNEES) expect((text(m).match(new RegExp(`<at user_id="${PEOPLE[p].openId}">`, 'g')) ?? []).length).toBeLessThanOrEqual(1);
    }
    // ≤ 1 加急 per person per day from the chase, and there were some.
    expect(Math.max(...buzzPerDay.values())).toBe(1);
    expect(buzzPerDay.size).toBeGreaterThan(0);
    // Chat C said 关闭: no buzz on its group 催办 after that.
    const cChases = tickMessages.filter((m) => m.chatId === CHATS[2] && m.time.getTime() > new Date('2026-12-02T17:00:00+08:00').getTime());
    expect(cChases.length).toBeGreaterThan(0);
    expect(bot.fake.urgents.filter((u) => cChases.some((m) => m.id === u.messageId))).toEqual([]);
  });

  it('lists, lights and /任务 待我审批 show the submitted task as waiting for its reviewer', async () => {
    bot.setNow('2026-12-18T10:00:00+08:00');
    const before = bot.fake.messages.length;
    await say('zhang', '/任务 逾期', CHATS[0]!);
    const overdue = text(bot.fake.messages.slice(before).at(-1)!);
    expect(overdue).not.toContain('节奏事项4');
    // Across the asker's chats: asked in p2p (a group answer shows only that group's tasks).
    const { res } = await bot.say({ from: 'chief', text: '/任务 待我审批', chatType: 'p2p' });
    expect(res.status).toBe(200);
    await bot.settle();
    const review = text(bot.fake.messages.at(-1)!);
    expect(review).toContain('待我审批');
    expect(review).toContain('节奏事项4');
    expect(review).toMatch(/待审核 · 已等待 \d+ 个工作日/);
    await say('zhang', '/list review', CHATS[0]!);
    expect(text(bot.fake.messages.at(-1)!)).not.toContain('节奏事项4');
  });

  it('a 督办 card answers its 催办 button with itself, and shows the one 催办 count /查看 shows', async () => {
    const toLeader = tickMessages.filter((m) => m.chatId === p2pOf(PEOPLE.leader.openId) && text(m).startsWith('督办'));
    expect(toLeader.length).toBeGreaterThan(0);
    const card = toLeader.at(-1)!;
    const values: Array<Record<string, unknown>> = [];
    JSON.stringify(card.content, (_k, v) => {
      if (v && typeof v === 'object' && v.a === 'chase') values.push(v);
      return v;
    });
    const value = values[0]!;
    const task = (await bot.deps.db.query.tasks.findFirst({ where: (t, { eq }) => eq(t.id, value.task as number) }))!;
    // The count on the card is the task's 催办次数 as it was sent.
    const shown = Number(new RegExp(`#${task.number} [^]*?已催办 (\\d+) 次`).exec(text(card))?.[1]);
    const click = await bot.click({ from: 'leader', value, messageId: card.id, chatId: card.chatId });
    expect(click.status).toBe(200);
    await bot.settle();
    const answered = JSON.stringify(click.body);
    expect(answered).toContain('督办');
    expect(answered).not.toContain('签收');
    expect(answered).toContain(`已催办 ${task.chaseCount + 1} 次`);
    expect(shown).toBeLessThanOrEqual(task.chaseCount);
    await say('leader', `/查看 #${task.number}`, CHATS[0]!);
    expect(text(bot.fake.messages.at(-1)!)).toContain(`${task.chaseCount + 1}`);
  });
});
