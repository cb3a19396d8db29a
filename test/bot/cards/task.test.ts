/**
 * Task cards: the buttons that fit each state, hostile user text rendered as text (no one is
 * @-mentioned or linked by someone else's words), the 30 KB limit, due texts and the list.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { helpCard } from '../../../bot/cards/help.js';
import { pageOfList, taskListCard } from '../../../bot/cards/list.js';
import type { Card, CardView } from '../../../bot/cards/primitives.js';
import { cardBytes, CARD_MAX_BYTES } from '../../../bot/cards/size.js';
import { assigneeCard, dueText, taskCard, taskDetailCard } from '../../../bot/cards/task.js';
import { escapeMarkdown, escapeText } from '../../../bot/cards/escape.js';
import { decide, isRefusal, newTask } from '../../../bot/domain/task.js';
import { DEFAULT_SETTINGS, type Task, type TaskEvent } from '../../../bot/domain/types.js';
import { WeekdayCalendar } from '../domain/weekday-calendar.js';

const at = (s: string) => new Date(`${s}+08:00`);
const NOW = at('2026-12-02T10:00:00'); // Wednesday
const view: CardView = { lang: 'zh', now: NOW, tz: 'Asia/Shanghai', calendar: new WeekdayCalendar(), settings: DEFAULT_SETTINGS };

function task(over: Partial<Task> = {}): Task {
  const t = newTask({
    tenantKey: 't',
    number: 12,
    title: '修复路灯',
    category: 'livelihood',
    source: '办〔2026〕12号',
    priority: 'urgent',
    creatorId: 'ou_creator',
    supervisorId: 'ou_boss',
    chatId: 'oc_1',
    leadId: 'ou_lead',
    coIds: ['ou_co'],
    dueAt: at('2026-12-04T18:00:00'),
    now: at('2026-12-01T09:00:00'),
  }).task;
  return { ...t, id: 77, ...over };
}

/** Every callback payload on the card, in order. */
function actions(card: Card): string[] {
  const out: string[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Record<string, any>;
      if (o.tag === 'button') for (const b of o.behaviors ?? []) if (b.type === 'callback') out.push(b.value.a);
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return out;
}

function markdownOf(card: Card): string {
  const out: string[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Record<string, any>;
      if (o.tag === 'markdown') out.push(o.content);
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return out.join('\n');
}

describe('buttons fit the state', () => {
  const pending = { dueAt: at('2026-12-11T18:00:00'), reason: '等数据', requestedBy: 'ou_co', requestedAt: NOW };
  test.each([
    ['assigned', {}, ['accept', 'submit', 'chase', 'edit_menu', 'progress', 'extend']],
    ['in_progress', {}, ['submit', 'chase', 'edit_menu', 'progress', 'extend']],
    ['submitted', {}, ['approve', 'edit_menu', 'reject']],
    ['in_progress', { pendingExtension: pending }, ['submit', 'chase', 'approve_extension', 'reject_extension', 'edit_menu', 'progress']],
    ['done', {}, []],
    ['cancelled', {}, []],
  ] as const)('group card, %s %o', (state, over, want) => {
    expect(actions(taskCard(task({ state, ...over }), view))).toEqual(want);
  });

  test.each([
    ['assigned', ['accept', 'submit', 'progress', 'extend']],
    ['in_progress', ['submit', 'progress', 'extend']],
    ['submitted', []],
  ] as const)('p2p card of an assignee, %s', (state, want) => {
    expect(actions(assigneeCard(task({ state }), 'ou_co', view))).toEqual(want);
  });

  test('payloads name the task by id and number', () => {
    const card = taskCard(task(), view);
    const json = JSON.stringify(card);
    expect(json).toContain('"value":{"a":"accept","task":77,"n":12,"v":"g"}');
    expect(card).toMatchObject({ schema: '2.0', config: { update_multi: true } });
  });

  test('the forms carry named inputs', () => {
    const json = JSON.stringify(taskCard(task({ state: 'submitted' }), view));
    expect(json).toContain('"name":"reject_reason"');
    expect(json).toContain('"form_action_type":"submit"');
    expect(JSON.stringify(taskCard(task(), view))).toContain('"name":"progress_text"');
    expect(JSON.stringify(taskCard(task(), view))).toContain('"name":"progress_percent"');
    expect(JSON.stringify(taskCard(task(), view))).toContain('"tag":"date_picker","name":"extend_date"');
  });
});

describe('content', () => {
  test('mentions the assignees, shows number, light, due with weekday and working days left', () => {
    const card = taskCard(task(), view);
    const mdText = markdownOf(card);
    expect(mdText).toContain('<at id=ou_lead></at>');
    expect(mdText).toContain('<at id=ou_co></at>');
    expect(mdText).toContain('#12');
    expect(mdText).toContain('12月4日（周五） 18:00');
    expect(mdText).toContain('还剩 2 个工作日');
    expect(mdText).toContain('民生督查');
    expect(mdText).toContain('紧急');
    expect(mdText).toContain('办〔2026〕12号');
    expect(mdText).toContain('待签收');
    expect(card).toMatchObject({ header: { template: 'green', title: { content: '🟢 #12 修复路灯' } } });
  });

  test('header colour follows the light; closed tasks are green (done) or grey (cancelled)', () => {
    expect(taskCard(task(), { ...view, now: at('2026-12-07T10:00:00') })).toMatchObject({ header: { template: 'red' } });
    expect(taskCard(task(), { ...view, now: at('2026-12-03T10:00:00') })).toMatchObject({ header: { template: 'orange' } });
    expect(taskCard(task({ state: 'done', doneAt: NOW }), view)).toMatchObject({ header: { template: 'green' } });
    expect(taskCard(task({ state: 'cancelled' }), view)).toMatchObject({ header: { template: 'grey' } });
  });

  test.each([
    ['2026-12-02T10:00:00', '还剩 2 个工作日'],
    ['2026-12-03T10:00:00', '还剩 1 个工作日'],
    ['2026-12-04T10:00:00', '今天到期'],
    ['2026-12-04T19:00:00', '已逾期'],
    ['2026-12-07T10:00:00', '已逾期 1 个工作日'],
    ['2026-12-09T10:00:00', '已逾期 3 个工作日'],
  ])('due text at %s', (now, want) => {
    expect(dueText(task(), { ...view, now: at(now) })).toBe(want);
  });

  test('an extended task shows the original deadline', () => {
    const md = markdownOf(taskCard(task({ dueAt: at('2026-12-11T18:00:00'), extensionCount: 1 }), view));
    expect(md).toContain('12月11日（周五） 18:00');
    expect(md).toContain('原时限 12月4日 18:00');
  });

  test('English', () => {
    const card = taskCard(task(), { ...view, lang: 'en' });
    const json = JSON.stringify(card);
    expect(json).toContain('Accept');
    expect(json).toContain('Fri 4 Dec 18:00');
    expect(json).toContain('2 working days left');
  });

  test('the detail card lists the whole history with names', () => {
    const t = task();
    const r = decide(t, { kind: 'progress', text: '已进场施工', percent: 30 }, 'ou_lead', NOW, { supervisorId: null });
    if (isRefusal(r)) throw new Error(r.refused);
    const events = [{ kind: 'assigned', actorId: 'ou_creator', payload: {}, at: t.createdAt }, ...r.events] as Array<Omit<TaskEvent, 'taskId'>>;
    const md = markdownOf(taskDetailCard(r.task, events, { ...view, names: { ou_lead: '张三', ou_creator: '王科长' } }));
    expect(md).toContain('办理记录');
    expect(md).toContain('王科长　交办');
    expect(md).toContain('张三　签收');
    expect(md).toContain('张三　汇报进展：30%　已进场施工');
  });

  test('help card', () => {
    expect(markdownOf(helpCard('zh'))).toContain('/交办');
    expect(markdownOf(helpCard('en'))).toContain('/assign');
  });
});

describe('hostile text stays text', () => {
  const HOSTILE = [
    '<at id=all></at>',
    '<at user_id="all">所有人</at>',
    '<at id=ou_victim></at>',
    '<a href="https://evil.example">点我</a>',
    '[领取补贴](https://evil.example)',
    '**加粗** ~~删除~~ *斜体* __下划线__',
    '<font color=red>红字</font>',
    '<text_tag color=red>标签</text_tag>',
    '<link icon="chat_outlined" url="https://evil.example">链接</link>',
    '&#60;at id=all&#62;&#60;/at&#62;',
    '&lt;at id=all&gt;&lt;/at&gt;',
    '# 标题\n> 引用\n- 列表\n1. 有序\n```代码```',
    '<a\u200Bt id=all></at>',
    '![img](img_v3_xxx)',
    '<person id=ou_victim></person> <local_datetime millisecond=1></local_datetime>',
    ':DONE: $$ x $$ | a | b |',
  ];

  const userTextFields = (s: string): Task => {
    const t = task({
      title: s,
      source: s,
      detail: s,
      state: 'in_progress',
      lastProgressAt: NOW,
      lastProgressText: s,
      pendingExtension: { dueAt: at('2026-12-11T18:00:00'), reason: s, requestedBy: 'ou_co', requestedAt: NOW },
    });
    return t;
  };

  test.each(HOSTILE)('%s', (s) => {
    const t = userTextFields(s);
    const names = { ou_creator: s, ou_boss: s };
    for (const card of [
      taskCard(t, { ...view, names }),
      assigneeCard(t, 'ou_lead', { ...view, names }),
      taskDetailCard(t, [{ kind: 'returned', actorId: 'ou_creator', payload: { reason: s }, at: NOW }], { ...view, names }),
      taskListCard(pageOfList([t], 1, view), [t], 'all', { ...view, names }),
    ]) {
      const md = markdownOf(card);
      // The only mentions are the ones the bot wrote, for the real assignees.
      const ats = md.match(/<at\b[^>]*>/g) ?? [];
      for (const a of ats) expect(['<at id=ou_lead>', '<at id=ou_co>']).toContain(a);
      // No tag of any kind other than the bot's own mentions.
      expect(md.replace(/<at id=ou_(lead|co)><\/at>/g, '')).not.toMatch(/<|>/);
      // No markdown link, image or code syntax.
      expect(md).not.toMatch(/\]\(|`|~~|\$\$/);
      // An entity typed by the user is itself escaped, so it shows as typed and never decodes into a tag.
      expect(md).not.toMatch(/&(?!#\d+;)/);
      if (s.includes('&')) expect(md).toContain('&#38;');
    }
  });

  test('escapeMarkdown leaves only plain characters and numeric references, and decodes back', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), (s) => {
        const e = escapeMarkdown(s);
        expect(e).toMatch(/^(?:[^&<>*_~`[\]()#+\-!|\\{}$=:"'/.@^]|&#\d+;)*$/su);
        const decoded = e.replace(/&#(\d+);/g, (_m, d: string) => String.fromCharCode(Number(d)));
        const expectedText = s
          .replace(/\r\n?/g, '\n')
          .replace(/[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g, '')
          .replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, '');
        expect(decoded).toBe(expectedText);
      }),
      { numRuns: 2000 },
    );
  });

  test('text messages cannot carry a mention either', () => {
    expect(escapeText('<at user_id="all">所有人</at>')).toBe('＜at user_id="all"＞所有人＜/at＞');
  });

  test('the header title is plain text, free of control and invisible characters', () => {
    const card = taskCard(task({ title: 'a\u202Eb\u0007c\nd' }), view) as any;
    expect(card.header.title).toEqual({ tag: 'plain_text', content: '🟢 #12 ab c d' });
  });
});

describe('size', () => {
  test('long text is cut and the card stays under 30 KB', () => {
    const long = '很长的进展'.repeat(2000);
    const t = task({ title: long, source: long, detail: long, lastProgressAt: NOW, lastProgressText: long, state: 'in_progress' });
    for (const card of [taskCard(t, view), assigneeCard(t, 'ou_lead', view)]) {
      expect(cardBytes(card)).toBeLessThanOrEqual(CARD_MAX_BYTES);
      expect(cardBytes(card)).toBeLessThan(30 * 1024);
    }
  });

  test('a long history is truncated with …, keeping the newest', () => {
    const events = Array.from({ length: 600 }, (_, i) => ({
      kind: 'progress' as const,
      actorId: 'ou_lead',
      payload: { text: `第${i}次进展 <at id=all></at> ${'x'.repeat(300)}`, percent: i % 100 },
      at: new Date(NOW.getTime() + i * 60_000),
    }));
    const card = taskDetailCard(task({ state: 'in_progress' }), events, view);
    expect(cardBytes(card)).toBeLessThanOrEqual(CARD_MAX_BYTES);
    const md = markdownOf(card);
    expect(md).toMatch(/…（更早的 \d+ 条记录未显示）/);
    expect(md).toContain('第599次进展');
    expect(md).not.toContain('第0次进展');
  });

  test('the list is paginated, red first, and small', () => {
    const tasks = Array.from({ length: 45 }, (_, i) =>
      task({
        id: i + 1,
        number: i + 1,
        title: `任务${i + 1}`,
        dueAt: i % 3 === 0 ? at('2026-12-01T18:00:00') : at('2026-12-18T18:00:00'),
        lastProgressAt: NOW,
      }),
    );
    const first = taskListCard(pageOfList(tasks, 1, view), tasks, 'chat', view);
    const md = markdownOf(first);
    expect(md).toContain('共 45 项 · 🔴 15');
    expect(md).toContain('第 1/5 页');
    expect((md.match(/🔴 \*\*#/g) ?? []).length).toBe(10);
    expect(actions(first)).toEqual(['list', 'new_task']);
    expect(JSON.stringify(first)).toContain('"value":{"a":"list","f":"chat","p":2}');
    const last = taskListCard(pageOfList(tasks, 9, view), tasks, 'chat', view);
    expect(markdownOf(last)).toContain('第 5/5 页');
    expect((markdownOf(last).match(/🟢 \*\*#/g) ?? []).length).toBe(5);
    expect(cardBytes(first)).toBeLessThan(CARD_MAX_BYTES);
  });

  test('an empty list says so', () => {
    expect(markdownOf(taskListCard(pageOfList([], 1, view), [], 'mine', view))).toContain('没有符合条件的进行中任务');
  });
});
