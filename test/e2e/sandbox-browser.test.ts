/**
 * The sandbox in a real headless browser (Debian's Chromium driven by playwright-core): the
 * leader assigns a task with the @ picker, the assignee signs for it with the card's 签收
 * button, the clock moves past the due time and the 催办 shows up in the group; a 催办 is
 * marked 未读 until its person opens the group, and someone on leave is shown so. Screenshots
 * are kept under test-results/ as artifacts.
 *
 * Chromium's own download cannot run here: the test uses /usr/bin/chromium (.ci/run installs
 * it with apt) and fails, rather than skips, when it is missing.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ExcelJS from 'exceljs';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../bot/sandbox/server.js';
import { createRouter } from '../../handlers/index.js';
import { personByKey } from '../../bot/sandbox/seed.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = resolve('test-results');

let sandbox: Sandbox;
let browser: BrowserContext;
let page: Page;
let work: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM}: the sandbox browser test needs it. Install it with ` +
        '`sudo apt-get install -y chromium` (.ci/run does this), or point CHROMIUM_PATH at a Chromium binary.',
    );
  }
  work = mkdtempSync(join(tmpdir(), 'duban-sandbox-e2e-'));
  mkdirSync(ARTIFACTS, { recursive: true });
  sandbox = await startSandbox(createRouter(), {
    port: 0,
    databaseUrl: `file:${join(work, 'sandbox.db')}`,
    fresh: true,
    seed: false,
    // Monday 23 Nov 2026, 09:00 in Beijing: a plain working week.
    startAt: new Date('2026-11-23T09:00:00+08:00'),
    logLevel: 'silent',
  });
  browser = await chromium.launchPersistentContext(join(work, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
    ],
    viewport: { width: 1200, height: 900 },
    locale: 'zh-CN',
  });
  page = browser.pages()[0] ?? (await browser.newPage());
}, 120_000);

afterAll(async () => {
  await browser?.close().catch(() => {});
  await sandbox?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
}, 60_000);

/** Opens the page as a person in a chat and waits for its script. */
async function open(as: string, chat: string): Promise<void> {
  await page.goto(`${sandbox.pageUrl}?as=${as}&chat=${chat}`);
  await page.waitForSelector('html[data-ready="1"]');
}

/** Scrolls the newest card holding `text` into view, found when it runs (the list re-renders live). */
const scrollToCard = (text: string) =>
  page.evaluate((t) => {
    const cards = Array.from(document.querySelectorAll('#messages .msg.bot .card')).filter((c) => c.textContent?.includes(t));
    cards.at(-1)?.scrollIntoView({ block: 'start' });
  }, text);

/** Scrolls the newest message of the bot holding `text` into view, found when it runs. */
const scrollToBotMessage = (text: string) =>
  page.evaluate((t) => {
    const msgs = Array.from(document.querySelectorAll('#messages .msg.bot')).filter((m) => m.textContent?.includes(t));
    msgs.at(-1)?.scrollIntoView({ block: 'start' });
  }, text);

/** The newest message in the conversation whose text contains `text`. */
const lastMessage = (text: string) => page.locator('#messages .msg', { hasText: text }).last();
/** The newest message a person typed that contains `text`. */
const lastTyped = (text: string) => page.locator('#messages .msg.user', { hasText: text }).last();

describe('the sandbox in a browser', () => {
  it('assign → 签收 by button → clock past due → 催办', async () => {
    const zhang = personByKey('zhang')!;

    // 王主任 assigns in the group, picking 张三 from the @ picker.
    await open('wang', 'office');
    expect(await page.title()).toContain('综合办公室工作群');
    const input = page.locator('#composer-input');
    await input.fill('/交办 ');
    await page.click('#at-btn');
    await page.click('#at-picker [data-mention="张三"]');
    await input.pressSequentially('起草年度工作总结 截止 明天');
    expect(await input.inputValue()).toBe('/交办 @张三 起草年度工作总结 截止 明天');
    await page.click('#send');

    // The typed message shows the mention; the bot's task card arrives live.
    await lastTyped('/交办').waitFor({ timeout: 10_000 });
    expect(await lastTyped('/交办').locator('.at').allTextContents()).toEqual(['@督办', '@张三']);
    const card = page.locator('#messages .msg.bot .card', { hasText: '#1 起草年度工作总结' }).first();
    await card.waitFor({ timeout: 15_000 });
    expect(await card.locator('.card-header').getAttribute('class')).toMatch(/hdr-(green|orange|yellow)/);
    expect(await card.textContent()).toContain('待签收');

    // What the bot got was a real Lark mention: @_user_N placeholders and a mentions array.
    const typed = sandbox.fake.userMessages.find((m) => /\/交办/.test(m.content?.text ?? ''));
    expect(typed?.content.text).toMatch(/^@_user_1 \/交办 @_user_2 起草年度工作总结 截止 明天$/);

    // 张三 signs for it with the card's button: the toast shows, the card turns to 办理中.
    await open('zhang', 'office');
    const zhangCard = page.locator('#messages .msg.bot .card', { hasText: '#1 起草年度工作总结' }).first();
    await zhangCard.locator('button', { hasText: '签收' }).click();
    await page.locator('#toast').waitFor({ timeout: 10_000 });
    await expect.poll(() => zhangCard.textContent(), { timeout: 15_000 }).toContain('办理中');
    expect(await zhangCard.locator('button', { hasText: '签收' }).count()).toBe(0);
    expect(sandbox.fake.messagesTo(zhang.openId).some((m) => m.msgType === 'interactive')).toBe(true);

    // The clock moves: Tuesday morning (due today), then Wednesday morning — a day overdue.
    await page.click('[data-clock="next_morning"]');
    await expect.poll(() => page.locator('#clock').textContent(), { timeout: 30_000 }).toContain('11月24日');
    await page.click('[data-clock="next_morning"]');
    await expect.poll(() => page.locator('#clock').textContent(), { timeout: 30_000 }).toContain('11月25日');

    const chase = lastMessage('逾期第 1 天');
    await chase.waitFor({ timeout: 15_000 });
    expect(await chase.textContent()).toContain('催办');
    expect(await chase.locator('.at').allTextContents()).toContain('@张三');
    // The list re-renders live; scroll it to the end rather than hold on to one element.
    await page.evaluate(() => {
      const list = document.getElementById('messages')!;
      list.scrollTop = list.scrollHeight;
    });
    await page.screenshot({ path: join(ARTIFACTS, 'sandbox-chase.png') });
  }, 120_000);

  it('replies to a card as progress, exports the 台账, and switches to English on a phone', async () => {
    // 张三 replies to the task card: a progress report without any command.
    await open('zhang', 'office');
    const card = page.locator('#messages .msg.bot', { hasText: '#1 起草年度工作总结' }).first();
    await card.locator('.reply-btn').click();
    expect(await page.locator('#reply-banner').isVisible()).toBe(true);
    await page.uncheck('#mention-bot');
    await page.fill('#composer-input', '完成60% 初稿已完成');
    await page.click('#send');
    const reply = page.locator('#messages .msg.user', { hasText: '完成60%' }).last();
    await reply.waitFor({ timeout: 10_000 });
    expect(await reply.locator('.quote').textContent()).toContain('#1');
    const updated = page.locator('#messages .msg.bot .card', { hasText: '#1 起草年度工作总结' }).first();
    await expect.poll(() => updated.textContent(), { timeout: 15_000 }).toContain('60%');

    // 王主任 exports the ledger in his p2p chat and downloads the workbook.
    await open('wang', 'p2p');
    await page.fill('#composer-input', '/台账');
    await page.press('#composer-input', 'Enter');
    const link = page.locator('#messages a.file-link').last();
    await link.waitFor({ timeout: 20_000 });
    expect(await link.textContent()).toContain('.xlsx');
    const href = await link.getAttribute('href');
    const res = await fetch(new URL(href!, sandbox.url));
    expect(res.status).toBe(200);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(String.fromCharCode(bytes[0]!, bytes[1]!)).toBe('PK');

    // A phone-sized window, in English: the page and the bot both switch.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${sandbox.pageUrl}?as=wang&chat=p2p&lang=en`);
    await page.waitForSelector('html[data-ready="1"]');
    expect(await page.locator('.brand strong').textContent()).toBe('Duban · Sandbox');
    await page.fill('#composer-input', '/help');
    await page.press('#composer-input', 'Enter');
    await page.locator('#messages .msg.bot', { hasText: '/assign' }).last().waitFor({ timeout: 15_000 });
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(ARTIFACTS, 'sandbox-phone-en.png') });
    await page.goto(`${sandbox.pageUrl}?as=wang&chat=p2p&lang=zh`);
  }, 120_000);

  it('jumps to a date, keeps every card current across a restart, and lays out at 390 px', async () => {
    await page.setViewportSize({ width: 1200, height: 900 });
    // 张三 submits #1 by button; 王主任 then approves it by command: the clicked card's answer is
    // superseded by the approval's PATCH.
    await open('zhang', 'office');
    const card = page.locator('#messages .msg.bot .card', { hasText: '#1 起草年度工作总结' }).first();
    await card.locator('button', { hasText: '申请办结' }).click();
    await expect.poll(() => card.textContent(), { timeout: 15_000 }).toContain('待审核');
    await open('wang', 'office');
    await page.fill('#composer-input', '/通过 #1');
    await page.press('#composer-input', 'Enter');
    await expect
      .poll(() => page.locator('#messages .msg.bot .card', { hasText: '#1 起草年度工作总结' }).first().textContent(), { timeout: 15_000 })
      .toContain('已办结');
    await open('zhang', 'office');
    await expect
      .poll(() => page.locator('#messages .msg.bot .card', { hasText: '#1 起草年度工作总结' }).first().textContent(), { timeout: 15_000 })
      .toContain('已办结');

    // The month's figures (a wide table), while the month still has work in it.
    await open('wang', 'office');
    await page.fill('#composer-input', '/统计 本月');
    await page.press('#composer-input', 'Enter');
    await page.locator('#messages .msg.bot .card', { hasText: '督办统计' }).last().waitFor({ timeout: 15_000 });

    // Jump to the Spring Festival in one step rather than forty clicks.
    await page.fill('#jump-date', '2027-02-08');
    await page.click('#jump-go');
    await expect.poll(() => page.locator('#clock').textContent(), { timeout: 60_000 }).toContain('2月8日');
    // A date in the past is refused with a short answer.
    await page.evaluate(() => document.getElementById('jump-date')!.removeAttribute('min'));
    await page.fill('#jump-date', '2026-12-01');
    await page.click('#jump-go');
    await expect.poll(() => page.locator('#toast').textContent(), { timeout: 10_000 }).toContain('两年内');
    await page.screenshot({ path: join(ARTIFACTS, 'sandbox-jump-desktop.png') });

    // A restart on the same database: the card still shows the task as it stands.
    const url = sandbox.url;
    await sandbox.stop();
    sandbox = await startSandbox(createRouter(), {
      port: Number(new URL(url).port),
      databaseUrl: `file:${join(work, 'sandbox.db')}`,
      seed: false,
      logLevel: 'silent',
    });
    await open('zhang', 'office');
    expect(await page.locator('#clock').textContent()).toContain('2月8日');
    const after = page.locator('#messages .msg.bot .card', { hasText: '#1 起草年度工作总结' }).first();
    expect(await after.textContent()).toContain('已办结');
    expect(await after.locator('button', { hasText: '通过' }).count()).toBe(0);

    // 390 px: the chat title stays in view, nothing is wider than the screen, wide tables say they scroll.
    await page.setViewportSize({ width: 390, height: 844 });
    await open('wang', 'office');
    await page.locator('#messages .msg.bot .card', { hasText: '督办统计' }).last().scrollIntoViewIfNeeded();
    const title = page.locator('.chat-head .chat-title');
    expect(await title.isVisible()).toBe(true);
    expect(await title.textContent()).toContain('综合办公室工作群');
    const box = await title.boundingBox();
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const wide = await page.evaluate(() =>
      Array.from(document.querySelectorAll('#messages .table-wrap'))
        .filter((w) => w.scrollWidth > w.clientWidth + 1)
        .map((w) => w.previousElementSibling?.className ?? ''),
    );
    for (const c of wide) expect(c).toContain('scroll-hint');
    // The lights are drawn, not left to an emoji font.
    expect(await page.locator('#messages .light-dot').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(ARTIFACTS, 'sandbox-390.png') });
    // A table wider than its card (narrowed here: a longer chat list does it for real) says so.
    await page.addStyleTag({ content: '#messages .table-wrap { max-width: 220px; }' });
    await page.evaluate(() => window.dispatchEvent(new Event('resize')));
    await expect.poll(() => page.locator('#messages .scroll-hint').count(), { timeout: 5_000 }).toBeGreaterThan(0);
    expect(await page.locator('#messages .scroll-hint').first().textContent()).toContain('左右滑动');
    await page.locator('#messages .scroll-hint').first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, 'sandbox-390-wide-table.png') });
    await page.setViewportSize({ width: 1200, height: 900 });
  }, 180_000);

  it('assigns a task through the 交办 form from the p2p menu on a 390 px page', async () => {
    const zhang = personByKey('zhang')!;
    await page.setViewportSize({ width: 390, height: 844 });
    await open('wang', 'p2p');
    // The bot menu sits above the composer in the chat with the bot; 新建督办 answers with the form.
    await page.locator('.bot-menu [data-menu-key="new_task"]').click();
    const form = page.locator('#messages .msg.bot .card', { hasText: '新建督办' }).last();
    await form.waitFor({ timeout: 15_000 });
    expect(await form.locator('form.card-form').count()).toBe(1);
    // Pickers are native inputs: a date and a time picker, person selectors, option lists.
    expect(await form.locator('input[type="date"][name="due_date"]').count()).toBe(1);
    expect(await form.locator('input[type="time"][name="due_time"]').count()).toBe(1);
    expect(await form.locator('select[name="co"]').getAttribute('multiple')).not.toBeNull();

    await form.locator('input[name="title"]').fill('整理全年督办台账');
    await form.locator('textarea[name="detail"]').fill('按季度汇总，标出逾期事项。');
    await form.locator('select[name="lead"]').selectOption({ label: '张三' });
    await form.locator('input[name="due_date"]').fill('2027-02-26');
    await form.locator('input[name="due_time"]').fill('15:00');
    await form.locator('select[name="priority"]').selectOption('high');
    await form.locator('select[name="category"]').selectOption('special');
    await form.locator('input[name="source"]').fill('督查室〔2027〕2号');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await scrollToCard('新建督办');
    await page.screenshot({ path: join(ARTIFACTS, 'sandbox-390-assign-form.png') });

    await form.locator('button', { hasText: '交办' }).click();
    await expect.poll(() => page.locator('#toast').textContent(), { timeout: 15_000 }).toMatch(/已交办 #\d+/);
    const n = Number(/#(\d+)/.exec((await page.locator('#toast').textContent()) ?? '')![1]);
    // The form card is now the task card, in place.
    const card = page.locator('#messages .msg.bot .card', { hasText: `#${n} 整理全年督办台账` }).last();
    await card.waitFor({ timeout: 15_000 });
    expect(await card.locator('form.card-form[data-form-name="assign"]').count()).toBe(0);
    expect(await card.textContent()).toContain('督查室〔2027〕2号');
    await scrollToCard(`#${n} 整理全年督办台账`);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(ARTIFACTS, 'sandbox-390-assign-done.png') });

    // What the bot received was Lark's form_value: the date as "yyyy-MM-dd +0800", the lead's open_id.
    await expect
      .poll(() => sandbox.fake.messagesTo(zhang.openId).some((m) => sandbox.fake.cardText(m).includes('整理全年督办台账')), { timeout: 15_000 })
      .toBe(true);
    expect(sandbox.fake.violations).toEqual([]);
    await page.setViewportSize({ width: 1200, height: 900 });
  }, 120_000);
  it('sends a sheet through the 📎 file input: the preview card arrives, 确认导入 creates the rows', async () => {
    await open('li', 'office');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('导入');
    ws.addRow(['事项', '主办', '协办', '时限']);
    ws.addRow(['核对督查台账', '张三', '赵六', '2027-03-05']);
    ws.addRow(['汇总报送材料', '孙七', '', '']);
    ws.addRow(['无人承办', '路人甲', '', '']);
    await page.setInputFiles('#file-input', {
      name: '分解表.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: Buffer.from(await wb.xlsx.writeBuffer()),
    });
    await lastTyped('分解表.xlsx').waitFor({ timeout: 10_000 });
    const preview = page.locator('#messages .msg.bot .card', { hasText: '导入预览' }).last();
    await preview.waitFor({ timeout: 15_000 });
    expect(await preview.textContent()).toContain('可导入 2 项');
    expect(await preview.textContent()).toContain('主办「路人甲」不是本群成员');
    await preview.locator('button', { hasText: '确认导入' }).click();
    await lastMessage('已导入「分解表.xlsx」2 项').waitFor({ timeout: 15_000 });
    expect(sandbox.fake.violations).toEqual([]);
  }, 120_000);

  it('marks a 催办 未读 until its person opens the group, then 已读; shows who is on leave; desktop and 390 px', async () => {
    await page.setViewportSize({ width: 1200, height: 900 });
    // 李科长 assigns 孙七 and chases by hand: the 催办 is marked for 孙七, unread.
    await open('li', 'office');
    await page.fill('#composer-input', '/交办 @孙七 核对固定资产清单 截止 2027-03-12');
    await page.press('#composer-input', 'Enter');
    const taskCard = page.locator('#messages .msg.bot .card', { hasText: '核对固定资产清单' }).first();
    await taskCard.waitFor({ timeout: 15_000 });
    const n = Number(/#(\d+) 核对固定资产清单/.exec((await taskCard.textContent()) ?? '')![1]);
    await page.fill('#composer-input', `/催办 #${n} 请今天下班前报进度`);
    await page.press('#composer-input', 'Enter');
    const chased = `催办 #${n}「核对固定资产清单」`;
    const chaseOf = () => page.locator('#messages .msg.bot', { hasText: chased }).last();
    await chaseOf().waitFor({ timeout: 15_000 });
    await expect.poll(() => chaseOf().locator('.badge.unread-mark').allTextContents(), { timeout: 15_000 }).toEqual(['孙七 未读']);
    await scrollToBotMessage(chased);
    await page.screenshot({ path: join(ARTIFACTS, 'sandbox-read-unread.png') });

    // 孙七 opens the group: Lark's read_users now lists 孙七, and the bot has it.
    await open('sun', 'office');
    expect(await chaseOf().locator('.badge.read-mark').allTextContents()).toEqual([expect.stringMatching(/^孙七 已读 \d\d:\d\d$/)]);
    expect(sandbox.fake.calls.some((c) => /\/read_users$/.test(c.path) && c.status === 200)).toBe(true);

    // 孙七 goes on leave with 赵六 acting: the list and the task say 请假至, /查看 says it was read.
    await page.fill('#composer-input', '/请假 今天至后天 @赵六');
    await page.press('#composer-input', 'Enter');
    await lastMessage('已记录：孙七').waitFor({ timeout: 15_000 });
    expect(await lastMessage('已记录：孙七').textContent()).toContain('提醒转给代理人 赵六');
    await page.fill('#composer-input', `/查看 #${n}`);
    await page.press('#composer-input', 'Enter');
    const shown = page.locator('#messages .msg.bot .card', { hasText: '已催办 1 次' }).last();
    await shown.waitFor({ timeout: 15_000 });
    expect(await shown.textContent()).toMatch(/已催办 1 次，最近一次 \d\d:\d\d，已读 \d\d:\d\d/);
    expect(await shown.textContent()).toContain('请假至');
    await page.fill('#composer-input', '/任务 本群');
    await page.press('#composer-input', 'Enter');
    await expect
      .poll(async () => (await page.locator('#messages .msg.bot .card').last().textContent()) ?? '', { timeout: 15_000 })
      .toMatch(new RegExp(`#${n} 核对固定资产清单[\\s\\S]*孙七 · 请假至`));
    // Opened afresh, the chat's members say who is away.
    await open('li', 'office');
    expect(await page.locator('.chat-members .away').allTextContents()).toEqual([expect.stringMatching(/^（请假至 \d+月\d+日）$/)]);
    await scrollToBotMessage(chased);
    await page.screenshot({ path: join(ARTIFACTS, 'sandbox-leave-read-desktop.png') });
    await scrollToCard('已催办 1 次');
    await page.screenshot({ path: join(ARTIFACTS, 'sandbox-leave-show-desktop.png') });

    await page.setViewportSize({ width: 390, height: 844 });
    await open('li', 'office');
    await scrollToBotMessage(chased);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    // The read mark stays inside the screen, wrapping under the name and time if it must.
    const right = await page.evaluate(() => {
      const marks = Array.from(document.querySelectorAll('#messages .msg.bot .badge.read-mark'));
      return marks.at(-1)?.getBoundingClientRect().right ?? Infinity;
    });
    expect(right).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(ARTIFACTS, 'sandbox-390-leave-read.png') });
    expect(sandbox.fake.violations).toEqual([]);
    await page.setViewportSize({ width: 1200, height: 900 });
  }, 120_000);
});
