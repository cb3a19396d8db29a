/**
 * Lark misbehaving, through the real bot process (`node --import tsx entry/main.ts`, webhook
 * mode, signed and encrypted events over HTTP) on a real libSQL file, against the fake Lark
 * server with its rate limits on. After each fault: every message delivered exactly once,
 * every acknowledged event processed exactly once, every task whole.
 */
import { afterEach, expect, it } from 'vitest';
import { assignEvent, createOffice, deliverLikeLark, expectEventsProcessed, expectEveryMessageOnce, expectTasksWhole, settled, type Office } from './office.js';

let office: Office | undefined;
afterEach(async () => {
  await office?.close();
  office = undefined;
});

/** n assignments spread over the groups; returns their envelopes and titles. */
function assignments(o: Office, n: number) {
  const titles = Array.from({ length: n }, (_, i) => `事项-${i}`);
  const envelopes = titles.map((t, i) => assignEvent(o, o.groups[i % o.groups.length]!, i, t));
  return { titles, envelopes };
}

const MESSAGES = '/open-apis/im/v1/messages';

it('Lark answering 500 for a sustained outage: acknowledged at once, every message sent once afterwards', { timeout: 60_000 }, async () => {
  office = await createOffice();
  const bot = await office.startBot();
  // Scaled: 30 s of 500s become 6 s. The sender's retries (1 s, 2 s, 4 s, … doubling) run on
  // the real clock exactly as they would through a longer outage, which only adds doublings.
  office.fake.failFor(6_000, { status: 500, msg: 'internal error', path: MESSAGES });
  const { titles, envelopes } = assignments(office, 20);
  const { acknowledged, ackMs } = await deliverLikeLark(bot, envelopes);
  expect(acknowledged).toHaveLength(20);
  expect(Math.max(...ackMs)).toBeLessThan(3_000);

  await settled(office, 40_000);
  const refusedBy500 = office.fake.calls.filter((c) => c.status === 500).length;
  expect(refusedBy500).toBeGreaterThan(0);
  await expectEveryMessageOnce(office);
  await expectEventsProcessed(office, acknowledged);
  await expectTasksWhole(office, titles);
  expect(office.fake.refusedForFrequency).toBe(0);
});

it('Lark timing out (no answer at all): the request is given up after the client deadline and sent again, once', { timeout: 60_000 }, async () => {
  office = await createOffice({ groups: 2 });
  const bot = await office.startBot();
  // One call hangs after Lark created the message (the answer is what got lost), one before.
  // The SDK client's own 10 s deadline is what ends them: that part is not scaled.
  office.fake.hang(1, { path: MESSAGES, afterEffect: true });
  office.fake.hang(1, { path: MESSAGES });
  const { titles, envelopes } = assignments(office, 6);
  const { acknowledged, ackMs } = await deliverLikeLark(bot, envelopes);
  expect(Math.max(...ackMs)).toBeLessThan(3_000);

  await settled(office, 40_000);
  expect(office.fake.calls.filter((c) => c.outcome === 'hung')).toHaveLength(2);
  const { dedupedResends } = await expectEveryMessageOnce(office);
  // The message whose answer was lost went out again with its uuid; Lark answered from its cache.
  expect(dedupedResends).toBeGreaterThanOrEqual(1);
  await expectEventsProcessed(office, acknowledged);
  await expectTasksWhole(office, titles);
});

it('connections closed mid-request, before and after Lark created the message: nothing lost, nothing doubled', { timeout: 60_000 }, async () => {
  office = await createOffice();
  const bot = await office.startBot();
  office.fake.dropConnections(4, { path: MESSAGES, afterEffect: true });
  office.fake.dropConnections(3, { path: MESSAGES });
  const { titles, envelopes } = assignments(office, 16);
  const { acknowledged } = await deliverLikeLark(bot, envelopes);

  await settled(office, 40_000);
  expect(office.fake.calls.filter((c) => c.outcome === 'dropped')).toHaveLength(7);
  const { dedupedResends } = await expectEveryMessageOnce(office);
  expect(dedupedResends).toBeGreaterThanOrEqual(4);
  await expectEventsProcessed(office, acknowledged);
  await expectTasksWhole(office, titles);
});

it('the token endpoint failing (500, a refusal in a 200 body, a dropped connection) while the token expires', { timeout: 60_000 }, async () => {
  office = await createOffice({ groups: 2 });
  const bot = await office.startBot();
  // The bot holds a token from its start; Lark forgets it, so the next send must fetch one.
  office.fake.expireTokens();
  office.fake.failToken(2, { status: 500, msg: 'internal error' });
  office.fake.failToken(1, { status: 200, code: 10003, msg: 'invalid param' });
  office.fake.dropConnections(1, { path: '/open-apis/auth/v3/tenant_access_token/internal' });
  const { titles, envelopes } = assignments(office, 6);
  const { acknowledged, ackMs } = await deliverLikeLark(bot, envelopes);
  expect(Math.max(...ackMs)).toBeLessThan(3_000);

  await settled(office, 40_000);
  const tokenCalls = office.fake.calls.filter((c) => c.path.startsWith('/open-apis/auth/'));
  expect(tokenCalls.filter((c) => c.status !== 200 || c.code !== 0).length).toBeGreaterThanOrEqual(4);
  await expectEveryMessageOnce(office);
  await expectEventsProcessed(office, acknowledged);
  await expectTasksWhole(office, titles);
});
