/**
 * The shared webhook and job scenarios (test/scenarios) inside workerd, through the Worker
 * entry, against a remote libSQL over HTTP and the fake Lark server on the Node side.
 */
import { describe, it } from 'vitest';
import * as directory from '../scenarios/directory.js';
import * as tasks from '../scenarios/tasks.js';
import * as webhook from '../scenarios/webhook.js';
import { workerHarness } from './harness.js';

const h = workerHarness();

describe('webhook on Workers', () => {
  it('answers the url_verification challenge', () => webhook.urlVerificationIsAnswered(h));
  it('decodes Chinese text that straddles AES blocks exactly', () => webhook.chineseTextSurvivesDecryption(h));
  it('refuses forged deliveries with 401 and writes nothing', () => webhook.forgedRequestsChangeNothing(h));
  it('processes a redelivered event once', () => webhook.redeliveryIsProcessedOnce(h));
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
