/** Digest cards: structure, escaping of user text, the 30 KB limit with hundreds of rows. */
import { describe, expect, it } from 'vitest';
import { WorkCalendar } from '../../../bot/domain/calendar.js';
import { computeFigures, onTimeTrend, periodOf, type FigureTask } from '../../../bot/domain/figures.js';
import { cardBytes, leaderDigestCard, statsCard, weeklySummaryCard, type DigestView } from '../../../bot/cards/digest.js';

const cal = new WorkCalendar({ tz: 'Asia/Shanghai' });
const bj = (s: string) => new Date(`${s}:00+08:00`);
const now = bj('2026-12-04T16:00');
const week = periodOf('week', now, cal);
const view: DigestView = { lang: 'zh', tz: 'Asia/Shanghai', now, names: { ou_a: '张三', ou_evil: '<at id=all></at>**坏人**' } };

function task(n: number, p: Partial<FigureTask> = {}): FigureTask {
  return {
    id: n,
    number: n,
    title: `事项${n}`,
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

const walk = (node: unknown, visit: (o: Record<string, unknown>) => void): void => {
  if (Array.isArray(node)) node.forEach((n) => walk(n, visit));
  else if (node && typeof node === 'object') {
    visit(node as Record<string, unknown>);
    Object.values(node).forEach((n) => walk(n, visit));
  }
};

describe('weeklySummaryCard', () => {
  it('is a JSON 2.0 card; user text cannot mention, link or style', () => {
    const evil = task(1, {
      title: '<at id=all></at> [点我](https://evil.example) **加粗**',
      assignees: [{ userId: 'ou_evil', role: 'lead', acceptedAt: null }],
    });
    const f = computeFigures({ tasks: [evil], events: [], period: week, now, calendar: cal });
    const card = weeklySummaryCard(f, 'oc_1', { ...view, chatNames: { oc_1: '<font color=red>群</font>' } });
    expect(card).toMatchObject({ schema: '2.0', config: { update_multi: true }, header: { template: 'red' } });
    // Markdown elements carry user text only as character references…
    const markdown: string[] = [];
    walk(card, (o) => {
      if (o.tag === 'markdown') markdown.push(String(o.content));
    });
    const md = markdown.join('\n');
    expect(md).toContain('#1 &#60;at id&#61;all&#62;');
    expect(md).not.toContain('<at id=all>');
    expect(md).not.toContain('](https://evil');
    expect(md).not.toContain('**加粗**');
    expect(md).not.toContain('**坏人**');
    // …and nothing anywhere in the card is a live mention.
    expect(JSON.stringify(card)).not.toContain('<at id=all>');
    // The header is plain text, so the chat name shows as typed there.
    expect((card.header as { title: { tag: string } }).title.tag).toBe('plain_text');
    walk(card, (o) => {
      if (o.tag === 'table') {
        expect(o.page_size).toBeLessThanOrEqual(10);
        for (const c of o.columns as Array<{ data_type: string }>) expect(['text', 'number']).toContain(c.data_type);
      }
    });
  });

  it('stays under 30 KB with 500 overdue tasks and 500 people', () => {
    const tasks = Array.from({ length: 500 }, (_, i) => task(i + 1, { title: '很长的标题'.repeat(30), chatId: 'oc_1' }));
    const f = computeFigures({ tasks, events: [], period: week, now, calendar: cal });
    const card = weeklySummaryCard(f, 'oc_1', view);
    expect(cardBytes(card)).toBeLessThan(30 * 1024);
    expect(JSON.stringify(card)).toContain('…另有 485 项');
  });
});

describe('leaderDigestCard', () => {
  it('puts exceptions first, at most twelve, each with its buttons; charts last; under 30 KB with 300 chats', () => {
    const tasks = Array.from({ length: 3000 }, (_, i) => task(i + 1, { title: '落实会议议定事项'.repeat(8) }));
    const f = computeFigures({ tasks, events: [], period: week, now, calendar: cal, departmentOf: (u) => `d${u.length % 7}` });
    const ref = (t: FigureTask) => ({ taskId: t.id, number: t.number, title: t.title, chatId: t.chatId, leadId: 'ou_a' });
    const card = leaderDigestCard(
      {
        figures: f,
        newlyRed: tasks.slice(0, 20).map((t) => ({ ...ref(t), dueAt: t.dueAt! })),
        waiting: tasks.slice(20, 25).map(ref),
        extensionRequests: [{ ...ref(tasks[30]!), dueAt: bj('2026-12-20T18:00'), reason: '<at id=all></at>', requestedBy: 'ou_a' }],
        // A third of the tasks were finished three weeks ago, so the trend has a point to draw.
        trend: onTimeTrend(
          tasks.map((t, i) => (i % 3 ? t : { ...t, state: 'done' as const, doneAt: bj('2026-11-12T10:00') })),
          now,
          cal,
        ),
        hasChats: true,
      },
      view,
    );
    expect(cardBytes(card)).toBeLessThan(30 * 1024);
    const els = (card.body as { elements: Array<Record<string, unknown>> }).elements;
    const buttons: unknown[] = [];
    walk(card, (o) => {
      if (o.tag === 'button') buttons.push((o.behaviors as Array<{ value: unknown }>)[0]!.value);
    });
    expect(buttons[0]).toEqual({ a: 'approve_extension', task: 31, n: 31 });
    expect(buttons).toHaveLength(2 + 5 + 6 * 2); // 1 extension (2), 5 waiting (1 each), 6 of the newly red (2 each)
    expect(JSON.stringify(card)).toContain('…另有 14 项');
    expect(JSON.stringify(card)).not.toContain('<at id=all>');
    expect(els.filter((e) => e.tag === 'chart')).toHaveLength(2);
    expect(els.filter((e) => e.tag === 'table').length).toBeLessThanOrEqual(5);
    expect(els.at(-1)!.tag).toBe('chart');
  });
});

describe('statsCard', () => {
  it('prints scores and the formula', () => {
    const f = computeFigures({
      tasks: [task(1, { assignees: [{ userId: 'ou_a', role: 'lead', acceptedAt: null }] })],
      events: [],
      period: week,
      now,
      calendar: cal,
    });
    const card = statsCard(f, '本群', '本周', view);
    const json = JSON.stringify(card);
    expect(json).toContain('督办统计 · 本群 · 本周');
    expect(json).toContain('得分 = 100 × 按时办结率');
    const table = (card.body as { elements: Array<Record<string, any>> }).elements.find((e) => e.tag === 'table')!;
    expect(table.rows).toEqual([{ who: '张三', new: 1, done: 0, rate: '—', open: 1, overdue: 1, score: 94 }]);
  });
  it('speaks English', () => {
    const f = computeFigures({ tasks: [task(1)], events: [], period: week, now, calendar: cal });
    expect(JSON.stringify(statsCard(f, 'this chat', 'this week', { ...view, lang: 'en' }))).toContain('Score = 100 × on-time rate');
  });
});
