/**
 * The strict fake's rules (bot/sandbox/fake-lark/rules.ts, docs/lark-rules.md): what Lark's
 * documentation says it refuses is refused with Lark's code, and every card the bot builds —
 * in both languages, at the sizes the benchmarks build — goes through the real SDK client to
 * the fake and is accepted.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { leaderDigestCard, statsCard, weeklySummaryCard, type DigestView } from '../../bot/cards/digest.js';
import { helpCard } from '../../bot/cards/help.js';
import { assignFormCard } from '../../bot/cards/assign-form.js';
import { pageOfList, taskListCard } from '../../bot/cards/list.js';
import type { CardView } from '../../bot/cards/primitives.js';
import { assigneeCard, taskCard, taskDetailCard } from '../../bot/cards/task.js';
import { WorkCalendar } from '../../bot/domain/calendar.js';
import { computeFigures, onTimeTrend, periodOf, type FigureTask } from '../../bot/domain/figures.js';
import { newTask } from '../../bot/domain/task.js';
import { DEFAULT_SETTINGS, type Lang, type Task } from '../../bot/domain/types.js';
import { LarkApiError, type LarkApi } from '../../bot/lark/api.js';
import { createLarkApi } from '../../bot/lark/sdk-client.js';
import { checkCard, checkPost, checkText } from '../../bot/sandbox/fake-lark/rules.js';
import { FakeLark, fakeChatId, fakeOpenId } from '../../bot/sandbox/fake-lark/server.js';
import { WeekdayCalendar } from '../bot/domain/weekday-calendar.js';

let lark: FakeLark;
let api: LarkApi;
const chatId = fakeChatId();
const lead = fakeOpenId();

beforeAll(async () => {
  lark = new FakeLark({ rateLimits: false });
  const { url } = await lark.start();
  lark.addUser({ openId: lead, name: '王主任' });
  lark.addChat({ chatId, name: '督办工作群', ownerId: lead, members: [lead] });
  api = createLarkApi({ appId: lark.appId, appSecret: lark.appSecret, domain: url });
});
afterEach(() => lark.reset());
afterAll(async () => {
  await lark.stop();
});

let uuidN = 0;
const sendCard = (card: unknown) =>
  api.send({ receiveIdType: 'chat_id', receiveId: chatId, msgType: 'interactive', content: JSON.stringify(card), uuid: `rules-${++uuidN}` });
const sendText = (text: string) =>
  api.send({ receiveIdType: 'chat_id', receiveId: chatId, msgType: 'text', content: JSON.stringify({ text }), uuid: `rules-${++uuidN}` });

async function refusal(p: Promise<unknown>): Promise<LarkApiError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(LarkApiError);
    return err as LarkApiError;
  }
  throw new Error('expected Lark to refuse');
}

const card2 = (elements: unknown[], extra: Record<string, unknown> = {}) => ({ schema: '2.0', config: { update_multi: true }, body: { elements }, ...extra });
const table = (width: string) => ({
  tag: 'table',
  page_size: 10,
  columns: [
    { name: 'who', display_name: '人', data_type: 'text', width: 'auto' },
    { name: 'n', display_name: '数', data_type: 'number', width },
  ],
  rows: [{ who: '张三', n: 1 }],
});
const submit = (name: string) => ({
  tag: 'button',
  text: { tag: 'plain_text', content: '提交' },
  name,
  form_action_type: 'submit',
  behaviors: [{ type: 'callback', value: { a: 1 } }],
});

describe('card JSON 2.0 rules', () => {
  it('table columns are auto, 80–600 px or a percentage (table page)', async () => {
    for (const w of ['auto', '80px', '600px', '25%']) expect(checkCard(card2([table(w)]))).toBeNull();
    for (const w of ['72px', '601px', '0%', 'wide']) expect(checkCard(card2([table(w)]))?.code).toBe(230099);
    expect((await refusal(sendCard(card2([table('72px')])))).code).toBe(230099);
    expect(lark.violations).toHaveLength(1);
  });

  it('tables and forms sit at the root; at most 5 tables; page_size 1–10', () => {
    const col = (el: unknown) => ({ tag: 'column_set', columns: [{ tag: 'column', width: 'auto', elements: [el] }] });
    expect(checkCard(card2([col(table('auto'))]))?.msg).toMatch(/root/);
    expect(checkCard(card2(Array.from({ length: 6 }, () => table('auto'))))?.msg).toMatch(/at most 5 tables/);
    expect(checkCard(card2([{ ...table('auto'), page_size: 11 }]))?.code).toBe(230099);
    const form = { tag: 'form', name: 'f', elements: [{ tag: 'input', name: 'x' }, submit('s')] };
    expect(checkCard(card2([form]))).toBeNull();
    expect(checkCard(card2([col(form)]))?.msg).toMatch(/root/);
  });

  it('forms: a unique name, named fields, a submit button, no table inside', () => {
    expect(checkCard(card2([{ tag: 'form', name: 'f', elements: [{ tag: 'input', name: 'x' }] }]))?.msg).toMatch(/submit/);
    expect(checkCard(card2([{ tag: 'form', name: 'f', elements: [{ tag: 'input' }, submit('s')] }]))?.msg).toMatch(/needs a name/);
    const twice = [
      { tag: 'form', name: 'f', elements: [{ tag: 'input', name: 'x' }, submit('s1')] },
      { tag: 'form', name: 'f', elements: [{ tag: 'input', name: 'y' }, submit('s2')] },
    ];
    expect(checkCard(card2(twice))?.msg).toMatch(/unique/);
    expect(checkCard(card2([{ tag: 'form', name: 'f', elements: [table('auto'), submit('s')] }]))?.msg).toMatch(/root|form may not/);
    expect(checkCard(card2([submit('s')]))?.msg).toMatch(/inside a form/);
  });

  it('root keys, unknown properties, update_multi, value ranges, element and nesting limits', () => {
    expect(checkCard({ ...card2([]), elements: [] })?.msg).toMatch(/unknown property elements/);
    expect(checkCard(card2([{ tag: 'markdown', content: 'x', colour: 'red' }]))?.msg).toMatch(/unknown property colour/);
    expect(checkCard(card2([], { config: { update_multi: false } }))?.msg).toMatch(/update_multi/);
    expect(checkCard(card2([{ tag: 'input', name: 'x', max_length: 1001 }]))?.msg).toMatch(/max_length/);
    expect(checkCard(card2([{ tag: 'button', text: { tag: 'plain_text', content: 'x' }, type: 'huge' }]))?.msg).toMatch(/type/);
    expect(checkCard(card2(Array.from({ length: 201 }, () => ({ tag: 'hr' }))))?.msg).toMatch(/200 components/);
    let deep: unknown = { tag: 'markdown', content: 'x' };
    for (let i = 0; i < 6; i++) deep = { tag: 'column_set', columns: [{ tag: 'column', elements: [deep] }] };
    expect(checkCard(card2([deep]))?.msg).toMatch(/nest/);
  });

  it('charts need data values; markdown tags are the ones Lark reads', () => {
    const chart = (values: unknown[]) => ({ tag: 'chart', chart_spec: { type: 'line', data: [{ id: 'd', values }] } });
    expect(checkCard(card2([chart([{ x: 1 }])]))).toBeNull();
    expect(checkCard(card2([chart([])]))?.msg).toMatch(/empty chart/);
    expect(checkCard(card2([{ tag: 'markdown', content: '<font color="red">x</font> <at id=all></at>' }]))).toBeNull();
    expect(checkCard(card2([{ tag: 'markdown', content: '[source <doc no.>]' }]))?.msg).toMatch(/<doc>/);
  });
});

describe('message rules', () => {
  it('text mentions are <at user_id="…">…</at>', async () => {
    expect(checkText({ text: `<at user_id="${lead}">王主任</at> 请办理` })).toBeNull();
    expect(checkText({ text: '<at user_id="all"></at>' })).toBeNull();
    expect(checkText({ text: `<at id=${lead}></at>` })?.code).toBe(230001);
    expect(checkText({ text: `<at user_id="${lead}">王主任` })?.code).toBe(230001);
    expect((await refusal(sendText(`<at id=${lead}></at>`))).code).toBe(230001);
  });

  it('post content is languages of paragraphs of known elements', () => {
    expect(
      checkPost({
        zh_cn: {
          title: 't',
          content: [
            [
              { tag: 'text', text: 'a' },
              { tag: 'at', user_id: lead },
            ],
          ],
        },
      }),
    ).toBeNull();
    expect(checkPost({ zh_cn: { content: [{ tag: 'text', text: 'a' }] } })?.code).toBe(230001);
    expect(checkPost({ zh_cn: { content: [[{ tag: 'blink', text: 'a' }]] } })?.code).toBe(230001);
  });

  it('the 30 KB limit is on the request body, where the card is an escaped string', async () => {
    // 29 KB of card JSON whose quotes are escaped again in the body: over the limit.
    const quotes = Array.from({ length: 155 }, (_, i) => ({ tag: 'markdown', content: `${i}`.padEnd(120, 'x'), text_align: 'left', text_size: 'normal' }));
    const card = card2(quotes);
    expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(30 * 1024);
    expect((await refusal(sendCard(card))).code).toBe(230025);
  });

  it('uuid is at most 50 characters', async () => {
    const e = await refusal(
      api.send({ receiveIdType: 'chat_id', receiveId: chatId, msgType: 'text', content: JSON.stringify({ text: 'x' }), uuid: 'u'.repeat(51) }),
    );
    expect(e.code).toBe(99992402);
  });
});

// ─────────────── every card the bot builds goes through ───────────────

const cal = new WorkCalendar({ tz: 'Asia/Shanghai' });
const bj = (s: string) => new Date(`${s}:00+08:00`);
const now = bj('2026-12-04T16:00');

function figureTask(n: number, p: Partial<FigureTask> = {}): FigureTask {
  return {
    id: n,
    number: n,
    title: `落实"会议"议定事项${n}`.repeat(4),
    chatId: `oc_${n % 300}`,
    state: 'in_progress',
    creatorId: 'ou_boss',
    supervisorId: null,
    assignees: [{ userId: `ou_${n % 500}`, role: 'lead', acceptedAt: null }],
    dueAt: bj('2026-12-01T18:00'),
    originalDueAt: bj('2026-12-01T18:00'),
    createdAt: bj('2026-11-30T09:00'),
    submittedAt: null,
    doneAt: null,
    cancelledAt: null,
    pendingExtension: null,
    ...p,
  };
}

describe.each<Lang>(['zh', 'en'])('cards in %s pass the strict fake', (lang) => {
  // Names with quotes and backslashes: each one grows when the card is escaped into the body.
  const names = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`ou_${i}`, `"王\\小明${i}" (综合"处")`.repeat(3)]));
  const view: DigestView = { lang, tz: 'Asia/Shanghai', now, names, departmentNames: {}, chatNames: {} };
  const tasks = Array.from({ length: 3000 }, (_, i) => figureTask(i + 1));
  const week = periodOf('week', now, cal);
  const f = computeFigures({ tasks, events: [], period: week, now, calendar: cal, departmentOf: (u) => `d${u.length % 7}` });
  const ref = (t: FigureTask) => ({ taskId: t.id, number: t.number, title: t.title, chatId: t.chatId, leadId: 'ou_a' });

  it('weekly summary, leader digest and /统计 at 3,000 tasks, 300 chats and 500 people', async () => {
    await sendCard(weeklySummaryCard(f, 'oc_1', view));
    await sendCard(statsCard(f, 'scope', 'period', view));
    const done = tasks.map((t, i) => (i % 3 ? t : { ...t, state: 'done' as const, doneAt: bj('2026-11-20T10:00') }));
    const input = {
      figures: f,
      newlyRed: tasks.slice(0, 20).map((t) => ({ ...ref(t), dueAt: t.dueAt! })),
      waiting: tasks.slice(20, 25).map(ref),
      extensionRequests: [{ ...ref(tasks[30]!), dueAt: bj('2026-12-20T18:00'), reason: '<at id=all></at>', requestedBy: 'ou_a' }],
      trend: onTimeTrend(done, now, cal),
      hasChats: true,
    };
    await sendCard(leaderDigestCard(input, view));
    expect(lark.messages).toHaveLength(3);
    expect(lark.violations).toEqual([]);
  });

  it('a digest trimmed to fit is measured as Lark measures it: on the escaped request body', async () => {
    // 300 chats and 100 departments with long names: the leader's tables must be cut to fit,
    // and the cut is right only if it counts what the body's escaping adds to every cell.
    const chatNames = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`oc_${i}`, `${'市政府办公室督查督办工作群'.repeat(4)}${i}`]));
    const departmentNames = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`d${i}`, `${'市政府办公室综合一处'.repeat(6)}${i}`]));
    const big = computeFigures({ tasks, events: [], period: week, now, calendar: cal, departmentOf: (u) => `d${Number(u.slice(3)) % 100}` });
    const input = {
      figures: big,
      newlyRed: tasks.slice(0, 20).map((t) => ({ ...ref(t), dueAt: t.dueAt! })),
      waiting: tasks.slice(20, 25).map(ref),
      extensionRequests: [{ ...ref(tasks[30]!), dueAt: bj('2026-12-20T18:00'), reason: '"理由"', requestedBy: 'ou_a' }],
      trend: onTimeTrend(tasks, now, cal),
      hasChats: true,
    };
    await sendCard(leaderDigestCard(input, { ...view, names: {}, chatNames, departmentNames }));
    expect(lark.violations).toEqual([]);
  });

  it('the leader digest with nothing finished in 8 weeks says so instead of an empty chart', async () => {
    const card = leaderDigestCard({ figures: f, newlyRed: [], waiting: [], extensionRequests: [], trend: onTimeTrend(tasks, now, cal), hasChats: true }, view);
    const els = (card.body as { elements: Array<Record<string, unknown>> }).elements;
    expect(els.filter((e) => e.tag === 'chart')).toHaveLength(1); // the department chart only
    expect(JSON.stringify(els.at(-1))).toContain(lang === 'zh' ? '近 8 周没有办结的任务' : 'No task was finished in the last 8 weeks');
    await sendCard(card);
    expect(lark.violations).toEqual([]);
  });

  it('the help card, task cards, the detail card with a long history and the list', async () => {
    const cardView: CardView = { lang, now: bj('2026-12-02T10:00'), tz: 'Asia/Shanghai', calendar: new WeekdayCalendar(), settings: DEFAULT_SETTINGS };
    const long = '很长的"进展"\\'.repeat(500);
    const task: Task = {
      ...newTask({
        tenantKey: 't',
        number: 12,
        title: long,
        category: 'livelihood',
        source: long,
        priority: 'urgent',
        creatorId: 'ou_creator',
        supervisorId: 'ou_boss',
        chatId: 'oc_1',
        leadId: 'ou_lead',
        coIds: ['ou_co'],
        dueAt: bj('2026-12-04T18:00'),
        now: bj('2026-12-01T09:00'),
      }).task,
      id: 77,
    };
    const events = Array.from({ length: 600 }, (_, i) => ({
      kind: 'progress' as const,
      actorId: 'ou_lead',
      payload: { text: `第${i}次 "进展" \\ ${'x'.repeat(200)}`, percent: i % 100 },
      at: new Date(now.getTime() + i * 60_000),
    }));
    const tasks45 = Array.from({ length: 45 }, (_, i) => ({ ...task, id: i + 1, number: i + 1 }));
    for (const card of [
      helpCard(lang),
      taskCard(task, cardView),
      assigneeCard(task, 'ou_lead', cardView),
      taskDetailCard(task, events, cardView),
      taskListCard(pageOfList(tasks45, 1, cardView), tasks45, 'chat', cardView),
      assignFormCard({}, { lang }),
      assignFormCard(
        {
          title: '起草 <b>总结</b>',
          detail: 'x'.repeat(1000),
          lead: lead,
          co: [lead],
          dueDate: '2026-12-01',
          dueTime: '15:00',
          dueShortcut: 'w3',
          category: 'special',
          priority: 'urgent',
          source: '〔2026〕1号',
          supervisor: lead,
        },
        { lang, note: '⚠️ 「截止」：<at id=all></at>', people: Array.from({ length: 100 }, (_, i) => `ou_${String(i).padStart(32, '0')}`).concat(lead) },
      ),
    ]) {
      await sendCard(card);
    }
    expect(lark.violations).toEqual([]);
  });
});
