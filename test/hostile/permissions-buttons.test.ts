/**
 * Every card button against every role (issue 9). A button's payload is not trusted: the task
 * it names is reloaded within the clicker's tenant and the clicker's role re-checked, so a
 * click works exactly when the typed command would, and a refusal is a warning toast with the
 * exact catalogue sentence and no write at all (no version, no event, no outbox row).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTaskByNumber } from '../../db/tasks.js';
import { GROUP, TENANT } from '../helpers/app.js';
import {
  ANYONE,
  ASSIGNEE_ONLY,
  CAN_SEE,
  CAST,
  LEAD_ONLY,
  MANAGER_ONLY,
  ROLES,
  makeTask,
  queuedSince,
  sentence,
  snapshot,
  world,
  type BotWorld,
  type Expect,
  type Fixture,
  type Role,
} from './roles.js';

let w: BotWorld;
beforeAll(async () => {
  w = await world();
});
afterAll(async () => w?.bot.close());

interface Button {
  a: string;
  kind: string;
  fixture: Fixture;
  form?: Record<string, string>;
  table: Record<Role, Expect>;
}

const BUTTONS: Button[] = [
  { a: 'accept', kind: 'accept', fixture: 'assigned', table: ASSIGNEE_ONLY },
  { a: 'progress', kind: 'progress', fixture: 'assigned', form: { progress_text: '已完成初稿 完成40%' }, table: ASSIGNEE_ONLY },
  { a: 'submit', kind: 'submit', fixture: 'assigned', table: LEAD_ONLY },
  { a: 'approve', kind: 'approve', fixture: 'submitted', table: MANAGER_ONLY },
  { a: 'reject', kind: 'reject', fixture: 'submitted', form: { reject_reason: '数据需要核实' }, table: MANAGER_ONLY },
  { a: 'approve_extension', kind: 'approve_extension', fixture: 'extension', table: MANAGER_ONLY },
  { a: 'reject_extension', kind: 'reject_extension', fixture: 'extension', table: MANAGER_ONLY },
  { a: 'chase', kind: 'chase', fixture: 'assigned', table: MANAGER_ONLY },
  { a: 'show', kind: 'show', fixture: 'assigned', table: CAN_SEE },
  { a: 'list', kind: 'list', fixture: 'assigned', table: ANYONE },
];

async function click(role: Role, value: Record<string, unknown>, formValue?: Record<string, unknown>) {
  const { bot } = w;
  const c = CAST[role];
  const r = await bot.click({ from: c.who, value, formValue, chatId: c.chatId, tenantKey: c.tenantKey, messageId: 'om_some_card' });
  expect(r.status).toBe(200);
  await bot.settle();
  return r.body;
}

const cases = BUTTONS.flatMap((b) => ROLES.map((role) => [`${b.a} by ${role}`, b, role, b.table[role]] as const));

describe('buttons × roles', () => {
  it.each(cases)('%s', async (_name, b, role, expected) => {
    const { bot } = w;
    const refused = expected !== 'ok';
    const n = refused || b.kind === 'show' || b.kind === 'list' ? w.numbers[b.fixture] : await makeTask(bot, b.fixture, `${b.a}-${role}`);
    const task = (await getTaskByNumber(bot.deps.db, TENANT, n))!;
    const before = await snapshot(bot, n);
    const value = b.a === 'list' ? { a: 'list', f: 'all', p: 1 } : { a: b.a, task: task.id, n, v: 'g' };
    const answer = await click(role, value, b.form);
    const after = await snapshot(bot, n);
    const queued = await queuedSince(bot, before);
    if (expected === 'ok') {
      if (b.kind === 'show') {
        expect(queued.map((m) => [m.kind, m.msgType, m.to?.id])).toEqual([['send', 'interactive', CAST[role].chatId]]);
      } else if (b.kind === 'list') {
        expect(answer.card.type).toBe('raw');
        expect(queued).toEqual([]);
        if (role === 'otherTenant') expect(JSON.stringify(answer.card)).not.toMatch(/起草年度工作总结|整理会议纪要|核对统计数据/);
      } else {
        expect(answer.toast.type).toBe('success');
        expect(after.version).toBeGreaterThan(before.version);
        expect(after.events).toBeGreaterThan(before.events);
      }
      return;
    }
    // Another tenant's click names a task id it cannot see: "not found", with no number to give.
    const n0 = role === 'otherTenant' ? '?' : n;
    expect(answer).toEqual({ toast: { type: 'warning', content: sentence(expected, n0, b.kind) } });
    expect(after).toEqual(before);
    expect(queued).toEqual([]);
  });
});

describe('forged payloads', () => {
  it('a payload naming a task id that does not exist, or not a number, is refused without a write', async () => {
    const { bot } = w;
    const before = await snapshot(bot, w.numbers.assigned);
    for (const value of [
      { a: 'approve', task: 999_999, n: 1 },
      { a: 'approve', task: '1', n: 1 },
      { a: 'approve', task: -1 },
      { a: 'approve' },
      { a: 'approve', task: 1.5 },
      { a: 'revisit_ok', task: 1 },
      { a: '__proto__', task: 1 },
      { a: 'constructor' },
    ]) {
      const answer = await click('creator', value);
      expect(answer.toast.type, JSON.stringify(value)).toBe('warning');
    }
    expect(await snapshot(bot, w.numbers.assigned)).toEqual(before);
  });

  it('extra claims in a payload (a role, another tenant, another chat) change nothing', async () => {
    const { bot } = w;
    const task = (await getTaskByNumber(bot.deps.db, TENANT, w.numbers.submitted))!;
    const before = await snapshot(bot, task.number);
    const answer = await click('lead', {
      a: 'approve',
      task: task.id,
      n: task.number,
      role: 'creator',
      tenant: TENANT,
      chat: GROUP,
      operator: CAST.creator.who,
    });
    expect(answer.toast.type).toBe('warning');
    expect(await snapshot(bot, task.number)).toEqual(before);
  });
});
