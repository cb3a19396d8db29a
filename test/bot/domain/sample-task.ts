/**
 * A task as the policy tests start from: 修复路灯 #12, in progress, no deadline, a lead
 * (ou_lead) and a co-assignee (ou_co) who accepted when it was made, 2026-09-01 10:00 in
 * Asia/Shanghai; `over` sets any field.
 */
import type { Task } from '../../../bot/domain/types.js';

/** An instant written as Asia/Shanghai wall time: `at('2026-09-30T18:00')`. */
export const at = (s: string): Date => new Date(`${s}+08:00`);

export function sampleTask(over: Partial<Task> = {}): Task {
  const createdAt = over.createdAt ?? at('2026-09-01T10:00');
  return {
    id: 7,
    tenantKey: 'tk',
    number: 12,
    title: '修复路灯',
    detail: null,
    category: null,
    source: null,
    priority: 'normal',
    state: 'in_progress',
    creatorId: 'ou_creator',
    supervisorId: 'ou_boss',
    chatId: 'oc_1',
    assignees: [
      { userId: 'ou_lead', role: 'lead', acceptedAt: createdAt },
      { userId: 'ou_co', role: 'co', acceptedAt: createdAt },
    ],
    dueAt: null,
    originalDueAt: null,
    revisitAt: null,
    percent: null,
    lastProgressAt: null,
    lastProgressText: null,
    pendingExtension: null,
    extensionCount: 0,
    returnCount: 0,
    chaseCount: 0,
    createdAt,
    updatedAt: createdAt,
    acceptedAt: createdAt,
    submittedAt: null,
    doneAt: null,
    cancelledAt: null,
    cardMessageId: null,
    cardSentAt: null,
    version: 1,
    ...over,
  };
}
