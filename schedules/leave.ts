/**
 * The leave duties of the chase job (SPEC §4): subscribe the leave approval definitions not yet
 * subscribed (LARK_LEAVE_APPROVALS and /设置 请假审批; a failure is tried again the next hour),
 * and send whoever is back from leave ONE briefing of what waits, at the first working morning
 * back (bot/domain/policy.ts `leaveBriefingDue`), claimed `leave:<id>:briefing` once.
 */
import { monthDayTime } from '../bot/cards/time.js';
import { leaveBriefingCard } from '../bot/cards/leave.js';
import type { Deps } from '../bot/deps.js';
import { dueFellDuringLeave, leaveBriefingDue } from '../bot/domain/policy.js';
import { commitChange } from '../db/commit.js';
import { addLeaveApproval, backAtOf, leaveApprovalsOf, leavesToBrief, markBriefed } from '../db/leave.js';
import { claimedKeys, settingsForChats } from '../db/reminders.js';
import { getTasksByIds, listOpenEntries } from '../db/task-lists.js';
import { subscribeOne } from '../bot/approvals.js';

/** The tenant row the codes named in the environment are kept under. */
const ENV_TENANT = '*';

export async function runLeaveDuties(deps: Deps, now: Date): Promise<{ subscribed: number; briefed: number }> {
  return { subscribed: await subscribePending(deps, now), briefed: await sendBriefings(deps, now) };
}

async function subscribePending(deps: Deps, now: Date): Promise<number> {
  const fromEnv = deps.config.LARK_LEAVE_APPROVALS.split(',')
    .map((c) => c.trim().toUpperCase())
    .filter(Boolean);
  for (const code of fromEnv) await addLeaveApproval(deps.db, ENV_TENANT, code, now);
  const pending = (await leaveApprovalsOf(deps.db)).filter((a) => !a.subscribedAt);
  if (!pending.length) return 0;
  const hour = `${deps.calendar.localDate(now)}T${deps.calendar.localTime(now).slice(0, 2)}`;
  const keyOf = (a: { tenantKey: string; approvalCode: string }) => `leave-sub:${a.tenantKey}:${a.approvalCode}:${hour}`;
  const taken = await claimedKeys(deps.db, pending.map(keyOf));
  let done = 0;
  for (const a of pending) {
    if (taken.has(keyOf(a))) continue;
    const claimed = await commitChange(deps.db, { tenantKey: a.tenantKey, now, claims: [{ key: keyOf(a), kind: 'leave_subscribe' }] });
    if (!claimed) continue;
    if ((await subscribeOne(deps, a.tenantKey, a.approvalCode, now)) === null) done++;
  }
  return done;
}

async function sendBriefings(deps: Deps, now: Date): Promise<number> {
  const cal = deps.calendar;
  const lang = deps.config.DUBAN_LANG;
  let sent = 0;
  for (const leave of await leavesToBrief(deps.db, now)) {
    const backAt = backAtOf(leave);
    const entries = await listOpenEntries(deps.db, leave.tenantKey, { kind: 'mine', userId: leave.userId });
    const tasks = await getTasksByIds(
      deps.db,
      entries.map((e) => e.id),
    );
    // The working hours of the chat most of their work is in; defaults without any.
    const settings = (await settingsForChats(deps.db, tasks.length ? [tasks[0]!.chatId] : ['-'])).values().next().value!;
    if (!leaveBriefingDue(backAt, now, settings, cal)) continue;
    const key = `leave:${leave.id}:briefing`;
    if ((await claimedKeys(deps.db, [key])).has(key)) continue;
    const window = { startAt: leave.startAt, backAt };
    const items = tasks
      .map((t) => ({
        number: t.number,
        title: t.title,
        dueAt: t.dueAt,
        fellDuring: dueFellDuringLeave(t.dueAt, window),
        mine: t.assignees.some((a) => a.userId === leave.userId),
      }))
      .sort((a, b) => Number(b.fellDuring) - Number(a.fellDuring) || (a.dueAt?.getTime() ?? Infinity) - (b.dueAt?.getTime() ?? Infinity));
    const card = leaveBriefingCard(
      items,
      { firstDay: cal.localDate(leave.startAt), lastDay: cal.localDate(new Date(backAt.getTime() - 1)) },
      {
        lang,
        when: (d) => monthDayTime(d, { lang, calendar: cal }),
      },
    );
    const done = await commitChange(deps.db, {
      tenantKey: leave.tenantKey,
      now,
      claims: [{ key, kind: 'leave_briefing' }],
      messages: [{ kind: 'send', to: { type: 'open_id', id: leave.userId }, msgType: 'interactive', content: card }],
      also: (tx) => markBriefed(tx, leave.id, now),
    });
    if (done) sent++;
  }
  if (sent) deps.kickOutbox();
  return sent;
}
