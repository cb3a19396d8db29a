/**
 * SPEC §2–§3 end to end, through the real webhook (signed, encrypted events), a real libSQL
 * file and the fake Lark server: the whole loop, extensions, cancel, every permission refusal
 * (answered, nothing written), every bad input (no task written), redelivery, and buttons.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { asc, desc, eq, sql } from 'drizzle-orm';
import { outbox, taskEvents, tasks } from '../../db/schema.js';
import { getTaskByNumber } from '../../db/tasks.js';
import { GROUP, PEOPLE, TENANT, testBot, type Person, type TestBot } from '../helpers/app.js';

let bot: TestBot;
afterEach(async () => bot?.close());

const MONDAY = '2026-11-23T10:00:00+08:00';

async function start(now = MONDAY): Promise<TestBot> {
  bot = await testBot({ now });
  return bot;
}

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

const taskCount = async () => Number((await bot.deps.db.select({ n: sql<number>`count(*)` }).from(tasks))[0]!.n);
const eventKinds = async (taskId: number) =>
  (await bot.deps.db.select({ kind: taskEvents.kind }).from(taskEvents).where(eq(taskEvents.taskId, taskId)).orderBy(asc(taskEvents.seq))).map((e) => e.kind);

/**
 * Text of the newest message the bot queued for a chat (or a user's p2p), read from the
 * durable outbox: what the bot said, whether or not the fake Lark knows the message it
 * replied to.
 */
async function lastText(to: string = GROUP): Promise<string> {
  const rows = await bot.deps.db.select({ body: outbox.body }).from(outbox).orderBy(desc(outbox.id));
  for (const r of rows) {
    const m = JSON.parse(r.body);
    const forIt = (m.kind === 'reply' && m.chatId === to) || (m.kind === 'send' && m.to.id === to) || (m.kind === 'card_update' && to === GROUP);
    if (!forIt || m.kind === 'card_update') continue;
    return m.msgType === 'text' ? String(m.content.text) : bot.fake.cardText(m.content);
  }
  return '';
}

function groupCard(n = 1) {
  const card = bot.fake.messagesTo(GROUP).find((m) => m.msgType === 'interactive' && JSON.stringify(m.sentContent).includes(`#${n}`));
  if (!card) throw new Error(`no card for #${n}`);
  return card;
}

async function assignDefault(extra = '') {
  await say('chief', `/交办 @张三 @赵六 起草年度工作总结 截止 2026-12-01${extra}`, ['zhang', 'zhao']);
  return task(1);
}

describe('交办 → 签收 → 进展 → 办结 → 退回 → 办结 → 通过', () => {
  it('runs the whole loop, keeps the card current and writes the ledger', async () => {
    await start();
    const t0 = await assignDefault(' !紧急 #民生督查 来源 办〔2026〕12号');
    expect(t0).toMatchObject({
      number: 1,
      state: 'assigned',
      priority: 'urgent',
      category: 'livelihood',
      source: '办〔2026〕12号',
      creatorId: PEOPLE.chief.openId,
    });
    expect(t0.assignees.map((a) => [a.userId, a.role])).toEqual([
      [PEOPLE.zhang.openId, 'lead'],
      [PEOPLE.zhao.openId, 'co'],
    ]);
    // The group card mentions the assignees; each gets a p2p card; 紧急 buzzes them.
    const card = groupCard();
    const cardJson = JSON.stringify(card.sentContent);
    expect(cardJson).toContain(`<at id=${PEOPLE.zhang.openId}></at>`);
    expect(cardJson).toContain(`<at id=${PEOPLE.zhao.openId}></at>`);
    expect(bot.fake.messagesTo(PEOPLE.zhang.openId).some((m) => m.msgType === 'interactive')).toBe(true);
    expect(bot.fake.messagesTo(PEOPLE.zhao.openId).some((m) => m.msgType === 'interactive')).toBe(true);
    expect(bot.fake.urgents.flatMap((u) => u.userIds).sort()).toEqual([PEOPLE.zhang.openId, PEOPLE.zhao.openId].sort());
    expect((await task()).cardMessageId).toBe(card.id);

    // 签收 by button.
    const click = await bot.click({ from: 'zhang', value: { a: 'accept', task: t0.id, n: 1, v: 'g' }, messageId: card.id });
    expect(click.status).toBe(200);
    expect(click.body.toast).toMatchObject({ type: 'success', content: '已签收 #1' });
    expect(click.body.card.type).toBe('raw');
    expect(JSON.stringify(click.body.card.data)).toContain('办理中');
    await bot.settle();
    expect((await task()).state).toBe('in_progress');

    // 进展 by replying to the card (a co-assignee reports on their own).
    await say('zhao', '已收集各科室材料，完成30%', [], { parentId: card.id });
    expect(await task()).toMatchObject({ percent: 30, lastProgressText: '已收集各科室材料，完成30%' });

    // 办结 by command; the reviewer is told in p2p.
    await say('zhang', '/办结 #1 初稿已完成');
    expect((await task()).state).toBe('submitted');
    expect(await lastText(PEOPLE.chief.openId)).toContain('#1');

    // 退回 with a reason, @-mentioning the lead.
    await say('chief', '/退回 #1 数据需要核实');
    const returned = await task();
    expect(returned).toMatchObject({ state: 'in_progress', returnCount: 1 });
    expect(await lastText()).toContain(`<at user_id="${PEOPLE.zhang.openId}">`);
    expect(await lastText()).toContain('数据需要核实');

    // 完成 as a reply submits again; 通过 by button.
    await say('zhang', '完成', [], { parentId: card.id });
    expect((await task()).state).toBe('submitted');
    const ok = await bot.click({ from: 'chief', value: { a: 'approve', task: t0.id, n: 1, v: 'g' }, messageId: card.id });
    expect(ok.body.toast).toMatchObject({ type: 'success', content: '已通过 #1' });
    await bot.settle();
    const done = await task();
    expect(done.state).toBe('done');
    expect(done.doneAt).not.toBeNull();

    expect(await eventKinds(done.id)).toEqual(['assigned', 'accepted', 'accepted', 'progress', 'submitted', 'returned', 'submitted', 'approved']);
    // The card in the chat was updated in place and now shows the task done.
    const patches = bot.fake.patches.filter((p) => p.messageId === card.id);
    expect(patches.length).toBeGreaterThan(0);
    expect(JSON.stringify(bot.fake.messages.find((m) => m.id === card.id)!.content)).toContain('已办结');
  });
});

describe('延期 and 撤销', () => {
  it('an approved extension moves the deadline and keeps the original', async () => {
    await start();
    await assignDefault();
    await say('zhang', '/延期 #1 2026-12-08 等待统计局数据');
    const asked = await task();
    expect(asked.pendingExtension).toMatchObject({ requestedBy: PEOPLE.zhang.openId, reason: '等待统计局数据' });
    expect(await lastText(PEOPLE.chief.openId)).toContain('#1');
    await say('chief', '/同意延期 #1');
    const t = await task();
    expect(t.dueAt).toEqual(new Date('2026-12-08T18:00:00+08:00'));
    expect(t.originalDueAt).toEqual(new Date('2026-12-01T18:00:00+08:00'));
    expect(t.extensionCount).toBe(1);
    expect(t.pendingExtension).toBeNull();
    expect(await lastText()).toContain('原时限');
  });

  it('a rejected extension leaves the deadline; buttons decide too', async () => {
    await start();
    const t0 = await assignDefault();
    await say('zhao', '/延期 #1 2026-12-08 人手不足');
    const r = await bot.click({ from: 'chief', value: { a: 'reject_extension', task: t0.id, n: 1 }, messageId: groupCard().id });
    expect(r.body.toast.type).toBe('success');
    await bot.settle();
    const t = await task();
    expect(t.dueAt).toEqual(new Date('2026-12-01T18:00:00+08:00'));
    expect(t.pendingExtension).toBeNull();
    expect(t.extensionCount).toBe(0);
  });

  it('撤销 closes the task; nothing moves it afterwards', async () => {
    await start();
    await assignDefault();
    await say('chief', '/撤销 #1 情况有变');
    expect((await task()).state).toBe('cancelled');
    await say('zhang', '/签收 #1');
    expect(await lastText()).toContain('#1 已撤销，不能再签收。');
    expect((await task()).state).toBe('cancelled');
  });
});

describe('permission refusals: answered, nothing written', () => {
  const cases: Array<[string, Person, string, string]> = [
    ['a co-assignee submits', 'zhao', '/办结 #1', '只有主办人 张三 可以办结 #1'],
    ['an outsider signs', 'sun', '/签收 #1', '只有承办人可以签收 #1。'],
    ['an outsider reports progress', 'sun', '/进展 #1 我来帮忙', '只有承办人可以汇报进展 #1。'],
    ['an outsider asks for time', 'sun', '/延期 #1 2026-12-08 理由', '只有承办人可以申请延期 #1。'],
    ['the lead approves', 'zhang', '/通过 #1', '只有交办人或督办领导可以通过 #1。'],
    ['the lead returns', 'zhang', '/退回 #1 不想干', '只有交办人或督办领导可以退回 #1。'],
    ['the lead chases', 'zhang', '/催办 #1', '只有交办人或督办领导可以催办 #1。'],
    ['the lead cancels', 'zhang', '/撤销 #1', '只有交办人或督办领导可以撤销 #1。'],
    ['a co-assignee approves an extension', 'zhao', '/同意延期 #1', '只有交办人或督办领导可以同意延期 #1。'],
    ['the creator approves before submission', 'chief', '/通过 #1', '#1 还没有提交办结'],
    ['no pending extension', 'chief', '/驳回延期 #1', '#1 没有待审批的延期申请。'],
    ['an unknown task', 'zhang', '/签收 #99', '没有找到任务 #99'],
  ];
  it.each(cases)('%s', async (_name, who, text, answer) => {
    await start();
    const before = await assignDefault();
    const events = await eventKinds(before.id);
    await say(who, text);
    expect(await lastText()).toContain(answer);
    const after = await task();
    expect(after.version).toBe(before.version);
    expect(after.state).toBe(before.state);
    expect(await eventKinds(before.id)).toEqual(events);
  });

  it('another tenant cannot see or touch the task, by command or by button', async () => {
    await start();
    const t0 = await assignDefault();
    await say('zhang', '/签收 #1', [], { tenantKey: 'tenant_other' });
    const r = await bot.click({ from: 'zhang', value: { a: 'accept', task: t0.id, n: 1 }, messageId: groupCard().id, tenantKey: 'tenant_other' });
    expect(r.body.toast.type).toBe('warning');
    expect(r.body.toast.content).toContain('没有找到任务');
    await bot.settle();
    expect((await task()).state).toBe('assigned');
    expect((await task()).version).toBe(t0.version);
  });

  it('a button payload is re-checked against the clicker', async () => {
    await start();
    const t0 = await assignDefault();
    const r = await bot.click({ from: 'outsider', value: { a: 'approve', task: t0.id, n: 1 }, messageId: groupCard().id });
    expect(r.body.toast).toMatchObject({ type: 'warning', content: '只有交办人或督办领导可以通过 #1。' });
    const forged = await bot.click({ from: 'zhang', value: { a: 'approve', task: t0.id, n: 1, role: 'creator' }, messageId: groupCard().id });
    expect(forged.body.toast.type).toBe('warning');
    await bot.settle();
    expect((await task()).version).toBe(t0.version);
  });
});

describe('bad input: a specific answer and no task written', () => {
  const cases: Array<[string, string, Person[]]> = [
    ['no assignee', '/交办 起草年度工作总结 截止 周五', []],
    ['no title', '/交办 @张三', ['zhang']],
    ['a deadline in the past', '/交办 @张三 起草总结 截止 2026-11-20', ['zhang']],
    ['an unparseable deadline', '/交办 @张三 起草总结 截止 2026-13-45', ['zhang']],
    ['a title over 200 characters', `/交办 @张三 ${'长'.repeat(201)}`, ['zhang']],
    ['an unknown verb', '/乱来 #1', []],
  ];
  it.each(cases)('%s', async (_name, text, mention) => {
    await start();
    await say('chief', text, mention);
    expect(await taskCount()).toBe(0);
    const answer = await lastText();
    expect(answer.length).toBeGreaterThan(0);
    expect(answer).not.toMatch(/Error|at .*\.ts/);
  });

  it('more than 20 assignees', async () => {
    await start();
    const many = Array.from({ length: 21 }, (_, i) => `ou_extra${i}`);
    for (const id of many) bot.fake.addUser({ openId: id, name: id });
    const r = await bot.say({ from: 'chief', text: `/交办 ${many.map((m) => `@${m}`).join(' ')} 全员大扫除`, mention: many });
    expect(r.res.status).toBe(200);
    await bot.settle();
    expect(await taskCount()).toBe(0);
    expect(await lastText()).toContain('20');
  });
});

describe('delivery', () => {
  it('a redelivered event does nothing twice', async () => {
    await start();
    const { envelope } = await say('chief', '/交办 @张三 起草年度工作总结 截止 2026-12-01', ['zhang']);
    const sent = bot.fake.messages.length;
    expect((await bot.post(envelope)).status).toBe(200);
    await bot.settle();
    expect(await taskCount()).toBe(1);
    expect(bot.fake.messages.length).toBe(sent);
  });

  it('the progress form and the return form work through card.action.trigger', async () => {
    await start();
    const t0 = await assignDefault();
    const card = groupCard();
    const p = await bot.click({ from: 'zhang', value: { a: 'progress', task: t0.id, n: 1 }, formValue: { progress_text: '完成50%' }, messageId: card.id });
    expect(p.body.toast.type).toBe('success');
    await bot.settle();
    expect(await task()).toMatchObject({ state: 'in_progress', percent: 50 });
    const empty = await bot.click({ from: 'zhang', value: { a: 'progress', task: t0.id, n: 1 }, formValue: { progress_text: '  ' }, messageId: card.id });
    expect(empty.body.toast.type).toBe('warning');
    await bot.click({ from: 'zhang', value: { a: 'submit', task: t0.id, n: 1 }, messageId: card.id });
    const noReason = await bot.click({ from: 'chief', value: { a: 'reject', task: t0.id, n: 1 }, formValue: { reject_reason: '' }, messageId: card.id });
    expect(noReason.body.toast.type).toBe('warning');
    const back = await bot.click({ from: 'chief', value: { a: 'reject', task: t0.id, n: 1 }, formValue: { reject_reason: '格式不对' }, messageId: card.id });
    expect(back.body.toast.type).toBe('success');
    await bot.settle();
    expect(await task()).toMatchObject({ state: 'in_progress', returnCount: 1 });
  });

  it('hostile titles reach the card as text', async () => {
    await start();
    await say('chief', '/交办 @张三 <at id=all></at>[点我](https://evil.example) **紧急** 截止 2026-12-01', ['zhang']);
    const t = await task();
    expect(t.title).toContain('<at id=all></at>');
    // Markdown is where tags and links would take effect; the header is plain text.
    const markdown = JSON.stringify(groupCard().sentContent.body);
    expect(markdown).not.toContain('<at id=all>');
    expect(markdown).not.toContain('](https');
    expect(JSON.stringify(groupCard().sentContent.header)).not.toContain('<at');
    await say('chief', '/催办 #1 <at user_id="all">所有人</at>');
    expect(await lastText()).not.toContain('<at user_id="all">');
  });
});

describe('/查看, /任务, /帮助, hint', () => {
  it('shows the detail with history, lists red first, helps', async () => {
    await start();
    await assignDefault();
    await say('zhang', '/签收 #1');
    await say('chief', '/查看 #1');
    const detail = await lastText();
    expect(detail).toContain('办理记录');
    expect(detail).toContain('李科长');
    await say('chief', '/交办 @孙七 整理档案 截止 2026-11-24', ['sun']);
    bot.setNow('2026-11-25T10:00:00+08:00');
    await say('chief', '/任务 本群');
    const listText = await lastText();
    expect(listText.indexOf('#2')).toBeLessThan(listText.indexOf('#1'));
    await say('zhang', '/帮助');
    expect(await lastText()).toContain('/交办');
    await say('zhang', '你好', [], {});
    // A group message without the bot's mention or a command is left alone; with it, a hint.
    expect(await lastText()).toContain('/帮助');
  });
});

describe('/设置', () => {
  it('the chat owner names the 督办领导, who may then decide; others may not change settings', async () => {
    await start();
    await say('zhang', '/设置 督办领导 @孙七', ['sun']);
    expect(await lastText()).toContain('只有群主或群管理员可以修改设置');
    await say('leader', '/设置 督办领导 @孙七', ['sun']);
    expect(await lastText()).toContain('孙七');
    await assignDefault();
    await say('zhang', '/办结 #1');
    await say('sun', '/通过 #1');
    expect((await task()).state).toBe('done');
  });
});
