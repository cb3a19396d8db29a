/**
 * 请假 / 销假 / 代理人 / 请假审批 answers, the "请假至" marks on cards and lists, the end-of-leave
 * briefing, and the read marks (已读 / 未读) of 催办 and 督办. {who} and {deputies} are names the
 * caller made safe; {from} {to} {last} are formatted dates.
 */
export const leave = {
  'leave.recorded': {
    zh: '已记录：{who} {from} 至 {to} 请假。期间不再提醒{who}，{route}。截止时间不变，返岗后第一个工作日上午发一份待办汇总。',
    en: 'Noted: {who} is on leave {from} to {to}. No reminders reach {who} meanwhile; {route}. Deadlines stay as they are; a summary of what waits comes the first working morning back.',
  },
  'leave.route.deputies': { zh: '提醒转给代理人 {deputies}', en: 'reminders go to the deputy {deputies}' },
  'leave.route.none': {
    zh: '未设代理人，提醒暂停（可发送 /设置 代理人 @某人）',
    en: 'no deputy is set, so reminders pause (send /settings deputies @someone)',
  },
  'leave.not_admin': {
    zh: '只有本人或群管理员（在群里）可以为他人登记请假、销假或设置代理人。',
    en: 'Only the person themselves, or a chat admin in the group, may record leave, end it or set deputies for someone.',
  },
  'leave.back': {
    zh: '已销假：{who}。提醒恢复，下一个工作日上午发一份待办汇总。',
    en: '{who} is back: reminders resume, and a summary of what waits comes the next working morning.',
  },
  'leave.back_none': { zh: '{who}当前没有请假记录，无需销假。', en: '{who} has no leave to end.' },
  'leave.deputies_set': {
    zh: '已设置：{who}请假期间由 {deputies} 代为接收提醒（请假时另指定的代理人优先）。',
    en: 'Set: while {who} is on leave, {deputies} receive the reminders (a deputy named with the leave comes first).',
  },
  'leave.deputies_cleared': { zh: '已清除{who}的代理人。', en: "{who}'s deputies are cleared." },
  'leave.approval_subscribed': {
    zh: '已订阅请假审批 {code}：审批通过的请假自动登记，撤销后自动恢复提醒。',
    en: 'Subscribed to the leave approval {code}: approved leave is recorded by itself, and a withdrawal resumes reminders.',
  },
  'leave.approval_failed': {
    zh: '请假审批 {code} 订阅失败（{reason}）。请检查审批定义 Code 与应用的审批权限（approval:approval），机器人稍后会自动重试。',
    en: "Subscribing to the leave approval {code} failed ({reason}). Check the approval code and the app's approval scope (approval:approval); the bot will try again later.",
  },
  'leave.approval_group_only': { zh: '请在群里由管理员设置请假审批。', en: 'A chat admin sets the leave approval in a group.' },
  'leave.notice.approved': {
    zh: '已收到您的请假（{from} 至 {to}）。期间督办不再提醒您，{route}。截止时间不变，返岗后第一个工作日上午会发一份待办汇总。',
    en: 'Your leave ({from} to {to}) is noted. No reminders reach you meanwhile; {route}. Deadlines stay as they are; a summary comes the first working morning back.',
  },
  'leave.notice.reverted': {
    zh: '您的请假（{from} 至 {to}）已撤销，督办提醒恢复。',
    en: 'Your leave ({from} to {to}) was withdrawn: reminders resume.',
  },
  'leave.away_until': { zh: '请假至 {last}', en: 'on leave until {last}' },
  'leave.acting_for': { zh: '代 {who}（请假至 {last}）', en: 'for {who} (on leave until {last})' },
  'leave.due_in_leave': {
    zh: '截止日在{who}请假期间，可申请延期：/延期 #{n} 新时限 理由',
    en: "The deadline fell during {who}'s leave: ask for more time with /extend #{n} <new deadline> reason",
  },
  'leave.briefing.title': { zh: '欢迎回来：待办汇总', en: 'Welcome back: what waits for you' },
  'leave.briefing.intro': {
    zh: '您 {from} 至 {to} 请假期间，以下 {count} 项任务仍待办理：',
    en: 'While you were on leave ({from} to {to}), these {count} tasks kept waiting:',
  },
  'leave.briefing.none': { zh: '您 {from} 至 {to} 请假期间没有待办任务。', en: 'Nothing waited for you while you were on leave ({from} to {to}).' },
  'leave.briefing.item': { zh: '**#{n} {title}**　时限：{due}', en: '**#{n} {title}** · due {due}' },
  'leave.briefing.suggest_extend': {
    zh: '⚠️ 截止日在请假期间，可申请延期：/延期 #{n} 新时限 理由',
    en: '⚠️ The deadline fell during your leave: /extend #{n} <new deadline> reason',
  },
  'leave.briefing.more': { zh: '另有 {count} 项 · /任务 我的', en: '{count} more · /list mine' },
  'read.chased': { zh: '已催办 {count} 次，最近一次 {at}', en: 'chased {count} times, last at {at}' },
  'read.latest': { zh: '最近一次催办 {at}', en: 'last chased {at}' },
  'read.read_at': { zh: '已读 {at}', en: 'read {at}' },
  'read.unread': { zh: '未读', en: 'unread' },
};
