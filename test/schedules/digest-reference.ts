/**
 * The leader card computed from a whole tenant held in memory: the reference the paged digest
 * (schedules/digest.ts runDigest) is checked against, and what the benchmark sizes cards with.
 */
import type { LeaderDigestInput } from '../../bot/cards/digest.js';
import type { Deps } from '../../bot/deps.js';
import type { FigureEvent, Period } from '../../bot/domain/figures.js';
import { answersFor, leadOf } from '../../bot/domain/roles.js';
import type { Task } from '../../bot/domain/types.js';
import type { ChatRow } from '../../db/chats.js';
import type { Directory } from '../../db/figures.js';
import { configuredChatIds, LeaderTally, supervisorsOf } from '../../schedules/digest.js';

/** A whole tenant's digest data in memory. */
export interface TenantDigestData {
  tasks: Task[];
  events: FigureEvent[];
  directory: Directory;
  chats: ChatRow[];
}

/** The leader's chats: configured supervisor or admin there, or creator/supervisor of a task in it. */
export function leaderChatIds(leaderId: string, chats: readonly ChatRow[], tasks: readonly Task[]): Set<string> {
  const ids = configuredChatIds(leaderId, chats);
  for (const t of tasks) if (answersFor(t, leaderId)) ids.add(t.chatId);
  return ids;
}

/** A leader's card input from the tenant's data held in memory (pure given the data). */
export function leaderDigestInput(leaderId: string, data: TenantDigestData, period: Period, now: Date, calendar: Deps['calendar']): LeaderDigestInput {
  const chatIds = leaderChatIds(leaderId, data.chats, data.tasks);
  const departmentOf = (u: string) => data.directory.departmentOf[u];
  const tally = new LeaderTally(leaderId, period, now, calendar, departmentOf, supervisorsOf(data.chats), chatIds.size > 0);
  for (const t of data.tasks) if (chatIds.has(t.chatId)) tally.addTask(t, leadOf(t));
  for (const e of data.events) tally.addEvent(e);
  return tally.result();
}
