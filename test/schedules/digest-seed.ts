/** Seeding for the digest, /统计 and /台账 tests: tasks as the handlers would have written them. */
import { desc } from 'drizzle-orm';
import type { Task } from '../../bot/domain/types.js';
import { commitChange } from '../../db/commit.js';
import { outbox, users } from '../../db/schema.js';
import { GROUP, PEOPLE, TENANT, type TestBot } from '../helpers/app.js';
import { sampleTask } from '../bot/domain/sample-task.js';

const bj = (s: string) => new Date(`${s}:00+08:00`);

export function makeTask(p: Partial<Task> & { lead: string; co?: string[] }): Task {
  const { lead, co = [], ...rest } = p;
  const createdAt = p.createdAt ?? bj('2026-11-30T09:00');
  return sampleTask({
    id: 0,
    tenantKey: TENANT,
    number: 0,
    title: '事项',
    creatorId: PEOPLE.chief.openId,
    supervisorId: null,
    chatId: GROUP,
    assignees: [{ userId: lead, role: 'lead', acceptedAt: createdAt }, ...co.map((userId) => ({ userId, role: 'co' as const, acceptedAt: null }))],
    originalDueAt: p.dueAt ?? null,
    createdAt,
    updatedAt: createdAt,
    acceptedAt: createdAt,
    version: 0,
    ...rest,
  });
}

/** Inserts a task with an `assigned` event (and any further events), as the handlers would. */
export async function seedTask(
  bot: TestBot,
  task: Task,
  events: Array<{ kind: Task['state'] | string; at: Date; actorId?: string; payload?: Record<string, unknown> }> = [],
): Promise<Task> {
  const r = await commitChange(bot.deps.db, {
    tenantKey: TENANT,
    now: task.createdAt,
    task: { value: task, expectedVersion: null },
    events: [
      { kind: 'assigned', actorId: task.creatorId, payload: { title: task.title }, at: task.createdAt },
      ...events.map((e) => ({ kind: e.kind as never, actorId: e.actorId ?? task.creatorId, payload: e.payload ?? {}, at: e.at })),
    ],
  });
  return r!.task!;
}

export async function seedDirectory(bot: TestBot): Promise<void> {
  for (const p of Object.values(PEOPLE)) {
    await bot.deps.db
      .insert(users)
      .values({
        openId: p.openId,
        tenantKey: TENANT,
        name: p.name,
        departmentId: p.departmentId,
        departmentName: p.departmentName,
        fetchedAt: bj('2026-12-04T08:00'),
      })
      .onConflictDoNothing();
  }
}

/**
 * Texts the bot queued for a chat or user, oldest first, read from the durable outbox — what
 * the bot said, whether or not the fake Lark knows the message it replied to.
 */
export async function saidTo(bot: TestBot, to: string): Promise<string[]> {
  const rows = await bot.deps.db.select({ body: outbox.body }).from(outbox).orderBy(desc(outbox.id));
  const out: string[] = [];
  for (const r of rows.reverse()) {
    const m = JSON.parse(r.body);
    const forIt = (m.kind === 'reply' && m.chatId === to) || ((m.kind === 'send' || m.kind === 'file') && m.to.id === to);
    if (!forIt) continue;
    out.push(m.kind === 'file' ? `[file ${m.fileName}]` : m.msgType === 'text' ? String(m.content.text) : bot.fake.cardText(m.content));
  }
  return out;
}
