/** Sentences of card forms: the 交办 form, the inputs on task cards, the p2p menu. */
export const form = {
  'form.bad_value': { zh: '「{field}」的内容无法识别，请重新选择。', en: 'The value of "{field}" cannot be read; please pick it again.' },

  'menu.unknown_item': {
    zh: '这个菜单项还没有对应的功能，请联系管理员检查机器人菜单的设置。',
    en: 'This menu item does nothing yet; ask an admin to check the bot menu settings.',
  },

  'form.btn.new_task': { zh: '新建', en: 'New' },
  'form.sent': { zh: '已发出新建督办表单，填好后点“交办”。', en: 'The new-task form is below; fill it in and press Assign.' },

  // /帮助: the form first, the syntax second
  'form.help.form': {
    zh: '**填表交办**　点下面的“新建督办”，或只发 /交办，按表填写事项、主办、协办、截止（可选“3个工作日内”等）、类别、紧急程度、来源文号和督办领导即可；私聊里用机器人菜单“新建督办”。已写了一部分（如 /交办 @张三）也会打开表单并填好。',
    en: '**Assign with a form**: press "New task" below, or send just /assign, and fill in the task, lead, assisting, due (or a shortcut such as "within 3 workdays"), category, priority, source and supervising leader; in a direct chat use the bot menu\'s "New task". A partial /assign (e.g. /assign @Alice) opens the form with it filled in.',
  },
  'form.help.new_task': { zh: '新建督办', en: 'New task' },
  'form.help.syntax': { zh: '**熟悉指令的也可以直接输入：**', en: '**Or type the commands:**' },
  'form.help.text': {
    zh: '交办：发 /交办 打开表单填写（私聊可用菜单“新建督办”）。',
    en: 'Assign: send /assign to open the form (or the bot menu in a direct chat). ',
  },

  // inputs on task cards
  'task.btn.extend': { zh: '申请延期', en: 'Ask for more time' },
  'form.progress.percent_placeholder': { zh: '完成百分比（可不选）', en: 'Percent done (optional)' },
  'form.progress.percent_only': { zh: '完成{p}%', en: '{p}% done' },
  'form.extend.date_placeholder': { zh: '延期到哪天', en: 'New date' },
  'form.extend.time_placeholder': { zh: '时间（默认下班时）', en: 'Time (end of day if empty)' },
  'form.extend.reason_placeholder': { zh: '延期理由', en: 'Why more time is needed' },
  'form.extend.missing_date': { zh: '请选延期到的日期。', en: 'Please pick the new date.' },
  'form.extend.missing_reason': { zh: '请写明延期理由。', en: 'Please give the reason for the extension.' },

  // the 交办 form
  'form.assign.card_title': { zh: '新建督办', en: 'New task' },
  'form.assign.submit': { zh: '交办', en: 'Assign' },
  'form.assign.reset': { zh: '清空', en: 'Clear' },
  'form.assign.title': { zh: '事项', en: 'Task' },
  'form.assign.detail': { zh: '详情', en: 'Details' },
  'form.assign.lead': { zh: '主办', en: 'Lead' },
  'form.assign.co': { zh: '协办', en: 'Assisting' },
  'form.assign.dueDate': { zh: '截止', en: 'Due' },
  'form.assign.dueTime': { zh: '截止时间', en: 'Due time' },
  'form.assign.dueShortcut': { zh: '截止', en: 'Due' },
  'form.assign.category': { zh: '类别', en: 'Category' },
  'form.assign.priority': { zh: '紧急程度', en: 'Priority' },
  'form.assign.source': { zh: '来源/文号', en: 'Source / document no.' },
  'form.assign.supervisor': { zh: '督办领导', en: 'Supervising leader' },
  'form.assign.placeholder.title': { zh: '要办什么，200 字以内', en: 'What needs doing, up to 200 characters' },
  'form.assign.placeholder.detail': { zh: '具体要求（可不填）', en: 'Requirements (optional)' },
  'form.assign.placeholder.lead': { zh: '选择主办人', en: 'Choose who leads' },
  'form.assign.placeholder.co': { zh: '选择协办人（可多选）', en: 'Choose who assists (several)' },
  'form.assign.placeholder.dueDate': { zh: '日期', en: 'Date' },
  'form.assign.placeholder.dueTime': { zh: '时间（默认下班时）', en: 'Time (end of day if empty)' },
  'form.assign.placeholder.dueShortcut': { zh: '或选：3个工作日内、本周五…', en: 'Or pick: within 3 workdays, Friday…' },
  'form.assign.placeholder.category': { zh: '类别', en: 'Category' },
  'form.assign.placeholder.priority': { zh: '紧急程度', en: 'Priority' },
  'form.assign.placeholder.source': { zh: '如：市政办〔2026〕12号', en: 'e.g. Office Notice [2026] No. 12' },
  'form.assign.placeholder.supervisor': { zh: '默认为本群督办领导', en: "Defaults to the chat's supervising leader" },
  'form.assign.category.decision': { zh: '决策督查', en: 'Decision follow-up' },
  'form.assign.category.special': { zh: '专项督查', en: 'Special inspection' },
  'form.assign.category.livelihood': { zh: '民生督查', en: 'Public services' },
  'form.assign.priority.normal': { zh: '一般', en: 'Normal' },
  'form.assign.priority.high': { zh: '重要', en: 'Important' },
  'form.assign.priority.urgent': { zh: '紧急（加急通知）', en: 'Urgent (buzzes the assignees)' },
  'form.assign.syntax_hint': {
    zh: '也可以直接发：/交办 @主办 [@协办] 事项 截止 周五 !紧急 #决策督查 来源 文号；周期任务把“截止 …”换成 每月5日前，定期反馈加 反馈 每周五',
    en: 'Or type: /assign @lead [@assisting] task due friday !urgent #decision source (doc no.); for a recurring task write every month by the 5th instead of the due date, for regular feedback add feedback every friday',
  },
  'form.assign.note.missing': { zh: '已填入你写的内容，请补全 {fields} 后点“交办”。', en: 'What you wrote is filled in; add {fields} and press Assign.' },
  'form.assign.note.refused': { zh: '⚠️ {reason}', en: '⚠️ {reason}' },
  'form.assign.missing': { zh: '请填写「{field}」。', en: 'Please fill in "{field}".' },
  'form.assign.field_problem': { zh: '「{field}」：{problem}', en: '"{field}": {problem}' },
  'form.assign.due_both': {
    zh: '请只选一种：日期，或快捷选项（如“3个工作日内”）。',
    en: 'Pick one: a date, or a shortcut such as "within 3 workdays".',
  },
  'form.assign.time_without_date': { zh: '选了时间，还请选日期或快捷选项。', en: 'A time was picked; please pick a date or a shortcut too.' },
  'form.assign.done': { zh: '已交办 #{n}', en: 'Assigned #{n}' },
};
