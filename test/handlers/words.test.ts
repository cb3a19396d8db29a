/**
 * Each person's word and what the bot understood, through the real webhook, a real libSQL file
 * and the fake Lark: a deadline phrase without 截止, the new task's card saying what was read,
 * progress kept per person, the returned card's reason, an extension request that lapsed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import { taskEvents } from '../../db/schema.js';
import { getTaskByNumber } from '../../db/tasks.js';
import { GROUP, PEOPLE, TENANT, testBot, type Person, type TestBot } from '../helpers/app.js';

let bot: TestBot;
afterEach(async () => bot?.close());

/** Monday 2026-11-23, 10:00 in the office. */
const MONDAY = '2026-11-23T10:00:00+08:00';

async function say(from: Person, text: string, mention: Person[] = [], extra: Record<string, unknown> = {}) {
  const r = await bot.say({ from, text, mention, ...extra });
  expect(r.res.status).toBe(200);
  await bot.settle();
  return r;
}

async function task(n = 1) {
  const t = await getTaskByNumber(bot.deps.db, TENANT, n);
  if (!t) throw new Error(`no task #${n}`);
  return t;
}

/** The group card of task #n as it reads now (PATCHes applied). */
function groupCardText(n = 1): string {
  const card = bot.fake.messagesTo(GROUP).find((m) => m.msgType === 'interactive' && JSON.stringify(m.sentContent).includes(`#${n}`));
  if (!card) throw new Error(`no card for #${n}`);
  return bot.fake.cardText(card).replace(/\*\*/g, '');
}

/** The newest text message in the group. */
function lastGroupText(): string {
  const texts = bot.fake.messagesTo(GROUP).filter((m) => m.msgType === 'text');
  return texts.length ? bot.fake.textOf(texts[texts.length - 1]!) : '';
}

describe('a new task says what was understood', () => {
  it('reads a deadline phrase without 截止 and shows weekday, working days left, 主办/协办, category and source', async () => {
    bot = await testBot({ now: MONDAY });
    await say('chief', '/交办 @张三 @赵六 梳理重点项目清单，3个工作日内办结 #专项 来源 市政办发〔2026〕12号', ['zhang', 'zhao']);
    const t = await task();
    expect(t.title).toBe('梳理重点项目清单');
    expect(t.dueAt).toEqual(new Date('2026-11-26T18:00:00+08:00'));
    const card = groupCardText();
    expect(card).toContain('11月26日（周四） 18:00');
    expect(card).toContain('还剩 3 个工作日');
    expect(card).toContain('主办：张三');
    expect(card).toContain('协办：赵六');
    expect(card).toContain('类别：专项督查');
    expect(card).toContain('来源：市政办发〔2026〕12号');
  });

  it('an invalid time creates nothing and answers with the usage', async () => {
    bot = await testBot({ now: MONDAY });
    await say('chief', '/交办 @张三 起草民生实事进度 截止 明天25点', ['zhang']);
    expect(await getTaskByNumber(bot.deps.db, TENANT, 1)).toBeNull();
    const answer = bot.fake.messagesTo(GROUP).at(-1)!;
    expect(bot.fake.textOf(answer)).toContain('明天25点');
    expect(bot.fake.textOf(answer)).toContain('/交办');
  });

  it('no deadline says 未设时限 and how to set one; a deadline on a holiday is kept and flagged', async () => {
    bot = await testBot({ now: '2026-09-28T10:00:00+08:00' });
    await say('chief', '/交办 @张三 整理档案', ['zhang']);
    expect(groupCardText(1)).toMatch(/未设时限（如需时限，发送 \/改期 #1 周五；交办时也可写“截止 周五”/);
    // 2026-10-03 is in the National Day holiday: kept as written, flagged, no working day left.
    await say('chief', '/交办 @张三 报送国庆值班表 截止 10月3日', ['zhang']);
    expect((await task(2)).dueAt).toEqual(new Date('2026-10-03T18:00:00+08:00'));
    const card = groupCardText(2);
    expect(card).toContain('10月3日（周六） 18:00（非工作日）');
  });
});

describe('each person keeps their own word', () => {
  it('the lead’s progress with its percent and a co-assignee’s, each with a name, on the card and in /查看', async () => {
    bot = await testBot({ now: MONDAY });
    await say('chief', '/交办 @张三 @赵六 起草年度工作总结 截止 2026-12-01', ['zhang', 'zhao']);
    await say('zhang', '/进展 #1 50%，卡在审批');
    bot.setNow('2026-11-23T11:00:00+08:00');
    await say('zhao', '/进展 #1 协办部分数据已收集完毕');
    const t = await task();
    expect(t.assignees.map((a) => [a.userId, a.progress?.text, a.progress?.percent])).toEqual([
      [PEOPLE.zhang.openId, '50%，卡在审批', 50],
      [PEOPLE.zhao.openId, '协办部分数据已收集完毕', null],
    ]);
    const card = groupCardText();
    expect(card).toContain('张三（主办 · 50% · 11月23日 10:00）：50%，卡在审批');
    expect(card).toContain('赵六（协办 · 11月23日 11:00）：协办部分数据已收集完毕');
    // The lead's percent never sits on the co-assignee's text.
    expect(card).not.toMatch(/50%[^\n]*协办部分/);

    await say('chief', '/查看 #1');
    const detail = bot.fake
      .messagesTo(GROUP)
      .filter((m) => m.msgType === 'interactive')
      .at(-1)!;
    const text = bot.fake.cardText(detail).replace(/\*\*/g, '');
    expect(text).toContain('张三（主办 · 50%');
    expect(text).toContain('赵六（协办');
  });

  it('a returned card shows the reason and who returned it, until the next submission', async () => {
    bot = await testBot({ now: MONDAY });
    await say('chief', '/交办 @张三 起草年度工作总结 截止 2026-12-01', ['zhang']);
    await say('zhang', '/办结 #1 初稿已完成');
    await say('chief', '/退回 #1 数据需要核实');
    expect((await task()).returned).toMatchObject({ reason: '数据需要核实', by: PEOPLE.chief.openId });
    expect(groupCardText()).toContain('退回：李科长 于 11月23日 10:00 退回，原因：数据需要核实');
    await say('zhang', '/办结 #1 已核实');
    expect((await task()).returned).toBeNull();
    expect(groupCardText()).not.toContain('数据需要核实');
  });
});

describe('extensions are checked when decided', () => {
  it('a request whose date has passed lapses: "expired, ask again", the deadline unchanged', async () => {
    bot = await testBot({ now: MONDAY });
    await say('chief', '/交办 @张三 起草年度工作总结 截止 2026-11-25', ['zhang']);
    await say('zhang', '/延期 #1 11月27日 材料未齐');
    expect((await task()).pendingExtension?.dueAt).toEqual(new Date('2026-11-27T18:00:00+08:00'));
    // The leader decides only on the Monday after.
    bot.setNow('2026-11-30T09:00:00+08:00');
    await say('chief', '/同意延期 #1');
    const t = await task();
    expect(t.pendingExtension).toBeNull();
    expect(t.dueAt).toEqual(new Date('2026-11-25T18:00:00+08:00'));
    expect(t.extensionCount).toBe(0);
    expect(lastGroupText()).toContain('已过期');
    expect(lastGroupText()).toContain('重新申请');
    const kinds = (await bot.deps.db.select({ kind: taskEvents.kind }).from(taskEvents).where(eq(taskEvents.taskId, t.id)).orderBy(asc(taskEvents.seq))).map(
      (e) => e.kind,
    );
    expect(kinds.at(-1)).toBe('extension_expired');
    // Asking again works; the approval says on-time is judged on the original deadline.
    await say('zhang', '/延期 #1 12月4日 材料未齐');
    await say('chief', '/同意延期 #1');
    expect((await task()).dueAt).toEqual(new Date('2026-12-04T18:00:00+08:00'));
    expect(lastGroupText()).toContain('仍以原时限');
  });

  it('a request not later than the current deadline is refused at request', async () => {
    bot = await testBot({ now: MONDAY });
    await say('chief', '/交办 @张三 起草年度工作总结 截止 2026-12-01', ['zhang']);
    await say('zhang', '/延期 #1 11月30日 材料未齐');
    expect((await task()).pendingExtension).toBeNull();
  });
});

describe('the ledger is the office’s record', () => {
  it('December’s ledger holds the overdue work assigned on 11-30, and its 事件日志 reads as an office writes', async () => {
    const ExcelJS = (await import('exceljs')).default;
    bot = await testBot({ now: '2026-11-30T10:00:00+08:00' });
    await say('leader', '/交办 @张三 @赵六 排查消防通道 截止 2026-12-01 !紧急 #民生 来源 安委办〔2026〕3号', ['zhang', 'zhao']);
    await say('leader', '/交办 @孙七 清理积案 截止 2026-12-02', ['sun']);
    await say('zhang', '/进展 #1 50%，卡在审批');
    await say('zhang', '/延期 #1 12月4日 材料未齐');
    // Two months on, both still open and overdue: the month's ledger has them.
    bot.setNow('2027-02-20T10:00:00+08:00');
    await say('leader', '/台账 本月');
    const said = bot.fake.messagesTo(GROUP).map((m) => bot.fake.textOf(m));
    expect(said.some((t) => t.includes('正在生成督查台账（2 项）'))).toBe(true);
    expect(bot.fake.files).toHaveLength(1);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(bot.fake.files[0]!.bytes) as unknown as ArrayBuffer);
    const main = wb.getWorksheet('督查台账')!;
    expect(String(main.getRow(2).getCell(13).value)).toBe('张三（主办 50%）：50%，卡在审批');
    const log = wb.getWorksheet('事件日志')!;
    const rows = [];
    for (let r = 2; r <= log.rowCount; r++) rows.push((log.getRow(r).values as unknown[]).slice(1));
    const assigned = rows.find((r) => r[0] === '#1' && r[3] === '交办')!;
    expect(assigned[2]).toEqual(new Date('2026-11-30T10:00:00Z')); // 10:00 in Beijing, as the office reads it
    expect(assigned[4]).toBe('王主任');
    expect(assigned[5]).toBe('事项 排查消防通道；主办 张三；协办 赵六；时限 2026-12-01 18:00；紧急程度 紧急；类别 民生督查；来源 安委办〔2026〕3号');
    const ext = rows.find((r) => r[0] === '#1' && r[3] === '申请延期')!;
    expect(ext[4]).toBe('张三');
    expect(ext[5]).toBe('申请延至 2026-12-04 18:00；原时限 2026-12-01 18:00；理由：材料未齐');
    for (const r of rows) {
      expect(String(r[5])).not.toMatch(/ou_|number: |Z$/);
      expect(String(r[6])).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('a member who may not export is told so, not "台账为空"', async () => {
    bot = await testBot({ now: MONDAY });
    await say('zhang', '/台账');
    expect(bot.fake.textOf(bot.fake.messagesTo(GROUP).at(-1)!)).toBe('只有交办人、督办领导或群管理员可以导出台账。');
    await bot.say({ from: 'zhang', text: '/台账 本月', chatType: 'p2p' });
    await bot.settle();
    const p2p = bot.fake.messagesTo(PEOPLE.zhang.openId).at(-1)!;
    expect(bot.fake.textOf(p2p)).toContain('你还没有交办或督办过事项');
  });
});

describe('words', () => {
  it('a due-soon reminder at 09:30 for a 10:00 deadline does not say “about 2 hours left”', async () => {
    const { runJob } = await import('../../schedules/jobs.js');
    bot = await testBot({ now: MONDAY });
    await say('chief', '/交办 @张三 报送值班表 截止 2026-11-24 10:00', ['zhang']);
    await say('zhang', '/签收 #1');
    const before = bot.fake.messagesTo(PEOPLE.zhang.openId).length;
    // The 2-hours-before slot is 08:00, before working hours: it goes out at 09:30, half an hour before.
    bot.setNow('2026-11-24T09:30:00+08:00');
    await runJob(bot.deps, 'chase', new Date('2026-11-24T09:30:00+08:00'));
    await bot.settle();
    const soon = bot.fake
      .messagesTo(PEOPLE.zhang.openId)
      .slice(before)
      .map((m) => bot.fake.textOf(m))
      .find((t) => t.includes('即将到期'));
    // The reminder names the due time itself; no "about 2 hours left" copied from the slot.
    expect(soon).toContain('10:00');
    expect(soon).not.toMatch(/2 ?小时/);
  });

  it('/周报 订阅 states the day and time the digest comes', async () => {
    bot = await testBot({ now: MONDAY });
    await bot.say({ from: 'leader', text: '/周报 订阅', chatType: 'p2p' });
    await bot.settle();
    expect(bot.fake.textOf(bot.fake.messagesTo(PEOPLE.leader.openId).at(-1)!)).toContain('每周五 16:00 发给您');
  });
});

describe('names and English', () => {
  it('after a scheduled redraw the card still names the 督办领导; only the assignees are mentioned', async () => {
    const { runJob } = await import('../../schedules/jobs.js');
    bot = await testBot({ now: MONDAY });
    await say('leader', '/设置 督办领导 @王主任', ['leader']);
    await say('chief', '/交办 @张三 起草年度工作总结 截止 2026-11-24', ['zhang']);
    // Wednesday 09:30: overdue, the chase job redraws the card.
    bot.setNow('2026-11-25T09:30:00+08:00');
    await runJob(bot.deps, 'chase', new Date('2026-11-25T09:30:00+08:00'));
    await bot.settle();
    const card = bot.fake.messagesTo(GROUP).find((m) => m.msgType === 'interactive' && JSON.stringify(m.sentContent).includes('#1'))!;
    expect(bot.fake.patches.some((p) => p.messageId === card.id)).toBe(true);
    const json = JSON.stringify(card.content);
    expect(bot.fake.cardText(card)).toContain('督办领导**：王主任');
    expect(json).not.toContain(`<at id=${PEOPLE.leader.openId}>`);
    expect(json).not.toContain(`<at id=${PEOPLE.chief.openId}>`);
    expect(json).toContain(`<at id=${PEOPLE.zhang.openId}>`);
  });

  it('English cards use ASCII punctuation, "1 working day" and "Red (overdue)"', async () => {
    bot = await testBot({ now: MONDAY, lang: 'en' });
    await say('chief', '/assign @张三 @赵六 Check the fire exits in 1 workday #special source Memo 3', ['zhang', 'zhao']);
    const text = groupCardText();
    expect(text).toContain('Due: Tue 24 Nov 18:00 · 1 working day left');
    expect(text).toContain('Co-assignees: 赵六');
    expect(text).not.toMatch(/[：（）　]/);
    bot.setNow('2026-11-25T10:00:00+08:00');
    await say('chief', '/show 1');
    const detail = bot.fake
      .messagesTo(GROUP)
      .filter((m) => m.msgType === 'interactive')
      .at(-1)!;
    const shown = bot.fake.cardText(detail).replace(/\*\*/g, '');
    expect(shown).toContain('🔴 Red (overdue)');
    expect(shown).toContain('overdue by 1 working day');
    expect(shown).not.toMatch(/[：（）　]/);
  });
});
