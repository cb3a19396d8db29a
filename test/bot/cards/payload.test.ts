/**
 * The card-button payload codec: what a builder writes is what a handler reads back, and a
 * value someone made up is refused rather than half-read.
 */
import { describe, expect, it } from 'vitest';
import { listValue, readListValue, readTaskValue, taskValue } from '../../../bot/cards/payload.js';

const task = { id: 42, number: 7 };
const NAMES = ['accept', 'chase'] as const;

describe('task button values', () => {
  it('round-trip with the card they sit on', () => {
    for (const place of ['group', 'assignee', 'detail'] as const) {
      expect(readTaskValue(taskValue('accept', task, place), NAMES)).toEqual({ a: 'accept', taskId: 42, place, batch: undefined });
    }
    expect(readTaskValue(taskValue('chase', task, 'briefing', 'o42'), NAMES)).toEqual({ a: 'chase', taskId: 42, place: 'briefing', batch: 'o42' });
    expect(readTaskValue(taskValue('chase', task), NAMES)).toEqual({ a: 'chase', taskId: 42, place: null, batch: undefined });
  });

  it('keep the shape Lark carries: a, task, n, then v and b', () => {
    expect(taskValue('accept', task, 'assignee')).toEqual({ a: 'accept', task: 42, n: 7, v: 'p' });
    expect(Object.keys(taskValue('chase', task, 'briefing', 'x'))).toEqual(['a', 'task', 'n', 'v', 'b']);
    // A batch belongs to a chase message only.
    expect(taskValue('chase', task, 'group', 'x')).toEqual({ a: 'chase', task: 42, n: 7, v: 'g' });
  });

  it('refuse another action, a bad task id, and read an unknown card as none', () => {
    expect(readTaskValue(taskValue('show', task), NAMES)).toBeNull();
    for (const id of [0, -1, 1.5, '42', null, Number.MAX_SAFE_INTEGER + 2]) {
      expect(readTaskValue({ a: 'accept', task: id, n: 7 }, NAMES), String(id)).toBeNull();
    }
    expect(readTaskValue({ a: 'accept', task: 42, v: 'zz' }, NAMES)?.place).toBeNull();
    expect(readTaskValue({ a: 'accept', task: 42, v: 1 }, NAMES)?.place).toBeNull();
  });
});

describe('list button values', () => {
  it('round-trip; an unknown list is 我的 and an unreadable page the first', () => {
    expect(readListValue(listValue('review', 3))).toEqual({ filter: 'review', page: 3 });
    expect(readListValue({ a: 'list', f: 'everything', p: '2' })).toEqual({ filter: 'mine', page: 1 });
  });
});
