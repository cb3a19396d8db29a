/**
 * Sentences of 交办 → 签收 → 进展 → 办结 → 通过/退回, extensions, 催办, 撤销, /查看, /任务,
 * /设置 and /帮助. Refusals name the task and say who may act or what to do instead.
 * {n} is a task number, {verb} one of task.verb.*, {title} is already made safe by the caller.
 */
export const task = {
  // Verbs as they appear inside refusals ("只有…可以{verb} #12").
  'task.verb.accept': { zh: '签收', en: 'accept' },
  'task.verb.progress': { zh: '汇报进展', en: 'report progress on' },
  'task.verb.submit': { zh: '办结', en: 'submit' },
  'task.verb.approve': { zh: '通过', en: 'approve' },
  'task.verb.reject': { zh: '退回', en: 'return' },
  'task.verb.request_extension': { zh: '申请延期', en: 'ask for more time on' },
  'task.verb.approve_extension': { zh: '同意延期', en: 'approve the extension of' },
  'task.verb.reject_extension': { zh: '驳回延期', en: 'reject the extension of' },
  'task.verb.chase': { zh: '催办', en: 'chase' },
  'task.verb.cancel': { zh: '撤销', en: 'cancel' },
  'task.verb.attach': { zh: '提交佐证材料', en: 'add evidence to' },

  // Refusals of decide().
  'task.refuse.not_assignee': { zh: '只有承办人可以{verb} #{n}。', en: 'Only the assignees can {verb} #{n}.' },
  'task.refuse.not_lead': {
    zh: '只有主办人 {lead} 可以办结 #{n}；协办请用 /进展 #{n} 汇报。',
    en: 'Only the lead assignee {lead} can submit #{n}; co-assignees report with /progress #{n}.',
  },
  'task.refuse.not_creator_or_supervisor': {
    zh: '只有交办人或督办领导可以{verb} #{n}。',
    en: 'Only the assigner or the supervising leader can {verb} #{n}.',
  },
  'task.refuse.own_submission': {
    zh: '#{n} 是你自己承办的，不能自己{verb}；请督办领导（未设置时由群管理员）审核。',
    en: '#{n} is your own work, so you cannot {verb} it yourself; the supervising leader (or, without one, a chat admin) reviews it.',
  },
  'task.refuse.wrong_state.submitted': {
    zh: '#{n} 已提交办结，正在等待审核，暂不能{verb}。',
    en: '#{n} has been submitted and is waiting for review; you cannot {verb} it now.',
  },
  'task.refuse.wrong_state.not_submitted': {
    zh: '#{n} 还没有提交办结（当前：{state}），不能{verb}。',
    en: '#{n} has not been submitted yet (now: {state}), so you cannot {verb} it.',
  },
  'task.refuse.already_accepted': { zh: '你已签收过 #{n}。', en: 'You have already accepted #{n}.' },
  'task.refuse.already_done': { zh: '#{n} 已办结，不能再{verb}。', en: '#{n} is already done; you cannot {verb} it.' },
  'task.refuse.cancelled': { zh: '#{n} 已撤销，不能再{verb}。', en: '#{n} has been cancelled; you cannot {verb} it.' },
  'task.refuse.no_pending_extension': {
    zh: '#{n} 没有待审批的延期申请。',
    en: '#{n} has no extension request waiting for a decision.',
  },
  'task.refuse.extension_pending': {
    zh: '#{n} 已有延期申请（延至 {due}）在等待审批。',
    en: '#{n} already has an extension request (to {due}) waiting for a decision.',
  },
  'task.refuse.no_due': { zh: '#{n} 没有设定时限，无需延期。', en: '#{n} has no deadline, so there is nothing to extend.' },
  'task.refuse.extension_not_later': {
    zh: '新时限须晚于 #{n} 现在的时限 {due}。',
    en: 'The new deadline must be later than the current deadline of #{n}, {due}.',
  },
  'task.refuse.due_in_past': {
    zh: '这个时间已经过去了，请给一个将来的时间。',
    en: 'That time has already passed; please give a time in the future.',
  },
  'task.refuse.revisit_in_past': {
    zh: '回头看的时间已经过去了，请给一个将来的时间。',
    en: 'The revisit time has already passed; please give a time in the future.',
  },
  'task.refuse.reason_required': {
    zh: '请写明原因，例如：{usage}',
    en: 'Please give a reason, e.g. {usage}',
  },
  // The example in task.refuse.reason_required, by what needed the reason.
  'task.usage.reason.extend': { zh: '/延期 #{n} 下周五 材料未齐', en: '/extend #{n} next friday waiting for data' },
  'task.usage.reason.reject': { zh: '/退回 #{n} 数据需要核实', en: '/reject #{n} the figures need checking' },
  'task.refuse.text_required': {
    zh: '请写上进展内容，例如：/进展 #{n} 已完成初稿 完成60%',
    en: 'Please write what was done, e.g. /progress #{n} first draft finished 60%',
  },

  // Lookups and inputs the handlers check before deciding.
  'task.sent_p2p': {
    zh: '#{n} 不是本群的任务，详情已私信发给你。',
    en: '#{n} belongs to another chat; the details went to you in a private chat.',
  },
  'task.list_sent_p2p': {
    zh: '你的任务列表含其他群的任务，已私信发给你。',
    en: "Your list includes other chats' tasks, so it went to you in a private chat.",
  },
  'task.not_found': { zh: '没有找到任务 #{n}。发送 /任务 查看你的任务。', en: 'There is no task #{n}. Send /list to see your tasks.' },
  'task.need_number': { zh: '请写上任务编号，例如：{usage}', en: 'Please give the task number, e.g. {usage}' },
  'task.reply_unknown': {
    zh: '这条消息没有对应的任务。回复任务卡片即可汇报进展，或用 /进展 #编号 内容。',
    en: 'That message is not about a task. Reply to a task card to report progress, or use /progress #N text.',
  },
  'task.not_assigner': {
    zh: '本群只有指定人员可以交办任务，请联系群管理员（/设置）。',
    en: 'Only designated people can assign tasks in this chat; ask a chat admin (/settings).',
  },
  'task.assign_in_group': {
    zh: '请在工作群里 @我 交办任务，这样承办人能在群里看到任务卡片。',
    en: 'Please assign tasks in a group chat by @-mentioning me, so the assignees see the card there.',
  },
  'task.card_stale': {
    zh: '这张卡片已过期，已刷新为最新状态。',
    en: 'This card was out of date and has been refreshed.',
  },
  'task.form_empty': { zh: '请先填写内容再提交。', en: 'Please fill in the text first.' },

  // Replies after a change (text messages in the chat).
  'task.reply.assigned': {
    zh: '已交办 #{n}「{title}」，主办：{lead}，时限：{due}。',
    en: 'Assigned #{n} "{title}" to {lead}, due {due}.',
  },
  'task.reply.which_task': {
    zh: '这条消息列了几项事项，请写明是哪一项（{list}），例如回复：#{n} 已完成初稿',
    en: 'That message lists several tasks. Say which one ({list}), for example: #{n} first draft done',
  },
  'task.reply.accepted': { zh: '{who} 已签收 #{n}「{title}」。', en: '{who} accepted #{n} "{title}".' },
  'task.reply.progress': { zh: '已记录 #{n} 的进展{percent}。', en: 'Progress on #{n} recorded{percent}.' },
  'task.reply.evidence_file': { zh: '已将文件“{name}”记为 #{n} 的佐证材料。', en: 'File "{name}" kept as evidence on #{n}.' },
  'task.reply.evidence_image': { zh: '已将图片记为 #{n} 的佐证材料。', en: 'Image kept as evidence on #{n}.' },
  'task.reply.evidence_link': { zh: '已将链接 {name} 记为 #{n} 的佐证材料。', en: 'Link {name} kept as evidence on #{n}.' },
  'task.reply.submitted': {
    zh: '#{n}「{title}」已提交办结，请 {reviewer} 审核（通过 / 退回）。',
    en: '#{n} "{title}" was submitted as done; {reviewer}, please review it (approve / return).',
  },
  'task.reply.approved': { zh: '#{n}「{title}」已通过，办结。{revisit}', en: '#{n} "{title}" approved and closed.{revisit}' },
  'task.reply.approved_revisit': { zh: '将于 {at} 回头看。', en: ' It will be revisited on {at}.' },
  'task.reply.revisit_moved': {
    zh: '回头看时间 {asked} 不在工作时间，已顺延至下一个工作日上午 {at}。',
    en: 'The follow-up time {asked} is outside working time; it moves to the next working morning, {at}.',
  },
  'task.reply.returned': {
    zh: '#{n} 已退回，{lead} 请继续办理。原因：{reason}',
    en: '#{n} was returned; {lead}, please continue. Reason: {reason}',
  },
  'task.reply.extension_requested': {
    zh: '{who} 申请将 #{n} 延期至 {due}，理由：{reason}。请 {reviewer} 审批。',
    en: '{who} asks to extend #{n} to {due}. Reason: {reason}. {reviewer}, please decide.',
  },
  'task.reply.extension_approved': {
    zh: '#{n} 延期已同意，新时限 {due}（原时限 {original}）。是否按时办结仍以原时限 {original} 计。',
    en: 'Extension of #{n} approved: now due {due} (originally {original}). Whether it is on time is still judged on the original deadline, {original}.',
  },
  'task.reply.extension_expired': {
    zh: '#{n} 的延期申请（延至 {requested}）已过期，未作处理；当前时限 {due}。{who} 如仍需延期，请重新申请：/延期 #{n} <新时限> 理由',
    en: 'The extension request for #{n} (to {requested}) has expired and was not granted; it is still due {due}. {who}, if you still need more time, please ask again: /extend #{n} <new deadline> reason',
  },
  'task.reply.extension_rejected': {
    zh: '#{n} 的延期申请未获同意，仍按 {due} 办结。{reason}',
    en: 'The extension of #{n} was not approved; it is still due {due}.{reason}',
  },
  'task.reply.chased': {
    zh: '催办 #{n}「{title}」：{lead} 请抓紧办理，时限 {due}。{note}',
    en: 'Chasing #{n} "{title}": {lead}, please get it done, due {due}.{note}',
  },
  'task.reply.cancelled': { zh: '#{n}「{title}」已撤销。{reason}', en: '#{n} "{title}" was cancelled.{reason}' },
  'task.reply.reason_suffix': { zh: '原因：{reason}', en: ' Reason: {reason}' },
  'task.reply.note_suffix': { zh: '附言：{note}', en: ' Note: {note}' },
  'task.reply.percent_suffix': { zh: '（{percent}%）', en: ' ({percent}%)' },

  // p2p notices.
  'task.notice.assigned_lead': {
    zh: '你被交办了一项工作（主办），请签收。',
    en: 'You have been assigned a task (lead). Please accept it.',
  },
  'task.notice.assigned_co': {
    zh: '你被交办了一项工作（协办），请签收。',
    en: 'You have been assigned a task (co-assignee). Please accept it.',
  },
  'task.notice.review': {
    zh: '#{n}「{title}」已提交办结，等待你审核。',
    en: '#{n} "{title}" was submitted as done and waits for your review.',
  },
  'task.notice.extension': {
    zh: '#{n}「{title}」有延期申请（延至 {due}），等待你审批。',
    en: '#{n} "{title}" has an extension request (to {due}) waiting for your decision.',
  },

  // Toasts on card buttons.
  'task.toast.accept': { zh: '已签收 #{n}', en: 'Accepted #{n}' },
  'task.toast.progress': { zh: '已记录进展', en: 'Progress recorded' },
  'task.toast.submit': { zh: '已提交办结，等待审核', en: 'Submitted for review' },
  'task.toast.approve': { zh: '已通过 #{n}', en: 'Approved #{n}' },
  'task.toast.reject': { zh: '已退回 #{n}', en: 'Returned #{n}' },
  'task.toast.request_extension': { zh: '已提交延期申请', en: 'Extension requested' },
  'task.toast.approve_extension': { zh: '已同意延期', en: 'Extension approved' },
  'task.toast.reject_extension': { zh: '已驳回延期', en: 'Extension rejected' },
  'task.toast.extension_expired': { zh: '#{n} 的延期申请已过期，请申请人重新申请', en: 'The extension request for #{n} has expired; ask again' },
  'task.toast.chase': { zh: '已催办 #{n}', en: 'Chased #{n}' },
  'task.toast.cancel': { zh: '已撤销 #{n}', en: 'Cancelled #{n}' },
  'task.toast.attach': { zh: '已记录佐证材料', en: 'Evidence recorded' },

  // States, categories, priorities, lights.
  'task.state.assigned': { zh: '待签收', en: 'Awaiting acceptance' },
  'task.state.in_progress': { zh: '办理中', en: 'In progress' },
  'task.state.submitted': { zh: '待审核', en: 'Awaiting review' },
  'task.state.done': { zh: '已办结', en: 'Done' },
  'task.state.cancelled': { zh: '已撤销', en: 'Cancelled' },
  'task.category.decision': { zh: '决策督查', en: 'Decision' },
  'task.category.special': { zh: '专项督查', en: 'Special' },
  'task.category.livelihood': { zh: '民生督查', en: 'Livelihood' },
  'task.priority.urgent': { zh: '紧急', en: 'Urgent' },
  'task.priority.high': { zh: '重要', en: 'High' },
  'task.priority.normal': { zh: '一般', en: 'Normal' },
  'task.light.red': { zh: '🔴 红灯', en: '🔴 Red' },
  'task.light.yellow': { zh: '🟡 黄灯', en: '🟡 Yellow' },
  'task.light.green': { zh: '🟢 绿灯', en: '🟢 Green' },
  'task.light_reason.overdue': { zh: '已逾期', en: 'overdue' },
  'task.light_reason.due_soon': { zh: '临近时限', en: 'due soon' },
  'task.light_reason.stale': { zh: '多日未报进展', en: 'no recent progress' },
  'task.light_reason.behind': { zh: '进度滞后于序时', en: 'behind schedule' },
  'task.light_reason.review': { zh: '待审核', en: 'waiting for review' },
  'task.due.review': { zh: '待审核 · 已等待 {days} 个工作日', en: 'waiting for review · {days} working days' },
  'task.list.title.review': { zh: '待我审批', en: 'Waiting for my decision' },

  // Due texts.
  'task.due.none': { zh: '未设时限', en: 'no deadline' },
  'task.due.left': { zh: '还剩 {days} 个工作日', en: '{days} working days left' },
  'task.due.left_one': { zh: '还剩 1 个工作日', en: '1 working day left' },
  'task.due.today': { zh: '今天到期', en: 'due today' },
  'task.due.left_none': { zh: '到期前已无工作日', en: 'no working day left before it is due' },
  'task.due.off_day': { zh: '非工作日', en: 'not a working day' },
  'task.due.none_hint': {
    zh: '如需时限，发送 /改期 #{n} 周五；交办时也可写“截止 周五”或“3个工作日内”',
    en: 'to set one, send /due #{n} friday; when assigning, write "due friday" or "in 3 workdays"',
  },
  'task.due.overdue': { zh: '已逾期 {days} 个工作日', en: 'overdue by {days} working days' },
  'task.due.overdue_one': { zh: '已逾期 1 个工作日', en: 'overdue by 1 working day' },
  'task.due.overdue_today': { zh: '已逾期', en: 'overdue' },
  'task.due.extended': { zh: '原时限 {original}', en: 'originally {original}' },

  // Card labels.
  'task.card.lead': { zh: '主办', en: 'Lead' },
  'task.card.chased': { zh: '催办', en: 'Chased' },
  'task.card.co': { zh: '协办', en: 'Co-assignees' },
  'task.card.due': { zh: '时限', en: 'Due' },
  'task.card.state': { zh: '状态', en: 'State' },
  'task.card.light': { zh: '亮灯', en: 'Light' },
  'task.card.source': { zh: '来源', en: 'Source' },
  'task.card.category': { zh: '类别', en: 'Category' },
  'task.card.priority': { zh: '紧急程度', en: 'Priority' },
  'task.card.creator': { zh: '交办人', en: 'Assigned by' },
  'task.card.supervisor': { zh: '督办领导', en: 'Supervisor' },
  'task.card.detail': { zh: '说明', en: 'Details' },
  'task.card.progress': { zh: '最新进展', en: 'Latest progress' },
  'task.card.no_progress': { zh: '暂无进展', en: 'No progress reported yet' },
  'task.card.returned': { zh: '退回', en: 'Returned' },
  'task.card.rework': { zh: '整改', en: 'Rework' },
  'task.card.rework_text': {
    zh: '第 {round} 轮，{who} 于 {at} 回头看认为需要整改{reason}',
    en: 'round {round}: at the follow-up check on {at}, {who} found it needs rework{reason}',
  },
  'task.card.rework_reason': { zh: '，要求：{reason}', en: '. What is asked: {reason}' },
  'task.card.returned_text': { zh: '{who} 于 {at} 退回，原因：{reason}', en: 'by {who} on {at}. Reason: {reason}' },
  'task.card.extension_lapsed': { zh: '申请的时限已过，需重新申请', en: 'the requested date has passed; ask again' },
  'task.card.extension': { zh: '延期申请', en: 'Extension request' },
  'task.card.extension_text': {
    zh: '{who} 申请延至 {due}，理由：{reason}',
    en: '{who} asks for {due}. Reason: {reason}',
  },
  'task.card.counts': {
    zh: '延期 {ext} 次 · 退回 {ret} 次 · 催办 {chase} 次',
    en: '{ext} extensions · {ret} returns · {chase} chases',
  },
  'task.card.history': { zh: '办理记录', en: 'History' },
  'task.card.history_more': { zh: '…（更早的 {count} 条记录未显示）', en: '… ({count} earlier entries not shown)' },
  'task.card.reply_hint': {
    zh: '直接回复本卡片即可汇报进展；回复“完成”即提交办结。',
    en: 'Reply to this card to report progress; reply "done" to submit it.',
  },
  'task.card.progress_placeholder': { zh: '进展内容，可写“完成70%”', en: 'What was done, e.g. "70% done"' },
  'task.card.reason_placeholder': { zh: '退回原因', en: 'Reason for returning' },
  'task.card.revisit': { zh: '回头看', en: 'Revisit' },
  'task.card.done_at': { zh: '办结时间', en: 'Done at' },

  // Buttons.
  'task.btn.accept': { zh: '签收', en: 'Accept' },
  'task.btn.progress': { zh: '汇报进展', en: 'Report progress' },
  'task.btn.submit': { zh: '申请办结', en: 'Submit as done' },
  'task.btn.approve': { zh: '通过', en: 'Approve' },
  'task.btn.reject': { zh: '退回', en: 'Return' },
  'task.btn.approve_extension': { zh: '同意延期', en: 'Approve extension' },
  'task.btn.reject_extension': { zh: '驳回延期', en: 'Reject extension' },
  'task.btn.chase': { zh: '催办', en: 'Chase' },
  'task.btn.show': { zh: '查看', en: 'Details' },
  'task.btn.prev': { zh: '上一页', en: 'Previous' },
  'task.btn.next': { zh: '下一页', en: 'Next' },

  // Ledger event lines in /查看.
  'task.event.assigned': { zh: '交办', en: 'assigned' },
  'task.event.accepted': { zh: '签收', en: 'accepted' },
  'task.event.progress': { zh: '汇报进展', en: 'reported progress' },
  'task.event.evidence': { zh: '提交佐证材料', en: 'added evidence' },
  'task.event.evidence_image': { zh: '图片', en: 'image' },
  'task.event.submitted': { zh: '提交办结', en: 'submitted as done' },
  'task.event.approved': { zh: '审核通过', en: 'approved' },
  'task.event.returned': { zh: '退回', en: 'returned' },
  'task.event.extension_requested': { zh: '申请延期', en: 'asked for an extension' },
  'task.event.extension_approved': { zh: '同意延期', en: 'approved the extension' },
  'task.event.extension_rejected': { zh: '驳回延期', en: 'rejected the extension' },
  'task.event.extension_expired': { zh: '延期申请已过期', en: 'extension request expired' },
  'task.event.chased': { zh: '催办', en: 'chased' },
  'task.event.cancelled': { zh: '撤销', en: 'cancelled' },
  'task.event.reminded': { zh: '提醒', en: 'reminder' },
  'task.event.escalated': { zh: '督办', en: 'escalated' },
  'task.event.revisit_asked': { zh: '回头看', en: 'revisit' },
  'task.event.revisit_answered': { zh: '回头看反馈', en: 'revisit answered' },
  'task.event.due_recounted': { zh: '按放假安排重算时限', en: 'deadline recounted on the holiday schedule' },
  'task.event.bot': { zh: '督办助手', en: 'duban' },
  'task.event.to': { zh: '延至 {due}', en: 'to {due}' },

  // /任务 list.
  'task.list.title.mine': { zh: '我的任务', en: 'My tasks' },
  'task.list.title.chat': { zh: '本群任务', en: 'Tasks in this chat' },
  'task.list.title.overdue': { zh: '逾期任务', en: 'Overdue tasks' },
  'task.list.title.all': { zh: '全部任务', en: 'All tasks' },
  'task.list.empty': { zh: '没有符合条件的进行中任务。', en: 'No open tasks match.' },
  'task.list.summary': {
    zh: '共 {total} 项 · 🔴 {red} · 🟡 {yellow} · 🟢 {green} · 第 {page}/{pages} 页',
    en: '{total} tasks · 🔴 {red} · 🟡 {yellow} · 🟢 {green} · page {page}/{pages}',
  },
  'task.list.bad_filter': {
    zh: '不认识“{filter}”。可用：/任务 我的 | 本群 | 逾期 | 全部',
    en: 'Unknown list "{filter}". Use: /list mine | chat | overdue | all',
  },

  // /设置.
  'task.settings.not_admin': { zh: '只有群主或群管理员可以修改设置。', en: 'Only the chat owner or admins can change settings.' },
  'task.settings.group_only': { zh: '请在群里使用 /设置。', en: 'Please use /settings in a group chat.' },
  'task.settings.saved': { zh: '已更新设置：{changes}', en: 'Settings updated: {changes}' },
  'task.settings.current': {
    zh: '本群设置：督办领导 {supervisor}；交办权限 {assigners}；工作时间 {work}；免打扰 {quiet}；周报 {digest}。\n修改示例：/设置 督办领导 @王主任 免打扰 21:00-08:00 周报 周五 16:00',
    en: 'Settings: supervisor {supervisor}; who may assign {assigners}; working hours {work}; quiet hours {quiet}; digest {digest}.\nExample: /settings supervisor @Wang quiet 21:00-08:00 digest friday 16:00',
  },
  'task.settings.none': { zh: '未设置', en: 'not set' },
  'task.settings.anyone': { zh: '所有群成员', en: 'any member' },
  'task.settings.off': { zh: '关闭', en: 'off' },
  // The confirmation lists what changed, one item each.
  'task.settings.item.supervisor': { zh: '督办领导 {value}', en: 'supervisor {value}' },
  'task.settings.item.assigners': { zh: '交办权限 {value}', en: 'who may assign {value}' },
  'task.settings.item.admins': { zh: '管理员 {value}', en: 'admins {value}' },
  'task.settings.item.work': { zh: '工作时间 {value}', en: 'working hours {value}' },
  'task.settings.item.quiet': { zh: '免打扰 {value}', en: 'quiet hours {value}' },
  'task.settings.item.digest': { zh: '周报 {value}', en: 'digest {value}' },
  'task.settings.item.urgent': { zh: '加急 {value}（每人每天至多一次）', en: 'urgent buzz {value} (at most once a day per person)' },
  'task.settings.urgent.priority': { zh: '紧急任务', en: 'urgent tasks' },
  'task.settings.urgent.overdue': { zh: '逾期 {days} 个工作日起', en: 'overdue {days} working days or more' },
  'task.settings.separator': { zh: '；', en: '; ' },
  'task.settings.name_separator': { zh: '、', en: ', ' },
  'task.settings.weekday.1': { zh: '周一', en: 'Monday' },
  'task.settings.weekday.2': { zh: '周二', en: 'Tuesday' },
  'task.settings.weekday.3': { zh: '周三', en: 'Wednesday' },
  'task.settings.weekday.4': { zh: '周四', en: 'Thursday' },
  'task.settings.weekday.5': { zh: '周五', en: 'Friday' },
  'task.settings.weekday.6': { zh: '周六', en: 'Saturday' },
  'task.settings.weekday.7': { zh: '周日', en: 'Sunday' },

  // /帮助.
  'task.help.title': { zh: '督办助手 · 用法', en: 'duban · how to use' },
  'task.help.body': {
    zh: [
      '**交办**　/交办 @主办 [@协办] 标题 截止 周五 [!紧急] [#决策督查] [来源 文号]',
      '例：/交办 @张三 @李四 起草年度总结 截止 12月1日 !重要 来源 办〔2026〕12号',
      '回复同事的一条消息发 /交办 @张三 截止 周五（不写标题）：那条消息就是任务，文件或图片记为佐证',
      '**签收**　/签收 #12　　**进展**　/进展 #12 已完成初稿 完成60%',
      '**办结**　/办结 #12 [说明]　　或直接回复任务卡片“完成”',
      '**审核**　/通过 #12 [回头看 下周一]　/退回 #12 原因',
      '**延期**　/延期 #12 下周五 理由　→　/同意延期 #12　/驳回延期 #12',
      '**催办 / 撤销**　/催办 #12 [附言]　/撤销 #12 [原因]',
      '**调整**　/改期 #12 下周五　/转办 #12 @新主办 [原因]　/加协办 #12 @孙七　/减协办 #12 @孙七　/修改 #12 标题|详情 …（交办人、督办领导）',
      '**周期 / 反馈**　/交办 @张三 报送月报 每月5日前（每周五16:00前、每月最后一个工作日、每季度末）每期单独下发，可加 至2027年6月 或 共12次；加“反馈 每周五”定期提醒反馈进展；/设置 反馈 #12 每周五；/任务 周期',
      '**批量导入**　在群里发送 .xlsx/.csv 表格，或回复表格 /导入（模板：/导入 模板）',
      '**查询**　/查看 #12　/任务 [我的|本群|逾期|全部] [第2页]　/统计　/台账',
      '/任务 全部：本群的任务、你交办/承办/督办的任务，以及你任群管理员或督办领导的群里的全部任务',
      '**设置**　/设置 督办领导 @王主任 免打扰 21:00-08:00（群管理员）',
      '时间可以写：明天、周五、下周一、月底、3个工作日内、12月1日下午3点、2026-12-01 18:00',
      '回复任务卡片即汇报进展；在任务卡片上点 OK、DONE 或 👍 表情即签收。',
    ].join('\n'),
    en: [
      '**Assign**: /assign @lead [@co] title due friday [!urgent] [#decision] [source ref. no.]',
      'e.g. /assign @Alice @Bob Draft the annual report due 2026-12-01 !high',
      "Reply to a colleague's message with /assign @Alice due friday (no title): that message is the task; a file or image is kept as evidence",
      '**Accept**: /accept #12 · **Progress**: /progress #12 first draft done 60%',
      '**Submit**: /done #12 [note], or reply "done" to the task card',
      '**Review**: /approve #12 [revisit monday] · /reject #12 reason',
      '**Extend**: /extend #12 next friday reason → /同意延期 #12 · /驳回延期 #12',
      '**Chase / cancel**: /chase #12 [note] · /cancel #12 [reason]',
      '**Change**: /due #12 next friday · /reassign #12 @new-lead [reason] · /add #12 @Sun · /remove #12 @Sun · /edit #12 title|detail … (assigner, supervisor)',
      '**Recurring / feedback**: /assign @Alice Monthly report every month by the 5th (every friday 16:00, last working day of every month, end of every quarter): one task per period, optionally until June 2027 or 12 times; add "feedback every friday" for a regular progress ask; /settings feedback #12 every friday; /list series',
      '**Import**: send an .xlsx/.csv sheet in the group, or reply to one with /import (template: /import template)',
      '**Look up**: /show #12 · /list [mine|chat|overdue|all] [page 2] · /stats · /ledger',
      '/list all: tasks of this chat, tasks you assigned, work on or supervise, and every task of the chats you are an admin or the supervisor of',
      '**Settings**: /settings supervisor @Wang quiet 21:00-08:00 (chat admins)',
      'Times: tomorrow, friday, in 3 days, 3 workdays, 2026-12-01 18:00',
      'Reply to a task card to report progress; an OK, DONE or 👍 reaction on it accepts the task.',
    ].join('\n'),
  },
  'task.hint.p2p_open_tasks': {
    zh: '没有识别到指令。你有 {count} 项进行中的任务：发送 /任务 我的 查看；直接回复任务卡片即可汇报进展，回复“完成”即提交办结。更多用法发送 /帮助。',
    en: 'That is not a command I know. You have open tasks ({count}): send /list mine to see them; reply to a task card to report progress, or reply "done" to submit it. Send /help for more.',
  },
  'task.welcome': {
    zh: '大家好，我是督办助手：交办、催办、督办、查办都在群里完成。在群里 @我 再发指令，最常用的三条：\n/交办 @张三 起草年度总结 截止 周五　交办任务\n/任务 本群　本群的任务，红灯在前\n/帮助　全部用法',
    en: "Hello, I'm duban: assign, chase, escalate and verify work right here. @-mention me with a command; the three used most:\n/assign @Alice Draft the annual report due friday: assign a task\n/list chat: this chat's tasks, red first\n/help: everything else",
  },
  'task.help.text': {
    zh: '督办助手用法：/交办 @张三 标题 截止 周五；/签收 #12；/进展 #12 内容；/办结 #12；/通过 #12；/退回 #12 原因；/延期 #12 下周五 理由；/催办 #12；/撤销 #12；/改期 #12 下周五；/转办 #12 @赵六；/加协办 #12 @孙七；/减协办 #12 @孙七；/修改 #12 标题 新标题；/查看 #12；/任务；/任务 周期；/设置；周期任务：/交办 @张三 报送月报 每月5日前 反馈 每周五；回复任务卡片即汇报进展。',
    en: 'duban: /assign @Alice title due friday; /accept #12; /progress #12 text; /done #12; /approve #12; /reject #12 reason; /extend #12 next friday reason; /chase #12; /cancel #12; /due #12 next friday; /reassign #12 @Bob; /add #12 @Sun; /remove #12 @Sun; /edit #12 title new title; /show #12; /list; /list series; /settings; recurring: /assign @Alice Monthly report every month by the 5th feedback every friday. Reply to a task card to report progress.',
  },
};
