/**
 * Every table of duban. Times are stored as integer milliseconds (drizzle `timestamp_ms`).
 * Tenancy: every row that belongs to an office carries its Lark `tenant_key`.
 */
import { sql } from 'drizzle-orm';
import { blob, index, integer, primaryKey, sqliteTable, text, uniqueIndex, type AnySQLiteColumn } from 'drizzle-orm/sqlite-core';

const ts = (name: string) => integer(name, { mode: 'timestamp_ms' });

/** A task's last sign of life: its last progress report, else its signing, else its assignment. */
export function taskActivityAt(t: { lastProgressAt: AnySQLiteColumn; acceptedAt: AnySQLiteColumn; createdAt: AnySQLiteColumn }) {
  return sql`(CASE WHEN ${t.lastProgressAt} IS NOT NULL THEN ${t.lastProgressAt} WHEN ${t.acceptedAt} IS NOT NULL THEN ${t.acceptedAt} ELSE ${t.createdAt} END)`;
}

/** 督办事项. */
export const tasks = sqliteTable(
  'tasks',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    tenantKey: text('tenant_key').notNull(),
    number: integer('number').notNull(),
    title: text('title').notNull(),
    detail: text('detail'),
    category: text('category'),
    source: text('source'),
    priority: text('priority').notNull().default('normal'),
    state: text('state').notNull(),
    creatorId: text('creator_id').notNull(),
    supervisorId: text('supervisor_id'),
    chatId: text('chat_id').notNull(),
    dueAt: ts('due_at'),
    originalDueAt: ts('original_due_at'),
    revisitAt: ts('revisit_at'),
    percent: integer('percent'),
    lastProgressAt: ts('last_progress_at'),
    lastProgressText: text('last_progress_text'),
    lastReturn: text('last_return', { mode: 'json' }),
    pendingExtension: text('pending_extension', { mode: 'json' }),
    /** The last edit (改期, 转办, 加协办, 减协办, 修改) as its ledger event, JSON, for the cards. */
    lastEdit: text('last_edit', { mode: 'json' }),
    /** The chat message the task was made from, JSON { messageId, chatId, link }. */
    origin: text('origin', { mode: 'json' }),
    extensionCount: integer('extension_count').notNull().default(0),
    returnCount: integer('return_count').notNull().default(0),
    chaseCount: integer('chase_count').notNull().default(0),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    acceptedAt: ts('accepted_at'),
    submittedAt: ts('submitted_at'),
    doneAt: ts('done_at'),
    cancelledAt: ts('cancelled_at'),
    cardMessageId: text('card_message_id'),
    cardSentAt: ts('card_sent_at'),
    version: integer('version').notNull().default(0),
    /** 1 while the task is open (assigned / in_progress / submitted): keeps scans to open work. */
    isOpen: integer('is_open').notNull().default(1),
  },
  (t) => [
    uniqueIndex('tasks_tenant_number').on(t.tenantKey, t.number),
    index('tasks_open_due').on(t.isOpen, t.dueAt),
    index('tasks_chat').on(t.tenantKey, t.chatId, t.createdAt),
    index('tasks_revisit').on(t.revisitAt),
    // The chase scan (db/reminders.ts): unsigned tasks by age, open tasks by their last sign of life.
    index('tasks_state_created').on(t.state, t.createdAt),
    // coalesce(last_progress_at, accepted_at, created_at), spelled without commas: drizzle-kit
    // splits an index expression at commas. db/reminders.ts queries the very same expression.
    index('tasks_open_activity').on(t.isOpen, taskActivityAt(t)),
    // Extension requests waiting for a decision (db/reminders.ts): a partial index, so the chase
    // reads only the tasks that carry one.
    index('tasks_pending_extension').on(t.isOpen).where(sql`pending_extension IS NOT NULL`),
  ],
);

/** 主办 and 协办 of each task. */
export const taskAssignees = sqliteTable(
  'task_assignees',
  {
    taskId: integer('task_id').notNull(),
    userId: text('user_id').notNull(),
    role: text('role').notNull(), // 'lead' | 'co'
    acceptedAt: ts('accepted_at'),
    position: integer('position').notNull().default(0),
    /** The person's latest progress report, JSON { text, percent, at }. */
    progress: text('progress', { mode: 'json' }),
  },
  (t) => [primaryKey({ columns: [t.taskId, t.userId] }), index('assignees_user').on(t.userId)],
);

/** The append-only, hash-chained event log: this is the 督查台账. */
export const taskEvents = sqliteTable(
  'task_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    tenantKey: text('tenant_key').notNull(),
    taskId: integer('task_id').notNull(),
    /** 1, 2, 3 … within the task. */
    seq: integer('seq').notNull(),
    kind: text('kind').notNull(),
    actorId: text('actor_id').notNull(),
    payload: text('payload').notNull(), // canonical JSON
    at: ts('at').notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [uniqueIndex('events_task_seq').on(t.taskId, t.seq), index('events_tenant_at').on(t.tenantKey, t.at)],
);

/** Per-tenant task number sequence. */
export const counters = sqliteTable('counters', {
  tenantKey: text('tenant_key').primaryKey(),
  lastNumber: integer('last_number').notNull().default(0),
});

/**
 * Every Lark event taken in (the inbox). The primary key is the dedupe on event_id; the
 * unique message_id is the second dedupe Lark's docs ask for on im.message.receive_v1.
 * Rows are kept for days, far past Lark's ~7 h retry horizon.
 */
export const inbox = sqliteTable(
  'inbox',
  {
    eventId: text('event_id').primaryKey(),
    messageId: text('message_id'),
    tenantKey: text('tenant_key').notNull(),
    kind: text('kind').notNull(),
    payload: text('payload').notNull(), // the normalized event, JSON
    receivedAt: ts('received_at').notNull(),
    processedAt: ts('processed_at'),
    attempts: integer('attempts').notNull().default(0),
    leaseUntil: ts('lease_until'),
    error: text('error'),
  },
  (t) => [uniqueIndex('inbox_message').on(t.messageId), index('inbox_pending').on(t.processedAt, t.receivedAt)],
);

/** The durable outbox: every message the bot sends is a row here first. */
export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** Lark's idempotency `uuid` for this message. */
    uuid: text('uuid').notNull(),
    tenantKey: text('tenant_key').notNull(),
    kind: text('kind').notNull(), // OutMessage['kind']
    /** 'chat:<id>' | 'user:<id>': the rate-limit key of the recipient. */
    rateKey: text('rate_key').notNull(),
    body: text('body').notNull(), // JSON of the OutMessage (without bytes)
    bytes: blob('bytes', { mode: 'buffer' }),
    taskId: integer('task_id'),
    status: text('status').notNull().default('pending'), // pending | sent | failed
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at').notNull(),
    leaseUntil: ts('lease_until'),
    lastError: text('last_error'),
    createdAt: ts('created_at').notNull(),
    sentAt: ts('sent_at'),
    resultMessageId: text('result_message_id'),
  },
  (t) => [uniqueIndex('outbox_uuid').on(t.uuid), index('outbox_due').on(t.status, t.nextAttemptAt)],
);

/** Messages the bot sent about a task: a reply to any of them is progress on that task. */
export const botMessages = sqliteTable(
  'bot_messages',
  {
    messageId: text('message_id').primaryKey(),
    tenantKey: text('tenant_key').notNull(),
    taskId: integer('task_id').notNull(),
    chatId: text('chat_id'),
    /** The assignee whose p2p task card this is (updated in place like the group card); null for any other message. */
    cardFor: text('card_for'),
    sentAt: ts('sent_at').notNull(),
  },
  (t) => [index('bot_messages_task').on(t.taskId)],
);

/**
 * The tasks a message about several tasks lists (a group 催办 or a briefing of the chase): a reply
 * to it is progress on the one task it names, or on the sender's own one among them.
 */
export const botMessageTasks = sqliteTable(
  'bot_message_tasks',
  {
    messageId: text('message_id').notNull(),
    tenantKey: text('tenant_key').notNull(),
    taskId: integer('task_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.messageId, t.taskId] })],
);

/**
 * Claimed reminder slots (task 12, overdue-day-3 …) and one-time notices. The unique key is
 * the at-most-once guarantee across instances, crashes and reruns.
 */
export const sends = sqliteTable('sends', {
  key: text('key').primaryKey(),
  tenantKey: text('tenant_key').notNull(),
  taskId: integer('task_id'),
  kind: text('kind').notNull(),
  at: ts('at').notNull(),
});

/** Chats the bot is in, with their settings (JSON of Partial<ChatSettings>). */
export const chats = sqliteTable(
  'chats',
  {
    chatId: text('chat_id').primaryKey(),
    tenantKey: text('tenant_key').notNull(),
    name: text('name'),
    chatType: text('chat_type').notNull().default('group'),
    ownerId: text('owner_id'),
    settings: text('settings', { mode: 'json' }).notNull().default(sql`'{}'`),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [index('chats_tenant').on(t.tenantKey)],
);

/** User directory cache (contact API): names and departments. */
export const users = sqliteTable('users', {
  openId: text('open_id').primaryKey(),
  tenantKey: text('tenant_key').notNull(),
  name: text('name').notNull(),
  departmentId: text('department_id'),
  departmentName: text('department_name'),
  /** The user's p2p chat with the bot, once seen. */
  p2pChatId: text('p2p_chat_id'),
  fetchedAt: ts('fetched_at').notNull(),
});

/** Leaders subscribed to the weekly digest card (/周报 订阅). */
export const subscriptions = sqliteTable(
  'subscriptions',
  {
    tenantKey: text('tenant_key').notNull(),
    userId: text('user_id').notNull(),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantKey, t.userId] })],
);

/** Holidays and make-up working days (调休) imported for years the calendar package lacks. */
export const calendarOverrides = sqliteTable(
  'calendar_overrides',
  {
    date: text('date').primaryKey(), // YYYY-MM-DD
    year: integer('year').notNull(),
    kind: text('kind').notNull(), // 'holiday' | 'workday'
    name: text('name'),
  },
  (t) => [index('calendar_year').on(t.year)],
);

/**
 * One row per use of a per-person limit (bot/limits.ts): a message to the bot, a refusal, a
 * hint. Counted here rather than in a process, so several processes on one database (and a
 * Worker's isolates) share one allowance. Pruned with the inbox.
 */
export const personUses = sqliteTable(
  'person_uses',
  {
    key: text('key').notNull(), // `<limit>:<tenant_key>:<open_id>`
    at: ts('at').notNull(),
  },
  (t) => [index('person_uses_key_at').on(t.key, t.at)],
);

/**
 * Leaves (请假): from Lark's leave approvals (`instance_code` set) or `/请假`. A person is away
 * from `start_at` up to `end_at` (exclusive) unless `ended_at` (a revert or /销假) came first.
 * `briefed_at` marks the one end-of-leave briefing.
 */
export const leaves = sqliteTable(
  'leaves',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    tenantKey: text('tenant_key').notNull(),
    userId: text('user_id').notNull(),
    startAt: ts('start_at').notNull(),
    endAt: ts('end_at').notNull(),
    /** open_ids who receive the absent person's reminders, JSON string[]; [] = the person's standing deputies. */
    deputies: text('deputies', { mode: 'json' }).notNull().default(sql`'[]'`),
    source: text('source').notNull(), // 'approval' | 'command'
    instanceCode: text('instance_code'),
    createdBy: text('created_by').notNull(),
    createdAt: ts('created_at').notNull(),
    endedAt: ts('ended_at'),
    briefedAt: ts('briefed_at'),
  },
  (t) => [uniqueIndex('leaves_instance').on(t.tenantKey, t.instanceCode), index('leaves_user').on(t.tenantKey, t.userId), index('leaves_end').on(t.endAt)],
);

/** A person's standing deputies (/设置 代理人 @a @b): they act for them while they are away. */
export const deputies = sqliteTable(
  'deputies',
  {
    tenantKey: text('tenant_key').notNull(),
    userId: text('user_id').notNull(),
    deputies: text('deputies', { mode: 'json' }).notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantKey, t.userId] })],
);

/** Leave approval definitions the app subscribed to (/设置 请假审批 <code>, LARK_LEAVE_APPROVALS). */
export const leaveApprovals = sqliteTable(
  'leave_approvals',
  {
    tenantKey: text('tenant_key').notNull(),
    approvalCode: text('approval_code').notNull(),
    subscribedAt: ts('subscribed_at'),
    lastError: text('last_error'),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantKey, t.approvalCode] })],
);

/**
 * The bot's 催办 and 督办 messages, once Lark gave them an id: what each was about and to whom,
 * so a read receipt (message_read_v1, read_users) can be tied to the tasks it chased.
 */
export const reminderMessages = sqliteTable(
  'reminder_messages',
  {
    messageId: text('message_id').notNull(),
    taskId: integer('task_id').notNull(),
    tenantKey: text('tenant_key').notNull(),
    /** 'chase' (催办, group or p2p) | 'escalate' (督办 card). */
    kind: text('kind').notNull(),
    /** The group the message is in, null for p2p. */
    chatId: text('chat_id'),
    /** open_ids the message is for (the mentioned leads, the card's recipient), JSON string[]. */
    recipients: text('recipients', { mode: 'json' }).notNull(),
    sentAt: ts('sent_at').notNull(),
    /** When read_users was last asked (group messages, up to 7 days). */
    polledAt: ts('polled_at'),
  },
  (t) => [
    primaryKey({ columns: [t.messageId, t.taskId] }),
    index('reminder_messages_task').on(t.taskId, t.sentAt),
    index('reminder_messages_sent').on(t.sentAt),
  ],
);

/** Who read which of the bot's messages and when (first read). */
export const messageReads = sqliteTable(
  'message_reads',
  {
    messageId: text('message_id').notNull(),
    readerId: text('reader_id').notNull(),
    readAt: ts('read_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.messageId, t.readerId] })],
);

/**
 * 即时提醒 the bot turned on and not yet off: the group pinned at the top of this person's message
 * list (feed_cards patch, time_sensitive true). Their first read of a 催办 in that group after the
 * pin removes the row and turns it off (time_sensitive false), once.
 */
export const feedPins = sqliteTable(
  'feed_pins',
  {
    chatId: text('chat_id').notNull(),
    userId: text('user_id').notNull(),
    tenantKey: text('tenant_key').notNull(),
    pinnedAt: ts('pinned_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.chatId, t.userId] })],
);

/**
 * 周期任务: a recurrence rule (bot/domain/series.ts) that creates one task per period. `rule`
 * and `feedback` are JSON of Recurrence; `co_ids` a JSON array of open_ids.
 */
export const series = sqliteTable(
  'series',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    tenantKey: text('tenant_key').notNull(),
    chatId: text('chat_id').notNull(),
    creatorId: text('creator_id').notNull(),
    leadId: text('lead_id').notNull(),
    coIds: text('co_ids', { mode: 'json' }).notNull(),
    title: text('title').notNull(),
    category: text('category'),
    source: text('source'),
    priority: text('priority').notNull().default('normal'),
    rule: text('rule', { mode: 'json' }).notNull(),
    leadWorkdays: integer('lead_workdays').notNull(),
    feedback: text('feedback', { mode: 'json' }),
    /** Periods whose deadline day is before this date (YYYY-MM-DD) are never created. */
    startYmd: text('start_ymd').notNull(),
    /** Periods whose nominal date is after this date (YYYY-MM-DD) are never created; null: no end. */
    endYmd: text('end_ymd'),
    /** The number of instances when the end was given as one (共12次); the wording only. */
    endCount: integer('end_count'),
    /** 'active' | 'cancelled' */
    state: text('state').notNull().default('active'),
    createdAt: ts('created_at').notNull(),
    cancelledAt: ts('cancelled_at'),
    cancelledBy: text('cancelled_by'),
  },
  (t) => [index('series_state').on(t.state), index('series_chat').on(t.tenantKey, t.chatId)],
);

/** The instances of each series: one task per (series, period). The key is the at-most-once guarantee. */
export const seriesTasks = sqliteTable(
  'series_tasks',
  {
    seriesId: integer('series_id').notNull(),
    /** The period's nominal date, YYYY-MM-DD. */
    period: text('period').notNull(),
    taskId: integer('task_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.seriesId, t.period] }), uniqueIndex('series_tasks_task').on(t.taskId)],
);

/** 反馈周期 of a task: on each cadence day its lead is asked for progress. `rule` is JSON of Recurrence. */
export const feedbackCadences = sqliteTable(
  'feedback_cadences',
  {
    taskId: integer('task_id').primaryKey(),
    tenantKey: text('tenant_key').notNull(),
    chatId: text('chat_id').notNull(),
    rule: text('rule', { mode: 'json' }).notNull(),
    setBy: text('set_by').notNull(),
    setAt: ts('set_at').notNull(),
  },
  (t) => [index('feedback_chat').on(t.tenantKey, t.chatId)],
);
