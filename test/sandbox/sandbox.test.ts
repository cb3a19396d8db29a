/**
 * The sandbox's card renderer: cards and messages become HTML in which user text is only
 * ever text — hand-written card JSON with hostile text, escaped the bot's way or not at all.
 * Then the seeded sandbox itself, without a browser: the office week, the page, the clock,
 * a restart.
 */
import ExcelJS from 'exceljs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeMarkdown } from '../../bot/cards/escape.js';
import {
  buttonValue,
  decodeEntities,
  escapeHtml,
  renderCard,
  renderChart,
  renderMarkdown,
  renderMessageBody,
  renderTextMessage,
  renderUserText,
  safeUrl,
  type RenderContext,
} from '../../bot/sandbox/render.js';
import { clockLabel } from '../../bot/cards/time.js';
import { SandboxClock, startSandbox, type Sandbox } from '../../bot/sandbox/server.js';
import { createRouter } from '../../handlers/index.js';
import { GROUPS, PEOPLE, SANDBOX_APP, addDaysYmd, personByKey, seedWeek } from '../../bot/sandbox/seed.js';
import { WorkCalendar } from '../../bot/domain/calendar.js';
import { lightOf } from '../../bot/domain/light.js';
import { getChatSettings } from '../../db/chats.js';
import { listTasksInChat } from '../../db/tasks.js';
import { runVerifyLedger } from '../../schedules/verify-ledger.js';

const NAMES: Record<string, string> = { ou_zhang: '张三', ou_li: '李科长', ou_evil: '<img src=x onerror=alert(1)>' };
const ctx: RenderContext = { nameOf: (id) => NAMES[id], lang: 'zh', formatTime: (ms) => new Date(ms).toISOString().slice(0, 16) };

/** Every tag in the output is one the renderer writes. */
const ALLOWED_TAGS = new Set([
  'div',
  'span',
  'strong',
  'em',
  'del',
  'code',
  'a',
  'br',
  'hr',
  'ul',
  'ol',
  'li',
  'blockquote',
  'h3',
  'h4',
  'h5',
  'h6',
  'h7',
  'h8',
  'button',
  'form',
  'input',
  'textarea',
  'label',
  'select',
  'option',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'svg',
  'line',
  'text',
  'rect',
  'polyline',
  'circle',
  'title',
  'details',
  'summary',
  'p',
]);
function tagsOf(html: string): string[] {
  return [...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9-]*)/g)].map((m) => m[1]!.toLowerCase());
}
function expectOnlyOwnMarkup(html: string): void {
  for (const tag of tagsOf(html)) expect(ALLOWED_TAGS.has(tag), `unexpected <${tag}> in ${html}`).toBe(true);
  // Inside the tags (escaped text cannot contain "<"): no event handlers, no script URLs.
  for (const [tag] of html.matchAll(/<[a-zA-Z][^>]*>/g)) {
    const attrs = [...tag.matchAll(/\s([a-zA-Z:-]+)=/g)].map((m) => m[1]!.toLowerCase());
    expect(
      attrs.filter((a) => a.startsWith('on') && a !== 'onsubmit'),
      tag,
    ).toEqual([]);
    expect(tag).not.toMatch(/javascript:/i);
  }
  expect(html).not.toMatch(/<script|<img|<iframe|<style/i);
}

const HOSTILE = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg onload=alert(1)>',
  "'><a href='javascript:alert(1)'>x</a>",
  '<at id=all></at>',
  '[点我](javascript:alert(1))',
  '**粗体** ~~删除~~ `code`',
  '&lt;script&gt;alert(1)&lt;/script&gt;',
  '&#60;img src=x onerror=alert(1)&#62;',
  '</div></div><form action=//evil>',
];

describe('escaping', () => {
  it('escapes the five HTML specials and backticks', () => {
    expect(escapeHtml(`<a href="x" title='y'>&\``)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&#96;');
  });

  it('decodes numeric and named references once, and leaves unknown ones alone', () => {
    expect(decodeEntities('&#60;at&#62; &#x3C; &lt;&gt;&amp;')).toBe('<at> < <>&');
    expect(decodeEntities('&amp;#60;')).toBe('&#60;');
    expect(decodeEntities('&bogus; &#0; &#xD800;')).toBe('&bogus; &#0; &#xD800;');
  });

  it('keeps only http(s) and mailto links', () => {
    expect(safeUrl('https://open.feishu.cn/x?a=1')).toBe('https://open.feishu.cn/x?a=1');
    expect(safeUrl('javascript:alert(1)')).toBeNull();
    expect(safeUrl('JaVaScRiPt&#58;alert(1)')).toBeNull();
    expect(safeUrl('data:text/html,<script>')).toBeNull();
    expect(safeUrl('lark://applink')).toBeNull();
  });
});

describe('markdown', () => {
  it('renders bold, italics, strike, code, links and line breaks', () => {
    const html = renderMarkdown('**主办**：张三\n*斜体* ~~删~~ `x<y`\n[文件](https://example.com/a)', ctx);
    expect(html).toContain('<strong>主办</strong>：张三<br>');
    expect(html).toContain('<em>斜体</em> <del>删</del> <code>x&lt;y</code>');
    expect(html).toContain('<a href="https://example.com/a" target="_blank" rel="noopener noreferrer nofollow">文件</a>');
  });

  it('turns <at id=…></at> into a mention chip with the person’s name, inside bold too', () => {
    expect(renderMarkdown('<at id=ou_zhang></at> 请签收', ctx)).toBe('<span class="at" data-open-id="ou_zhang">@张三</span> 请签收');
    expect(renderMarkdown('**<at id="ou_li"></at>**', ctx)).toBe('<strong><span class="at" data-open-id="ou_li">@李科长</span></strong>');
    expect(renderMarkdown('<at id=all></at>', ctx)).toContain('@所有人');
  });

  it('escapes a hostile display name in a mention', () => {
    const html = renderMarkdown('<at id=ou_evil></at>', ctx);
    expect(html).toContain('@&lt;img src=x onerror=alert(1)&gt;');
    expectOnlyOwnMarkup(html);
  });

  it('shows user text escaped by the bot (escapeMarkdown) literally, never as markup or mentions', () => {
    for (const s of HOSTILE) {
      const html = renderMarkdown(`**标题**：${escapeMarkdown(s)}`, ctx);
      expectOnlyOwnMarkup(html);
      expect(html).not.toContain('class="at"');
      expect(html).not.toContain('<a ');
      // What the reader sees is exactly what was typed.
      const shown = decodeEntities(html.replace(/<[^>]+>/g, ''));
      expect(shown).toBe(`标题：${s}`);
    }
  });

  it('never lets raw HTML through, even when a card builder forgot to escape', () => {
    for (const s of HOSTILE) expectOnlyOwnMarkup(renderMarkdown(s, ctx));
    expect(renderMarkdown('<script>alert(1)</script>', ctx)).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(renderMarkdown("<a href='javascript:alert(1)'>x</a>", ctx)).toBe('x');
    expect(renderMarkdown('[x](javascript:alert(1))', ctx)).not.toContain('href');
  });

  it('renders lists, quotes, headings and rules', () => {
    const html = renderMarkdown('# 标题\n- 一\n- 二\n1. 甲\n> 引用\n---\n末行', ctx);
    expect(html).toBe('<h3 class="md-h">标题</h3><ul><li>一</li><li>二</li></ul><ol><li>甲</li></ol><blockquote>引用</blockquote><hr>末行');
  });

  it('colours only with its own classes', () => {
    expect(renderMarkdown("<font color='red'>逾期</font>", ctx)).toBe('<span class="fc-red">逾期</span>');
    expect(renderMarkdown('<font color="red;background:url(x)">a</font>', ctx)).toBe('<span class="fc-default">a</span>');
    expect(renderMarkdown('<font color="expression(alert(1))">a</font>', ctx)).toBe('<span class="fc-default">a</span>');
  });
});

describe('text and typed messages', () => {
  it('renders <at user_id> mentions of a text message and escapes the rest', () => {
    const html = renderTextMessage('<at user_id="ou_zhang">张三</at> 请签收 <b>#1</b>\n第二行', ctx);
    expect(html).toBe('<span class="at" data-open-id="ou_zhang">@张三</span> 请签收 &lt;b&gt;#1&lt;/b&gt;<br>第二行');
  });

  it('resolves @_user_N placeholders of what a person typed, and nothing else', () => {
    const mentions = [{ key: '@_user_1', openId: 'ou_zhang', name: '张三' }];
    const html = renderUserText('@_user_1 看 <at user_id="all">所有人</at> @_user_9', mentions, ctx);
    expect(html).toBe('<span class="at" data-open-id="ou_zhang">@张三</span> 看 &lt;at user_id=&quot;all&quot;&gt;所有人&lt;/at&gt; @_user_9');
  });

  it('renders post messages and unknown types safely', () => {
    const post = {
      zh_cn: {
        title: '<b>通知</b>',
        content: [
          [
            { tag: 'text', text: '<i>x</i>' },
            { tag: 'at', user_id: 'ou_li' },
            { tag: 'a', href: 'javascript:x', text: '链接' },
          ],
        ],
      },
    };
    const html = renderMessageBody('post', post, ctx);
    expect(html).toContain('&lt;b&gt;通知&lt;/b&gt;');
    expect(html).toContain('&lt;i&gt;x&lt;/i&gt;');
    expect(html).toContain('@李科长');
    expect(html).not.toContain('href');
    expect(renderMessageBody('sticker<script>', {}, ctx)).toBe('<div class="text">[sticker&lt;script&gt;]</div>');
  });
});

describe('cards', () => {
  const card = {
    schema: '2.0',
    config: { update_multi: true },
    header: {
      title: { tag: 'plain_text', content: '🔴 #2 <script>alert(1)</script>' },
      template: 'red',
      text_tag_list: [{ tag: 'text_tag', text: { tag: 'plain_text', content: '待签收' }, color: 'orange' }],
    },
    body: {
      elements: [
        { tag: 'markdown', content: `<at id=ou_zhang></at> **#2** ${escapeMarkdown('"><img src=x onerror=alert(1)>')}` },
        {
          tag: 'column_set',
          flex_mode: 'flow',
          columns: [
            {
              tag: 'column',
              width: 'auto',
              elements: [
                {
                  tag: 'button',
                  text: { tag: 'plain_text', content: '签收' },
                  type: 'primary',
                  behaviors: [{ type: 'callback', value: { a: 'accept', task: 2, n: 2, x: `'"><script>` } }],
                },
              ],
            },
            {
              tag: 'column',
              width: 'weighted',
              weight: 2,
              elements: [
                { tag: 'button', text: { tag: 'plain_text', content: '官网' }, behaviors: [{ type: 'open_url', default_url: 'javascript:alert(1)' }] },
              ],
            },
          ],
        },
        {
          tag: 'form',
          name: 'progress_2',
          elements: [
            { tag: 'input', name: 'progress_text', placeholder: { tag: 'plain_text', content: '"><script>' }, max_length: 1000 },
            {
              tag: 'button',
              name: 'progress_2_submit',
              form_action_type: 'submit',
              text: { tag: 'plain_text', content: '汇报进展' },
              behaviors: [{ type: 'callback', value: { a: 'progress', task: 2 } }],
            },
          ],
        },
        { tag: 'hr' },
        { tag: 'markdown', content: '回复本卡片即可汇报进展', text_size: 'notation' },
        { tag: 'mystery_element' },
      ],
    },
  };

  it('renders the header colour, title, tags, markdown, buttons and the form', () => {
    const html = renderCard(card, ctx);
    expect(html).toContain('class="card-header hdr-red"');
    expect(html).toContain('🔴 #2 &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('<span class="tag tc-orange">待签收</span>');
    expect(html).toContain('<span class="at" data-open-id="ou_zhang">@张三</span> <strong>#2</strong> &quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('class="btn btn-primary"');
    expect(html).toContain('<form class="card-form" data-form-name="progress_2"');
    expect(html).toContain('name="progress_text" placeholder="&quot;&gt;&lt;script&gt;"');
    expect(html).toContain('data-form-submit="1"');
    expect(html).toContain('class="md size-notation"');
    expect(html).toContain('[mystery_element]');
    expect(html).toContain('style="flex:2 1 0"');
    expectOnlyOwnMarkup(html);
  });

  it('keeps the button value intact through the attribute', () => {
    const html = renderCard(card, ctx);
    const attr = /data-card-action="([^"]*)"/.exec(html)![1]!;
    const value = JSON.parse(
      attr
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&#96;/g, '`')
        .replace(/&amp;/g, '&'),
    );
    expect(value).toEqual({ a: 'accept', task: 2, n: 2, x: `'"><script>` });
    expect(buttonValue({ value: { a: 'old' } })).toEqual({ a: 'old' });
  });

  it('drops a javascript: URL of an open_url button', () => {
    const html = renderCard(card, ctx);
    expect(html).not.toMatch(/javascript/i);
  });

  it('renders tables with text, number, markdown, options and persons cells', () => {
    const html = renderCard(
      {
        schema: '2.0',
        body: {
          elements: [
            {
              tag: 'table',
              columns: [
                { name: 'who', display_name: '<b>承办人</b>', data_type: 'text' },
                { name: 'n', display_name: '逾期', data_type: 'number', format: { precision: 0 } },
                { name: 'md', display_name: '说明', data_type: 'lark_md' },
                { name: 'o', display_name: '灯', data_type: 'options' },
                { name: 'p', display_name: '人', data_type: 'persons' },
              ],
              rows: [{ who: '<script>x</script>', n: 2.4, md: '**红**', o: [{ text: '红灯', color: 'red' }], p: ['ou_li'] }],
            },
          ],
        },
      },
      ctx,
    );
    expect(html).toContain('<th>&lt;b&gt;承办人&lt;/b&gt;</th>');
    expect(html).toContain('<td class="">&lt;script&gt;x&lt;/script&gt;</td>');
    expect(html).toContain('<td class="num">2</td>');
    expect(html).toContain('<strong>红</strong>');
    expect(html).toContain('<span class="tag tc-red">红灯</span>');
    expect(html).toContain('@李科长');
    expectOnlyOwnMarkup(html);
  });

  it('renders 1.0 cards: div with fields, action, note', () => {
    const html = renderCard(
      {
        header: { title: { tag: 'plain_text', content: '旧卡片' } },
        elements: [
          { tag: 'div', text: { tag: 'lark_md', content: '**a**' }, fields: [{ is_short: true, text: { tag: 'lark_md', content: '<b>x</b>' } }] },
          { tag: 'action', actions: [{ tag: 'button', text: { tag: 'plain_text', content: '按钮' }, value: { a: 'show' } }] },
          { tag: 'note', elements: [{ tag: 'plain_text', content: '备注<i>' }] },
        ],
      },
      ctx,
    );
    expect(html).toContain('<strong>a</strong>');
    expect(html).toContain('<div class="field short">&lt;b&gt;x&lt;/b&gt;</div>');
    expect(html).toContain('data-card-action="{&quot;a&quot;:&quot;show&quot;}"');
    expect(html).toContain('备注&lt;i&gt;');
  });

  it('survives junk: not an object, deep nesting, missing fields', () => {
    expect(renderCard(null, ctx)).toContain('card-bad');
    expect(renderCard('<b>x</b>', ctx)).toContain('&lt;b&gt;x&lt;/b&gt;');
    let deep: Record<string, unknown> = { tag: 'markdown', content: 'bottom' };
    for (let i = 0; i < 50; i++) deep = { tag: 'column_set', columns: [{ tag: 'column', elements: [deep] }] };
    expect(() => renderCard({ schema: '2.0', body: { elements: [deep] } }, ctx)).not.toThrow();
    expect(renderCard({ schema: '2.0', body: { elements: [{ tag: 'table' }, { tag: 'chart' }, { tag: 'button' }] } }, ctx)).toContain('card-body');
  });
});

describe('charts', () => {
  const values = [
    { department: '综合科', kind: '办结', count: 3 },
    { department: '综合科', kind: '逾期', count: 1 },
    { department: '<script>', kind: '办结', count: 2 },
  ];

  it('draws a grouped bar chart as SVG with a legend, labels escaped', () => {
    const html = renderChart(
      { type: 'bar', title: { text: '各科室<b>' }, data: [{ id: 'd', values }], xField: ['department', 'kind'], yField: 'count', seriesField: 'kind' },
      ctx,
    );
    expect(html).toContain('<svg');
    expect(html.match(/<rect /g)).toHaveLength(4);
    expect(html).toContain('各科室&lt;b&gt;');
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('class="legend"');
    expectOnlyOwnMarkup(html);
  });

  it('draws a line chart and a pie chart (as a table)', () => {
    const line = renderChart(
      {
        type: 'line',
        data: {
          values: [
            { week: 'W46', rate: 80 },
            { week: 'W47', rate: 95 },
          ],
        },
        xField: 'week',
        yField: 'rate',
      },
      ctx,
    );
    expect(line).toContain('<polyline');
    expect(line.match(/<circle /g)).toHaveLength(2);
    const pie = renderChart(
      {
        type: 'pie',
        data: {
          values: [
            { type: '红', value: 1 },
            { type: '绿', value: 3 },
          ],
        },
        categoryField: 'type',
        valueField: 'value',
      },
      ctx,
    );
    expect(pie).toContain('<table');
    expect(pie).toContain('75%');
  });

  it('says so when there is no data', () => {
    expect(renderChart({ type: 'bar', data: [] }, ctx)).toContain('无数据');
  });
});

describe('the sandbox clock, calendar and office', () => {
  it('runs from where it was set, and never backwards', async () => {
    const clock = new SandboxClock(new Date('2026-11-23T01:00:00Z'));
    const t0 = clock.now().getTime();
    await new Promise((r) => setTimeout(r, 20));
    expect(clock.now().getTime()).toBeGreaterThan(t0);
    clock.set(new Date('2026-11-20T00:00:00Z'));
    expect(clock.now().getTime()).toBeGreaterThanOrEqual(t0);
    clock.advance(24 * 3600_000);
    expect(clock.now().getTime()).toBeGreaterThanOrEqual(t0 + 24 * 3600_000);
    clock.restart(new Date('2026-11-20T00:00:00Z'));
    expect(clock.now().getTime()).toBeLessThan(t0);
  });

  it('picks a full working week for the seed, skipping holiday weeks', () => {
    const cal = new WorkCalendar({ tz: 'Asia/Shanghai' });
    expect(seedWeek(cal, '2026-11-24')).toBe('2026-11-23');
    // The National Day week of 2026 (1–7 Oct) is no working week.
    const w = seedWeek(cal, '2026-10-06');
    expect(w < '2026-10-01').toBe(true);
    for (let d = 0; d < 5; d++) expect(cal.isWorkday(addDaysYmd(w, d))).toBe(true);
  });

  it('has stable, well-formed ids and everyone in the group', () => {
    for (const p of PEOPLE) expect(p.openId).toMatch(/^ou_[0-9a-f]{32}$/);
    expect(new Set(PEOPLE.map((p) => p.openId)).size).toBe(PEOPLE.length);
    expect(GROUPS[0]!.members).toEqual(PEOPLE.map((p) => p.key));
    expect(GROUPS[0]!.chatId).toMatch(/^oc_[0-9a-f]{32}$/);
  });

  it('formats the simulated time in the office zone', () => {
    const d = new Date('2026-11-26T01:50:00Z');
    expect(clockLabel(d, 'Asia/Shanghai', 'zh')).toBe('11月26日 周四 09:50');
    expect(clockLabel(d, 'Asia/Shanghai', 'en', true)).toBe('Thu 26 Nov 2026 09:50');
  });
});

describe('the seeded sandbox (no browser)', () => {
  let sb: Sandbox;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'duban-sandbox-'));
    sb = await startSandbox(createRouter(), { port: 0, databaseUrl: `file:${join(dir, 'sandbox.db')}`, fresh: true, today: '2026-11-24', logLevel: 'silent' });
  }, 60_000);

  afterAll(async () => {
    await sb?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('seeds the office week through the bot: five tasks in every state and light, a valid ledger', async () => {
    const { deps } = sb;
    const tasks = await listTasksInChat(deps.db, SANDBOX_APP.tenantKey, GROUPS[0]!.chatId);
    const now = sb.clock.now();
    expect(clockLabel(now, 'Asia/Shanghai', 'zh')).toMatch(/^11月26日 周四 09:5\d$/);
    const settings = await getChatSettings(deps.db, GROUPS[0]!.chatId);
    const summary = tasks
      .sort((a, b) => a.number - b.number)
      .map((t) => `${t.number} ${t.state} ${['assigned', 'in_progress', 'submitted'].includes(t.state) ? lightOf(t, now, deps.calendar, settings) : '-'}`);
    expect(summary).toEqual(['1 in_progress yellow', '2 assigned red', '3 done -', '4 submitted green', '5 assigned green']);
    expect(settings.supervisorId).toBe(personByKey('wang')!.openId);
    const ledger = await runVerifyLedger(deps);
    expect(ledger.ok).toBe(true);
    // Nothing the bot meant to say was refused by the fake Lark.
    const failed = await deps.handle.client.execute("select count(*) as n from outbox where status = 'failed'");
    expect(Number(failed.rows[0]!.n)).toBe(0);
    // The urgent task was buzzed (加急) to its assignee.
    expect(sb.fake.urgents.some((u) => u.userIds.includes(personByKey('sun')!.openId))).toBe(true);
  });

  it('serves the page with the seeded conversation, escaped, and answers a typed command', async () => {
    const html = await (await fetch(`${sb.pageUrl}?as=li&chat=office`)).text();
    expect(html).toContain('综合办公室工作群');
    expect(html).toContain('#1 起草年度工作总结');
    expect(html).toContain('data-card-action=');
    expect(html).not.toMatch(/<script(?![^>]*(id="sandbox-data"|src="\/sandbox\/client\.js"))/);
    const before = sb.fake.messages.length;
    const res = await fetch(`${sb.url}/sandbox/api/message`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ as: 'zhang', chat: 'p2p', text: '<img src=x onerror=alert(1)> /帮助' }),
    });
    expect(res.status).toBe(200);
    await sb.settle();
    expect(sb.fake.userMessages.at(-1)?.content.text).toBe('<img src=x onerror=alert(1)> /帮助');
    expect(sb.fake.messages.length).toBeGreaterThan(before);
    const page = await (await fetch(`${sb.url}/sandbox/messages?as=zhang&chat=p2p`)).json();
    expect(page.html).toContain('&lt;img src=x onerror=alert(1)&gt; /帮助');
    expect(page.html).not.toContain('<img');
  });

  it('moves the clock to Friday 16:00: the weekly summary in the group, the leader digest with its chart', async () => {
    const at = await sb.moveClock('friday_16');
    expect(clockLabel(at, 'Asia/Shanghai', 'zh')).toMatch(/^11月27日 周五 16:0\d$/);
    const group = sb.fake.messagesTo(GROUPS[0]!.chatId).filter((m) => m.msgType === 'interactive');
    expect(group.some((m) => /综合办公室工作群/.test(sb.fake.textOf(m)) && /按时率/.test(sb.fake.textOf(m)))).toBe(true);
    const leader = sb.fake.messagesTo(personByKey('wang')!.openId);
    const digest = leader.find((m) => JSON.stringify(m.content).includes('"tag":"chart"'));
    expect(digest).toBeDefined();
    const page = await (await fetch(`${sb.url}/sandbox/messages?as=wang&chat=p2p`)).json();
    expect(page.html).toContain('<svg');
    // 督办: #2 is two working days overdue, and its card went to the supervisor.
    expect(leader.some((m) => /督办/.test(sb.fake.textOf(m)) && /#2/.test(sb.fake.textOf(m)))).toBe(true);
  }, 60_000);

  it('shows who is on leave, and marks a 催办 or 督办 read once its person opens the chat', async () => {
    const office = GROUPS[0]!.chatId;
    const text = (m: { id: string }) => sb.fake.textOf(sb.fake.messages.find((x) => x.id === m.id)!);
    /** The read marks beside a message on the page: the badges before its bubble. */
    const marksOf = (html: string, id: string) => {
      const at = html.indexOf(`id="m-${id}"`);
      expect(at).toBeGreaterThan(-1);
      return [...html.slice(at, html.indexOf('class="bubble', at)).matchAll(/data-read="(?:yes|no)">([^<]*)</g)].map((m) => m[1]);
    };
    const pageOf = async (as: string, chat: string): Promise<string> => (await (await fetch(`${sb.url}/sandbox/messages?as=${as}&chat=${chat}`)).json()).html;

    // 张三 is on leave Thursday and Friday: the chat's members say so, the seed's /任务 list says
    // it after his name, and Thursday's reminder about #1 went to his deputy 赵六, for him.
    const html = await (await fetch(`${sb.pageUrl}?as=li&chat=office`)).text();
    expect(html).toContain('张三<span class="away">（请假至 11月27日）</span>');
    expect(html).toContain('张三 — 综合科 · 承办人 · 请假至 11月27日');
    expect(sb.fake.messagesTo(office).some((m) => /#5 更新全科通讯录/.test(text(m)) && /请假至 11月27日/.test(text(m)))).toBe(true);
    expect(sb.fake.messagesTo(personByKey('zhao')!.openId).some((m) => text(m).includes('代 张三（请假至 11月27日）'))).toBe(true);

    // The latest group 催办 of #2 names 孙七, who has not opened the group since.
    const chase = sb.fake
      .messagesTo(office)
      .filter((m) => m.msgType === 'text' && /逾期/.test(text(m)) && /#2/.test(text(m)))
      .at(-1)!;
    expect(marksOf(await pageOf('li', 'office'), chase.id)).toEqual(['孙七 未读']);
    // 孙七 opens the group: Lark now lists 孙七 in read_users, the bot asks and records it.
    await pageOf('sun', 'office');
    expect(sb.fake.calls.some((c) => c.path === `/open-apis/im/v1/messages/${chase.id}/read_users`)).toBe(true);
    expect(marksOf(await pageOf('li', 'office'), chase.id)).toEqual([expect.stringMatching(/^孙七 已读 16:0\d$/)]);
    await sb.say('li', 'office', '/查看 #2');
    await sb.settle();
    expect(text(sb.fake.messagesTo(office).at(-1)!)).toMatch(/最近一次 [^，]+，已读 16:0\d/);

    // 王主任 opened his chat with the bot on Friday afternoon (the test before): Lark's
    // im.message.message_read_v1 told the bot he read the 督办 card.
    const wang = personByKey('wang')!.openId;
    const duban = sb.fake
      .messagesTo(wang)
      .filter((m) => /督办/.test(text(m)) && /#2/.test(text(m)) && !/"tag":"chart"/.test(JSON.stringify(m.content)))
      .at(-1)!;
    expect(marksOf(await pageOf('wang', 'p2p'), duban.id)).toEqual([expect.stringMatching(/^已读 16:0\d$/)]);
  }, 60_000);

  it('keeps the conversation, the clock and the cards across a restart', async () => {
    const count = sb.fake.messages.length;
    const clockBefore = sb.clock.now().getTime();
    const url = sb.deps.config.DATABASE_URL;
    await sb.stop();
    sb = await startSandbox(createRouter(), { port: 0, databaseUrl: url, logLevel: 'silent' });
    expect(sb.fake.messages.length).toBe(count);
    expect(sb.clock.now().getTime()).toBeGreaterThanOrEqual(clockBefore);
    // A restored card is still the bot's: signing #2 updates it in place.
    await sb.say('sun', 'office', '/签收 #2');
    await sb.settle();
    expect(sb.fake.patches.length).toBeGreaterThan(0);
    const failed = await sb.deps.handle.client.execute("select count(*) as n from outbox where status = 'failed'");
    expect(Number(failed.rows[0]!.n)).toBe(0);
  }, 60_000);

  it('lets a person send a sheet to the bot: the file shows in the chat, the preview card follows, 确认导入 creates the tasks', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('导入');
    ws.addRow(['事项', '主办', '协办', '时限']);
    ws.addRow(['整理督查档案', '张三', '赵六', '2027-01-15']);
    ws.addRow(['汇总季度报表', '孙七', '', '']);
    const base64 = Buffer.from(await wb.xlsx.writeBuffer()).toString('base64');
    const post = (path: string, body: unknown) =>
      fetch(`${sb.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post('/sandbox/api/file', { as: 'li', chat: 'office', name: '分解表.xlsx', base64 })).status).toBe(200);
    await sb.settle();
    const page = await (await fetch(`${sb.url}/sandbox/messages?as=li&chat=office`)).json();
    expect(page.html).toContain('分解表.xlsx');
    expect(page.html).toContain('导入预览');
    const preview = sb.fake.messages.filter((m) => m.msgType === 'interactive' && /导入预览/.test(sb.fake.textOf(m))).at(-1)!;
    expect(sb.fake.textOf(preview)).toContain('可导入 **2** 项');
    const value = JSON.parse(JSON.stringify(preview.content).match(/\{"a":"import_confirm"[^}]*\}/)![0]);
    const before = (await listTasksInChat(sb.deps.db, SANDBOX_APP.tenantKey, GROUPS[0]!.chatId)).length;
    expect((await post('/sandbox/api/action', { as: 'li', messageId: preview.id, value })).status).toBe(200);
    await sb.settle();
    expect((await listTasksInChat(sb.deps.db, SANDBOX_APP.tenantKey, GROUPS[0]!.chatId)).length).toBe(before + 2);
    expect(sb.fake.violations).toEqual([]);
  }, 60_000);
});
