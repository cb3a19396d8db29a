/**
 * The shared vocabulary of duban: tasks (督办事项), their events, chat settings and the
 * messages the bot intends to send. Pure data; nothing here does I/O.
 */

/** Task states of SPEC §2. Overdue (逾期) is not a state. */
export type TaskState = 'assigned' | 'in_progress' | 'submitted' | 'done' | 'cancelled';
/** 紧急 urgent / 重要 high / normal. */
export type Priority = 'urgent' | 'high' | 'normal';
/** 决策督查 decision / 专项督查 special / 民生督查 livelihood. */
export type Category = 'decision' | 'special' | 'livelihood';
/** 亮灯. */
export type Light = 'red' | 'yellow' | 'green';
export type Lang = 'zh' | 'en';

export interface Assignee {
  userId: string;
  /** 主办 lead or 协办 co-assignee. */
  role: 'lead' | 'co';
  acceptedAt: Date | null;
  /** This person's latest progress report: each keeps their own word. */
  progress?: PersonProgress | null;
}

export interface PersonProgress {
  text: string;
  /** The percent this person last reported, if ever. */
  percent: number | null;
  at: Date;
}

/** The last 退回 of a task, shown on its cards until the next submission. */
export interface ReturnNote {
  reason: string;
  by: string;
  at: Date;
  /** Reopened by a 回头看 that found a problem: the 整改 round (1, 2, …), its requirement in `reason`. */
  rework?: number;
}

/** An edit's ledger event, kept on the task for its cards (text fields shortened). */
export interface EditNote {
  kind: TaskEventKind;
  actorId: string;
  payload: Record<string, unknown>;
  at: Date;
}

/** A chat message a task was made from, and a link that opens its chat in Feishu. */
export interface OriginMessage {
  messageId: string;
  chatId: string;
  link: string;
}

export interface PendingExtension {
  dueAt: Date;
  reason: string;
  requestedBy: string;
  requestedAt: Date;
}

export interface Task {
  id: number;
  tenantKey: string;
  /** Per-tenant sequential number shown as #12. */
  number: number;
  title: string;
  detail: string | null;
  category: Category | null;
  /** 来源: a document number, a 批示, a meeting. */
  source: string | null;
  priority: Priority;
  state: TaskState;
  creatorId: string;
  /** 督办领导; null falls back to the chat's configured leader. */
  supervisorId: string | null;
  chatId: string;
  assignees: Assignee[];
  dueAt: Date | null;
  /** The deadline as first assigned; on-time figures are judged against it. */
  originalDueAt: Date | null;
  /** 回头看 time of a done task. */
  revisitAt: Date | null;
  /** Last reported percent (完成70%), for 序时进度. */
  percent: number | null;
  lastProgressAt: Date | null;
  lastProgressText: string | null;
  /** Why and by whom it was last returned; cleared when it is submitted again. */
  returned?: ReturnNote | null;
  pendingExtension: PendingExtension | null;
  extensionCount: number;
  returnCount: number;
  chaseCount: number;
  createdAt: Date;
  updatedAt: Date;
  acceptedAt: Date | null;
  submittedAt: Date | null;
  doneAt: Date | null;
  cancelledAt: Date | null;
  /** The last edit (改期, 转办, 加协办, 减协办, 修改) as its ledger event, shown on the cards. */
  lastEdit?: EditNote | null;
  /** The message the task was made from (a reply with /交办 and no title), linked back from its cards. */
  origin?: OriginMessage | null;
  /** The shared task card in the origin chat, once sent. */
  cardMessageId: string | null;
  cardSentAt: Date | null;
  /** Optimistic-concurrency counter, bumped by every committed change. */
  version: number;
}

export type TaskEventKind =
  | 'assigned'
  | 'accepted'
  | 'progress'
  | 'submitted'
  | 'approved'
  | 'returned'
  | 'extension_requested'
  | 'extension_approved'
  | 'extension_rejected'
  | 'extension_expired'
  | 'chased'
  | 'cancelled'
  | 'reminded'
  | 'escalated'
  | 'revisit_asked'
  | 'revisit_answered'
  /** A file, image or link replied to a task card: payload { type, name, messageId, link }. */
  | 'evidence'
  /** The deadline recounted in working days after a holiday schedule was imported: payload { year, from, dueAt }. */
  | 'due_recounted'
  /** /改期 before the deadline: the basis for on-time moves too. payload { dueAt, previousDueAt, reason }. */
  | 'due_changed'
  /** /转办: payload { from, to, reason }. */
  | 'reassigned'
  /** /加协办, /减协办: payload { ids }. */
  | 'co_added'
  | 'co_removed'
  /** /修改: payload { field: 'title' | 'detail', text, previous }. */
  | 'edited'
  /** A feedback cadence set or removed (反馈 每周五): payload { rule } (null: removed). */
  | 'feedback_set';

/** One line of the append-only log (the ledger). `actorId` is an open_id or 'bot'. */
export interface TaskEvent {
  taskId: number;
  kind: TaskEventKind;
  actorId: string;
  payload: Record<string, unknown>;
  at: Date;
}

/** Where a message goes. */
export type Recipient = { type: 'chat_id'; id: string } | { type: 'open_id'; id: string };

/**
 * A message the bot intends to send. Handlers and jobs return these; they become outbox
 * rows in the same transaction as the change that caused them, and the sender delivers them.
 */
export type OutMessage =
  | {
      kind: 'send';
      to: Recipient;
      msgType: 'text' | 'interactive' | 'post';
      content: Record<string, unknown>;
      taskId?: number;
      /** The tasks a message about several tasks lists (a chase batch): a reply to it names one of them. */
      taskIds?: number[];
      /**
       * 'task_card' marks the shared card of a task in its chat (its message id is saved on the
       * task); 'assignee_card' an assignee's p2p card (recorded so it is updated in place too).
       */
      purpose?: 'task_card' | 'assignee_card' | 'other';
      /** open_ids to buzz (加急, urgent_app) once the message is sent. */
      urgentTo?: string[];
      /** Lark's idempotency key, when it must follow from what the message is (a batch's recipient and slot). */
      uuid?: string;
      /** The 催办 / 督办 this message carries: recorded with its message id, so its reads can be tied to the tasks. */
      reminds?: Array<{ taskId: number; kind: 'chase' | 'escalate'; recipients: string[] }>;
    }
  | {
      kind: 'reply';
      messageId: string;
      /** The chat the replied-to message is in, when known (per-chat rate limit). */
      chatId?: string;
      msgType: 'text' | 'interactive' | 'post';
      content: Record<string, unknown>;
      taskId?: number;
    }
  /**
   * Bring one of the task's shared cards up to date: the group card, or with `assignee` that
   * person's p2p card (PATCH, or a fresh card if it is older than 14 days). `chatId` is the
   * task's chat: a fresh group card is a send to it and counts toward its per-chat limit.
   */
  | { kind: 'card_update'; taskId: number; chatId: string; card: Record<string, unknown>; assignee?: string }
  | { kind: 'file'; to: Recipient; fileName: string; bytes: Uint8Array; taskId?: number }
  /** The bot's own reaction on a message (confirming a 签收 by reaction). */
  | { kind: 'reaction'; messageId: string; emojiType: string; taskId?: number }
  /** 加急 on a message the bot already sent. */
  | { kind: 'urgent'; messageId: string; openIds: string[]; taskId?: number }
  /**
   * 即时提醒: pin the group chat at the top of these people's message list (the ladder's first
   * step, free, unlike 加急), or unpin it (`timeSensitive` false, once they read the 催办):
   * PATCH /open-apis/im/v2/feed_cards/:chat_id { time_sensitive, user_ids }.
   */
  | { kind: 'pin'; chatId: string; openIds: string[]; timeSensitive?: boolean; taskId?: number };

/** Per-chat settings (/设置). Every number of SPEC §4 lives here. */
export interface ChatSettings {
  /** 督办领导 of the chat. */
  supervisorId: string | null;
  /** Who may /交办; null means any chat member. */
  assigners: string[] | null;
  /** Chat admins (owner and managers, plus anyone added with /设置). */
  admins: string[];
  workStart: string; // 'HH:MM'
  workEnd: string; // 'HH:MM'
  /** A date without a time means this time that day. */
  endOfDay: string;
  /** 免打扰 window, may wrap midnight: { start: '21:00', end: '08:00' }. */
  quiet: { start: string; end: string } | null;
  /** Weekly summary: 1 = Monday … 7 = Sunday. */
  digestWeekday: number;
  digestTime: string;
  unsignedReminderWorkHours: number;
  dueTomorrowTime: string;
  dueSoonHours: number;
  overdueChaseTime: string;
  /** 督办 to the supervisor once overdue this many working days. */
  escalateAfterWorkdays: number;
  staleProgressWorkdays: number;
  staleMinTaskWorkdays: number;
  /** 加急 for 紧急 tasks (at most once per person per day, on their message of the slot). */
  urgentPriority: boolean;
  /** 加急 for tasks overdue this many working days or more; 0 = never. */
  urgentOverdueWorkdays: number;
}

export const DEFAULT_SETTINGS: ChatSettings = {
  supervisorId: null,
  assigners: null,
  admins: [],
  workStart: '09:00',
  workEnd: '18:00',
  endOfDay: '18:00',
  quiet: null,
  digestWeekday: 5,
  digestTime: '16:00',
  unsignedReminderWorkHours: 2,
  dueTomorrowTime: '09:30',
  dueSoonHours: 2,
  overdueChaseTime: '09:30',
  escalateAfterWorkdays: 2,
  staleProgressWorkdays: 3,
  staleMinTaskWorkdays: 5,
  urgentPriority: true,
  urgentOverdueWorkdays: 5,
};
