/**
 * The shared webhook and job scenarios (test/scenarios) inside workerd, through the Worker
 * entry, against a remote libSQL over HTTP and the fake Lark server on the Node side.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../../entry/worker.js';
import * as directory from '../scenarios/directory.js';
import * as tasks from '../scenarios/tasks.js';
import * as webhook from '../scenarios/webhook.js';
import { workerEnv, workerHarness } from './harness.js';

const h = workerHarness();

describe('webhook on Workers', () => {
  it('answers the url_verification challenge', () => webhook.urlVerificationIsAnswered(h));
  it('decodes Chinese text that straddles AES blocks exactly', () => webhook.chineseTextSurvivesDecryption(h));
  it('refuses forged deliveries with 401 and writes nothing', () => webhook.forgedRequestsChangeNothing(h));
  it('processes a redelivered event once', () => webhook.redeliveryIsProcessedOnce(h));
  it('answers 413 to a body past 256 KB, chunked or declared, and writes nothing', async () => {
    const count = async () => Number((await h.query<{ n: number }>('SELECT count(*) AS n FROM inbox'))[0]!.n);
    const before = await count();
    const chunk = new TextEncoder().encode(`{"encrypt":"${'A'.repeat(64 * 1024)}`);
    let pulled = 0;
    // No length declared: 64 KB at a time, up to 64 MB, as long as the reader asks.
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (++pulled > 1024) c.close();
        else c.enqueue(chunk);
      },
    });
    const send = async (body: BodyInit) => {
      const ctx = createExecutionContext();
      const res = await worker.fetch(new Request('https://duban.example.workers.dev/lark/events', { method: 'POST', body }) as never, workerEnv, ctx);
      await waitOnExecutionContext(ctx);
      return res as unknown as Response;
    };
    const chunked = await send(stream);
    expect(chunked.status).toBe(413);
    // Read until just past the cap, not the whole upload.
    expect(pulled).toBeLessThan(16);
    expect((await send('x'.repeat(300 * 1024))).status).toBe(413);
    expect(await count()).toBe(before);
  });
});

describe('tasks and jobs on Workers', () => {
  it('/交办 in Chinese creates the task and its cards reach Lark', async () => {
    await tasks.assignCreatesTaskAndCards(h);
  });
  it('the chase job sends the overdue reminder once', () => tasks.chaseSendsOverdueReminderOnce(h));
  it('an urgent task card Lark refused once goes out with its 加急 before the request ends', () => tasks.urgentCardRefusedOnceGoesOutWithItsUrgent(h));
});

describe('Lark lookups on Workers', () => {
  it('in a new group its owner sets the 督办领导: chat name, owner and department come from Lark', () => directory.groupOwnerSettingsLearnNamesFromLark(h));
});
