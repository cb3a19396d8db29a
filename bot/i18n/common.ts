/** Sentences of the platform edge and the error boundary. */
export const common = {
  internal_error: {
    zh: '抱歉，处理这条消息时出了点问题，已记录，请稍后再试。',
    en: 'Sorry, something went wrong handling that message. It has been logged; please try again shortly.',
  },
  card_processing: { zh: '已收到，正在处理…', en: 'Got it, working on it…' },
  card_unknown_action: { zh: '这个按钮已失效，请在最新的卡片上操作。', en: 'This button is no longer valid; please use the latest card.' },
  rate_limited: {
    zh: '你一分钟内发给我的消息太多了（每人每分钟最多 {limit} 条），这条没有处理。请一分钟后再发。',
    en: 'You sent me too many messages in a minute (at most {limit} a minute each), so this one was not handled. Please send it again in a minute.',
  },
  not_a_command: {
    zh: '没有识别到指令。发送 /帮助 查看用法，例如：/交办 @张三 起草年度总结 截止 周五',
    en: 'That is not a command I know. Send /help for usage, e.g. /assign @Alice Draft the annual report due friday',
  },
};
