/**
 * A stand-in for Lark's long-connection gateway on 127.0.0.1, for the SDK's real WSClient.
 * Point LARK_DOMAIN (the SDK's `domain`) at `fake.url`: it answers endpoint discovery
 * (`POST /callback/ws/endpoint`), accepts the WebSocket, answers pings with pongs carrying
 * ClientConfig, pushes events as protobuf data frames (split into parts on request) and
 * resolves each push with the client's acknowledgement. Like Lark, it delivers an event again,
 * with the same envelope, when its connection closes before the acknowledgement arrives.
 *
 * The wire format is @larksuiteoapi/node-sdk 1.74.0's: lib/index.js `pbbp2.Header`/`pbbp2.Frame`
 * (generated encode/decode: field ids, wire types, required fields), `FrameType`, `HeaderKey`,
 * `MessageType`, `WSClient.handleControlData`/`handleEventData`/`pullConnectConfig`.
 * test/bot/lark/ws.test.ts checks this schema against the SDK's generated code.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import protobuf from 'protobufjs';
import { WebSocketServer, type WebSocket } from 'ws';

/** pbbp2 as the SDK's generated code reads and writes it (proto2: the first four are required). */
const PBBP2_PROTO = `
syntax = "proto2";
package pbbp2;
message Header {
  required string key = 1;
  required string value = 2;
}
message Frame {
  required uint64 SeqID = 1;
  required uint64 LogID = 2;
  required int32 service = 3;
  required int32 method = 4;
  repeated Header headers = 5;
  optional string payloadEncoding = 6;
  optional string payloadType = 7;
  optional bytes payload = 8;
  optional string LogIDNew = 9;
}
`;

const root = protobuf.parse(PBBP2_PROTO, { keepCase: true }).root;
const FrameType = root.lookupType('pbbp2.Frame');

export interface FrameHeader {
  key: string;
  value: string;
}

export interface Frame {
  SeqID: number;
  LogID: number;
  service: number;
  method: number;
  headers: FrameHeader[];
  payload?: Uint8Array;
}

/** `FrameType` in the SDK. */
export const METHOD = { control: 0, data: 1 } as const;

export const frameCodec = {
  encode(frame: Frame): Uint8Array {
    return FrameType.encode(FrameType.fromObject(frame)).finish();
  },
  decode(bytes: Uint8Array): Frame {
    const m = FrameType.toObject(FrameType.decode(bytes), { longs: Number, defaults: true }) as Frame;
    return { ...m, SeqID: Number(m.SeqID), LogID: Number(m.LogID), payload: m.payload?.length ? m.payload : undefined };
  },
};

/** Lark's ClientConfig, in seconds (fractions allowed: the SDK multiplies by 1000). */
export interface ClientConfig {
  PingInterval: number;
  ReconnectCount: number;
  ReconnectInterval: number;
  ReconnectNonce: number;
}

export interface FakeLongConnectionOptions {
  port?: number;
  /** Accept only these credentials; without them any non-empty pair is accepted. */
  appId?: string;
  appSecret?: string;
  /** Refuse discovery: `true` answers as open.feishu.cn does for a wrong secret. */
  rejectCredentials?: boolean | { code: number; msg: string };
  /** Sent with discovery and in every pong. Defaults are short, for tests. */
  clientConfig?: Partial<ClientConfig>;
}

export interface PushOptions {
  /** Split the JSON payload into this many frames (`sum`/`seq` headers). */
  parts?: number;
  /** Lose the first acknowledgement: cut the connection as it arrives, so Lark redelivers. */
  loseAck?: boolean;
}

/** The client's acknowledgement: `data` is the dispatcher's answer, decoded from base64 JSON. */
export interface Ack {
  code: number;
  data?: unknown;
  headers: Record<string, string>;
  /** How many times the event was sent before this acknowledgement. */
  deliveries: number;
}

export interface ConnectionInfo {
  deviceId: string;
  open: boolean;
  pings: number;
  closeCode?: number;
}

export interface Discovery {
  appId: string;
  code: number;
}

export interface FakeLongConnection {
  /** Base URL to give the SDK as its domain. */
  url: string;
  pushEvent(envelope: Record<string, unknown>, opts?: PushOptions): Promise<Ack>;
  /** Cut every open socket without a closing handshake, as a network drop would. */
  dropConnection(): Promise<void>;
  /** Answer the next `n` discoveries with code 1000040343 (internal error: the client retries). */
  answerBusy(n: number): void;
  connections(): ConnectionInfo[];
  discoveries(): Discovery[];
  close(): Promise<void>;
}

interface Delivery {
  payload: Buffer;
  parts: number;
  loseAck: boolean;
  sent: number;
  resolve(ack: Ack): void;
}

interface Connection {
  info: ConnectionInfo;
  socket: WebSocket;
  serviceId: number;
  ready: boolean;
  inflight: Map<string, Delivery>;
}

const DEFAULT_CONFIG: ClientConfig = { PingInterval: 30, ReconnectCount: -1, ReconnectInterval: 0.05, ReconnectNonce: 0.05 };

export async function createFakeLongConnection(opts: FakeLongConnectionOptions = {}): Promise<FakeLongConnection> {
  const config: ClientConfig = { ...DEFAULT_CONFIG, ...opts.clientConfig };
  const tickets = new Map<string, { deviceId: string; serviceId: number }>();
  const conns: Connection[] = [];
  const queue: Delivery[] = [];
  const discoveries: Discovery[] = [];
  let busyLeft = 0;
  let seq = 0;
  let port = 0;

  const server = createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/callback/ws/endpoint') return void discover(req, res);
    res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found');
  });
  const wss = new WebSocketServer({ noServer: true });

  async function discover(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { AppID?: string; AppSecret?: string };
    const answer = (code: number, msg: string, data: Record<string, unknown> = { URL: '' }) => {
      discoveries.push({ appId: body.AppID ?? '', code });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ code, msg, data }));
    };
    if (!body.AppID || !body.AppSecret) return answer(1000040344, 'app_id or app_secret is empty');
    if (busyLeft > 0) {
      busyLeft--;
      return answer(1000040343, 'internal error');
    }
    if (opts.rejectCredentials) {
      const r = opts.rejectCredentials === true ? { code: 1000040345, msg: 'app_id or app_secret is invalid' } : opts.rejectCredentials;
      return answer(r.code, r.msg);
    }
    if ((opts.appId && body.AppID !== opts.appId) || (opts.appSecret && body.AppSecret !== opts.appSecret)) {
      return answer(1000040345, 'app_id or app_secret is invalid');
    }
    const ticket = randomUUID();
    const deviceId = `fake-device-${tickets.size + 1}`;
    const serviceId = 1000 + tickets.size;
    tickets.set(ticket, { deviceId, serviceId });
    answer(0, 'ok', {
      URL: `ws://127.0.0.1:${port}/ws/v2?device_id=${deviceId}&service_id=${serviceId}&ticket=${ticket}`,
      ClientConfig: config,
    });
  }

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const grant = tickets.get(url.searchParams.get('ticket') ?? '');
    if (url.pathname !== '/ws/v2' || !grant) {
      socket.end('HTTP/1.1 403 Forbidden\r\nHandshake-Status: 403\r\nHandshake-Msg: invalid ticket\r\n\r\n');
      return;
    }
    tickets.delete(url.searchParams.get('ticket') ?? '');
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws, grant.deviceId, grant.serviceId));
  });

  function accept(socket: WebSocket, deviceId: string, serviceId: number): void {
    const conn: Connection = { info: { deviceId, open: true, pings: 0 }, socket, serviceId, ready: false, inflight: new Map() };
    conns.push(conn);
    socket.on('message', (data) => onFrame(conn, frameCodec.decode(toBytes(data))));
    socket.on('close', (code) => {
      conn.info.open = false;
      conn.info.closeCode = code;
      conn.ready = false;
      // Unacknowledged events go out again, as Lark redelivers what it did not hear back about.
      queue.unshift(...conn.inflight.values());
      conn.inflight.clear();
      flush();
    });
    socket.on('error', () => undefined);
  }

  function onFrame(conn: Connection, frame: Frame): void {
    const headers = Object.fromEntries(frame.headers.map((h) => [h.key, h.value]));
    if (frame.method === METHOD.control) {
      if (headers.type !== 'ping') return;
      conn.info.pings++;
      send(conn, {
        SeqID: 0,
        LogID: 0,
        service: conn.serviceId,
        method: METHOD.control,
        headers: [{ key: 'type', value: 'pong' }],
        payload: Buffer.from(JSON.stringify(config)),
      });
      // The client listens for data only once its first ping is out; deliver from then on.
      if (!conn.ready) {
        conn.ready = true;
        flush();
      }
      return;
    }
    const delivery = conn.inflight.get(headers.message_id ?? '');
    if (!delivery) return;
    if (delivery.loseAck) {
      delivery.loseAck = false;
      conn.socket.terminate();
      return;
    }
    conn.inflight.delete(headers.message_id ?? '');
    const payload = JSON.parse(Buffer.from(frame.payload ?? []).toString('utf8')) as { code: number; data?: string };
    delivery.resolve({
      code: payload.code,
      data: payload.data === undefined ? undefined : JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8')),
      headers,
      deliveries: delivery.sent,
    });
  }

  function flush(): void {
    while (queue.length > 0) {
      const conn = readyConnection();
      if (!conn) return;
      deliver(conn, queue.shift() as Delivery);
    }
  }

  function readyConnection(): Connection | undefined {
    return [...conns].reverse().find((c) => c.ready && c.info.open);
  }

  function deliver(conn: Connection, d: Delivery): void {
    d.sent++;
    const messageId = randomUUID();
    conn.inflight.set(messageId, d);
    const size = Math.ceil(d.payload.length / d.parts);
    for (let i = 0; i < d.parts; i++) {
      seq++;
      send(conn, {
        SeqID: seq,
        LogID: seq,
        service: conn.serviceId,
        method: METHOD.data,
        headers: [
          { key: 'type', value: 'event' },
          { key: 'message_id', value: messageId },
          { key: 'sum', value: String(d.parts) },
          { key: 'seq', value: String(i) },
          { key: 'trace_id', value: `trace-${seq}` },
        ],
        payload: d.payload.subarray(i * size, (i + 1) * size),
      });
    }
  }

  function send(conn: Connection, frame: Frame): void {
    conn.socket.send(frameCodec.encode(frame), { binary: true });
  }

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    pushEvent(envelope, push = {}) {
      return new Promise<Ack>((resolve) => {
        queue.push({
          payload: Buffer.from(JSON.stringify(envelope)),
          parts: Math.max(1, push.parts ?? 1),
          loseAck: push.loseAck ?? false,
          sent: 0,
          resolve,
        });
        flush();
      });
    },
    async dropConnection() {
      const open = conns.filter((c) => c.info.open);
      await Promise.all(
        open.map(
          (c) =>
            new Promise<void>((resolve) => {
              c.socket.once('close', () => resolve());
              c.socket.terminate();
            }),
        ),
      );
    },
    answerBusy(n) {
      busyLeft = n;
    },
    connections: () => conns.map((c) => ({ ...c.info })),
    discoveries: () => [...discoveries],
    async close() {
      for (const c of conns) if (c.info.open) c.socket.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function toBytes(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}
