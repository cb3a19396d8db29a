/**
 * The permission table of domain/roles.ts: each decision for each kind of person, including the
 * fallbacks (the chat's 督办领导 when the task names none, the 交办人 when neither does).
 */
import { describe, expect, test } from 'vitest';
import {
  decidesOn,
  isOpen,
  leadOf,
  mayAct,
  mayAnswerRevisit,
  mayAssign,
  mayConfigureChat,
  mayDecideExtension,
  mayExportLedger,
  maySee,
  oversees,
  reviewersOf,
  rolesOf,
  supervisorOf,
} from '../../../bot/domain/roles.js';
import { newTask } from '../../../bot/domain/task.js';
import { DEFAULT_SETTINGS, type ChatSettings, type Task } from '../../../bot/domain/types.js';

const T0 = new Date('2026-12-01T09:00:00+08:00');

function task(supervisorId: string | null = null): Task {
  const t = newTask({
    tenantKey: 't1',
    number: 3,
    title: '整改',
    category: null,
    source: null,
    priority: 'normal',
    creatorId: 'ou_creator',
    supervisorId,
    chatId: 'oc_1',
    leadId: 'ou_lead',
    coIds: ['ou_co'],
    dueAt: null,
    now: T0,
  }).task;
  return { ...t, id: 1 };
}

const chat = (over: Partial<ChatSettings> = {}): ChatSettings => ({ ...DEFAULT_SETTINGS, ...over });

describe('supervisorOf, leadOf, isOpen', () => {
  test("the task's own 督办领导, else the chat's, else the 交办人", () => {
    expect(supervisorOf(task('ou_sup'), chat({ supervisorId: 'ou_chat' }))).toBe('ou_sup');
    expect(supervisorOf(task(), chat({ supervisorId: 'ou_chat' }))).toBe('ou_chat');
    expect(supervisorOf(task(), chat())).toBe('ou_creator');
    expect(supervisorOf(task(), null)).toBe('ou_creator');
    expect(reviewersOf(task(), null)).toEqual(['ou_creator']);
    expect(reviewersOf(task(), chat({ supervisorId: 'ou_chat' }))).toEqual(['ou_creator', 'ou_chat']);
  });

  test('the lead is the assignee marked lead, else the first; null without assignees', () => {
    const t = task();
    expect(leadOf(t)).toBe('ou_lead');
    expect(leadOf({ assignees: t.assignees.map((a) => ({ ...a, role: 'co' as const })) })).toBe('ou_lead');
    expect(leadOf({ assignees: [] })).toBeNull();
  });

  test('open is assigned, in progress or submitted', () => {
    expect(['assigned', 'in_progress', 'submitted', 'done', 'cancelled'].map((state) => isOpen({ state: state as Task['state'] }))).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
  });
});

describe('acting on a task', () => {
  const c = chat({ supervisorId: 'ou_chat' });
  const who = (actor: string) => rolesOf(task(), actor, c);

  test('assignees report, the lead submits, the 交办人 and 督办领导 decide', () => {
    expect(mayAct(who('ou_co'), 'accept')).toBeNull();
    expect(mayAct(who('ou_co'), 'submit')).toBe('not_lead');
    expect(mayAct(who('ou_lead'), 'submit')).toBeNull();
    expect(mayAct(who('ou_other'), 'progress')).toBe('not_assignee');
    expect(mayAct(who('ou_chat'), 'approve')).toBeNull();
    expect(mayAct(who('ou_creator'), 'cancel')).toBeNull();
    expect(mayAct(who('ou_lead'), 'approve')).toBe('not_creator_or_supervisor');
    expect(mayDecideExtension(task(), 'ou_chat', c)).toBe(true);
    expect(mayDecideExtension(task(), 'ou_co', c)).toBe(false);
    expect(mayAnswerRevisit(task(), 'ou_creator', c)).toBe(true);
    expect(mayAnswerRevisit(task(), 'ou_lead', c)).toBe(false);
  });

  test('a chat admin oversees the chat but does not decide on its tasks', () => {
    const admin = rolesOf(task(), 'ou_admin', chat({ admins: ['ou_admin'] }));
    expect(admin.overseesChat).toBe(true);
    expect(mayAct(admin, 'approve')).toBe('not_creator_or_supervisor');
  });
});

describe('chat decisions', () => {
  test('assign: anyone unless the chat names its assigners; admins always', () => {
    expect(mayAssign('ou_x', chat())).toBe(true);
    expect(mayAssign('ou_x', chat({ assigners: ['ou_a'] }))).toBe(false);
    expect(mayAssign('ou_a', chat({ assigners: ['ou_a'] }))).toBe(true);
    expect(mayAssign('ou_admin', chat({ assigners: ['ou_a'], admins: ['ou_admin'] }))).toBe(true);
  });

  test('see: its chat, its people, the admins and 督办领导 of its chat', () => {
    const t = task();
    expect(maySee(t, 'ou_x', chat(), 'oc_1')).toBe(true);
    expect(maySee(t, 'ou_x', chat(), 'oc_2')).toBe(false);
    expect(maySee(t, 'ou_co', chat(), null)).toBe(true);
    expect(maySee(t, 'ou_creator', chat(), null)).toBe(true);
    expect(maySee(t, 'ou_chat', chat({ supervisorId: 'ou_chat' }), null)).toBe(true);
    expect(maySee(t, 'ou_admin', chat({ admins: ['ou_admin'] }), null)).toBe(true);
  });

  test('configure: admins, and the owner and managers Lark reports', () => {
    expect(mayConfigureChat('ou_a', chat({ admins: ['ou_a'] }), null)).toBe(true);
    expect(mayConfigureChat('ou_o', chat(), null)).toBe(false);
    expect(mayConfigureChat('ou_o', chat(), { ownerId: 'ou_o', managerIds: [] })).toBe(true);
    expect(mayConfigureChat('ou_m', chat(), { ownerId: 'ou_o', managerIds: ['ou_m'] })).toBe(true);
    expect(mayConfigureChat('ou_x', chat(), { ownerId: 'ou_o', managerIds: ['ou_m'] })).toBe(false);
  });

  test('ledger: anyone in p2p; in a group the people who answer for its work', () => {
    expect(mayExportLedger('ou_x', { p2p: true })).toBe(true);
    const group = (c: ChatSettings, answers = false) => ({ p2p: false as const, chat: c, answersForATaskThere: answers });
    expect(mayExportLedger('ou_x', group(chat()))).toBe(false);
    expect(mayExportLedger('ou_x', group(chat(), true))).toBe(true);
    expect(mayExportLedger('ou_x', group(chat({ assigners: ['ou_x'] })))).toBe(true);
    expect(mayExportLedger('ou_x', group(chat({ supervisorId: 'ou_x' })))).toBe(true);
    expect(mayExportLedger('ou_x', group(chat({ admins: ['ou_x'] })))).toBe(true);
  });

  test("a leader's card: the chats they oversee, the tasks they decide on", () => {
    expect(oversees('ou_l', chat({ supervisorId: 'ou_l' }))).toBe(true);
    expect(oversees('ou_l', chat({ admins: ['ou_l'] }))).toBe(true);
    expect(oversees('ou_l', chat())).toBe(false);
    expect(decidesOn(task(), 'ou_creator', null)).toBe(true);
    expect(decidesOn(task(), 'ou_chat', { supervisorId: 'ou_chat' })).toBe(true);
    expect(decidesOn(task('ou_sup'), 'ou_chat', { supervisorId: 'ou_chat' })).toBe(false);
  });
});
