/**
 * The executable version of SPEC §2 (states) and the "who may" column of §3: every action ×
 * role × state, then fast-check sequences that may never leave the diagram.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { ACTION_KINDS, ALLOWED_TRANSITIONS, decide, isRefusal, newTask, type Action, type ActionKind, type RefusalCode } from '../../../bot/domain/task.js';
import type { Task, TaskState } from '../../../bot/domain/types.js';

const T0 = new Date('2026-12-01T09:00:00+08:00'); // Tuesday
const NOW = new Date('2026-12-02T10:00:00+08:00');
const DUE = new Date('2026-12-04T18:00:00+08:00');
const LATER = new Date('2026-12-11T18:00:00+08:00');

const CREATOR = 'ou_creator';
const SUPERVISOR = 'ou_supervisor';
const CHAT_SUPERVISOR = 'ou_chat_leader';
const LEAD = 'ou_lead';
const CO = 'ou_co';
const OTHER = 'ou_other';

function baseTask(): Task {
  return newTask({
    tenantKey: 't1',
    number: 12,
    title: '修复路灯',
    category: null,
    source: null,
    priority: 'normal',
    creatorId: CREATOR,
    supervisorId: SUPERVISOR,
    chatId: 'oc_1',
    leadId: LEAD,
    coIds: [CO],
    dueAt: DUE,
    now: T0,
  }).task;
}

/** A task in `state`, as it would be reached through the diagram. */
function taskIn(state: TaskState, opts: { pending?: boolean; supervisorId?: string | null } = {}): Task {
  const t = { ...baseTask(), id: 7, version: 3 };
  if ('supervisorId' in opts) t.supervisorId = opts.supervisorId ?? null;
  if (state !== 'assigned') {
    t.assignees = t.assignees.map((a) => (a.role === 'lead' ? { ...a, acceptedAt: T0 } : a));
    t.acceptedAt = T0;
  }
  t.state = state;
  if (state === 'submitted' || state === 'done') t.submittedAt = T0;
  if (state === 'done') t.doneAt = T0;
  if (state === 'cancelled') t.cancelledAt = T0;
  if (opts.pending) t.pendingExtension = { dueAt: LATER, reason: '等数据', requestedBy: CO, requestedAt: T0 };
  return t;
}

const ACTIONS: Record<ActionKind, Action> = {
  accept: { kind: 'accept' },
  progress: { kind: 'progress', text: '完成初稿', percent: 40 },
  submit: { kind: 'submit', note: '已完成' },
  approve: { kind: 'approve', revisitAt: null },
  reject: { kind: 'reject', reason: '数据需核实' },
  request_extension: { kind: 'request_extension', dueAt: LATER, reason: '等待数据' },
  approve_extension: { kind: 'approve_extension' },
  reject_extension: { kind: 'reject_extension', reason: null },
  chase: { kind: 'chase', note: null },
  cancel: { kind: 'cancel', reason: null },
  attach: {
    kind: 'attach',
    evidence: { type: 'file', name: '验收单.pdf', messageId: 'om_f', link: 'https://applink.feishu.cn/client/message/link/open?token=x' },
  },
  change_due: { kind: 'change_due', dueAt: LATER, reason: null },
  reassign: { kind: 'reassign', lead: OTHER, reason: null },
  add_co: { kind: 'add_co', ids: [OTHER] },
  remove_co: { kind: 'remove_co', ids: [CO] },
  edit: { kind: 'edit', field: 'title', text: '修复东街路灯' },
};

type Role = 'creator' | 'supervisor' | 'chat_supervisor' | 'lead' | 'co' | 'other';
const ROLE_ID: Record<Role, string> = {
  creator: CREATOR,
  supervisor: SUPERVISOR,
  chat_supervisor: CHAT_SUPERVISOR,
  lead: LEAD,
  co: CO,
  other: OTHER,
};
const ROLES = Object.keys(ROLE_ID) as Role[];
const STATES: TaskState[] = ['assigned', 'in_progress', 'submitted', 'done', 'cancelled'];

// SPEC §3 "who may", as a table.
const ASSIGNEE_ACTIONS: ActionKind[] = ['accept', 'progress', 'request_extension', 'attach'];
const MANAGER_ACTIONS: ActionKind[] = [
  'approve',
  'reject',
  'approve_extension',
  'reject_extension',
  'chase',
  'cancel',
  'change_due',
  'reassign',
  'add_co',
  'remove_co',
  'edit',
];
// States each action applies to (done and cancelled are closed for everything).
const STATES_OK: Record<ActionKind, TaskState[]> = {
  accept: ['assigned', 'in_progress'],
  progress: ['assigned', 'in_progress'],
  submit: ['assigned', 'in_progress'],
  approve: ['submitted'],
  reject: ['submitted'],
  request_extension: ['assigned', 'in_progress'],
  approve_extension: ['assigned', 'in_progress', 'submitted'],
  reject_extension: ['assigned', 'in_progress', 'submitted'],
  chase: ['assigned', 'in_progress'],
  cancel: ['assigned', 'in_progress', 'submitted'],
  attach: ['assigned', 'in_progress', 'submitted'],
  change_due: ['assigned', 'in_progress', 'submitted'],
  reassign: ['assigned', 'in_progress'],
  add_co: ['assigned', 'in_progress', 'submitted'],
  remove_co: ['assigned', 'in_progress', 'submitted'],
  edit: ['assigned', 'in_progress', 'submitted'],
};
const NEXT_STATE: Record<ActionKind, (s: TaskState) => TaskState> = {
  accept: () => 'in_progress',
  progress: () => 'in_progress',
  submit: () => 'submitted',
  approve: () => 'done',
  reject: () => 'in_progress',
  request_extension: (s) => s,
  approve_extension: (s) => s,
  reject_extension: (s) => s,
  chase: (s) => s,
  cancel: () => 'cancelled',
  attach: (s) => (s === 'assigned' ? 'in_progress' : s),
  change_due: (s) => s,
  reassign: (s) => s,
  add_co: (s) => s,
  remove_co: (s) => s,
  edit: (s) => s,
};

function expected(action: ActionKind, role: Role, state: TaskState, supervisorOnTask: boolean): RefusalCode | TaskState {
  if (state === 'done') return 'already_done';
  if (state === 'cancelled') return 'cancelled';
  const isAssignee = role === 'lead' || role === 'co';
  const isManager = role === 'creator' || (supervisorOnTask ? role === 'supervisor' : role === 'chat_supervisor');
  if (ASSIGNEE_ACTIONS.includes(action) && !isAssignee) return 'not_assignee';
  if (action === 'submit' && !isAssignee) return 'not_assignee';
  if (action === 'submit' && role !== 'lead') return 'not_lead';
  if (MANAGER_ACTIONS.includes(action) && !isManager) return 'not_creator_or_supervisor';
  if (!STATES_OK[action].includes(state)) return 'wrong_state';
  if (action === 'accept' && role === 'lead' && state !== 'assigned') return 'already_accepted';
  return NEXT_STATE[action](state);
}

const cases: Array<[ActionKind, Role, TaskState, boolean]> = [];
for (const action of ACTION_KINDS)
  for (const role of ROLES) for (const state of STATES) for (const sup of [true, false]) cases.push([action, role, state, sup]);

describe('decide: every action × role × state (SPEC §2–§3)', () => {
  test.each(cases)('%s by %s on %s (supervisor on task: %s)', (action, role, state, supOnTask) => {
    const pending = action === 'approve_extension' || action === 'reject_extension';
    const task = taskIn(state, { pending, supervisorId: supOnTask ? SUPERVISOR : null });
    const before = structuredClone(task);
    const r = decide(task, ACTIONS[action], ROLE_ID[role], NOW, { supervisorId: supOnTask ? SUPERVISOR : CHAT_SUPERVISOR });
    const want = expected(action, role, state, supOnTask);
    expect(task).toEqual(before); // never mutates its input
    if (isRefusal(r)) {
      expect(r.refused).toBe(want);
      if (r.refused === 'wrong_state') expect(r.params?.state).toBe(state);
    } else {
      expect(r.task.state).toBe(want);
      expect(r.task.version).toBe(task.version);
      expect(r.task.updatedAt).toEqual(NOW);
      expect(r.events.length).toBeGreaterThan(0);
      for (const e of r.events) {
        expect(e.actorId).toBe(ROLE_ID[role]);
        expect(e.at).toEqual(NOW);
      }
    }
  });

  test('with the task-level supervisor set, the chat leader is not a supervisor of it', () => {
    const r = decide(taskIn('submitted'), ACTIONS.approve, CHAT_SUPERVISOR, NOW, { supervisorId: SUPERVISOR });
    expect(r).toEqual({ refused: 'not_creator_or_supervisor' });
  });
});

describe('transitions in detail', () => {
  const ctx = { supervisorId: SUPERVISOR };

  test('签收 moves assigned → in_progress and records who signed', () => {
    const r = decide(taskIn('assigned'), ACTIONS.accept, CO, NOW, ctx);
    if (isRefusal(r)) throw new Error(r.refused);
    expect(r.task.state).toBe('in_progress');
    expect(r.task.assignees.find((a) => a.userId === CO)?.acceptedAt).toEqual(NOW);
    expect(r.task.assignees.find((a) => a.userId === LEAD)?.acceptedAt).toBeNull();
    expect(r.task.acceptedAt).toEqual(NOW);
    expect(r.events.map((e) => e.kind)).toEqual(['accepted']);
  });

  test('a co-assignee may still sign once the lead has', () => {
    const r = decide(taskIn('in_progress'), ACTIONS.accept, CO, NOW, ctx);
    if (isRefusal(r)) throw new Error(r.refused);
    expect(r.task.state).toBe('in_progress');
    expect(r.task.acceptedAt).toEqual(T0);
  });

  test('进展 on an assigned task implies 签收', () => {
    const r = decide(taskIn('assigned'), { kind: 'progress', text: '已开工', percent: 10 }, LEAD, NOW, ctx);
    if (isRefusal(r)) throw new Error(r.refused);
    expect(r.task.state).toBe('in_progress');
    expect(r.events.map((e) => e.kind)).toEqual(['accepted', 'progress']);
    expect(r.events[0]!.payload).toEqual({ implied: true });
    expect(r.task.percent).toBe(10);
    expect(r.task.lastProgressText).toBe('已开工');
    expect(r.task.lastProgressAt).toEqual(NOW);
  });

  test('progress keeps the last percent when a report has none, and clamps to 0–100', () => {
    const t = { ...taskIn('in_progress'), percent: 50 };
    const r1 = decide(t, { kind: 'progress', text: '继续推进', percent: null }, LEAD, NOW, ctx);
    if (isRefusal(r1)) throw new Error(r1.refused);
    expect(r1.task.percent).toBe(50);
    const r2 = decide(t, { kind: 'progress', text: 'x', percent: 180 }, LEAD, NOW, ctx);
    if (isRefusal(r2)) throw new Error(r2.refused);
    expect(r2.task.percent).toBe(100);
  });

  test('an empty progress report is refused', () => {
    expect(decide(taskIn('in_progress'), { kind: 'progress', text: '  ', percent: null }, LEAD, NOW, ctx)).toEqual({
      refused: 'text_required',
    });
  });

  test('办结 by the lead of an unsigned task signs and submits', () => {
    const r = decide(taskIn('assigned'), ACTIONS.submit, LEAD, NOW, ctx);
    if (isRefusal(r)) throw new Error(r.refused);
    expect(r.events.map((e) => e.kind)).toEqual(['accepted', 'submitted']);
    expect(r.task.state).toBe('submitted');
    expect(r.task.submittedAt).toEqual(NOW);
  });

  test('退回 moves submitted → in_progress and counts the return', () => {
    const r = decide(taskIn('submitted'), ACTIONS.reject, CREATOR, NOW, ctx);
    if (isRefusal(r)) throw new Error(r.refused);
    expect(r.task.state).toBe('in_progress');
    expect(r.task.returnCount).toBe(1);
    expect(r.task.submittedAt).toBeNull();
    expect(r.events[0]).toMatchObject({ kind: 'returned', payload: { reason: '数据需核实' } });
  });

  test('退回 needs a reason', () => {
    expect(decide(taskIn('submitted'), { kind: 'reject', reason: ' ' }, CREATOR, NOW, ctx)).toEqual({ refused: 'reason_required' });
  });

  test('通过 closes the task, records on-time against the original deadline, sets 回头看', () => {
    const revisit = new Date('2027-01-10T09:30:00+08:00');
    const t = { ...taskIn('submitted'), submittedAt: new Date('2026-12-05T10:00:00+08:00'), dueAt: LATER };
    const r = decide(t, { kind: 'approve', revisitAt: revisit }, SUPERVISOR, NOW, ctx);
    if (isRefusal(r)) throw new Error(r.refused);
    expect(r.task.state).toBe('done');
    expect(r.task.doneAt).toEqual(NOW);
    expect(r.task.revisitAt).toEqual(revisit);
    // Submitted after the original DUE but before the extended LATER: not on time.
    expect(r.events[0]!.payload.onTime).toBe(false);
  });

  test('回头看 in the past is refused', () => {
    expect(decide(taskIn('submitted'), { kind: 'approve', revisitAt: T0 }, CREATOR, NOW, ctx)).toEqual({ refused: 'revisit_in_past' });
  });

  test('an approved extension moves the due time and keeps the original', () => {
    const asked = decide(taskIn('in_progress'), ACTIONS.request_extension, CO, NOW, ctx);
    if (isRefusal(asked)) throw new Error(asked.refused);
    expect(asked.task.pendingExtension).toMatchObject({ dueAt: LATER, requestedBy: CO, reason: '等待数据' });
    expect(asked.task.dueAt).toEqual(DUE);
    const ok = decide(asked.task, ACTIONS.approve_extension, CREATOR, NOW, ctx);
    if (isRefusal(ok)) throw new Error(ok.refused);
    expect(ok.task.dueAt).toEqual(LATER);
    expect(ok.task.originalDueAt).toEqual(DUE);
    expect(ok.task.extensionCount).toBe(1);
    expect(ok.task.pendingExtension).toBeNull();
    expect(ok.events[0]).toMatchObject({ kind: 'extension_approved', payload: { dueAt: LATER, previousDueAt: DUE } });
    // A second extension still remembers the first deadline.
    const again = decide(ok.task, { kind: 'request_extension', dueAt: new Date('2026-12-18T18:00:00+08:00'), reason: '再等' }, LEAD, NOW, ctx);
    if (isRefusal(again)) throw new Error(again.refused);
    const ok2 = decide(again.task, ACTIONS.approve_extension, SUPERVISOR, NOW, ctx);
    if (isRefusal(ok2)) throw new Error(ok2.refused);
    expect(ok2.task.originalDueAt).toEqual(DUE);
    expect(ok2.task.extensionCount).toBe(2);
  });

  test('a rejected extension leaves the deadline alone', () => {
    const r = decide(taskIn('in_progress', { pending: true }), { kind: 'reject_extension', reason: '不行' }, CREATOR, NOW, ctx);
    if (isRefusal(r)) throw new Error(r.refused);
    expect(r.task.dueAt).toEqual(DUE);
    expect(r.task.pendingExtension).toBeNull();
    expect(r.task.extensionCount).toBe(0);
  });

  test.each([
    ['a second request while one is pending', taskIn('in_progress', { pending: true }), LATER, 'extension_pending'],
    ['a task without a deadline', { ...taskIn('in_progress'), dueAt: null, originalDueAt: null }, LATER, 'no_due'],
    ['a time in the past', taskIn('in_progress'), T0, 'due_in_past'],
    ['a time not later than the deadline', taskIn('in_progress'), new Date('2026-12-03T18:00:00+08:00'), 'extension_not_later'],
  ] as const)('request_extension refuses %s', (_name, task, dueAt, code) => {
    const r = decide(task, { kind: 'request_extension', dueAt, reason: '理由' }, LEAD, NOW, ctx);
    expect(isRefusal(r) && r.refused).toBe(code);
  });

  test('no extension decision without a request', () => {
    expect(decide(taskIn('in_progress'), ACTIONS.approve_extension, CREATOR, NOW, ctx)).toEqual({ refused: 'no_pending_extension' });
    expect(decide(taskIn('in_progress'), ACTIONS.reject_extension, CREATOR, NOW, ctx)).toEqual({ refused: 'no_pending_extension' });
  });

  test('催办 counts, 撤销 closes', () => {
    const c = decide(taskIn('assigned'), { kind: 'chase', note: '今天务必' }, CREATOR, NOW, ctx);
    if (isRefusal(c)) throw new Error(c.refused);
    expect(c.task.chaseCount).toBe(1);
    expect(c.task.state).toBe('assigned');
    const x = decide(taskIn('submitted', { pending: true }), { kind: 'cancel', reason: '情况变化' }, SUPERVISOR, NOW, ctx);
    if (isRefusal(x)) throw new Error(x.refused);
    expect(x.task.state).toBe('cancelled');
    expect(x.task.cancelledAt).toEqual(NOW);
    expect(x.task.pendingExtension).toBeNull();
  });
});

describe('newTask', () => {
  test('builds the assigned task with the lead first and the assigned event', () => {
    const { task, events } = newTask({
      tenantKey: 't1',
      number: 3,
      title: '起草总结',
      category: 'decision',
      source: '办〔2026〕12号',
      priority: 'urgent',
      creatorId: CREATOR,
      supervisorId: null,
      chatId: 'oc_1',
      leadId: LEAD,
      coIds: [CO, LEAD, CO, OTHER],
      dueAt: DUE,
      now: T0,
    });
    expect(task.state).toBe('assigned');
    expect(task.assignees).toEqual([
      { userId: LEAD, role: 'lead', acceptedAt: null },
      { userId: CO, role: 'co', acceptedAt: null },
      { userId: OTHER, role: 'co', acceptedAt: null },
    ]);
    expect(task.originalDueAt).toEqual(DUE);
    expect(task.version).toBe(0);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: 'assigned', actorId: CREATOR, at: T0, payload: { lead: LEAD, co: [CO, OTHER] } });
  });
});

describe('properties (fast-check)', () => {
  const actors = [CREATOR, SUPERVISOR, CHAT_SUPERVISOR, LEAD, CO, OTHER];
  const dateArb = fc.date({ min: new Date('2026-11-01T00:00:00Z'), max: new Date('2027-03-01T00:00:00Z'), noInvalidDate: true });
  const actionArb: fc.Arbitrary<Action> = fc.oneof(
    fc.constant<Action>({ kind: 'accept' }),
    fc.record({
      kind: fc.constant('progress' as const),
      text: fc.string({ maxLength: 20 }),
      percent: fc.option(fc.integer({ min: -50, max: 200 }), { nil: null }),
    }),
    fc.record({ kind: fc.constant('submit' as const), note: fc.option(fc.string({ maxLength: 10 }), { nil: null }) }),
    fc.record({ kind: fc.constant('approve' as const), revisitAt: fc.option(dateArb, { nil: null }) }),
    fc.record({ kind: fc.constant('reject' as const), reason: fc.string({ maxLength: 10 }) }),
    fc.record({ kind: fc.constant('request_extension' as const), dueAt: dateArb, reason: fc.string({ maxLength: 10 }) }),
    fc.constant<Action>({ kind: 'approve_extension' }),
    fc.record({ kind: fc.constant('reject_extension' as const), reason: fc.option(fc.string({ maxLength: 10 }), { nil: null }) }),
    fc.record({ kind: fc.constant('chase' as const), note: fc.option(fc.string({ maxLength: 10 }), { nil: null }) }),
    fc.record({ kind: fc.constant('cancel' as const), reason: fc.option(fc.string({ maxLength: 10 }), { nil: null }) }),
  );
  const stepArb = fc.record({ actor: fc.constantFrom(...actors), action: actionArb, minutes: fc.integer({ min: 0, max: 60 * 24 * 5 }) });
  const allowed = new Set(ALLOWED_TRANSITIONS.map(([a, b]) => `${a}>${b}`));
  // The event that walks each edge of the diagram.
  const EDGE_EVENT: Record<string, string> = {
    'assigned>in_progress': 'accepted',
    'in_progress>submitted': 'submitted',
    'submitted>in_progress': 'returned',
    'submitted>done': 'approved',
    'assigned>cancelled': 'cancelled',
    'in_progress>cancelled': 'cancelled',
    'submitted>cancelled': 'cancelled',
  };

  test('no sequence of (actor, action) leaves the diagram; refusals change nothing', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 40 }), fc.boolean(), (steps, supOnTask) => {
        let task: Task = { ...baseTask(), id: 1, supervisorId: supOnTask ? SUPERVISOR : null };
        let now = T0;
        const ctx = { supervisorId: supOnTask ? SUPERVISOR : CHAT_SUPERVISOR };
        for (const { actor, action, minutes } of steps) {
          now = new Date(now.getTime() + minutes * 60_000);
          const before = structuredClone(task);
          const r = decide(task, action, actor, now, ctx);
          expect(task).toEqual(before);
          if (isRefusal(r)) continue;
          const next = r.task;
          // Walk the events: each state change must be an edge of the diagram, made by its event.
          let s: TaskState = task.state;
          for (const e of r.events) {
            const to = Object.entries(EDGE_EVENT).find(([edge, kind]) => edge.startsWith(`${s}>`) && kind === e.kind)?.[0];
            if (to) s = to.split('>')[1] as TaskState;
          }
          expect(s).toBe(next.state);
          if (next.state !== task.state) {
            // An implied 签收 passes through in_progress on the way to submitted.
            expect(r.events.length).toBeGreaterThan(0);
          }
          for (const [from, to] of pairs(task.state, r.events, next.state)) expect(allowed.has(`${from}>${to}`)).toBe(true);
          // Invariants.
          expect(['done', 'cancelled']).not.toContain(task.state);
          expect(next.version).toBe(task.version);
          expect(next.originalDueAt).toEqual(task.originalDueAt);
          expect(next.extensionCount).toBeGreaterThanOrEqual(task.extensionCount);
          expect(next.returnCount).toBeGreaterThanOrEqual(task.returnCount);
          expect(next.chaseCount).toBeGreaterThanOrEqual(task.chaseCount);
          expect(next.assignees.map((a) => a.userId)).toEqual(task.assignees.map((a) => a.userId));
          if (next.dueAt?.getTime() !== task.dueAt?.getTime()) {
            expect(r.events.map((e) => e.kind)).toContain('extension_approved');
            expect(next.dueAt!.getTime()).toBeGreaterThan(task.dueAt!.getTime());
          }
          task = { ...next, version: task.version + 1 };
        }
      }),
      { numRuns: 500 },
    );
  });

  test('a closed task refuses everything from everyone', () => {
    fc.assert(
      fc.property(fc.constantFrom<TaskState>('done', 'cancelled'), fc.constantFrom(...actors), actionArb, (state, actor, action) => {
        const r = decide(taskIn(state), action, actor, NOW, { supervisorId: SUPERVISOR });
        expect(isRefusal(r)).toBe(true);
      }),
    );
  });
});

/** The state path a decision walks: from, through the implied 签收 if any, to. */
function pairs(from: TaskState, events: Array<{ kind: string }>, to: TaskState): Array<[TaskState, TaskState]> {
  if (from === to) return [];
  if (from === 'assigned' && to === 'submitted' && events.some((e) => e.kind === 'accepted')) {
    return [
      ['assigned', 'in_progress'],
      ['in_progress', 'submitted'],
    ];
  }
  return [[from, to]];
}
