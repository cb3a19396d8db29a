/**
 * Edits of a task (/改期 /转办 /加协办 /减协办 /修改), a task made from a replied-to message,
 * and 签收 by a reaction. {n} is a task number; {title}, {who}, {reason} are made safe by the caller.
 */
export const edits = {
  // Parse errors and usage lines.
  'parse_error.one_lead': { zh: '主办只能是一个人，这里提到了 {count} 位。', en: 'A task has one lead; {count} people were mentioned.' },
  'parse_error.unexpected_text': { zh: '只需 @ 要调整的人，无法理解“{text}”。', en: 'Only @-mention the people; "{text}" was not understood.' },
  'parse_error.missing_field': { zh: '请写明要修改“标题”还是“详情”。', en: 'Say which to change: "title" or "detail".' },
  'parse_error.missing_text': { zh: '请写上新的内容。', en: 'Please add the new text.' },
  'usage.due': { zh: '用法：/改期 #编号 新时限 [原因]，例：/改期 #12 下周五', en: 'Usage: /due #N <new deadline> [reason], e.g. /due #12 next friday' },
  'usage.reassign': { zh: '用法：/转办 #编号 @新主办 [原因]', en: 'Usage: /reassign #N @new-lead [reason]' },
  'usage.add_co': { zh: '用法：/加协办 #编号 @协办…', en: 'Usage: /add #N @co-assignee…' },
  'usage.remove_co': { zh: '用法：/减协办 #编号 @协办', en: 'Usage: /remove #N @co-assignee' },
  'usage.edit': { zh: '用法：/修改 #编号 标题 新标题，或 /修改 #编号 详情 新详情', en: 'Usage: /edit #N title <new title>, or /edit #N detail <new detail>' },

  // Verbs in refusals ("只有交办人或督办领导可以{verb} #12").
  'task.verb.change_due': { zh: '改期', en: 'change the deadline of' },
  'task.verb.reassign': { zh: '转办', en: 'reassign' },
  'task.verb.add_co': { zh: '加协办', en: 'add co-assignees to' },
  'task.verb.remove_co': { zh: '减协办', en: 'remove co-assignees from' },
  'task.verb.edit': { zh: '修改', en: 'edit' },

  // Refusals.
  'task.refuse.due_unchanged': { zh: '#{n} 的时限已经是 {due}，没有改动。', en: '#{n} is already due {due}; nothing changed.' },
  'task.refuse.same_lead': { zh: '{who} 已经是 #{n} 的主办，没有改动。', en: '{who} already leads #{n}; nothing changed.' },
  'task.refuse.already_assignee': { zh: '{who} 已经在办理 #{n}，没有改动。', en: '{who} is already on #{n}; nothing changed.' },
  'task.refuse.not_co': {
    zh: '{who} 不是 #{n} 的协办，没有改动（更换主办请用 /转办）。',
    en: '{who} is not a co-assignee of #{n}; nothing changed (change the lead with /reassign).',
  },
  'task.refuse.too_many_assignees': { zh: '#{n} 最多 {max} 位承办人，没有改动。', en: '#{n} can have at most {max} assignees; nothing changed.' },
  'task.refuse.text_unchanged': { zh: '#{n} 的内容没有变化。', en: '#{n} already says that; nothing changed.' },

  // Announcements: what was understood, in the chat.
  'task.reply.due_changed': {
    zh: '#{n}「{title}」时限改为 {due}（{left}），是否按时以新时限为准。{reason}',
    en: '#{n} "{title}" is now due {due} ({left}); on time is judged against the new deadline.{reason}',
  },
  'task.reply.due_extended': {
    zh: '#{n}「{title}」已逾期，时限改为 {due}（{left}），计为批准延期一次；是否按时仍以原时限 {original} 计。{reason}',
    en: '#{n} "{title}" was overdue; it is now due {due} ({left}), counted as an approved extension; on time is still judged against {original}.{reason}',
  },
  'task.reply.reassigned': {
    zh: '#{n}「{title}」改由 {to} 主办（原主办 {from}），请 {to} 签收。{reason}',
    en: '#{n} "{title}" is now led by {to} (was {from}); {to}, please accept it.{reason}',
  },
  'task.reply.co_added': { zh: '{who} 加为 #{n}「{title}」的协办。', en: '{who} added as co-assignee of #{n} "{title}".' },
  'task.reply.co_removed': { zh: '{who} 不再协办 #{n}「{title}」。', en: '{who} removed from #{n} "{title}".' },
  'task.reply.edited_title': { zh: '#{n} 的标题改为「{title}」（原为「{previous}」）。', en: '#{n} is now titled "{title}" (was "{previous}").' },
  'task.reply.edited_detail': { zh: '#{n}「{title}」的详情已更新：{text}', en: 'Details of #{n} "{title}" updated: {text}' },

  // Cards.
  'task.card.last_edit': { zh: '最近变更', en: 'Last change' },
  'task.card.title': { zh: '标题', en: 'Title' },
  'task.card.origin': { zh: '原消息', en: 'From message' },
  'task.card.origin_link': { zh: '在会话中查看', en: 'open in the chat' },
  'task.card.moved_title': { zh: '已转办', en: 'Reassigned' },
  'task.card.moved': {
    zh: '#{n}「{title}」已于 {at} 由 {who} 转给 {to} 主办，你无需再办理。',
    en: '#{n} "{title}" was reassigned to {to} by {who} on {at}; nothing more is needed from you.',
  },
  'task.card.removed_title': { zh: '已调整', en: 'Removed' },
  'task.card.removed': {
    zh: '{who} 于 {at} 调整了 #{n}「{title}」的协办，你无需再办理。',
    en: '{who} changed the co-assignees of #{n} "{title}" on {at}; nothing more is needed from you.',
  },

  // A task from a replied-to message.
  'task.origin.unreadable': {
    zh: '读不到所回复的那条消息（可能已删除，或我不在那个群里），请直接写上事项标题。',
    en: 'I cannot read the message you replied to (it may be gone, or I am not in that chat); please write the title.',
  },
  'task.origin.later': {
    zh: '暂时读不到所回复的消息，请稍后再试，或直接写上事项标题。',
    en: 'I could not read that message just now; try again, or write the title.',
  },
  'task.origin.recalled': { zh: '所回复的消息已撤回，请直接写上事项标题。', en: 'That message was recalled; please write the title.' },
  'task.origin.not_a_person': {
    zh: '这条是机器人的消息，不能直接变成任务；请回复同事的消息，或写上事项标题。',
    en: "That is a bot's message, not a colleague's; reply to a colleague's message, or write the title.",
  },
  'task.origin.unsupported': {
    zh: '所回复的消息（{type}）里读不出事项，请直接写上事项标题。',
    en: 'Nothing to read as a task in the message you replied to ({type}); please write the title.',
  },
  'task.origin.image_title': { zh: '图片所示事项', en: 'As shown in the image' },
  'task.origin.file_title': { zh: '文件所述事项', en: 'As described in the file' },

  // The 调整 card (bot/cards/edits.ts editCard) and its button.
  'task.btn.edit_menu': { zh: '调整', en: 'Change' },
  'task.edit.title_prefix': { zh: '调整', en: 'Change' },
  'task.edit.intro': {
    zh: '**#{n}** {title}\n时限 {due} · 主办 {lead}\n改哪一项就在哪一栏提交，只改那一项。',
    en: '**#{n}** {title}\nDue {due} · led by {lead}\nSubmit the one box you change; only that changes.',
  },
  'task.edit.due': { zh: '改期', en: 'New deadline' },
  'task.edit.due_date': { zh: '日期', en: 'Date' },
  'task.edit.due_time': { zh: '时间（默认下班时间）', en: 'Time (end of day if empty)' },
  'task.edit.reason': { zh: '原因（选填）', en: 'Reason (optional)' },
  'task.edit.due_submit': { zh: '改期', en: 'Change deadline' },
  'task.edit.lead': { zh: '转办', en: 'Reassign' },
  'task.edit.lead_placeholder': { zh: '新主办', en: 'New lead' },
  'task.edit.lead_submit': { zh: '转办', en: 'Reassign' },
  'task.edit.co_add': { zh: '加协办', en: 'Add co-assignees' },
  'task.edit.co_remove': { zh: '减协办', en: 'Remove co-assignees' },
  'task.edit.co_placeholder': { zh: '选择人员', en: 'Choose people' },
  'task.edit.co_add_submit': { zh: '加协办', en: 'Add' },
  'task.edit.co_remove_submit': { zh: '减协办', en: 'Remove' },
  'task.edit.title': { zh: '修改标题', en: 'Title' },
  'task.edit.title_submit': { zh: '改标题', en: 'Change title' },
  'task.edit.detail': { zh: '修改详情', en: 'Details' },
  'task.edit.detail_placeholder': { zh: '详情', en: 'Details' },
  'task.edit.detail_submit': { zh: '改详情', en: 'Change details' },
  'task.edit.sent_p2p': { zh: '已私信你 #{n} 的调整卡片', en: 'The change card of #{n} is in your private chat' },
  'task.edit.pick_due': { zh: '请选择新的日期', en: 'Pick the new date' },
  'task.edit.pick_person': { zh: '请选择人员', en: 'Pick someone' },
  'task.toast.change_due': { zh: '#{n} 已改期', en: '#{n}: deadline changed' },
  'task.toast.reassign': { zh: '#{n} 已转办', en: '#{n} reassigned' },
  'task.toast.add_co': { zh: '#{n} 已加协办', en: '#{n}: co-assignees added' },
  'task.toast.remove_co': { zh: '#{n} 已减协办', en: '#{n}: co-assignees removed' },
  'task.toast.edit': { zh: '#{n} 已修改', en: '#{n} edited' },

  // History and the ledger's event sheet.
  'task.event.due_changed': { zh: '改期', en: 'deadline changed' },
  'task.event.due_extended': { zh: '逾期改期（计为延期）', en: 'deadline moved after it passed (an extension)' },
  'task.event.reassigned': { zh: '转办', en: 'reassigned' },
  'task.event.co_added': { zh: '加协办', en: 'co-assignee added' },
  'task.event.co_removed': { zh: '减协办', en: 'co-assignee removed' },
  'task.event.edited': { zh: '修改', en: 'edited' },
  'task.event.due_to': { zh: '改为 {due}', en: 'to {due}' },
  'task.event.was': { zh: '原 {due}', en: 'was {due}' },
  ledger_event_due_changed: { zh: '改期', en: 'Deadline changed' },
  ledger_event_reassigned: { zh: '转办', en: 'Reassigned' },
  ledger_event_co_added: { zh: '加协办', en: 'Co-assignee added' },
  ledger_event_co_removed: { zh: '减协办', en: 'Co-assignee removed' },
  ledger_event_edited: { zh: '修改', en: 'Edited' },
};
