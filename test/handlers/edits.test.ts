/**
 * Edits of a task through the real webhook, a real libSQL file and the strict fake Lark:
 * /改期 before and after the deadline, /转办, /加协办, /减协办, /修改 — each a hash-chained event,
 * shown on the cards and in the 台账's event sheet — and every bad input answered with a
 * sentence while nothing changes.
 */
import ExcelJS from 'exceljs';
import { afterEach, describe, expect, it } from 'vitest';
import { asc, desc, eq } from 'drizzle-orm';
import { verifyChain } from '../../bot/domain/chain.js';
import { outbox, taskEvents } from '../../db/schema.js';
import { getTaskByNumber } from '../../db/tasks.js';
import { GROUP, PEOPLE, TENANT, testBot, type Person, type TestBot } from '../helpers/app.js';

let bot: TestBot;
afterEach(async () => bot?.close());

const MONDAY = '2026-11-23T10:00:00+08:00';

async function say(from: Person, text: string, mention: Person[] = []) {
  const r = await bot.say({ from, text, mention });
  expect(r.res.status).toBe(200);
  await bot.settle();
  return r;
}

async function task(n = 1) {
  const t = await getTaskByNumber(bot.deps.db, TENANT, n);
  if (!t) throw new Error(`no task #${n}`);
  return t;
}

const events = async (taskId: number) => bot.deps.db.select().from(taskEvents).where(eq(taskEvents.taskId, taskId)).orderBy(asc(taskEvents.seq));

/** The newest text the bot queued for the group (a reply or a message). */
async function lastText(): Promise<string> {
  const rows = await bot.deps.db.select({ body: outbox.body }).from(outbox).orderBy(desc(outbox.id));
  for (const r of rows) {
    const m = JSON.parse(r.body);
    if ((m.kind === 'reply' && m.chatId === GROUP) || (m.kind === 'send' && m.to.id === GROUP && m.msgType === 'text')) return String(m.content.text);
  }
  return '';
}

/** The current content of the group card of #n, as the fake holds it after its patches. */
function groupCardText(n = 1): string {
  const card = bot.fake.messagesTo(GROUP).find((m) => m.msgType === 'interactive' && JSON.stringify(m.sentContent).includes(`#${n}`));
  if (!card) throw new Error(`no card for #${n}`);
  return bot.fake.cardText(card);
}

/** The current content of a person's newest p2p card. */
function p2pCardText(p: Person): string {
  const cards = bot.fake.messagesTo(PEOPLE[p].openId).filter((m) => m.msgType === 'interactive');
  return cards.length ? bot.fake.cardText(cards[cards.length - 1]!) : '';
}

async function assign() {
  bot = await testBot({ now: MONDAY });
  await say('chief', '/交办 @张三 @赵六 起草年度工作总结 截止 2026-11-27', ['zhang', 'zhao']);
  return task(1);
}

describe('/改期', () => {
  it('before the deadline moves the basis for on-time, and says the new deadline with its weekday and working days left', async () => {
    const t0 = await assign();
    await say('chief', '/改期 #1 2026-12-02 等统计数据');
    const t1 = await task(1);
    const due = new Date('2026-12-02T18:00:00+08:00');
    expect(t1.dueAt).toEqual(due);
    expect(t1.originalDueAt).toEqual(due);
    expect(t1.extensionCount).toBe(0);
    expect(t1.version).toBe(t0.version + 1);
    const reply = await lastText();
    expect(reply).toContain('#1「起草年度工作总结」时限改为 12月2日（周三） 18:00');
    expect(reply).toMatch(/还剩 \d+ 个工作日/);
    expect(reply).toContain('是否按时以新时限为准');
    expect(reply).toContain('等统计数据');
    const log = await events(t1.id);
    expect(log.map((e) => e.kind)).toEqual(['assigned', 'due_changed']);
    expect(JSON.parse(log[1]!.payload)).toMatchObject({ dueAt: due.toISOString(), previousDueAt: new Date('2026-11-27T18:00:00+08:00').toISOString() });
    // The card shows the new deadline and the change.
    const card = groupCardText();
    expect(card).toContain('12月2日（周三） 18:00');
    expect(card).toContain('最近变更');
    expect(card).toContain('改期');
    expect(p2pCardText('zhang')).toContain('最近变更');
  });

  it('after the deadline counts as an approved extension; on time is still judged against the missed deadline', async () => {
    await assign();
    bot.setNow('2026-11-30T10:00:00+08:00'); // Monday after the Friday deadline
    await say('leader', '/设置 督办领导 @王主任', ['leader']);
    await say('leader', '/改期 #1 12月3日');
    const t1 = await task(1);
    expect(t1.dueAt).toEqual(new Date('2026-12-03T18:00:00+08:00'));
    expect(t1.originalDueAt).toEqual(new Date('2026-11-27T18:00:00+08:00'));
    expect(t1.extensionCount).toBe(1);
    const reply = await lastText();
    expect(reply).toContain('已逾期，时限改为 12月3日（周四） 18:00');
    expect(reply).toContain('计为批准延期一次');
    expect(reply).toContain('原时限 11月27日（周五） 18:00');
    const log = await events(t1.id);
    expect(log.at(-1)!.kind).toBe('extension_approved');
    expect(JSON.parse(log.at(-1)!.payload)).toMatchObject({ rescheduled: true, requestedBy: PEOPLE.leader.openId });
    expect(groupCardText()).toContain('逾期改期（计为延期）');
  });
});

describe('/转办', () => {
  it('moves the task to the new lead: they are told in the chat and get the p2p card; the old lead’s card says it moved', async () => {
    await assign();
    await say('zhang', '/签收 #1');
    expect(p2pCardText('zhang')).toContain('签收');
    await say('chief', '/转办 #1 @孙七 张三借调', ['sun']);
    const t1 = await task(1);
    expect(t1.assignees.map((a) => [a.userId, a.role, a.acceptedAt])).toEqual([
      [PEOPLE.sun.openId, 'lead', null],
      [PEOPLE.zhao.openId, 'co', null],
    ]);
    const reply = await lastText();
    expect(reply).toContain(`<at user_id="${PEOPLE.sun.openId}">`);
    expect(reply).toContain('改由');
    expect(reply).toContain('张三借调');
    // The new lead's own card, with the buttons an assignee uses.
    const sunCards = bot.fake.messagesTo(PEOPLE.sun.openId).filter((m) => m.msgType === 'interactive');
    expect(sunCards).toHaveLength(1);
    expect(bot.fake.cardText(sunCards[0]!)).toContain('起草年度工作总结');
    expect(JSON.stringify(sunCards[0]!.content)).toContain('"a":"submit"');
    // The old lead's card: a note, no buttons.
    const zhangCards = bot.fake.messagesTo(PEOPLE.zhang.openId).filter((m) => m.msgType === 'interactive');
    expect(zhangCards).toHaveLength(1);
    expect(bot.fake.cardText(zhangCards[0]!)).toContain('你无需再办理');
    expect(JSON.stringify(zhangCards[0]!.content)).not.toContain('"a":"submit"');
    const log = await events(t1.id);
    expect(log.at(-1)!.kind).toBe('reassigned');
    expect(JSON.parse(log.at(-1)!.payload)).toMatchObject({ from: PEOPLE.zhang.openId, to: PEOPLE.sun.openId, reason: '张三借调' });
    // The new lead signs for it like anyone else; the old one can no longer act.
    await say('zhang', '/进展 #1 还在写');
    expect(await lastText()).toContain('只有承办人');
    await say('sun', '/签收 #1');
    expect((await task(1)).assignees[0]!.acceptedAt).not.toBeNull();
  });

  it('to a co-assignee makes them the lead, once', async () => {
    await assign();
    await say('chief', '/reassign #1 @赵六', ['zhao']);
    expect((await task(1)).assignees.map((a) => [a.userId, a.role])).toEqual([[PEOPLE.zhao.openId, 'lead']]);
  });
});

describe('/加协办 /减协办 /修改', () => {
  it('adds and removes co-assignees and edits title and detail, each shown on the card and in the 台账', async () => {
    await assign();
    await say('chief', '/加协办 #1 @孙七 @李科长', ['sun', 'chief']);
    expect((await task(1)).assignees.map((a) => a.userId)).toEqual([PEOPLE.zhang.openId, PEOPLE.zhao.openId, PEOPLE.sun.openId, PEOPLE.chief.openId]);
    expect(bot.fake.messagesTo(PEOPLE.sun.openId).filter((m) => m.msgType === 'interactive')).toHaveLength(1);
    expect(await lastText()).toContain('加为 #1「起草年度工作总结」的协办');

    await say('chief', '/减协办 #1 @赵六', ['zhao']);
    expect((await task(1)).assignees.map((a) => a.userId)).toEqual([PEOPLE.zhang.openId, PEOPLE.sun.openId, PEOPLE.chief.openId]);
    expect(p2pCardText('zhao')).toContain('你无需再办理');

    await say('chief', '/修改 #1 标题 起草2026年度工作总结');
    expect((await task(1)).title).toBe('起草2026年度工作总结');
    expect(await lastText()).toContain('标题改为「起草2026年度工作总结」（原为「起草年度工作总结」）');
    await say('chief', '/edit #1 detail 按办公厅模板，3000字以内');
    expect((await task(1)).detail).toBe('按办公厅模板，3000字以内');
    expect(groupCardText()).toContain('按办公厅模板，3000字以内');
    expect(groupCardText()).toContain('#1 起草2026年度工作总结');

    const t1 = await task(1);
    const log = await events(t1.id);
    expect(log.map((e) => e.kind)).toEqual(['assigned', 'co_added', 'co_removed', 'edited', 'edited']);
    expect(verifyChain(log)).toBeNull();

    // The 台账's event sheet words each edit.
    await say('chief', '/台账 全部');
    const file = bot.fake.files.at(-1)!;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(file.bytes) as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('事件日志')!;
    const rows = Array.from({ length: sheet.rowCount - 1 }, (_, i) => (sheet.getRow(i + 2).values as unknown[]).slice(1).map(String));
    const kinds = rows.map((r) => r[3]);
    expect(kinds).toEqual(['交办', '加协办', '减协办', '修改', '修改']);
    expect(rows[1]!.join(' ')).toContain('加协办 孙七、李科长');
    expect(rows[3]!.join(' ')).toContain('原为 起草年度工作总结');
    const ledger = wb.getWorksheet('督查台账')!;
    expect((ledger.getRow(2).values as unknown[]).slice(1, 9)).toEqual([
      1,
      '#1',
      '起草2026年度工作总结',
      undefined,
      undefined,
      '李科长',
      '张三',
      '孙七、李科长',
    ]);
  });
});

describe('bad input: a short specific answer, nothing changes', () => {
  const cases: Array<[string, Person, string, Person[], RegExp]> = [
    ['unknown task', 'chief', '/改期 #99 周五', [], /#99/],
    ['not permitted', 'zhang', '/改期 #1 12月4日', [], /只有交办人或督办领导可以改期 #1/],
    ['not permitted to reassign', 'zhao', '/转办 #1 @孙七', ['sun'], /只有交办人或督办领导可以转办 #1/],
    ['same lead', 'chief', '/转办 #1 @张三', ['zhang'], /张三 已经是 #1 的主办/],
    ['two leads', 'chief', '/转办 #1 @孙七 @赵六', ['sun', 'zhao'], /主办只能是一个人/],
    ['already on the task', 'chief', '/加协办 #1 @赵六', ['zhao'], /赵六 已经在办理 #1/],
    ['not a co-assignee', 'chief', '/减协办 #1 @张三', ['zhang'], /张三 不是 #1 的协办/],
    ['far date', 'chief', '/改期 #1 2040-01-01', [], /“2040-01-01”是 .*超出 10 年以后了/],
    ['past date', 'chief', '/改期 #1 2026-11-20', [], /“2026-11-20”是 .*这个时间已经过去了/],
    ['same deadline', 'chief', '/改期 #1 2026-11-27', [], /#1 的时限已经是 11月27日（周五） 18:00/],
    ['no field', 'chief', '/修改 #1 起草年度总结', [], /标题.*详情/],
    ['same title', 'chief', '/修改 #1 标题 起草年度工作总结', [], /没有变化/],
    ['words where people go', 'chief', '/加协办 #1 @孙七 和财务科', ['sun'], /和财务科/],
  ];
  it.each(cases)('%s', async (_name, from, text, mention, answer) => {
    const t0 = await assign();
    const before = await events(t0.id);
    await say(from, text, mention);
    const reply = await lastText();
    expect(reply).toMatch(answer);
    expect(reply).not.toMatch(/Error|at .*\.ts/);
    const t1 = await task(1);
    expect(t1.version).toBe(t0.version);
    expect(t1.assignees).toEqual(t0.assignees);
    expect(t1.dueAt).toEqual(t0.dueAt);
    expect((await events(t0.id)).length).toBe(before.length);
  });

  it('a closed task is refused', async () => {
    await assign();
    await say('chief', '/撤销 #1');
    const v = (await task(1)).version;
    await say('chief', '/转办 #1 @孙七', ['sun']);
    expect(await lastText()).toContain('#1 已撤销，不能再转办');
    expect((await task(1)).version).toBe(v);
  });
});

describe('in English', () => {
  it('/due and /reassign answer with what was understood', async () => {
    bot = await testBot({ now: MONDAY, lang: 'en' });
    await say('chief', '/assign @张三 Draft the annual report due 2026-11-27', ['zhang']);
    await say('chief', '/due #1 2026-12-02 waiting for the figures');
    expect(await lastText()).toMatch(
      /^#1 "Draft the annual report" is now due Wed 2 Dec 18:00 \(\d+ working days left\); on time is judged against the new deadline\. Reason: waiting for the figures$/,
    );
    await say('chief', '/reassign #1 @孙七', ['sun']);
    expect(await lastText()).toContain('is now led by');
    await say('chief', '/remove #1 @孙七', ['sun']);
    expect(await lastText()).toBe('孙七 is not a co-assignee of #1; nothing changed (change the lead with /reassign).');
  });
});
