/**
 * Sentences of the automatic 提醒 / 催办 / 督办 / 回头看 messages (SPEC §4) and the missing
 * calendar warning. {n} is a task number, {title} is already made safe by the caller, {due}
 * and {at} are formatted local times, {mention} is a mention the bot writes itself.
 */
export const chase = {
  'chase.overdue_cc': {
    zh: '{mention} 请交办人关注。',
    en: "{mention} for the assigner's attention.",
  },
  'chase.escalate.body': {
    zh: '**#{n} {title}**\n主办：{lead}　交办人：{creator}\n{due}，{chased}',
    en: '**#{n} {title}**\nLead: {lead} · Assigner: {creator}\n{due}; {chased}',
  },
  'chase.escalate.progress': { zh: '最新进展（{at}）：{text}', en: 'Latest progress ({at}): {text}' },
  'chase.escalate.progress_lead': { zh: '最新进展 · {who}（主办{percent} · {at}）：{text}', en: 'Latest from {who} (lead{percent}, {at}): {text}' },
  'chase.escalate.progress_co': { zh: '最新进展 · {who}（协办 · {at}）：{text}', en: 'Latest from {who} (co-assignee, {at}): {text}' },
  'chase.due_left': { zh: '时限 {due} · {left}', en: 'due {due}, {left}' },
  'chase.workdays': { zh: '{days} 个工作日', en: '{days} working days' },
  'chase.workdays_one': { zh: '1 个工作日', en: '1 working day' },
  'chase.chased_never': { zh: '尚未催办', en: 'not chased yet' },
  'chase.chased_once': { zh: '已催办 1 次', en: 'chased once' },
  'chase.chased_twice': { zh: '已催办 2 次', en: 'chased twice' },
  'chase.chased_times': { zh: '已催办 {count} 次', en: 'chased {count} times' },
  'chase.escalate.no_progress': { zh: '尚无进展汇报。', en: 'No progress reported yet.' },
  'chase.button.chase': { zh: '催办', en: 'Chase' },
  'chase.button.show': { zh: '查看', en: 'Show' },
  'chase.no_due': { zh: '未设时限', en: 'no deadline' },
  'chase.revisit.body': {
    zh: '**#{n} {title}**\n已于 {done} 办结，约定 {at} 回头看。请确认整改成效是否巩固。',
    en: '**#{n} {title}**\nDone on {done}; the follow-up check was set for {at}. Does the result still hold?',
  },
  'chase.button.revisit_ok': { zh: '成效巩固', en: 'Result holds' },
  'chase.button.revisit_redo': { zh: '需要整改', en: 'Needs rework' },
  'chase.rework.due': { zh: '如需整改：整改时限', en: 'If it needs rework: rework deadline' },
  'chase.rework.due_placeholder': { zh: '选择整改时限', en: 'Pick the rework deadline' },
  'chase.rework.note_placeholder': { zh: '整改要求（选填）', en: 'What needs fixing (optional)' },
  'chase.button.approve': { zh: '通过', en: 'Approve' },
  'chase.button.approve_extension': { zh: '同意延期', en: 'Grant extension' },
  'chase.button.reject_extension': { zh: '驳回延期', en: 'Refuse extension' },
  'chase.batch.group_title': {
    zh: '催办：以下 {count} 项已逾期，请尽快办理并回复进展。',
    en: 'Chasing: {count} overdue tasks below; please act on them and reply with your progress.',
  },
  'chase.batch.group_line': { zh: '· #{n}「{title}」逾期第 {days} 天（时限 {due}）', en: '· #{n} "{title}" overdue, day {days} (was due {due})' },
  'chase.batch.group_hint': { zh: '回复 /进展 #N 文字 汇报进展，办完回复 /办结 #N。', en: 'Report with /progress #N text; when finished, /done #N.' },
  'chase.batch.more': { zh: '另有 {count} 项 · {command}', en: '{count} more · {command}' },
  'chase.batch.more_overdue': { zh: '/任务 逾期', en: '/list overdue' },
  'chase.batch.more_review': { zh: '/任务 待我审批', en: '/list review' },
  'chase.batch.more_mine': { zh: '/任务 我的', en: '/list mine' },
  'chase.batch.title.escalate': { zh: '督办：{count} 项逾期事项', en: 'Escalation: {count} overdue tasks' },
  'chase.batch.title.decide': { zh: '待您决定：{count} 项', en: 'Waiting for your decision: {count}' },
  'chase.batch.title.revisit': { zh: '回头看：{count} 项', en: 'Follow-up checks: {count}' },
  'chase.batch.title.mine': { zh: '今日提醒：{count} 项', en: 'Your reminders: {count}' },
  'chase.batch.section.escalate': { zh: '督办（{count} 项逾期）', en: 'Escalated ({count} overdue)' },
  'chase.batch.section.decide': { zh: '待您决定（{count} 项）', en: 'Waiting for your decision ({count})' },
  'chase.batch.section.revisit': { zh: '回头看（{count} 项）', en: 'Follow-up checks ({count})' },
  'chase.batch.section.mine': { zh: '您的提醒（{count} 项）', en: 'Your reminders ({count})' },
  'chase.batch.settled': { zh: '#{n} {title}：{state}', en: '#{n} {title}: {state}' },
  'chase.batch.review': {
    zh: '**#{n} {title}**\n{at} 提交办结，已等待您审核 **{waited}**（交办人：{creator}）',
    en: '**#{n} {title}**\nSubmitted {at}; waiting for your review for **{waited}** (assigner: {creator})',
  },
  'chase.batch.extension': {
    zh: '**#{n} {title}**\n申请延期至 {asked}（现{due}），理由：{reason}；已等待 **{waited}**（交办人：{creator}）',
    en: '**#{n} {title}**\nExtension to {asked} requested ({due}). Reason: {reason}. Waiting for **{waited}** (assigner: {creator})',
  },
  'chase.batch.mine.unsigned': { zh: '· #{n} {title}：待签收，请回复 /签收 #{n}（{due}）', en: '· #{n} {title}: not accepted yet; reply /accept #{n} ({due})' },
  'chase.batch.mine.due_tomorrow': { zh: '· #{n} {title}：{due}', en: '· #{n} {title}: {due}' },
  'chase.batch.mine.due_soon': { zh: '· #{n} {title}：即将到期，{due}', en: '· #{n} {title}: due soon; {due}' },
  'chase.batch.mine.stale': {
    zh: '· #{n} {title}：多日没有进展汇报，请回复 /进展 #{n} 文字（{due}）',
    en: '· #{n} {title}: no progress report for days; reply /progress #{n} with a few words ({due})',
  },
  'chase.batch.mine.overdue': { zh: '· #{n} {title}：{due}', en: '· #{n} {title}: {due}' },
  'chase.calendar_missing': {
    zh: '⚠️ {year} 年放假安排尚未公布（或尚未导入）：{year} 年的时限和提醒暂按法定节假日和周末计算，调休未知；公布后导入即自动更新。管理员可运行 npm run job -- calendar import <通知文本> 导入国务院办公厅的通知。',
    en: '⚠️ The {year} holiday schedule is not published (or not imported) yet: deadlines and reminders in {year} count the statutory holidays and weekends for now, without the make-up arrangement; they update once it is imported. An admin can import the State Council notice with npm run job -- calendar import <notice text>.',
  },
  'calendar.due_recounted': {
    zh: '因 {year} 年放假安排公布，#{number} 时限由 {from} 调整为 {to}。',
    en: 'The {year} holiday schedule is out: #{number} is now due {to} (was {from}).',
  },
  'calendar.provisional_note': {
    zh: '{year} 年放假安排尚未公布：时限按法定节假日暂计，公布后自动更新',
    en: 'The {year} holiday schedule is not out yet: the deadline counts the statutory holidays for now and updates once it is published',
  },
};
