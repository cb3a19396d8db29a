/**
 * Who someone is to a task and a chat, and what that lets them do (SPEC §2, §3, §5, §6): the one
 * home of every permission decision. Pure: the task, the actor and the chat's settings in, a
 * yes/no (or the refusal code) out. Handlers, jobs and card buttons all ask here, so a button
 * cannot do what the command would refuse and a digest cannot show what a list would hide.
 *
 * | decision                          | who                                                          |
 * | --------------------------------- | ------------------------------------------------------------ |
 * | assign (/交办)                    | anyone, or the chat's configured assigners and its admins    |
 * | see a task (/查看, /任务 全部)    | its chat; its people; the admins and 督办领导 of its chat    |
 * | 签收 / 进展 / 申请延期             | 主办 or 协办                                                  |
 * | 办结                              | the 主办                                                      |
 * | 通过 / 退回 (review a submission) | the 交办人 or the 督办领导, never one of its own assignees;   |
 * |                                   | when that leaves nobody, the chat's admins (approversOf)      |
 * | 催办 / 撤销                        | the 交办人 or the 督办领导                                    |
 * | edit: 改期 / 转办 / 加协办 / 减协办 / | the 交办人 or the 督办领导                                    |
 * | 修改 (title, detail)              |                                                              |
 * | 签收 by a reaction on the card    | 主办 or 协办; anyone else's reaction is ignored (mayAct accept)|
 * | decide an extension               | the 交办人 or the 督办领导                                    |
 * | answer a 回头看                   | the 交办人 or the 督办领导                                    |
 * | export the 台账                   | p2p: anyone (their own tasks); group: admins, 督办领导,       |
 * |                                   | assigners, and anyone who assigned or supervises a task there |
 * | configure the chat (/设置)        | its admins, its owner and managers in Lark                    |
 * | 请假 / 销假 / 代理人 for a person  | the person; for someone else, an admin of the group asked in  |
 * | appear in a group's answer       | only the tasks of that group; the rest go to the asker in p2p |
 * | receive a 督办 / the leader card  | the 督办领导 (supervisorOf); a leader oversees the chats where |
 * |                                   | they are 督办领导 or admin                                     |
 */
import type { ChatSettings, Task } from './types.js';

/** What the rules read of a chat's settings; only the 督办领导 is needed to decide on a task. */
export type ChatRoles = Pick<ChatSettings, 'supervisorId'> & Partial<Pick<ChatSettings, 'admins' | 'assigners'>>;

/** The action kinds whose permission `mayAct` decides (domain/task.ts Action['kind']). */
export type ActKind =
  | 'accept'
  | 'progress'
  | 'submit'
  | 'approve'
  | 'reject'
  | 'request_extension'
  | 'approve_extension'
  | 'reject_extension'
  | 'chase'
  | 'cancel'
  | 'attach'
  | 'change_due'
  | 'reassign'
  | 'add_co'
  | 'remove_co'
  | 'edit';

/** The refusals that are about who asks, not about the task's state. */
export type RoleRefusal = 'not_assignee' | 'not_lead' | 'not_creator_or_supervisor' | 'own_submission';

/** Open = assigned, in_progress or submitted. */
export function isOpen(task: Pick<Task, 'state'>): boolean {
  return task.state === 'assigned' || task.state === 'in_progress' || task.state === 'submitted';
}

/** The 主办 (lead assignee); the first assignee if none is marked lead; null without assignees. */
export function leadOf(task: Pick<Task, 'assignees'>): string | null {
  return (task.assignees.find((a) => a.role === 'lead') ?? task.assignees[0])?.userId ?? null;
}

/** The effective 督办领导: the task's own, else the chat's configured leader, else the 交办人. */
export function supervisorOf(task: Pick<Task, 'supervisorId' | 'creatorId'>, chat: Pick<ChatRoles, 'supervisorId'> | null): string {
  return task.supervisorId ?? chat?.supervisorId ?? task.creatorId;
}

/** Whoever decides on the task's submissions and extension requests: the 交办人 and the 督办领导, once each. */
export function reviewersOf(task: Pick<Task, 'supervisorId' | 'creatorId'>, chat: Pick<ChatRoles, 'supervisorId'> | null): string[] {
  return [...new Set([task.creatorId, supervisorOf(task, chat)])];
}

/**
 * Who reviews a submission (通过 / 退回): nobody approves their own work. The 交办人 and the
 * 督办领导 who are not themselves its assignees; when that leaves nobody (someone assigned a
 * task to themselves and no 督办领导 is set), the chat's admins who are not its assignees.
 */
export function approversOf(task: Pick<Task, 'supervisorId' | 'creatorId' | 'assignees'>, chat: ChatRoles | null): string[] {
  const own = new Set(task.assignees.map((a) => a.userId));
  const reviewers = reviewersOf(task, chat).filter((u) => !own.has(u));
  if (reviewers.length) return reviewers;
  return [...new Set(chat?.admins ?? [])].filter((u) => !own.has(u));
}

/** Who the actor is to this task and its chat; one person may hold several roles. */
export function rolesOf(task: Task, actor: string, chat: ChatRoles | null) {
  const assignee = task.assignees.find((a) => a.userId === actor) ?? null;
  const isCreator = task.creatorId === actor;
  const isSupervisor = supervisorOf(task, chat) === actor;
  return {
    assignee,
    isLead: assignee?.role === 'lead',
    isAssignee: assignee !== null,
    isCreator,
    isSupervisor,
    /** 交办人 or 督办领导: decides on the task. */
    isManager: isCreator || isSupervisor,
    /** Admin or 督办领导 of the task's chat. */
    overseesChat: chat ? oversees(actor, chat) : false,
    /** Reviews its submission (通过 / 退回): see approversOf. */
    isApprover: approversOf(task, chat).includes(actor),
  };
}

export type Roles = ReturnType<typeof rolesOf>;

/** Whether the actor may take this action on the task, as far as who they are goes; null = yes. */
export function mayAct(roles: Roles, kind: ActKind): RoleRefusal | null {
  switch (kind) {
    case 'accept':
    case 'progress':
    case 'attach':
    case 'request_extension':
      return roles.isAssignee ? null : 'not_assignee';
    case 'submit':
      if (!roles.isAssignee) return 'not_assignee';
      return roles.isLead ? null : 'not_lead';
    case 'approve':
    case 'reject':
      if (roles.isApprover) return null;
      return roles.isManager && roles.isAssignee ? 'own_submission' : 'not_creator_or_supervisor';
    case 'chase':
    case 'cancel':
    // Edits of who does what by when: whoever decides on the task.
    case 'change_due':
    case 'reassign':
    case 'add_co':
    case 'remove_co':
    case 'edit':
    case 'approve_extension':
    case 'reject_extension':
      return roles.isManager ? null : 'not_creator_or_supervisor';
  }
}

/** Whether the actor may approve or reject an extension request. */
export function mayDecideExtension(task: Task, actor: string, chat: ChatRoles | null): boolean {
  return rolesOf(task, actor, chat).isManager;
}

/** Whether the actor may answer the task's 回头看 (成效巩固 / 需要整改). */
export function mayAnswerRevisit(task: Task, actor: string, chat: ChatRoles | null): boolean {
  return rolesOf(task, actor, chat).isManager;
}

/** Whether the actor may /交办 in a chat: anyone, unless the chat names its assigners (admins always may). */
export function mayAssign(actor: string, chat: Pick<ChatSettings, 'assigners' | 'admins'>): boolean {
  return !chat.assigners || chat.assigners.includes(actor) || chat.admins.includes(actor);
}

/**
 * The roles on a task itself that let a person see it, each read from one field of the task:
 * its 交办人, the 督办领导 it names, its 主办 or 协办. Everyone else sees it through its chat
 * (a Sight's chats): asked in that chat, or as an admin or the 督办领导 there — which also
 * covers the chat's 督办领导 standing in for a task that names none.
 */
export const SEEING_ROLES = ['creator', 'supervisor', 'assignee'] as const;
export type SeeingRole = (typeof SEEING_ROLES)[number];

/** Whether the person holds the role on the task (the 督办领导 the task names, not the chat's). */
export function holdsRole(task: Pick<Task, 'creatorId' | 'supervisorId'> & Partial<Pick<Task, 'assignees'>>, userId: string, role: SeeingRole): boolean {
  switch (role) {
    case 'creator':
      return task.creatorId === userId;
    case 'supervisor':
      return task.supervisorId === userId;
    case 'assignee':
      return task.assignees?.some((a) => a.userId === userId) ?? false;
  }
}

/**
 * What a person may see, as a filter: every task of `chatIds` (the chat they ask in, the chats
 * they oversee as the caller found with `oversees` and Lark), and every task where they hold one
 * of SEEING_ROLES. The one definition of "who may see a task": `maySee` decides one task by it,
 * and db/sight.ts translates it term by term into SQL (/任务 全部 and 我的, p2p /统计, the leader card).
 */
export interface Sight {
  userId: string;
  chatIds: readonly string[];
}

export function sightOf(userId: string, askedInChatId: string | null, overseenChatIds: readonly string[]): Sight {
  return { userId, chatIds: [...new Set([...(askedInChatId ? [askedInChatId] : []), ...overseenChatIds])] };
}

/** Whether the task is within the sight. */
export function inSight(task: Pick<Task, 'chatId' | 'creatorId' | 'supervisorId' | 'assignees'>, sight: Sight): boolean {
  return sight.chatIds.includes(task.chatId) || SEEING_ROLES.some((role) => holdsRole(task, sight.userId, role));
}

/**
 * Whether the actor may see the task: it is in the chat they ask in, they are one of its people
 * (SEEING_ROLES), or they are an admin or the 督办领导 of its chat — its Sight, for one task.
 */
export function maySee(task: Task, actor: string, chat: Pick<ChatSettings, 'supervisorId' | 'admins'>, askedInChatId: string | null): boolean {
  return inSight(task, sightOf(actor, askedInChatId, oversees(actor, chat) ? [task.chatId] : []));
}

/** Admin (owner included) or 督办领导 of the chat: whose leader card covers it, whose /任务 全部 lists it. */
export function oversees(actor: string, chat: Pick<ChatRoles, 'supervisorId' | 'admins'>): boolean {
  return chat.supervisorId === actor || (chat.admins?.includes(actor) ?? false);
}

/** The chat's owner and managers as Lark reports them (im-v1/chat/get). */
export interface LarkChatAdmins {
  ownerId: string | null;
  managerIds: readonly string[];
}

/** Whether the actor may change the chat's /设置: an admin set with /设置, or the owner or a manager in Lark. */
export function mayConfigureChat(actor: string, chat: Pick<ChatSettings, 'admins'>, lark: LarkChatAdmins | null): boolean {
  if (chat.admins.includes(actor)) return true;
  return lark !== null && (lark.ownerId === actor || lark.managerIds.includes(actor));
}

/**
 * Whether the actor may record leave, end it (销假) or set the standing deputies of `person`:
 * their own always; someone else's only as an admin of the group they ask in (`chat`, its
 * settings with Lark's owner and managers merged; null outside a group).
 */
export function mayManageLeaveOf(actor: string, person: string, chat: Pick<ChatSettings, 'admins'> | null): boolean {
  return actor === person || (chat !== null && mayConfigureChat(actor, chat, null));
}

/**
 * Whether the actor may export a 台账: in p2p anyone (it covers their own tasks); in a group the
 * chat's admins, 督办领导 and assigners, and whoever assigned or supervises a task there.
 */
export function mayExportLedger(
  actor: string,
  where: { p2p: true } | { p2p: false; chat: Pick<ChatSettings, 'supervisorId' | 'admins' | 'assigners'>; answersForATaskThere: boolean },
): boolean {
  if (where.p2p) return true;
  const { chat } = where;
  return oversees(actor, chat) || (chat.assigners?.includes(actor) ?? false) || where.answersForATaskThere;
}

/** Whether the leader decides on the task (its 交办人 or 督办领导): it goes on their card's 待审批 list. */
export function decidesOn(task: Pick<Task, 'supervisorId' | 'creatorId'>, leader: string, chat: Pick<ChatRoles, 'supervisorId'> | null): boolean {
  return task.creatorId === leader || supervisorOf(task, chat) === leader;
}

/** The roles on a task that put a leader's card over its chat: they assigned it or supervise it by name. */
export const LEADER_CARD_ROLES = ['creator', 'supervisor'] as const satisfies readonly SeeingRole[];

/** Whether the task puts a leader's card over its chat (LEADER_CARD_ROLES; db/figures.ts chatsOfTasksBy in SQL). */
export function answersFor(task: Pick<Task, 'supervisorId' | 'creatorId'>, actor: string): boolean {
  return LEADER_CARD_ROLES.some((role) => holdsRole(task, actor, role));
}

/**
 * Whether the task may appear in an answer posted where the question was asked: a group sees
 * only its own tasks, whoever asks; anything else is answered to the asker in p2p.
 * `groupChatId` is the group answered in, or null for a p2p chat.
 */
export function mayShowIn(task: Pick<Task, 'chatId'>, groupChatId: string | null): boolean {
  return groupChatId === null || task.chatId === groupChatId;
}
