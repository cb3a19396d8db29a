/**
 * The sandbox's office: a handful of people in two sections, one group chat, and a week of
 * realistic work. The work is seeded the way it would really happen — people type commands
 * and reply to cards through the bot's own webhook while the simulated clock moves — so the
 * tasks, the hash-chained ledger and the messages are exactly what the bot itself produced.
 */
import { createHash } from 'node:crypto';
import type { WorkCalendar } from '../domain/calendar.js';

export interface SandboxPerson {
  key: string;
  openId: string;
  name: string;
  nameEn: string;
  department: string;
  departmentEn: string;
  departmentId: string;
  role: { zh: string; en: string };
}

export interface SandboxGroup {
  key: string;
  chatId: string;
  name: string;
  nameEn: string;
  owner: string;
  managers: string[];
  members: string[];
}

/** Stable ids: a kept sandbox database still matches the directory after a restart. */
const stableId = (prefix: string, key: string): string => `${prefix}${createHash('sha256').update(`duban-sandbox/${key}`).digest('hex').slice(0, 32)}`;

export const SANDBOX_APP = {
  appId: 'cli_sandbox0000000001',
  appSecret: 'sandbox-app-secret-not-a-secret',
  tenantKey: 'sandbox_tenant',
  botOpenId: stableId('ou_', 'bot'),
  botName: '督办',
};

const DEPARTMENTS = {
  office: { id: 'od-sandbox-office', zh: '办公室', en: 'Director\u2019s office' },
  general: { id: 'od-sandbox-general', zh: '综合科', en: 'General Affairs' },
  inspection: { id: 'od-sandbox-inspection', zh: '督查科', en: 'Inspection' },
} as const;

function person(key: string, name: string, nameEn: string, dept: keyof typeof DEPARTMENTS, role: { zh: string; en: string }): SandboxPerson {
  const d = DEPARTMENTS[dept];
  return { key, openId: stableId('ou_', key), name, nameEn, department: d.zh, departmentEn: d.en, departmentId: d.id, role };
}

export const PEOPLE: readonly SandboxPerson[] = [
  person('wang', '王主任', 'Director Wang', 'office', { zh: '办公室主任 · 督办领导', en: 'Office director · supervising leader' }),
  person('li', '李科长', 'Chief Li', 'general', { zh: '综合科科长 · 交办人', en: 'Section chief · assigner' }),
  person('zhang', '张三', 'Zhang San', 'general', { zh: '综合科 · 承办人', en: 'General Affairs · staff' }),
  person('zhao', '赵六', 'Zhao Liu', 'general', { zh: '综合科 · 承办人', en: 'General Affairs · staff' }),
  person('sun', '孙七', 'Sun Qi', 'inspection', { zh: '督查科 · 承办人', en: 'Inspection · staff' }),
];

export const GROUPS: readonly SandboxGroup[] = [
  {
    key: 'office',
    chatId: stableId('oc_', 'office'),
    name: '综合办公室工作群',
    nameEn: 'Office work group',
    owner: 'wang',
    managers: ['li'],
    members: PEOPLE.map((p) => p.key),
  },
];

export const personByKey = (key: string): SandboxPerson | undefined => PEOPLE.find((p) => p.key === key);

/** What the seed needs from the running sandbox. Every call waits until the bot is done. */
export interface SeedDriver {
  /** Moves the simulated clock forward to this local time (`YYYY-MM-DD HH:mm`). */
  at(ymd: string, hhmm: string): Promise<void>;
  /** `person` types `text` in a chat (`office` or `p2p`); `@名字` become real mentions. */
  say(person: string, chat: string, text: string): Promise<void>;
  /** `person` replies in the group to the task card of task `#number`. */
  replyToTaskCard(person: string, number: number, text: string): Promise<void>;
  /** Runs the scheduled jobs (chase, revisit, digest) at the current simulated time and delivers. */
  runJobs(): Promise<void>;
}

/**
 * The seed week: the Monday of the latest Monday–Friday whose five days are all working days
 * on or before `today`, in a year the calendar has data for. Falls back to a known-good week.
 */
export function seedWeek(calendar: WorkCalendar, today: string): string {
  let monday = today;
  while (calendar.weekday(monday) !== 1) monday = addDaysYmd(monday, -1);
  for (let i = 0; i < 60; i++, monday = addDaysYmd(monday, -7)) {
    const year = Number(monday.slice(0, 4));
    if (!calendar.hasData(year)) continue;
    if ([0, 1, 2, 3, 4].every((d) => calendar.isWorkday(addDaysYmd(monday, d)))) return monday;
  }
  return '2026-11-16';
}

export function addDaysYmd(ymd: string, n: number): string {
  const d = new Date(`${ymd}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/**
 * A week in the office, Monday to Thursday morning, ending with 李科长's /任务 list. When it ends:
 *  #1 起草年度工作总结 — 张三 主办 + 赵六 协办, 40% done, due Friday: yellow (due within a day);
 *  #2 核查民生实事 — 孙七, urgent, never signed for, due Wednesday: red, chased;
 *  #3 会议纪要 — 赵六, done and approved, with a 回头看 next Monday;
 *  #4 督查月报 — 孙七, submitted and waiting for 李科长's approval;
 *  #5 通讯录 — 张三, just assigned, due next Friday: green.
 * 张三 is on leave Thursday and Friday (请假至 on the list), 赵六 acting for him: Thursday's
 * reminder about #1 goes to 赵六.
 */
export async function seedOffice(d: SeedDriver, monday: string): Promise<void> {
  const day = (n: number) => addDaysYmd(monday, n);

  await d.at(day(0), '09:02');
  await d.say('wang', 'office', '/设置 督办领导 @王主任');
  await d.at(day(0), '09:04');
  await d.say('wang', 'p2p', '/周报 订阅');
  await d.at(day(0), '09:10');
  await d.say('li', 'office', '/交办 @张三 @赵六 起草年度工作总结 截止 周五 !重要 #决策督查 来源 办发〔2026〕12号');
  await d.at(day(0), '09:20');
  await d.say('wang', 'office', '/交办 @孙七 核查民生实事项目推进情况 截止 周三 !紧急 #民生督查 来源 王主任批示');
  await d.at(day(0), '09:30');
  await d.say('li', 'office', '/交办 @赵六 整理周一例会会议纪要 截止 明天');
  await d.at(day(0), '10:05');
  await d.say('zhang', 'office', '/签收 #1');
  await d.at(day(0), '14:00');
  await d.say('zhao', 'p2p', '/签收 #3');

  await d.at(day(1), '09:30');
  await d.runJobs();
  await d.at(day(1), '09:40');
  await d.say('li', 'office', '/交办 @孙七 报送本月督查工作月报 截止 周四');
  await d.at(day(1), '10:00');
  await d.say('zhao', 'p2p', '/办结 #3 纪要已印发各科室');
  await d.at(day(1), '11:00');
  await d.say('li', 'office', '/通过 #3 回头看 下周一');
  await d.at(day(1), '15:00');
  await d.replyToTaskCard('zhang', 1, '完成40% 初稿框架已成，正在汇总各科材料');

  await d.at(day(2), '09:30');
  await d.runJobs();
  await d.at(day(2), '09:45');
  await d.say('sun', 'p2p', '/签收 #4');
  await d.at(day(2), '10:00');
  await d.say('li', 'office', '/交办 @张三 更新全科通讯录 截止 下周五');
  await d.at(day(2), '16:30');
  await d.say('sun', 'p2p', '/办结 #4 月报已报送，请审核');
  await d.at(day(2), '17:30');
  await d.say('zhang', 'office', '/请假 周四至周五 @赵六');

  await d.at(day(3), '09:30');
  await d.runJobs();
  // Cards are snapshots from when they last changed; the list shows every task's light now.
  await d.at(day(3), '09:50');
  await d.say('li', 'office', '/任务 本群');
}
