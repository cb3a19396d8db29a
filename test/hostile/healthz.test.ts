/**
 * /healthz of `npm start` tells a stranger only whether the bot is up; the mode, the database
 * and the long connection's state and error text are for the machine itself (loopback).
 */
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOffice, type Office } from '../faults/office.js';
import type { BotProcess } from '../support/bot-process.js';

/** An address of this machine that is not loopback, if it has one. */
const outside = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

let office: Office;
let bot: BotProcess;
beforeAll(async () => {
  office = await createOffice({ groups: 1, staff: 2 });
  bot = await office.startBot({ HOST: '0.0.0.0' });
}, 60_000);
afterAll(async () => office?.close());

describe('/healthz', () => {
  it('answers the machine itself with the details', async () => {
    const body = await (await fetch(`http://127.0.0.1:${bot.port}/healthz`)).json();
    expect(body).toMatchObject({ ok: true, db: 'ok', mode: 'webhook' });
  });

  it.skipIf(!outside)('answers anyone else only ok / not ok', async () => {
    const res = await fetch(`http://${outside}:${bot.port}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });
});
