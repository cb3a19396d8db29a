/**
 * What a shared scenario may do with a running bot, whatever the runtime: post a delivery to
 * the webhook, run a scheduled job at a given moment, read the database and see what reached
 * the fake Lark server. test/scenarios.node.test.ts implements it on the Node composition root,
 * test/worker/scenarios.test.ts on the Worker entry inside workerd. Importable inside workerd.
 */
import type { Fault } from '../../bot/sandbox/fake-lark/server.js';
import { signedRequest, type SignedRequestOptions } from '../../bot/sandbox/fake-lark/events.js';
import { ENCRYPT_KEY, VERIFICATION_TOKEN } from './office.js';

/** A message as the fake Lark server recorded it, with its text flattened (cards included). */
export interface SentMessage {
  id: string;
  chatId: string;
  chatType: 'group' | 'p2p';
  receiveIdType: string;
  receiveId: string;
  msgType: string;
  text: string;
  content: unknown;
  replyTo: string | null;
  uuid: string | null;
}

export interface FakeRecorder {
  messages(): Promise<SentMessage[]>;
  urgents(): Promise<Array<{ messageId: string; kind: string; userIds: string[] }>>;
  /** The next `n` calls matching the filter (`path` a prefix, `query` a substring) answer `fault` instead. */
  failNext(n: number, fault: Fault & { method?: string; path?: string; query?: string }): Promise<void>;
  /** Every answer waits this long first (0: none). */
  setLatency(ms: number): Promise<void>;
  /** Forgets injected faults. */
  clearFaults(): Promise<void>;
  /** Adds a person to the fake's directory (contact API), in a department of that name. */
  addUser(u: { openId: string; name: string; departmentId: string; departmentName: string }): Promise<void>;
  /** Adds a group the bot is in (im chat API). */
  addChat(c: { chatId: string; name: string; ownerId: string; members: string[] }): Promise<void>;
}

export interface Harness {
  runtime: 'node' | 'workerd';
  /** What the bot's clock says now. */
  now(): Date;
  /** POSTs a raw delivery to /lark/events; resolves with the answer (work may still run). */
  postRaw(body: string, headers: Record<string, string>): Promise<Response>;
  /** Waits until the work the answers deferred (handlers, outbox) is done. */
  settle(): Promise<void>;
  /** Runs a job of schedules/jobs.ts the way this runtime's scheduler does, at `now`. */
  runJob(name: string, now: Date): Promise<void>;
  /** Reads the bot's database. */
  query<T = Record<string, unknown>>(sql: string, args?: Array<string | number | null>): Promise<T[]>;
  fake: FakeRecorder;
}

/** Signs (and encrypts) an envelope like Lark does for this app, then posts it. */
export function post(h: Harness, envelope: Record<string, unknown>, o: SignedRequestOptions = {}): Promise<Response> {
  const { body, headers } = signedRequest(envelope, {
    encryptKey: ENCRYPT_KEY,
    verificationToken: VERIFICATION_TOKEN,
    timestamp: Math.floor(h.now().getTime() / 1000),
    ...o,
  });
  return h.postRaw(body, headers);
}

/** A short random tag, so scenarios sharing one database never see each other's rows. */
export function tag(): string {
  return Math.random().toString(36).slice(2, 10);
}

/** A count(*) query. */
export async function count(h: Harness, sql: string, args: Array<string | number | null> = []): Promise<number> {
  const rows = await h.query<{ n: number | bigint }>(sql, args);
  return Number(rows[0]?.n ?? 0);
}
