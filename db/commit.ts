/**
 * commitChange: the one way anything is written on behalf of an event or a job. The task row,
 * its assignees, its hash-chained events, the outgoing messages, claimed reminder slots and
 * the "event processed" mark land in one write transaction — a crash leaves all or nothing.
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { OutMessage, Task, TaskEvent } from '../bot/domain/types.js';
import type { Db, Tx } from './client.js';
import { appendEvents, startChains } from './events.js';
import { enqueueMessages } from './outbox.js';
import { counters, inbox, sends, taskAssignees, tasks } from './schema.js';
import { fromProgress, toRow, toTask } from './tasks.js';

export interface Change {
  tenantKey: string;
  now: Date;
  /** Marks this inbox event processed in the same transaction; a second run commits nothing. */
  inboxEventId?: string;
  /** A task to insert (expectedVersion null: it gets its number here) or update. */
  task?: { value: Task; expectedVersion: number | null };
  events?: ReadonlyArray<Omit<TaskEvent, 'taskId'>>;
  /** Messages to enqueue; a function receives the saved task (with its id and number). */
  messages?: readonly OutMessage[] | ((saved: Task | null) => readonly OutMessage[]);
  /** Reminder slots / one-time notices to claim; if any is already taken, nothing is written. */
  claims?: ReadonlyArray<{ key: string; kind: string; taskId?: number | null }>;
  /**
   * The local day (DUBAN_TZ, YYYY-MM-DD) whose 加急 budget a message's `urgentTo` spends; needed
   * when any message carries one. See `spendBuzzes`.
   */
  buzzDay?: string;
  /** Further writes that belong to the same change (settings, subscriptions); they see the saved task. */
  also?: (tx: Tx, saved: Task | null) => Promise<void>;
}

/** The task changed under us (another event won the race): reload and decide again. */
export class ConflictError extends Error {
  constructor() {
    super('task changed concurrently');
    this.name = 'ConflictError';
  }
}

/** The inbox event was already processed (a redelivery raced us): nothing was written. */
export class AlreadyProcessedError extends Error {
  constructor() {
    super('event already processed');
    this.name = 'AlreadyProcessedError';
  }
}

class ClaimTakenError extends Error {}

/** The claim of a person's one 加急 of a local day (SPEC §4: at most once per person per day). */
export const buzzKey = (tenantKey: string, userId: string, day: string) => `u:${tenantKey}:${userId}:${day}`;

/**
 * The one rule for 加急, whichever path asks for it (an urgent assignment, a /催办, the chase):
 * each person in a message's `urgentTo` is buzzed only if their claim for the day is free, and
 * the claim is taken in the same transaction; the others are left out of the message's 加急.
 */
async function spendBuzzes(tx: Tx, tenantKey: string, day: string | undefined, messages: readonly OutMessage[], now: Date): Promise<OutMessage[]> {
  const out: OutMessage[] = [];
  for (const m of messages) {
    if (m.kind !== 'send' || !m.urgentTo?.length) {
      out.push(m);
      continue;
    }
    if (!day) throw new Error('a message with 加急 needs the change to say its day (buzzDay)');
    const { urgentTo, ...rest } = m;
    const kept: string[] = [];
    for (const u of new Set(urgentTo)) {
      const r = await tx
        .insert(sends)
        .values({ key: buzzKey(tenantKey, u, day), tenantKey, taskId: null, kind: 'urgent', at: now })
        .onConflictDoNothing()
        .returning({ key: sends.key });
      if (r.length) kept.push(u);
    }
    out.push(kept.length ? { ...rest, urgentTo: kept } : rest);
  }
  return out;
}

/**
 * Commits a change. Returns the saved task (or null when the change has none), or
 * `undefined` when a claim was already taken (the reminder went out before).
 */
export async function commitChange(db: Db, change: Change): Promise<{ task: Task | null } | undefined> {
  try {
    return await db.transaction(async (tx) => {
      if (change.inboxEventId) {
        const r = await tx
          .update(inbox)
          .set({ processedAt: change.now, leaseUntil: null })
          .where(and(eq(inbox.eventId, change.inboxEventId), isNull(inbox.processedAt)))
          .returning({ id: inbox.eventId });
        if (r.length === 0) throw new AlreadyProcessedError();
      }
      for (const c of change.claims ?? []) {
        const r = await tx
          .insert(sends)
          .values({ key: c.key, tenantKey: change.tenantKey, taskId: c.taskId ?? null, kind: c.kind, at: change.now })
          .onConflictDoNothing()
          .returning({ key: sends.key });
        if (r.length === 0) throw new ClaimTakenError();
      }
      let saved: Task | null = null;
      if (change.task) saved = await saveTask(tx, change.task.value, change.task.expectedVersion, change.now);
      if (saved && change.events?.length) await appendEvents(tx, change.tenantKey, saved.id, change.events);
      const asked = typeof change.messages === 'function' ? change.messages(saved) : (change.messages ?? []);
      const messages = await spendBuzzes(tx, change.tenantKey, change.buzzDay, asked, change.now);
      await enqueueMessages(
        tx,
        change.tenantKey,
        messages.map((m) => (saved && 'taskId' in m && m.taskId === 0 ? { ...m, taskId: saved.id } : m)),
        change.now,
      );
      if (change.also) await change.also(tx, saved);
      return { task: saved };
    });
  } catch (err) {
    if (err instanceof ClaimTakenError) return undefined;
    throw err;
  }
}

/**
 * Many new tasks in one transaction (a confirmed batch intake): `build` runs inside it (it may
 * read, e.g. which rows are already present, so two confirmations racing cannot both insert),
 * then every task, its events and the messages land together — or, when a claim is taken, none.
 * Returns the saved tasks in order, or undefined when a claim was already taken.
 */
export async function commitBatch(
  db: Db,
  change: {
    tenantKey: string;
    now: Date;
    claims?: ReadonlyArray<{ key: string; kind: string }>;
    build: (tx: Tx) => Promise<ReadonlyArray<{ task: Task; events: ReadonlyArray<Omit<TaskEvent, 'taskId'>> }>>;
    messages: (saved: readonly Task[]) => readonly OutMessage[];
  },
): Promise<Task[] | undefined> {
  try {
    return await db.transaction(async (tx) => {
      for (const c of change.claims ?? []) {
        const r = await tx
          .insert(sends)
          .values({ key: c.key, tenantKey: change.tenantKey, taskId: null, kind: c.kind, at: change.now })
          .onConflictDoNothing()
          .returning({ key: sends.key });
        if (r.length === 0) throw new ClaimTakenError();
      }
      const saved = await insertNewTasks(tx, change.tenantKey, await change.build(tx), change.now);
      await enqueueMessages(tx, change.tenantKey, [...change.messages(saved)], change.now);
      return saved;
    });
  } catch (err) {
    if (err instanceof ClaimTakenError) return undefined;
    throw err;
  }
}

/** Rows per multi-row INSERT of a batch (tasks have ~30 columns: well under SQLite's variable limit). */
const BATCH_ROWS = 50;

/**
 * New tasks written as a batch: their numbers taken from the counter at once, the tasks, their
 * assignees and their first events in multi-row INSERTs — a few dozen statements for 2,000
 * tasks instead of five each, so the write lock is held briefly.
 */
async function insertNewTasks(
  tx: Tx,
  tenantKey: string,
  built: ReadonlyArray<{ task: Task; events: ReadonlyArray<Omit<TaskEvent, 'taskId'>> }>,
  now: Date,
): Promise<Task[]> {
  if (built.length === 0) return [];
  const [c] = await tx
    .insert(counters)
    .values({ tenantKey, lastNumber: built.length })
    .onConflictDoUpdate({ target: counters.tenantKey, set: { lastNumber: sql`${counters.lastNumber} + ${built.length}` } })
    .returning({ n: counters.lastNumber });
  const first = c!.n - built.length + 1;
  const prepared = built.map((b, i) => ({ ...b.task, number: first + i, updatedAt: now, version: 0 }));
  const idOf = new Map<number, number>();
  for (let i = 0; i < prepared.length; i += BATCH_ROWS) {
    const rows = await tx
      .insert(tasks)
      .values(prepared.slice(i, i + BATCH_ROWS).map(toRow))
      .returning({ id: tasks.id, number: tasks.number });
    for (const r of rows) idOf.set(r.number, r.id);
  }
  const withIds = prepared.map((t) => ({ ...t, id: idOf.get(t.number)! }));
  const assigneeRows = withIds.flatMap((t) =>
    t.assignees.map((a, i) => ({ taskId: t.id, userId: a.userId, role: a.role, acceptedAt: a.acceptedAt, position: i, progress: fromProgress(a.progress) })),
  );
  for (let i = 0; i < assigneeRows.length; i += BATCH_ROWS * 4) await tx.insert(taskAssignees).values(assigneeRows.slice(i, i + BATCH_ROWS * 4));
  await startChains(
    tx,
    tenantKey,
    withIds.map((t, i) => ({ taskId: t.id, events: built[i]!.events })),
  );
  const byTask = new Map<number, typeof assigneeRows>();
  for (const a of assigneeRows) byTask.set(a.taskId, [...(byTask.get(a.taskId) ?? []), a]);
  return withIds.map((t) => toTask({ id: t.id, ...toRow(t) }, byTask.get(t.id) ?? []));
}

async function saveTask(tx: Tx, task: Task, expectedVersion: number | null, now: Date): Promise<Task> {
  const next: Task = { ...task, updatedAt: now, version: (expectedVersion ?? -1) + 1 };
  if (expectedVersion === null) {
    const [c] = await tx
      .insert(counters)
      .values({ tenantKey: task.tenantKey, lastNumber: 1 })
      .onConflictDoUpdate({ target: counters.tenantKey, set: { lastNumber: sql`${counters.lastNumber} + 1` } })
      .returning({ n: counters.lastNumber });
    next.number = c!.n;
    const [inserted] = await tx.insert(tasks).values(toRow(next)).returning();
    next.id = inserted!.id;
  } else {
    // The card's message id is the sender's to record (schedules/deliver.ts); a handler that
    // loaded the task before the card went out must not write it back.
    const { cardMessageId: _id, cardSentAt: _at, ...fields } = toRow(next);
    const r = await tx
      .update(tasks)
      .set(fields)
      .where(and(eq(tasks.id, task.id), eq(tasks.version, expectedVersion)))
      .returning({ id: tasks.id, cardMessageId: tasks.cardMessageId, cardSentAt: tasks.cardSentAt });
    if (r.length === 0) throw new ConflictError();
    next.cardMessageId = r[0]!.cardMessageId;
    next.cardSentAt = r[0]!.cardSentAt;
    await tx.delete(taskAssignees).where(eq(taskAssignees.taskId, task.id));
  }
  const assigneeRows = next.assignees.map((a, i) => ({
    taskId: next.id,
    userId: a.userId,
    role: a.role,
    acceptedAt: a.acceptedAt,
    position: i,
    progress: fromProgress(a.progress),
  }));
  if (assigneeRows.length) await tx.insert(taskAssignees).values(assigneeRows);
  return toTask({ id: next.id, ...toRow(next) }, assigneeRows);
}
