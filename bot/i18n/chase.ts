import type { Catalogue } from '../i18n.js';

/**
 * Sentences of the automatic 提醒 / 催办 / 督办 / 回头看 messages (SPEC §4) and the missing
 * calendar warning. {n} is a task number, {title} is already made safe by the caller, {due}
 * and {at} are formatted local times, {mention} is a mention the bot writes itself.
 */
export const chase: Catalogue = {
  'chase.unsigned': {
    zh: '待签收提醒：#{n}「{title}」已交办 {hours} 个工作小时，您还没有签收。请回复 /签收 #{n}，或直接回复本消息汇报进展。',
    en: 'Reminder: #{n} "{title}" was assigned {hours} working hours ago and you have not accepted it yet. Reply /accept #{n}, or reply to this message with your progress.',
  },
  'chase.due_tomorrow': {
    zh: '到期提醒：#{n}「{title}」将于 {due} 到期（下一个工作日）。请抓紧办理，回复本消息即可汇报进展，办完回复「完成」。',
    en: 'Reminder: #{n} "{title}" is due {due} (the next working day). Reply to this message to report progress, or "done" when it is finished.',
  },
  'chase.due_soon': {
    zh: '即将到期：#{n}「{title}」将于 {due} 到期，还剩约 {hours} 小时。办完请回复「完成」，需要更多时间请用 /延期 #{n} <新时限> <理由>。',
    en: 'Due soon: #{n} "{title}" is due {due}, in about {hours} hours. Reply "done" when finished, or ask for more time with /extend #{n} <new due> <reason>.',
  },
  'chase.overdue': {
    zh: '{mention} 催办：#{n}「{title}」已逾期第 {days} 天（时限 {due}）。请尽快办理并回复进展。',
    en: '{mention} Chasing: #{n} "{title}" is overdue, day {days} (was due {due}). Please act on it and reply with your progress.',
  },
  'chase.overdue_cc': {
    zh: '{mention} 请交办人关注。',
    en: "{mention} for the assigner's attention.",
  },
  'chase.escalate.title': { zh: '督办：#{n} 已逾期 {days} 个工作日', en: 'Escalation: #{n} is {days} working days overdue' },
  'chase.escalate.body': {
    zh: '**{title}**\n主办：{lead}　交办人：{creator}\n时限：{due}　已逾期 **{days}** 个工作日，已催办 {chased} 次',
    en: '**{title}**\nLead: {lead}　Assigner: {creator}\nDue: {due}　overdue **{days}** working days, chased {chased} times',
  },
  'chase.escalate.progress': { zh: '最新进展（{at}）：{text}', en: 'Latest progress ({at}): {text}' },
  'chase.escalate.no_progress': { zh: '尚无进展汇报。', en: 'No progress reported yet.' },
  'chase.button.chase': { zh: '催办', en: 'Chase' },
  'chase.button.show': { zh: '查看', en: 'Show' },
  'chase.stale': {
    zh: '进展询问：#{n}「{title}」已 {days} 个工作日没有进展汇报（时限 {due}）。请直接回复本消息简要说明进展，可写“完成70%”。',
    en: 'Progress check: #{n} "{title}" has had no progress report for {days} working days (due {due}). Reply to this message with a short update, e.g. "70% done".',
  },
  'chase.no_due': { zh: '未设时限', en: 'no deadline' },
  'chase.revisit.title': { zh: '回头看：#{n}', en: 'Follow-up check: #{n}' },
  'chase.revisit.body': {
    zh: '**{title}**\n已于 {done} 办结，约定 {at} 回头看。请确认整改成效是否巩固。',
    en: '**{title}**\nDone on {done}; the follow-up check was set for {at}. Does the result still hold?',
  },
  'chase.button.revisit_ok': { zh: '成效巩固', en: 'Result holds' },
  'chase.button.revisit_redo': { zh: '需要整改', en: 'Needs rework' },
  'chase.calendar_missing': {
    zh: '⚠️ 工作日历缺少 {year} 年的节假日和调休数据（国务院尚未发布或尚未导入）。在导入之前，{year} 年的时限和提醒只能按周一至周五计算，法定节假日和调休上班日不会被识别。请管理员运行 npm run job -- calendar import <文件> 导入该年日历。',
    en: '⚠️ The working calendar has no holiday or make-up workday data for {year} (not yet published by the State Council, or not imported). Until it is imported, deadlines and reminders in {year} count Monday to Friday only and miss public holidays and make-up workdays. An admin can import it with npm run job -- calendar import <file>.',
  },
};
