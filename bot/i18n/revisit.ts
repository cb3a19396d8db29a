/** 回头看 answers. */
export const revisit = {
  'revisit.verb': { zh: '回复回头看', en: 'answer the follow-up check of' },
  'revisit.not_done': { zh: '#{n} 不是已办结的事项，无需回头看。', en: '#{n} is not a done task; there is nothing to follow up.' },
  'revisit.already': { zh: '#{n} 的回头看已经回复过了。', en: 'The follow-up check of #{n} was already answered.' },
  'revisit.holds': { zh: '回头看 #{n}「{title}」：{who} 确认成效巩固。', en: 'Follow-up #{n} "{title}": {who} confirms the result holds.' },
  'revisit.rework': {
    zh: '回头看 #{n}「{title}」：{who} 认为需要整改。请交办整改事项，例如：/交办 @承办人 #{n}整改 截止 … 来源 #{n}',
    en: 'Follow-up #{n} "{title}": {who} says it needs rework. Assign the rework, e.g. /assign @someone Rework of #{n} due … source #{n}',
  },
  'revisit.toast_holds': { zh: '已记录：#{n} 成效巩固', en: 'Recorded: #{n} holds' },
  'revisit.toast_rework': { zh: '#{n} 已重新打开，整改第 {round} 轮', en: '#{n} reopened for rework, round {round}' },
  'revisit.rework_due_required': { zh: '请先选择 #{n} 的整改时限，再点“需要整改”。', en: 'Pick the rework deadline of #{n} first, then press "Needs rework".' },
  'revisit.reopened': {
    zh: '回头看 #{n}「{title}」：{who} 认为需要整改，已重新打开（整改第 {round} 轮），整改时限 {due}。{lead} 请按要求整改{note}，办完回复 /办结 #{n}。',
    en: 'Follow-up #{n} "{title}": {who} found it needs rework. Reopened (round {round}), due {due}. {lead} please fix it{note} and reply /done #{n} when finished.',
  },
  'revisit.reopened_note': { zh: '（要求：{note}）', en: ' ({note})' },
};
