/** 周期任务 (series), 反馈周期 (feedback cadence) and their refusals. */
export const series = {
  'parse_error.bad_recurrence': {
    zh: '没看懂周期“{text}”。可以这样写：每周五16:00前、每月5日前、每月最后一个工作日、每季度末、每年12月20日前。',
    en: 'I could not read the rule "{text}". Write it like: every friday 16:00, every month by the 5th, last working day of every month, end of every quarter, every year by december 20.',
  },
  'parse_error.recurrence_with_due': {
    zh: '周期任务每一期的时限由周期决定，请去掉“截止 …”再发。',
    en: 'Each instance of a recurring task is due by its rule; please leave out the "due …" part.',
  },
  'parse_error.bad_lead_days': {
    zh: '“{text}”：每一期最早提前 {max} 个工作日下发，请写 1 到 {max} 之间的天数。',
    en: '"{text}": an instance can be created at most {max} working days ahead; use 1 to {max}.',
  },
  'usage.feedback': {
    zh: '用法：/设置 反馈 #编号 每周五（或 每月最后一个工作日；关闭 则取消）',
    en: 'Usage: /settings feedback #N every friday (or: last working day of every month; off to stop)',
  },

  // The rule in words.
  'series.rule.weekly': { zh: '每周{weekday}{time}前', en: 'every {weekday}{time}' },
  'series.rule.monthly': { zh: '每月{day}日{time}前', en: 'every month by the {day}{time}' },
  'series.rule.month_end': { zh: '每月最后一个工作日{time}', en: 'the last working day of every month{time}' },
  'series.rule.quarter_end': { zh: '每季度末{time}', en: 'the end of every quarter{time}' },
  'series.rule.yearly': { zh: '每年{month}月{day}日{time}前', en: 'every year by {month} {day}{time}' },
  'series.cadence.weekly': { zh: '每周{weekday}', en: 'every {weekday}' },
  'series.cadence.monthly': { zh: '每月{day}日', en: 'every month on the {day}' },
  'series.cadence.month_end': { zh: '每月最后一个工作日', en: 'the last working day of every month' },
  'series.cadence.quarter_end': { zh: '每季度末', en: 'the end of every quarter' },
  'series.cadence.yearly': { zh: '每年{month}月{day}日', en: 'every year on {month} {day}' },

  // The reply to the creating command.
  'series.created': {
    zh: '已建立周期任务：{title}\n周期：{rule}；遇节假日提前至前一个工作日\n主办：{lead}{co}\n每期提前 {days} 个工作日下发，每期单独编号、单独计算是否按时\n{end}\n最近三期时限：\n{next}\n{first}{feedback}\n查看全部周期：/任务 周期；停止：/撤销 某一期的编号，选“撤销整个周期”',
    en: 'Recurring task set up: {title}\nRule: {rule}; a deadline on a day off moves to the working day before\nLead: {lead}{co}\nEach instance is created {days} working days before its deadline, with its own number and its own on-time figure\n{end}\nNext three deadlines:\n{next}\n{first}{feedback}\nAll recurring tasks: /list series; to stop it: /cancel the number of an instance and choose "the whole series"',
  },
  'series.end_line': { zh: '结束：{end}（最后一期时限 {last}）', en: 'Ends: {end} (the last instance is due {last})' },
  'series.end_none': { zh: '结束：不设结束，撤销为止', en: 'Ends: when it is stopped' },
  'series.end.month': { zh: '至{year}年{month}月', en: 'until {monthName} {year}' },
  'series.end.day': { zh: '至{year}年{month}月{day}日', en: 'until {monthName} {day}, {year}' },
  'series.end.count': { zh: '共{n}次', en: '{n} times' },
  'series.end_before_first': {
    zh: '周期任务的结束“{end}”早于第一期时限 {first}，一期也不会下发。请写更晚的结束时间。',
    en: 'The end "{end}" comes before the first deadline, {first}: no instance would be created. Please give a later end.',
  },
  'series.end_too_far': {
    zh: '周期任务的结束“{end}”超过十年，最晚可到 {latest}。',
    en: 'The end "{end}" is more than ten years ahead; the latest is {latest}.',
  },
  'series.co': { zh: '；协办：{co}', en: '; assisting: {co}' },
  'series.next_line': { zh: '· {due}', en: '· {due}' },
  'series.next_line_moved': { zh: '· {due}（{nominal}不是工作日，提前）', en: '· {due} ({nominal} is a day off, moved earlier)' },
  'series.first_now': { zh: '第一期 #{n} 已下发。', en: 'The first instance, #{n}, is out now.' },
  'series.first_later': { zh: '第一期将于 {day} 下发。', en: 'The first instance goes out on {day}.' },
  'series.feedback_line': {
    zh: '\n反馈周期：{rule}（当天上午提醒主办反馈进展，{at} 仍未反馈的列入群内未反馈名单）',
    en: '\nFeedback: {rule} (the lead is asked that morning; tasks not reported by {at} are listed in the group)',
  },
  'task.feedback_understood': {
    zh: '反馈周期：{rule}（当天上午提醒主办反馈进展，{at} 仍未反馈的列入群内未反馈名单）',
    en: 'Feedback: {rule} (the lead is asked that morning; tasks not reported by {at} are listed in the group)',
  },

  // An instance's detail line (on its cards and in the ledger).
  'series.instance_detail': { zh: '周期任务（{rule}）：{period}期', en: 'Recurring ({rule}): the {period} instance' },
  'series.instance_moved': {
    zh: '；{nominal}不是工作日，时限提前至 {due}',
    en: '; {nominal} is a day off, so it is due {due}',
  },
  'series.period_month': { zh: '{year}年{month}月', en: '{monthName} {year}' },
  'series.period_day': { zh: '{month}月{day}日', en: '{monthName} {day}' },

  // /撤销 of an instance.
  'series.cancel_ask_title': { zh: '撤销 #{n}', en: 'Cancel #{n}' },
  'series.cancel_ask': {
    zh: '#{n} 是周期任务“{title}”（{rule}）的一期。要撤销的是：',
    en: '#{n} is one instance of the recurring task "{title}" ({rule}). Cancel:',
  },
  'series.cancel_instance': { zh: '仅撤销本期 #{n}', en: 'only #{n}' },
  'series.cancel_series': { zh: '撤销整个周期', en: 'the whole series' },
  'series.cancel_choice_made': { zh: '已选择：{choice}', en: 'Chosen: {choice}' },
  'series.cancelled': {
    zh: '已撤销周期任务“{title}”（{rule}）：不再下发新的一期。{open}',
    en: 'Recurring task "{title}" ({rule}) stopped: no further instances will be created. {open}',
  },
  'series.cancelled_open': { zh: '进行中的 {list} 一并撤销。', en: 'Open instances cancelled with it: {list}.' },
  'series.already_cancelled': { zh: '这个周期任务已经撤销了。', en: 'That recurring task was already stopped.' },
  'series.not_found': { zh: '没有找到这个周期任务。', en: 'No such recurring task.' },

  // /任务 周期
  'series.list_title': { zh: '周期任务（{count} 项）', en: 'Recurring tasks ({count})' },
  'series.list_line': {
    zh: '· {title}：{rule}{end}，主办 {lead}；下一期时限 {next}；已下发 {made} 期{last}',
    en: '· {title}: {rule}{end}, lead {lead}; next deadline {next}; {made} instances so far{last}',
  },
  'series.list_end': { zh: '（{end}）', en: ' ({end})' },
  'series.list_no_next': { zh: '无（已到最后一期）', en: 'none (the last one is out)' },
  'series.list_last': { zh: '（最近一期 #{n}）', en: ' (latest #{n})' },
  'series.list_empty': {
    zh: '没有进行中的周期任务。建立方法：/交办 @主办 报送月报 每月5日前',
    en: 'No recurring tasks running. Set one up: /assign @lead monthly report every month by the 5th',
  },
  'series.list_more': { zh: '另有 {count} 项未列出。', en: '{count} more not shown.' },

  // Feedback cadence.
  'feedback.set': {
    zh: '#{n} 的反馈周期已设为：{rule}。当天上午提醒主办反馈进展，{at} 仍未反馈的列入群内未反馈名单。',
    en: 'Feedback for #{n} set to {rule}. The lead is asked that morning; if there is no report by {at}, it is listed in the group.',
  },
  'feedback.off': { zh: '#{n} 已取消反馈周期。', en: 'Feedback cadence removed from #{n}.' },
  'feedback.not_open': { zh: '#{n} 已{state}，无需设置反馈周期。', en: '#{n} is {state}; no feedback cadence needed.' },
  'feedback.not_allowed': {
    zh: '只有交办人或督办领导可以设置 #{n} 的反馈周期。',
    en: 'Only the assigner or the supervisor can set the feedback cadence of #{n}.',
  },
  'chase.batch.mine.feedback': {
    zh: '· #{n} {title}：今天是反馈日，请回复 /进展 #{n} 文字 反馈进展（时限 {due}）',
    en: '· #{n} {title}: feedback day — please report with /progress #{n} text (due {due})',
  },
  'feedback.missing_title': { zh: '未反馈名单（{date}，{count} 项）：', en: 'No feedback yet ({date}, {count}):' },
  'feedback.missing_line': { zh: '· #{n} {title} — {lead}', en: '· #{n} {title} — {lead}' },
  'feedback.missing_hint': { zh: '请以上主办回复 /进展 #编号 文字 反馈进展。', en: 'Leads above: please report with /progress #N text.' },

  ledger_col_series: { zh: '周期', en: 'Recurrence' },
  'task.event.feedback_set': { zh: '设置反馈周期', en: 'feedback cadence set' },
  ledger_event_feedback_set: { zh: '设置反馈周期', en: 'Feedback cadence set' },
};
