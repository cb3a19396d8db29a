/** @jsxImportSource hono/jsx */
/**
 * The sandbox page, server-rendered with Hono's JSX: who you are, your chats, the simulated
 * clock, the conversation and the composer. client.js (no build step) keeps it live and turns
 * clicks into requests; every message body is HTML from render.ts.
 */
import type { SandboxPerson } from './seed.js';

export interface ChatView {
  key: string;
  chatId: string;
  type: 'group' | 'p2p';
  name: string;
  members: SandboxPerson[];
}

export interface ShownMessage {
  id: string;
  from: 'bot' | 'user';
  senderName: string;
  time: number;
  order: number;
  /** Rendered body (render.ts output: escaped). */
  html: string;
  file: { key: string; name: string; size: number } | null;
  /** Names of the people buzzed (加急) about this message. */
  urgentTo: string[];
  /**
   * A 催办 / 督办: whom it was for ('' in a p2p chat) and when the bot learnt they read it (ms),
   * null while unread. Empty for every other message.
   */
  reads: Array<{ who: string; at: number | null }>;
  replyTo: { id: string; who: string; text: string } | null;
  /** A card changed in place since it was sent (PATCH or a callback answer). */
  updated: boolean;
  mine: boolean;
  isCard: boolean;
}

export interface PageModel {
  lang: 'zh' | 'en';
  tz: string;
  me: SandboxPerson;
  people: readonly SandboxPerson[];
  chats: ChatView[];
  chat: ChatView;
  botName: string;
  clockText: string;
  clockIso: string;
  messages: ShownMessage[];
  counts: Record<string, number>;
  /** Who is on leave now, by open_id: "请假至 12月25日". */
  away: Record<string, string>;
  version: number;
}

const TEXT = {
  zh: {
    title: '督办 · 沙盒',
    tagline: '真实的机器人，模拟的飞书：不需要飞书应用，也不需要任何密钥。',
    iam: '我是',
    clock: '模拟时间',
    next_morning: '下一个工作日早上',
    plus_day: '+1 天',
    plus_2h: '+2 小时',
    friday_16: '到周五 16:00',
    jump_label: '跳到日期',
    jump: '跳到',
    clock_hint: '拨动时钟会在新时间运行定时任务（提醒、催办、督办、回头看、周报）。',
    placeholder: '输入消息或命令，如 /交办 @张三 起草通知 截止 明天',
    send: '发送',
    send_file: '发送表格（.xlsx / .csv）：批量导入督办事项',
    mention: '@ 提及',
    mention_bot: '@督办',
    reply: '回复',
    replying: '回复',
    cancel: '取消',
    updated: '已更新',
    urgent: '加急',
    read: '已读',
    unread: '未读',
    empty: '还没有消息。试试输入 /帮助',
    download: '下载',
    members: '成员',
    group: '群聊',
    p2p: '私聊',
    running: '正在运行定时任务…',
    table_scroll: '↔ 表格较宽，可左右滑动',
    sent: '已发送',
    lang_switch: 'English',
    chips: ['/帮助', '/任务', '/任务 逾期', '/任务 周期', '/统计', '/台账', '/周报 订阅'],
    group_tip: '群里 @督办 的消息才会交给机器人（“@督办”开关默认打开）。回复机器人的卡片即汇报进展。',
    p2p_tip: '与机器人的私聊：不需要 @，直接输入命令；上方是机器人菜单。',
    menu_label: '机器人菜单',
    menu: [
      ['new_task', '新建督办'],
      ['my_tasks', '我的任务'],
      ['to_review', '待我审批'],
      ['week_stats', '本周统计'],
      ['help', '帮助'],
    ],
    mention_pick: '选择要 @ 的人',
    bot_role: '机器人',
    guide_title: '怎么玩',
    guide: [
      '以孙七的身份打开群聊，点 #2 卡片上的「签收」，或回复卡片汇报进展。',
      '以李科长的身份审核 #4：点「通过」，或在退回框里写原因。',
      '点「下一个工作日早上」：逾期的 #2 升级为督办，王主任的私聊里会收到督办卡片。',
      '点「到周五 16:00」：群里出现周报，王主任收到带图表的领导周报。',
      '以王主任的身份发 /台账，下载 Excel 台账。',
      '张三请假至周五（/请假 周四至周五 @赵六）：任务列表上他的名字后写着“请假至”，提醒转给代理人赵六；/销假 提前回来。',
      '催办、督办消息旁标着“已读 09:42”或“未读”：以孙七的身份打开群聊就算读过，/查看 #2 和督办卡片也会写明。',
    ],
  },
  en: {
    title: 'Duban · Sandbox',
    tagline: 'The real bot with a simulated Lark: no Lark app and no credentials needed.',
    iam: 'I am',
    clock: 'Simulated time',
    next_morning: 'Next working morning',
    plus_day: '+1 day',
    plus_2h: '+2 hours',
    friday_16: 'To Friday 16:00',
    jump_label: 'Jump to date',
    jump: 'Go',
    clock_hint: 'Moving the clock runs the scheduled jobs at the new time (reminders, chasing, escalation, revisits, digests).',
    placeholder: 'Type a message or a command, e.g. /assign @Zhang San draft the notice due tomorrow',
    send: 'Send',
    send_file: 'Send a sheet (.xlsx / .csv): import tasks in a batch',
    mention: '@ Mention',
    mention_bot: '@Duban',
    reply: 'Reply',
    replying: 'Replying to',
    cancel: 'Cancel',
    updated: 'updated',
    urgent: 'Urgent',
    read: 'read',
    unread: 'unread',
    empty: 'No messages yet. Try /help',
    download: 'Download',
    members: 'Members',
    group: 'Group',
    p2p: 'Direct',
    running: 'Running the scheduled jobs…',
    table_scroll: '↔ Wide table: scroll sideways',
    sent: 'Sent',
    lang_switch: '中文',
    chips: ['/help', '/list', '/list overdue', '/list series', '/stats', '/ledger', '/digest on'],
    group_tip: 'In a group only messages that @-mention the bot reach it (the “@Duban” switch is on). Replying to a card reports progress.',
    p2p_tip: 'Direct chat with the bot: no @ needed, just type a command; the bot menu is above.',
    menu_label: 'Bot menu',
    menu: [
      ['new_task', 'New task'],
      ['my_tasks', 'My tasks'],
      ['to_review', 'To review'],
      ['week_stats', 'This week'],
      ['help', 'Help'],
    ],
    mention_pick: 'Pick someone to mention',
    bot_role: 'bot',
    guide_title: 'Things to try',
    guide: [
      'As Sun Qi, open the group and press 签收 (accept) on card #2, or reply to the card to report progress.',
      'As Chief Li, review #4: press 通过 (approve), or give a reason in the return box.',
      'Press “Next working morning”: the overdue #2 is escalated and Director Wang gets a 督办 card in his direct chat.',
      'Press “To Friday 16:00”: the weekly summary lands in the group and the leader digest with its chart in Director Wang’s chat.',
      'As Director Wang, send /ledger and download the Excel ledger.',
      'Zhang San is on leave until Friday (/leave thursday to friday @Zhao Liu): the task list says so after his name, and his reminders go to his deputy Zhao Liu; /back ends it early.',
      'Chasers and escalations are marked “read 09:42” or “unread”: opening the group as Sun Qi reads them, and /show #2 and the escalation card say so too.',
    ],
  },
} as const;

export type PageText = (typeof TEXT)['zh'];
export const pageText = (lang: 'zh' | 'en') => TEXT[lang];

const personName = (p: SandboxPerson, lang: 'zh' | 'en') => (lang === 'en' ? p.nameEn : p.name);
const initialOf = (name: string) => Array.from(name)[0] ?? '?';

function dayKey(ms: number, tz: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));
}

function dayLabel(ms: number, tz: string, lang: 'zh' | 'en'): string {
  const d = new Date(ms);
  return lang === 'zh'
    ? new Intl.DateTimeFormat('zh-CN', { timeZone: tz, month: 'long', day: 'numeric', weekday: 'short' }).format(d)
    : new Intl.DateTimeFormat('en-GB', { timeZone: tz, weekday: 'short', day: 'numeric', month: 'short' }).format(d);
}

function timeLabel(ms: number, tz: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(ms));
}

const kb = (n: number) => (n < 1024 ? `${n} B` : `${(n / 1024).toFixed(1)} KB`);

function Message({ m, model }: { m: ShownMessage; model: PageModel }) {
  const T = pageText(model.lang);
  return (
    <div class={`msg ${m.from}${m.mine ? ' mine' : ''}${m.isCard ? ' has-card' : ''}`} id={`m-${m.id}`} data-message-id={m.id}>
      <div class={`avatar ${m.from}`} aria-hidden="true">
        {m.from === 'bot' ? '督' : initialOf(m.senderName)}
      </div>
      <div class="msg-main">
        <div class="meta">
          <span class="who">{m.senderName}</span>
          <span class="time">{timeLabel(m.time, model.tz)}</span>
          {m.updated ? <span class="badge">{T.updated}</span> : null}
          {m.urgentTo.length ? (
            <span class="badge urgent" title={m.urgentTo.join('、')}>
              {T.urgent} → {m.urgentTo.join('、')}
            </span>
          ) : null}
          {m.reads.map((r) => (
            <span class={`badge ${r.at === null ? 'unread-mark' : 'read-mark'}`} data-read={r.at === null ? 'no' : 'yes'}>
              {r.who ? `${r.who} ` : ''}
              {r.at === null ? T.unread : `${T.read} ${timeLabel(r.at, model.tz)}`}
            </span>
          ))}
        </div>
        {m.replyTo ? (
          <a class="quote" href={`#m-${m.replyTo.id}`}>
            ↪ {m.replyTo.who}：{m.replyTo.text}
          </a>
        ) : null}
        {m.file ? (
          <div class="bubble file">
            <a class="file-link" href={`/sandbox/files/${encodeURIComponent(m.file.key)}`} download={m.file.name}>
              📎 {m.file.name} <span class="size">({kb(m.file.size)})</span> · {T.download}
            </a>
          </div>
        ) : (
          <div class="bubble" dangerouslySetInnerHTML={{ __html: m.html }} />
        )}
        <div class="msg-actions">
          <button type="button" class="link reply-btn" data-reply={m.id} data-reply-who={m.senderName}>
            {T.reply}
          </button>
        </div>
      </div>
    </div>
  );
}

function Messages({ model }: { model: PageModel }) {
  const T = pageText(model.lang);
  if (model.messages.length === 0) return <div class="empty">{T.empty}</div>;
  const out: unknown[] = [];
  let lastDay = '';
  for (const m of model.messages) {
    const day = dayKey(m.time, model.tz);
    if (day !== lastDay) {
      out.push(
        <div class="day" data-day={day}>
          <span>{dayLabel(m.time, model.tz, model.lang)}</span>
        </div>,
      );
      lastDay = day;
    }
    out.push(<Message m={m} model={model} />);
  }
  return <>{out}</>;
}

/** The conversation alone, for live updates. */
export function messagesHtml(model: PageModel): string {
  return String(<Messages model={model} />);
}

/** JSON for a `<script type="application/json">`: `<` escaped so no text can close the tag. */
const scriptJson = (v: unknown) =>
  JSON.stringify(v)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');

export function pageHtml(model: PageModel): string {
  const T = pageText(model.lang);
  const { me, chat } = model;
  const q = (as: string, chatKey: string) => `/sandbox?as=${encodeURIComponent(as)}&chat=${encodeURIComponent(chatKey)}`;
  const mentionable = [
    ...chat.members
      .filter((p) => chat.type === 'group' || p.key !== me.key)
      .map((p) => ({ name: personName(p, model.lang), role: model.lang === 'en' ? p.departmentEn : p.department })),
    { name: model.botName, role: T.bot_role },
  ];
  const data = {
    as: me.key,
    chat: chat.key,
    chatType: chat.type,
    lang: model.lang,
    version: model.version,
    botName: model.botName,
    counts: model.counts,
    text: T,
  };
  const page = (
    <html lang={model.lang === 'zh' ? 'zh-CN' : 'en'}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
        <title>{`${chat.name} · ${T.title}`}</title>
        <style dangerouslySetInnerHTML={{ __html: CSS }} />
      </head>
      <body>
        <div class="app">
          <aside class="side">
            <div class="brand">
              <strong>{T.title}</strong>
              <a
                class="lang"
                href={`/sandbox?as=${me.key}&chat=${chat.key}&lang=${model.lang === 'zh' ? 'en' : 'zh'}`}
                data-lang={model.lang === 'zh' ? 'en' : 'zh'}
              >
                {T.lang_switch}
              </a>
            </div>
            <p class="tagline">{T.tagline}</p>
            <label class="iam">
              {T.iam}
              <select id="as" name="as">
                {model.people.map((p) => (
                  <option value={p.key} selected={p.key === me.key}>
                    {`${personName(p, model.lang)} — ${p.role[model.lang]}${model.away[p.openId] ? ` · ${model.away[p.openId]}` : ''}`}
                  </option>
                ))}
              </select>
            </label>
            <nav class="chats">
              {model.chats.map((c) => (
                <a class={`chat-link${c.key === chat.key ? ' active' : ''}`} href={q(me.key, c.key)} data-chat={c.key}>
                  <span class="chat-kind">{c.type === 'group' ? T.group : T.p2p}</span>
                  <span class="chat-name">{c.name}</span>
                  <span class="unread" data-unread={c.key} hidden></span>
                </a>
              ))}
            </nav>
            <section class="clock">
              <div class="clock-label">{T.clock}</div>
              <div id="clock" class="clock-now" data-iso={model.clockIso}>
                {model.clockText}
              </div>
              <div class="clock-buttons">
                <button type="button" data-clock="next_morning">
                  {T.next_morning}
                </button>
                <button type="button" data-clock="plus_day">
                  {T.plus_day}
                </button>
                <button type="button" data-clock="plus_2h">
                  {T.plus_2h}
                </button>
                <button type="button" data-clock="friday_16">
                  {T.friday_16}
                </button>
              </div>
              <form id="jump" class="clock-jump">
                <label for="jump-date">{T.jump_label}</label>
                <input id="jump-date" type="date" required min={model.clockIso.slice(0, 10)} />
                <button type="submit" id="jump-go">
                  {T.jump}
                </button>
              </form>
              <p class="hint">{T.clock_hint}</p>
            </section>
            <details class="guide">
              <summary>{T.guide_title}</summary>
              <ol>
                {T.guide.map((g) => (
                  <li>{g}</li>
                ))}
              </ol>
            </details>
          </aside>
          <main class="chat">
            <header class="chat-head">
              <div class="chat-title">{chat.name}</div>
              <div class="chat-members">
                {T.members}：
                {chat.members.map((p, i) => (
                  <>
                    {i ? '、' : ''}
                    {personName(p, model.lang)}
                    {model.away[p.openId] ? <span class="away">（{model.away[p.openId]}）</span> : null}
                  </>
                ))}
                {chat.type === 'p2p' ? `、${model.botName}` : ''}
              </div>
            </header>
            <div id="messages" class="messages" aria-live="polite" dangerouslySetInnerHTML={{ __html: messagesHtml(model) }} />
            <footer class="composer">
              {chat.type === 'p2p' ? (
                <nav class="bot-menu" aria-label={T.menu_label}>
                  {T.menu.map(([key, label]) => (
                    <button type="button" class="menu-item" data-menu-key={key}>
                      {label}
                    </button>
                  ))}
                </nav>
              ) : null}
              <div id="reply-banner" class="reply-banner" hidden>
                <span>
                  {T.replying} <span id="reply-who"></span>
                </span>
                <button type="button" class="link" id="reply-cancel">
                  {T.cancel}
                </button>
              </div>
              <div class="chips">
                {T.chips.map((c) => (
                  <button type="button" class="chip" data-insert={c}>
                    {c}
                  </button>
                ))}
              </div>
              <div class="compose-row">
                <button type="button" id="at-btn" class="at-btn" title={T.mention_pick} aria-haspopup="listbox">
                  @
                </button>
                <label class="file-btn" title={T.send_file}>
                  📎
                  <input type="file" id="file-input" accept=".xlsx,.csv" hidden />
                </label>
                <textarea id="composer-input" rows={2} placeholder={T.placeholder} autocomplete="off"></textarea>
                <button type="button" id="send" class="send">
                  {T.send}
                </button>
              </div>
              {chat.type === 'group' ? (
                <label class="mention-bot">
                  <input type="checkbox" id="mention-bot" checked /> {T.mention_bot}
                </label>
              ) : null}
              <p class="hint">{chat.type === 'group' ? T.group_tip : T.p2p_tip}</p>
              <div id="at-picker" class="at-picker" role="listbox" hidden>
                {mentionable.map((p) => (
                  <button type="button" role="option" data-mention={p.name}>
                    <span class="avatar small">{initialOf(p.name)}</span> {p.name} <span class="role">{p.role}</span>
                  </button>
                ))}
              </div>
            </footer>
          </main>
        </div>
        <div id="toast" class="toast" role="status" hidden></div>
        <script id="sandbox-data" type="application/json" dangerouslySetInnerHTML={{ __html: scriptJson(data) }} />
        <script src="/sandbox/client.js" defer></script>
      </body>
    </html>
  );
  return `<!doctype html>${String(page)}`;
}

const CSS = `
:root { --bg:#f2f3f5; --panel:#fff; --line:#dee0e3; --text:#1f2329; --muted:#646a73; --brand:#3370ff; --mine:#e1eaff; }
* { box-sizing:border-box; }
html,body { margin:0; height:100%; }
body { font:14px/1.5 -apple-system,BlinkMacSystemFont,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif; color:var(--text); background:var(--bg); }
.app { display:flex; height:100vh; height:100dvh; max-width:1200px; margin:0 auto; }
.side { width:300px; flex:0 0 300px; background:var(--panel); border-right:1px solid var(--line); padding:12px; overflow:auto; }
.brand { display:flex; justify-content:space-between; align-items:center; font-size:16px; }
.lang { font-size:13px; color:var(--brand); text-decoration:none; border:1px solid var(--brand); border-radius:12px; padding:0 8px; }
.tagline,.hint { color:var(--muted); font-size:12px; margin:6px 0; }
.iam { display:block; margin:8px 0; font-weight:600; }
.iam select { display:block; width:100%; margin-top:4px; padding:6px; font:inherit; }
.chats { display:flex; flex-direction:column; gap:4px; margin:8px 0; }
.chat-link { display:flex; gap:6px; align-items:center; padding:8px; border-radius:6px; color:inherit; text-decoration:none; }
.chat-link.active { background:var(--mine); }
.chat-kind { font-size:11px; color:var(--muted); border:1px solid var(--line); border-radius:4px; padding:0 4px; }
.chat-name { flex:1; }
.unread { background:#f54a45; color:#fff; border-radius:9px; font-size:11px; padding:0 6px; }
.clock { border-top:1px solid var(--line); padding-top:8px; }
.clock-label { color:var(--muted); font-size:12px; }
.clock-now { font-size:18px; font-weight:600; margin:2px 0 6px; }
.clock-buttons { display:flex; flex-wrap:wrap; gap:6px; }
.clock-jump { display:flex; align-items:center; gap:6px; margin-top:8px; font-size:13px; }
.clock-jump input { font:inherit; border:1px solid var(--line); border-radius:6px; padding:3px 6px; min-width:0; }
.clock-jump button { font:inherit; border:1px solid var(--line); background:#fff; border-radius:6px; padding:4px 10px; cursor:pointer; }
.guide { border-top:1px solid var(--line); margin-top:8px; padding-top:8px; font-size:13px; }
.guide summary { cursor:pointer; font-weight:600; }
.guide ol { padding-left:18px; margin:6px 0; color:var(--muted); }
.clock-buttons button, .send, .at-btn, .chip { font:inherit; border:1px solid var(--line); background:#fff; border-radius:6px; padding:5px 10px; cursor:pointer; }
.clock-buttons button:hover { border-color:var(--brand); color:var(--brand); }
button:disabled { opacity:.5; cursor:progress; }
.chat { flex:1; display:flex; flex-direction:column; min-width:0; }
.chat-head { background:var(--panel); border-bottom:1px solid var(--line); padding:8px 12px; }
.chat-title { font-weight:600; }
.chat-members { color:var(--muted); font-size:12px; }
.messages { flex:1; overflow-y:auto; padding:12px; }
.empty { color:var(--muted); text-align:center; margin-top:40px; }
.day { text-align:center; margin:12px 0 4px; }
.day span { background:#e4e5e7; color:var(--muted); font-size:12px; border-radius:10px; padding:1px 10px; }
.msg { display:flex; gap:8px; margin:10px 0; }
.msg.mine { flex-direction:row-reverse; }
.msg.mine .meta, .msg.mine .msg-actions { justify-content:flex-end; text-align:right; }
.avatar { flex:0 0 32px; width:32px; height:32px; border-radius:50%; background:#7f8fa6; color:#fff; display:flex; align-items:center; justify-content:center; font-size:14px; }
.avatar.bot { background:var(--brand); }
.avatar.small { width:22px; height:22px; flex-basis:22px; font-size:11px; display:inline-flex; }
.msg-main { max-width:min(560px, 82%); min-width:0; }
.msg.has-card .msg-main { width:min(520px, 86%); }
.meta { display:flex; gap:6px; align-items:center; flex-wrap:wrap; font-size:12px; color:var(--muted); }
.who { color:var(--text); }
.badge { font-size:11px; border-radius:4px; padding:0 5px; background:#e4e5e7; color:var(--muted); }
.badge.urgent { background:#fde2e2; color:#d83931; font-weight:600; }
.badge.read-mark { background:#e3f5e9; color:#2ea121; }
.badge.unread-mark { background:#eff0f1; color:#646a73; }
.away { color:#de7802; }
.quote { display:block; font-size:12px; color:var(--muted); border-left:3px solid var(--line); padding-left:6px; margin:2px 0; text-decoration:none; white-space:nowrap; overflow:hidden; text-overflow:ellipsis; }
.bubble { background:var(--panel); border-radius:8px; padding:8px 10px; margin-top:2px; overflow-wrap:anywhere; }
.msg.mine .bubble { background:var(--mine); }
.msg.has-card .bubble { padding:0; background:transparent; }
.msg-actions { display:flex; font-size:12px; }
.link { background:none; border:none; color:var(--brand); cursor:pointer; padding:0; font:inherit; font-size:12px; }
.file-link { color:var(--brand); text-decoration:none; }
.size { color:var(--muted); font-size:12px; }
.at { color:var(--brand); font-weight:500; }
.composer { background:var(--panel); border-top:1px solid var(--line); padding:8px 12px; position:relative; }
.bot-menu { display:flex; gap:6px; overflow-x:auto; padding:0 0 6px; }
.menu-item { flex:0 0 auto; border:1px solid var(--line); background:var(--bg, #fff); border-radius:14px; padding:4px 10px; font-size:13px; cursor:pointer; }
.card-form select, .card-form input.picker { width:100%; box-sizing:border-box; min-height:32px; font-size:14px; }
.card-form select[multiple] { min-height:56px; }
.reply-banner { display:flex; justify-content:space-between; font-size:12px; background:#f5f6f7; padding:4px 8px; border-radius:4px; margin-bottom:6px; }
.reply-banner[hidden], .at-picker[hidden], .toast[hidden], .unread[hidden] { display:none; }
.chips { display:flex; gap:6px; overflow-x:auto; margin-bottom:6px; }
.chip { font-size:12px; padding:2px 8px; white-space:nowrap; border-radius:12px; }
.compose-row { display:flex; gap:6px; align-items:flex-end; }
.compose-row textarea { flex:1; font:inherit; padding:6px 8px; border:1px solid var(--line); border-radius:6px; resize:vertical; min-height:38px; }
.send { background:var(--brand); color:#fff; border-color:var(--brand); }
.at-btn { font-weight:700; color:var(--brand); }
.file-btn { font:inherit; border:1px solid var(--line); background:#fff; border-radius:6px; padding:5px 8px; cursor:pointer; }
.mention-bot { font-size:12px; color:var(--muted); }
.at-picker { position:absolute; bottom:100%; left:12px; background:#fff; border:1px solid var(--line); border-radius:8px; box-shadow:0 4px 16px rgba(0,0,0,.12); padding:4px; display:flex; flex-direction:column; min-width:220px; z-index:5; }
.at-picker button { display:flex; gap:8px; align-items:center; background:none; border:none; padding:6px 8px; font:inherit; text-align:left; cursor:pointer; border-radius:4px; }
.at-picker button:hover, .at-picker button.active { background:var(--mine); }
.role { color:var(--muted); font-size:12px; margin-left:auto; }
.toast { position:fixed; left:50%; top:16px; transform:translateX(-50%); background:#1f2329; color:#fff; padding:8px 16px; border-radius:6px; z-index:10; max-width:90vw; }
.toast.success { background:#2ea121; } .toast.warning { background:#de7802; } .toast.error { background:#d83931; }
/* cards */
.card { background:#fff; border:1px solid var(--line); border-radius:8px; overflow:hidden; }
.card-header { padding:8px 12px; color:#fff; background:#3370ff; }
.card-title { font-weight:600; font-size:15px; }
.card-subtitle { font-size:12px; opacity:.9; }
.card-tags { display:flex; gap:4px; margin-top:4px; flex-wrap:wrap; }
.card-header .tag { background:rgba(255,255,255,.9); }
.hdr-blue,.hdr-default { background:#3370ff; } .hdr-wathet { background:#4fb3e8; } .hdr-turquoise { background:#14b3a8; } .hdr-green { background:#2ea121; }
.hdr-yellow { background:#dc9b04; } .hdr-orange { background:#ed6d0c; } .hdr-red { background:#d83931; } .hdr-carmine { background:#c71e60; }
.hdr-violet { background:#8d55ed; } .hdr-purple { background:#9a41bc; } .hdr-indigo { background:#4954e6; } .hdr-grey,.hdr-neutral { background:#8f959e; }
.card-body { padding:10px 12px; display:flex; flex-direction:column; gap:8px; }
.card-body hr { border:none; border-top:1px solid var(--line); margin:2px 0; width:100%; }
.md { overflow-wrap:anywhere; }
.md ul,.md ol { margin:2px 0; padding-left:20px; }
.md blockquote { margin:2px 0; padding-left:8px; border-left:3px solid var(--line); color:var(--muted); }
.md-h { margin:4px 0; font-size:15px; }
.size-notation,.size-small { font-size:12px; color:var(--muted); }
.size-heading,.size-large { font-size:16px; font-weight:600; }
.align-center { text-align:center; } .align-right { text-align:right; }
.tag { display:inline-block; font-size:11px; border-radius:4px; padding:0 5px; }
.tc-default,.tc-neutral,.tc-grey { background:#eff0f1; color:#646a73; } .tc-blue { background:#e1eaff; color:#245bdb; } .tc-green { background:#d9f5d6; color:#237b19; }
.tc-orange { background:#feead2; color:#b25b06; } .tc-yellow { background:#faf1d1; color:#946404; } .tc-red { background:#fde2e2; color:#c02a26; }
.tc-violet,.tc-purple { background:#ece2fe; color:#6425d0; } .tc-indigo { background:#e0e9ff; color:#3c48c7; } .tc-carmine { background:#fdddef; color:#b01d5b; }
.tc-wathet,.tc-turquoise { background:#d5f6f2; color:#067b73; }
.fc-red,.fc-carmine { color:#d83931; } .fc-green { color:#2ea121; } .fc-orange,.fc-yellow { color:#de7802; } .fc-blue,.fc-wathet,.fc-indigo { color:#245bdb; } .fc-grey,.fc-neutral { color:#8f959e; } .fc-violet,.fc-purple { color:#7f3bf5; }
.cols { display:flex; gap:8px; align-items:flex-start; }
.cols.flow { flex-wrap:wrap; }
.col { min-width:0; display:flex; flex-direction:column; gap:6px; }
.fields { display:flex; flex-wrap:wrap; gap:4px 12px; } .field { flex:1 1 100%; } .field.short { flex:1 1 45%; }
.btn { font:inherit; font-size:13px; border:1px solid var(--line); background:#fff; color:var(--text); border-radius:6px; padding:4px 12px; cursor:pointer; text-decoration:none; display:inline-block; }
.btn-primary,.btn-primary_filled { background:var(--brand); border-color:var(--brand); color:#fff; }
.btn-danger { color:#d83931; border-color:#f8b7b4; } .btn-danger_filled { background:#d83931; color:#fff; border-color:#d83931; }
.btn-text { border-color:transparent; color:var(--brand); }
.card-form { display:flex; flex-direction:column; gap:6px; margin:0; }
.card-input { font:inherit; width:100%; padding:5px 8px; border:1px solid var(--line); border-radius:6px; }
.table-wrap { overflow-x:auto; -webkit-overflow-scrolling:touch;
  /* shadows at the edges while there is more to scroll (they move with the content) */
  background: linear-gradient(to right, #fff 30%, rgba(255,255,255,0)), linear-gradient(to left, #fff 30%, rgba(255,255,255,0)) 100% 0,
    radial-gradient(farthest-side at 0 50%, rgba(0,0,0,.18), rgba(0,0,0,0)), radial-gradient(farthest-side at 100% 50%, rgba(0,0,0,.18), rgba(0,0,0,0)) 100% 0;
  background-repeat:no-repeat; background-size:40px 100%, 40px 100%, 12px 100%, 12px 100%; background-attachment:local, local, scroll, scroll; }
.card-table th { background:rgba(245,246,247,.85); }
.scroll-hint { font-size:11px; color:var(--muted); margin:2px 0; }
.light-dot { display:inline-block; width:.8em; height:.8em; border-radius:50%; vertical-align:-.05em; margin:0 .15em; box-shadow:inset 0 0 0 1px rgba(0,0,0,.15); }
.light-red { background:#f54a45; } .light-yellow { background:#ffc60a; } .light-green { background:#34c724; }
.light-done { background:#34c724; border-radius:3px; }
.light-cal { background:#fff; border-radius:2px; box-shadow:inset 0 0 0 1.5px #646a73, inset 0 3px 0 0 #f54a45; }
.card-table { border-collapse:collapse; width:100%; font-size:12px; }
.card-table th,.card-table td { border-bottom:1px solid var(--line); padding:4px 6px; text-align:left; white-space:nowrap; }
.card-table td.num { text-align:right; }
.chart-title { font-weight:600; font-size:13px; margin-bottom:2px; }
.chart-svg { width:100%; height:auto; max-height:240px; }
.chart-svg .axis { stroke:#bbbfc4; } .chart-svg .tick { font-size:9px; fill:#646a73; } .chart-svg .val { font-size:8px; fill:#1f2329; }
.legend { display:flex; gap:10px; font-size:12px; color:var(--muted); justify-content:center; }
.swatch { display:inline-block; width:10px; height:10px; border-radius:2px; margin-right:4px; vertical-align:middle; }
.note { font-size:12px; color:var(--muted); }
.unknown { font-size:12px; color:var(--muted); }
details.panel summary { cursor:pointer; }
@media (max-width: 760px) {
  .app { flex-direction:column; }
  .side { width:auto; flex:none; max-height:42vh; border-right:none; border-bottom:1px solid var(--line); padding:6px 10px; }
  .iam { display:flex; align-items:center; gap:6px; margin:4px 0; }
  .iam select { margin:0; flex:1; padding:4px; }
  .tagline, .side .hint, .guide { display:none; }
  .chats { flex-direction:row; overflow-x:auto; }
  .chat-link { white-space:nowrap; border:1px solid var(--line); padding:4px 8px; }
  .clock { display:flex; flex-wrap:wrap; align-items:center; gap:4px 8px; }
  .clock-now { font-size:15px; margin:0; }
  .clock-buttons button { padding:3px 8px; font-size:12px; }
  .chat { min-height:0; }
  .chat-head { display:flex; padding:6px 10px; min-height:0; }
  .chat-title { font-size:14px; overflow:hidden; text-overflow:ellipsis; white-space:nowrap; min-width:0; }
  .chat-members { display:none; }
  .clock-jump { margin-top:0; }
  .messages { padding:8px; }
  .msg-main, .msg.has-card .msg-main { max-width:calc(100% - 40px); width:auto; }
  .msg.has-card .msg-main { width:calc(100% - 40px); }
  .composer { padding:6px 8px; }
  .composer .hint { display:none; }
}
`;
