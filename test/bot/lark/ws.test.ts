/**
 * The long connection through the SDK's real WSClient against a fake Lark gateway on loopback
 * (test/support/fake-ws.ts), with a stand-in dispatcher that dedupes by event_id like
 * bot/ingest.ts does.
 */
import protobuf from 'protobufjs';
import { pino } from 'pino';
import { afterEach, describe, expect, test } from 'vitest';
import type { Deps } from '../../../bot/deps.js';
import { explainRefusal, startLongConnection, type Dispatch, type LongConnection } from '../../../bot/lark/ws.js';
import { createFakeLongConnection, frameCodec, METHOD, type FakeLongConnection, type FakeLongConnectionOptions } from '../../support/fake-ws.js';

const APP_ID = 'cli_a1b2c3d4e5f60718';
const APP_SECRET = 'sEcReT-0123456789abcdef';

type Envelope = Record<string, unknown> & { header: Record<string, unknown> & { event_id: string; event_type: string } };

function messageEnvelope(eventId: string, text = '/帮助'): Envelope {
  return {
    schema: '2.0',
    header: {
      event_id: eventId,
      event_type: 'im.message.receive_v1',
      create_time: '1700000000000',
      token: 'v-token',
      app_id: APP_ID,
      tenant_key: 'tenant-1',
    },
    event: {
      sender: { sender_id: { open_id: 'ou_staff' }, sender_type: 'user', tenant_key: 'tenant-1' },
      message: {
        message_id: `om_${eventId}`,
        create_time: '1700000000000',
        chat_id: 'oc_group',
        chat_type: 'group',
        message_type: 'text',
        content: JSON.stringify({ text: `@_user_1 ${text}` }),
        mentions: [{ key: '@_user_1', id: { open_id: 'ou_bot' }, name: '督办', tenant_key: 'tenant-1' }],
      },
    },
  };
}

function cardEnvelope(eventId: string): Envelope {
  return {
    schema: '2.0',
    header: {
      event_id: eventId,
      event_type: 'card.action.trigger',
      create_time: '1700000000000',
      token: 'v-token',
      app_id: APP_ID,
      tenant_key: 'tenant-1',
    },
    event: {
      operator: { open_id: 'ou_staff', tenant_key: 'tenant-1' },
      token: 'c-callback-token',
      action: { tag: 'button', value: { action: 'accept', taskId: 'T-7' } },
      host: 'im_message',
      context: { open_message_id: 'om_card', open_chat_id: 'oc_group' },
    },
  };
}

const CARD_ANSWER = {
  toast: { type: 'success', content: '已签收' },
  card: { type: 'raw', data: { schema: '2.0', body: { elements: [{ tag: 'markdown', content: 'T-7 已签收' }] } } },
};

/** Stands in for bot/ingest.ts: records every call, handles each event_id once. */
function standInDispatcher(opts: { fail?: boolean } = {}) {
  const calls: Envelope[] = [];
  const handled: string[] = [];
  const dispatch: Dispatch = async (_deps, envelope) => {
    const e = envelope as Envelope;
    calls.push(e);
    if (opts.fail) throw new Error('database is down');
    if (!handled.includes(e.header.event_id)) handled.push(e.header.event_id);
    return e.header.event_type === 'card.action.trigger' ? CARD_ANSWER : {};
  };
  return { dispatch, calls, handled };
}

function captureLog() {
  const lines: Array<Record<string, unknown> & { msg: string; level: number }> = [];
  const log = pino({ level: 'debug' }, { write: (s: string) => void lines.push(JSON.parse(s)) });
  return { log, lines, text: () => lines.map((l) => JSON.stringify(l)).join('\n'), has: (msg: string) => lines.some((l) => l.msg === msg) };
}

async function waitFor(check: () => boolean, what: string, ms = 5_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let fake: FakeLongConnection | undefined;
let conn: LongConnection | undefined;

afterEach(async () => {
  await conn?.stop();
  await fake?.close();
  conn = undefined;
  fake = undefined;
});

async function setup(fakeOpts: FakeLongConnectionOptions = {}, dispatcherOpts: { fail?: boolean } = {}) {
  fake = await createFakeLongConnection(fakeOpts);
  const logs = captureLog();
  const d = standInDispatcher(dispatcherOpts);
  const deps = { log: logs.log } as unknown as Deps;
  conn = startLongConnection(deps, { appId: APP_ID, appSecret: APP_SECRET, domain: fake.url, dispatch: d.dispatch });
  return { fake, conn, logs, ...d };
}

describe('long connection through the SDK WSClient', () => {
  test('discovers the endpoint, connects, exchanges ping and pong, and says where it connected', async () => {
    const { fake, conn, logs } = await setup({ appId: APP_ID, appSecret: APP_SECRET });
    expect(conn.state()).toBe('connecting');
    await waitFor(() => conn.state() === 'connected', 'connected');

    expect(fake.discoveries()).toEqual([{ appId: APP_ID, code: 0 }]);
    await waitFor(() => fake.connections()[0]?.pings === 1, 'first ping');
    expect(fake.connections()).toMatchObject([{ deviceId: 'fake-device-1', open: true }]);
    const connected = logs.lines.find((l) => l.msg === 'long connection: connected');
    expect(connected).toMatchObject({ endpoint: `${fake.url.replace('http', 'ws')}/ws/v2`, device_id: 'fake-device-1' });
    expect(logs.text()).not.toContain('ticket=');
    expect(logs.text()).not.toContain(APP_SECRET);
    expect(conn.problem()).toBeNull();
  });

  test('an event reaches the dispatcher once, as sent, and is acknowledged with code 200', async () => {
    const { fake, conn, calls } = await setup();
    await waitFor(() => conn.state() === 'connected', 'connected');
    const envelope = messageEnvelope('ev-1');

    const ack = await fake.pushEvent(envelope);

    expect(calls).toEqual([envelope]);
    expect(ack).toMatchObject({ code: 200, data: {}, deliveries: 1 });
    expect(ack.headers).toHaveProperty('biz_rt');
  });

  test('an event split over several frames is merged before it reaches the dispatcher', async () => {
    const { fake, conn, calls } = await setup();
    await waitFor(() => conn.state() === 'connected', 'connected');
    const envelope = messageEnvelope('ev-parts', '/交办 @_user_2 修复路灯 截止 周五 '.repeat(20));

    const ack = await fake.pushEvent(envelope, { parts: 3 });

    expect(calls).toEqual([envelope]);
    expect(ack.code).toBe(200);
  });

  test('a card callback is answered with the dispatcher’s toast and card in the acknowledgement', async () => {
    const { fake, conn, calls } = await setup();
    await waitFor(() => conn.state() === 'connected', 'connected');

    const ack = await fake.pushEvent(cardEnvelope('ev-card'));

    expect(calls.map((c) => c.header.event_type)).toEqual(['card.action.trigger']);
    expect(ack).toMatchObject({ code: 200, data: CARD_ANSWER });
  });

  test('after a drop it reconnects; lost and queued events are redelivered and handled once', async () => {
    const { fake, conn, logs, calls, handled } = await setup();
    await waitFor(() => conn.state() === 'connected', 'connected');
    expect((await fake.pushEvent(messageEnvelope('ev-a'))).code).toBe(200);

    // The acknowledgement of B is lost with the connection: Lark sends B again after the reconnect.
    const b = fake.pushEvent(messageEnvelope('ev-b'), { loseAck: true });
    // The log, not a poll of the state: a reconnect can be over before a busy event loop looks.
    await waitFor(() => logs.has('long connection: lost; reconnecting'), 'reconnecting');
    // Pushed while the socket is down: waits for the next connection.
    const c = fake.pushEvent(messageEnvelope('ev-c'));

    const [ackB, ackC] = await Promise.all([b, c]);
    expect(ackB).toMatchObject({ code: 200, deliveries: 2 });
    expect(ackC).toMatchObject({ code: 200 });
    await waitFor(() => conn.state() === 'connected', 'connected again');

    expect(calls.map((e) => e.header.event_id)).toEqual(['ev-a', 'ev-b', 'ev-b', 'ev-c']);
    expect(handled).toEqual(['ev-a', 'ev-b', 'ev-c']);
    expect(fake.connections().filter((x) => x.open)).toHaveLength(1);
    expect(fake.discoveries()).toHaveLength(2);
    expect(logs.has('long connection: lost; reconnecting')).toBe(true);
    expect(logs.has('long connection: reconnecting (attempt 1)')).toBe(true);
    expect(logs.has('long connection: connected again')).toBe(true);

    // A plain drop, then events after the reconnect.
    await fake.dropConnection();
    await waitFor(() => conn.state() === 'connected' && fake!.connections().filter((x) => x.open).length === 1, 'reconnected');
    expect((await fake.pushEvent(messageEnvelope('ev-d'))).code).toBe(200);
    expect(handled).toEqual(['ev-a', 'ev-b', 'ev-c', 'ev-d']);
  });

  test('Lark busy during a reconnect: discovery is retried until it answers', async () => {
    const { fake, conn, logs } = await setup();
    await waitFor(() => conn.state() === 'connected', 'connected');
    fake.answerBusy(2);

    await fake.dropConnection();
    await waitFor(() => fake!.connections().filter((x) => x.open).length === 1, 'reconnected');
    await waitFor(() => conn.state() === 'connected', 'connected again');

    expect(fake.discoveries().map((d) => d.code)).toEqual([0, 1000040343, 1000040343, 0]);
    expect(logs.lines.filter((l) => l.msg === 'long connection: Lark is busy; retrying')).toHaveLength(2);
    expect(logs.has('long connection: reconnecting (attempt 3)')).toBe(true);
    expect(conn.problem()).toBeNull();
  });

  test('a dispatcher failure is acknowledged with code 500 and logged; the connection stays up', async () => {
    const { fake, conn, logs } = await setup({}, { fail: true });
    await waitFor(() => conn.state() === 'connected', 'connected');

    const ack = await fake.pushEvent(messageEnvelope('ev-fail'));

    expect(ack.code).toBe(500);
    expect(ack.data).toBeUndefined();
    const line = logs.lines.find((l) => l.msg.startsWith('long connection: dispatch failed'));
    expect(line).toMatchObject({ event_id: 'ev-fail', event_type: 'im.message.receive_v1' });
    expect(conn.state()).toBe('connected');
  });

  test('wrong credentials: one clear line saying what to fix, no retry loop, no crash, no secret in the log', async () => {
    const { fake, conn, logs } = await setup({ rejectCredentials: true });
    await waitFor(() => conn.state() === 'stopped', 'stopped');
    await sleep(300); // several reconnect intervals of the fake's ClientConfig

    expect(fake.discoveries()).toEqual([{ appId: APP_ID, code: 1000040345 }]);
    expect(fake.connections()).toEqual([]);
    const refusals = logs.lines.filter((l) => l.msg.startsWith('long connection refused'));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({ level: 50, code: 1000040345 });
    expect(refusals[0]!.msg).toContain('LARK_APP_SECRET does not belong to LARK_APP_ID');
    expect(conn.problem()).toBe(explainRefusal(1000040345));
    expect(logs.text()).not.toContain(APP_SECRET);
  });

  test('an app of the other deployment is told to change LARK_DOMAIN', async () => {
    const { conn, logs } = await setup({ rejectCredentials: { code: 1000040351, msg: 'Incorrect domain name' } });
    await waitFor(() => conn.state() === 'stopped', 'stopped');
    expect(logs.lines.find((l) => l.msg.startsWith('long connection refused'))?.msg).toContain('LARK_DOMAIN=lark');
  });

  test('an unreachable endpoint is logged with where it tried, and the client keeps trying', async () => {
    fake = await createFakeLongConnection();
    const closedPort = new URL(fake.url).port;
    await fake.close();
    fake = undefined;
    const logs = captureLog();
    conn = startLongConnection({ log: logs.log } as unknown as Deps, {
      appId: APP_ID,
      appSecret: APP_SECRET,
      domain: `http://127.0.0.1:${closedPort}`,
      dispatch: standInDispatcher().dispatch,
    });
    await waitFor(() => logs.lines.some((l) => l.msg.startsWith('long connection: cannot reach')), 'the unreachable line');
    expect(logs.lines.find((l) => l.msg.startsWith('long connection: cannot reach'))).toMatchObject({
      level: 40,
      code: 'ECONNREFUSED',
      msg: expect.stringContaining(`http://127.0.0.1:${closedPort}/callback/ws/endpoint`),
    });
    expect(conn.state()).toBe('connecting');
    expect(conn.problem()).toBeNull();
    expect(logs.text()).not.toContain(APP_SECRET);
  });

  test('an App ID the SDK would not start with is refused before any network call', async () => {
    fake = await createFakeLongConnection();
    const logs = captureLog();
    conn = startLongConnection({ log: logs.log } as unknown as Deps, {
      appId: 'cli_short',
      appSecret: APP_SECRET,
      domain: fake.url,
      dispatch: standInDispatcher().dispatch,
    });
    expect(conn.state()).toBe('stopped');
    expect(conn.problem()).toContain('LARK_APP_ID must be cli_ followed by 16 hexadecimal characters');
    await sleep(100);
    expect(fake.discoveries()).toEqual([]);
  });

  test('stop() closes the socket with a closing handshake and nothing reconnects', async () => {
    const { fake, conn, logs } = await setup();
    await waitFor(() => conn.state() === 'connected', 'connected');

    await conn.stop();

    expect(conn.state()).toBe('stopped');
    await waitFor(() => fake.connections()[0]?.open === false, 'server saw the close');
    expect(fake.connections()[0]!.closeCode).not.toBe(1006); // 1006 = cut without a close frame
    await sleep(300);
    expect(fake.discoveries()).toHaveLength(1);
    expect(fake.connections()).toHaveLength(1);
    expect(logs.has('long connection: stopped')).toBe(true);
    await conn.stop();
  });
});

describe('explainRefusal', () => {
  test.each([
    [514, 'LARK_APP_ID and LARK_APP_SECRET'],
    [403, 'LARK_MODE=webhook'],
    [1000040344, 'is empty'],
    [1000040345, 'LARK_APP_SECRET does not belong to LARK_APP_ID'],
    [1000040346, 'Lark does not know LARK_APP_ID'],
    [1000040350, 'stop the other running copies'],
    [1000040351, 'LARK_DOMAIN=lark'],
  ])('code %i → %s', (code, words) => {
    expect(explainRefusal(code)).toContain(words);
  });

  test('an unknown code keeps Lark’s message', () => {
    expect(explainRefusal(1000049999, 'something new')).toContain('code 1000049999: something new');
  });
});

describe('the fake gateway speaks the SDK’s frame format', () => {
  // The SDK registers its generated pbbp2 code with protobufjs when it loads (imported above via ws.ts).
  const sdk = (
    protobuf.roots.default as unknown as { pbbp2: { Frame: { encode(f: unknown): { finish(): Uint8Array }; decode(b: Uint8Array): Record<string, unknown> } } }
  ).pbbp2;

  const frame = {
    SeqID: 7,
    LogID: 9,
    service: 1001,
    method: METHOD.data,
    headers: [
      { key: 'type', value: 'event' },
      { key: 'message_id', value: 'm-1' },
    ],
    payload: Buffer.from('{"schema":"2.0"}'),
  };

  test('frames the fake encodes decode with the SDK’s code', () => {
    const decoded = sdk.Frame.decode(frameCodec.encode(frame));
    expect({ ...decoded, payload: Buffer.from(decoded.payload as Uint8Array).toString() }).toMatchObject({
      SeqID: 7,
      LogID: 9,
      service: 1001,
      method: 1,
      headers: [
        { key: 'type', value: 'event' },
        { key: 'message_id', value: 'm-1' },
      ],
      payload: '{"schema":"2.0"}',
    });
  });

  test('frames the SDK encodes decode with the fake’s schema', () => {
    const decoded = frameCodec.decode(sdk.Frame.encode(frame).finish());
    expect({ ...decoded, payload: Buffer.from(decoded.payload ?? []).toString() }).toMatchObject({
      SeqID: 7,
      LogID: 9,
      service: 1001,
      method: 1,
      headers: frame.headers,
      payload: '{"schema":"2.0"}',
    });
  });
});
