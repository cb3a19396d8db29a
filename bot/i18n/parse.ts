/**
 * What the bot answers to a command it could not read (`parse_error.<code>`, see
 * bot/parse/errors.ts), and the usage line of each verb (`usage.<verb>`) shown under it.
 */
export const parse = {
  'parse_error.unknown_verb': {
    zh: '没有“/{verb}”这个指令。发送 /帮助 查看全部指令。',
    en: 'There is no command "/{verb}". Send /help to see them all.',
  },
  'parse_error.missing_task_number': {
    zh: '请写明是哪项任务，例如 #12。',
    en: 'Which task? Add its number, e.g. #12.',
  },
  'parse_error.bad_task_number': {
    zh: '“{text}”不是有效的任务编号，编号的写法是 #12。',
    en: '"{text}" is not a task number; write it like #12.',
  },
  'parse_error.missing_assignee': {
    zh: '请 @ 至少一位承办人，第一位为主办，其余为协办。',
    en: 'Please @-mention at least one assignee: the first leads, the others assist.',
  },
  'parse_error.missing_title': {
    zh: '请写上事项标题，说明要办什么。',
    en: 'Please add a title saying what needs doing.',
  },
  'parse_error.title_too_long': {
    zh: '标题有 {length} 字，请控制在 {max} 字以内；详细要求可在进展中补充。',
    en: 'The title has {length} characters; please keep it within {max} and add details as progress.',
  },
  'parse_error.note_too_long': {
    zh: '内容有 {length} 字，请控制在 {max} 字以内。',
    en: 'That text has {length} characters; please keep it within {max}.',
  },
  'parse_error.too_many_assignees': {
    zh: '一项任务最多 {max} 位承办人（这次 @ 了 {count} 位），请分开交办。',
    en: 'A task can have at most {max} assignees ({count} mentioned); please split it.',
  },
  'parse_error.bad_time': {
    zh: '没看懂时间“{text}”。可以这样写：2026-12-01、12月1日下午3点、周五、下周一、月底、3个工作日内。',
    en: 'I could not read the time "{text}". Try: 2026-12-01, dec 1 3pm, friday, next monday, end of month, 3 workdays.',
  },
  'parse_error.time_in_past': {
    zh: '“{text}”是 {time}，这个时间已经过去了，请给一个以后的时间。',
    en: '"{text}" is {time}, which has already passed; please give a later time.',
  },
  'parse_error.time_too_far': {
    zh: '“{text}”是 {time}，超出 {years} 年以后了。时限、回头看和延期最晚只能定到 {latest}，请给一个更近的时间。',
    en: '"{text}" is {time}, more than {years} years ahead. Deadlines, revisits and extensions can be set up to {latest}; please give an earlier time.',
  },
  'parse_error.missing_reason': {
    zh: '请写明理由。',
    en: 'Please give a reason.',
  },
  'parse_error.missing_due': {
    zh: '请写明时间，例如“下周五”或“3个工作日内”。',
    en: 'Please give a time, e.g. "next friday" or "3 workdays".',
  },
  'parse_error.bad_setting': {
    zh: '没看懂设置项“{text}”。',
    en: 'I could not read the setting "{text}".',
  },
  'parse_error.bad_scope': {
    zh: '“{text}”不是这条指令的选项。',
    en: '"{text}" is not an option of this command.',
  },
  'parse_error.empty_progress': {
    zh: '请写上进展内容，例如“完成70%，剩余材料周五前补齐”。',
    en: 'Please say what has been done, e.g. "70% done, the rest by friday".',
  },
  'parse_error.missing_option': {
    zh: '请选择一个选项。',
    en: 'Please choose one of the options.',
  },

  'usage.assign': {
    zh: '用法：/交办 @主办 [@协办…] 标题 [截止 时间 | 周期 如 每月5日前] [反馈 每周五] [!紧急|!重要] [#决策督查|#专项督查|#民生督查] [来源 文号]',
    en: 'Usage: /assign @lead [@co…] title [due <time> | a rule like every month by the 5th] [feedback every friday] [!urgent|!high] [#decision|#special|#livelihood] [source <ref>]',
  },
  'usage.accept': { zh: '用法：/签收 #编号', en: 'Usage: /accept #N' },
  'usage.progress': {
    zh: '用法：/进展 #编号 进展内容（可写“完成70%”）',
    en: 'Usage: /progress #N what was done (may include "70%")',
  },
  'usage.done': { zh: '用法：/办结 #编号 [办理说明]', en: 'Usage: /done #N [note]' },
  'usage.approve': { zh: '用法：/通过 #编号 [回头看 时间]', en: 'Usage: /approve #N [revisit <time>]' },
  'usage.reject': { zh: '用法：/退回 #编号 原因', en: 'Usage: /reject #N reason' },
  'usage.extend': {
    zh: '用法：/延期 #编号 新时限 理由，例如：/延期 #12 下周五 需等待上级批复',
    en: 'Usage: /extend #N <new deadline> reason, e.g. /extend #12 next friday waiting for sign-off',
  },
  'usage.approve_extension': { zh: '用法：/同意延期 #编号', en: 'Usage: /approve-extension #N' },
  'usage.reject_extension': { zh: '用法：/驳回延期 #编号 [原因]', en: 'Usage: /reject-extension #N [reason]' },
  'usage.chase': { zh: '用法：/催办 #编号 [附言]', en: 'Usage: /chase #N [note]' },
  'usage.cancel': { zh: '用法：/撤销 #编号 [原因]', en: 'Usage: /cancel #N [reason]' },
  'usage.show': { zh: '用法：/查看 #编号', en: 'Usage: /show #N' },
  'usage.list': { zh: '用法：/任务 [我的|本群|逾期|全部] [第N页]', en: 'Usage: /list [mine|chat|overdue|all] [page N]' },
  'usage.ledger': { zh: '用法：/台账 [本月|本年|全部]', en: 'Usage: /ledger [month|year|all]' },
  'usage.stats': { zh: '用法：/统计 [本周|本月]', en: 'Usage: /stats [week|month]' },
  'usage.digest': { zh: '用法：/周报 订阅|退订', en: 'Usage: /digest on|off' },
  'usage.settings': {
    zh: '用法：/设置 [督办领导 @某人] [交办人 @甲 @乙|所有人] [管理员 @某人] [工作时间 09:00-18:00] [免打扰 21:00-08:00|关闭] [周报 周五 16:00]',
    en: 'Usage: /settings [supervisor @x] [assigners @a @b|all] [admins @x] [hours 09:00-18:00] [quiet 21:00-08:00|off] [digest friday 16:00]',
  },
  'usage.leave': {
    zh: '用法：/请假 [@本人] 起始日-结束日 [@代理人]，例如：/请假 12月20日-12月25日 @张三',
    en: 'Usage: /leave [@person] <first day>-<last day> [@deputy], e.g. /leave dec 20 to dec 25 @someone',
  },
  'usage.back': { zh: '用法：/销假 [@本人]', en: 'Usage: /back [@person]' },
  'usage.deputies': {
    zh: '用法：/设置 代理人 @甲 [@乙]（本人的代理人），或 /设置 代理人 无；群管理员为他人设置：/设置 代理人 @张三 为 @甲 [@乙]',
    en: 'Usage: /settings deputies @a [@b] (your own), or /settings deputies none; a chat admin for someone else: /settings deputies for @x: @a [@b]',
  },
  'usage.leave_approval': { zh: '用法：/设置 请假审批 审批定义Code', en: 'Usage: /settings leave-approval <approval code>' },
  'usage.help': { zh: '用法：/帮助', en: 'Usage: /help' },
};
