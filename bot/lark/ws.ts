/**
 * Long-connection transport (长连接): Lark pushes events and card callbacks down an outbound
 * WebSocket that the SDK's WSClient opens, so the bot runs on a machine with no public URL.
 * Every envelope goes to the same transport-independent dispatcher as the webhook
 * (`dispatchEnvelope` in bot/ingest.ts), and what it returns — `{}` for an event, `{ toast, card }`
 * for a card click — is what the SDK sends back in the acknowledgement frame.
 *
 * What this leans on in @larksuiteoapi/node-sdk 1.74.0 (lib/index.js, `class WSClient`):
 * - Discovery: `POST {domain}/callback/ws/endpoint` with `{ AppID, AppSecret }` →
 *   `{ code, msg, data: { URL, ClientConfig: { PingInterval, ReconnectCount, ReconnectInterval,
 *   ReconnectNonce } } }` (seconds). It runs again before every reconnect, so Lark's
 *   ClientConfig governs pings and reconnects; a pong may carry a new ClientConfig too.
 * - Frames are protobuf `pbbp2.Frame`; `method` 0 = control (ping/pong), 1 = data. A data frame
 *   with header `type: event` carries the schema-2.0 JSON, possibly split (`sum`/`seq` per
 *   `message_id`); frames of `type: card` (the legacy callback) are dropped unanswered. Card
 *   callbacks of the current kind (`card.action.trigger`) arrive as `type: event`.
 * - The SDK hands the merged JSON, untouched, to `eventDispatcher.invoke(data)` and answers
 *   with the same frame (plus a `biz_rt` header) whose payload is
 *   `{"code":200,"data":base64(JSON(result))}`, or `{"code":500}` when invoke throws.
 * - After a drop it waits `ReconnectNonce × random`, rediscovers and reconnects, then retries
 *   every `ReconnectInterval` (`ReconnectCount` −1 = for ever). Defaults before the server
 *   speaks: 120 s, 30 s jitter, unlimited. A discovery `code` other than 0 or 1000040343 ends
 *   the client for good (`onError`), as does running out of reconnects.
 *
 * Console setup and the log lines are described in docs/long-connection.md.
 * Source: https://open.feishu.cn/document/ukTMukTMukTM/uYDNxYjL2QTM24iN0EjN/event-subscription-configure-/request-url-configuration-case
 */
import { EventDispatcher, LoggerLevel, WSClient, defaultHttpInstance, type HttpInstance, type Logger as SdkLogger } from '@larksuiteoapi/node-sdk';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import { larkBaseUrl } from '../config.js';
import type { Deps } from '../deps.js';

export type LongConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'stopped';

export interface LongConnection {
  /** For /healthz: `connected` is the only state in which events can arrive. */
  state(): LongConnectionState;
  /** When the connection stopped by itself: the one thing to fix, as logged. Otherwise null. */
  problem(): string | null;
  /** Close the socket with a closing handshake; no reconnect follows. Safe to call twice. */
  stop(): Promise<void>;
}

/** The transport-independent intake: bot/ingest.ts's `dispatchEnvelope` with the entry's router (a test injects its own). */
export type Dispatch = (deps: Deps, envelope: Record<string, unknown>) => Promise<Record<string, unknown>>;

export interface LongConnectionOptions {
  appId: string;
  appSecret: string;
  /** LARK_DOMAIN: `feishu`, `lark`, or a base URL such as `http://127.0.0.1:9000`. */
  domain: string;
  dispatch: Dispatch;
}

/** The path the SDK asks for the socket address (`WSConfig.wsConfigUrl`). */
export const ENDPOINT_PATH = '/callback/ws/endpoint';

/** The SDK's own check before it starts (`WSClient.start`); it only logs when this fails. */
const APP_ID_FORMAT = /^cli_[0-9a-fA-F]{16}$/;

/**
 * Discovery answers Lark gives when it refuses an app, each with the one thing to change.
 * 403/514/1000040343/1000040350 are the SDK's `ErrorCode`; 1000040344–1000040346 and
 * 1000040351 are what open.feishu.cn answers for empty, wrong and unknown credentials and for
 * an app of the other deployment (HTTP 200, e.g. `{"code":1000040346,"msg":"app_id is
 * invalid","data":{"URL":""}}`).
 */
const REFUSALS: Readonly<Record<number, string>> = {
  403: 'Lark forbids this app a long connection: it is only for enabled custom (企业自建) apps — check the app in the developer console, or run with LARK_MODE=webhook',
  514: 'Lark refused the app credentials: copy LARK_APP_ID and LARK_APP_SECRET again from the developer console (凭证与基础信息 / Credentials & Basic Info)',
  1000040344: 'LARK_APP_ID or LARK_APP_SECRET is empty: set both from the developer console (凭证与基础信息 / Credentials & Basic Info)',
  1000040345:
    'LARK_APP_SECRET does not belong to LARK_APP_ID: copy the App Secret again from the developer console (凭证与基础信息 / Credentials & Basic Info); resetting it there invalidates the old one',
  1000040346:
    'Lark does not know LARK_APP_ID: copy the App ID (cli_…) from the developer console, and set LARK_DOMAIN=lark for an open.larksuite.com app or feishu for an open.feishu.cn app',
  1000040350:
    'this app already holds the most long connections Lark allows (50): stop the other running copies of the bot — each event goes to only one of them anyway',
  1000040351:
    'this app belongs to the other Lark deployment: set LARK_DOMAIN=lark for an app made on open.larksuite.com, or LARK_DOMAIN=feishu for open.feishu.cn',
};

/** Answers after which Lark expects a retry: 1 (system busy) and 1000040343 (internal error). */
const BUSY = new Set([1, 1000040343]);

/**
 * The sentence to log when Lark refuses the long connection with `code`.
 * @example explainRefusal(1000040345) // → 'LARK_APP_SECRET does not belong to LARK_APP_ID: …'
 */
export function explainRefusal(code: number, msg?: string): string {
  return (
    REFUSALS[code] ??
    `Lark refused the long connection (code ${code}${msg ? `: ${msg}` : ''}): check LARK_APP_ID, LARK_APP_SECRET and LARK_DOMAIN, and that the app is a custom (企业自建) app`
  );
}

const CONSOLE_HINT =
  'events and card clicks arrive only once the developer console has 事件与回调 → 订阅方式 set to 使用长连接接收事件 (events) and 使用长连接接收回调 (callbacks), the events and the 卡片回传交互 card.action.trigger callback added, and a version published';

/**
 * Open the long connection and keep it open. Returns at once; the state moves from
 * `connecting` to `connected`, and to `reconnecting` and back after a drop.
 * @example const conn = startLongConnection(deps, { appId, appSecret, domain: config.LARK_DOMAIN });
 */
export function startLongConnection(deps: Deps, opts: LongConnectionOptions): LongConnection {
  const log = deps.log.child({ component: 'lark-ws' });
  const { dispatch } = opts;
  const base = larkBaseUrl(opts.domain);
  const discoveryUrl = `${base}${ENDPOINT_PATH}`;

  let current: LongConnectionState = 'connecting';
  let problem: string | null = null;
  let endpoint: { url: string; deviceId: string | null } | null = null;
  let hasConnected = false;
  let stopping: Promise<void> | null = null;

  const giveUp = (sentence: string): void => {
    problem = sentence;
    current = 'stopped';
  };

  if (!APP_ID_FORMAT.test(opts.appId)) {
    giveUp(
      'LARK_APP_ID must be cli_ followed by 16 hexadecimal characters: copy the App ID from the developer console (凭证与基础信息 / Credentials & Basic Info)',
    );
    log.error(`long connection not started: ${problem}`);
    return { state: () => current, problem: () => problem, stop: async () => undefined };
  }
  if (!opts.appSecret) {
    giveUp(explainRefusal(1000040344));
    log.error(`long connection not started: ${problem}`);
    return { state: () => current, problem: () => problem, stop: async () => undefined };
  }

  // Discovery goes through here so that Lark's answer can be read, explained and logged once.
  const sdkHttp = defaultHttpInstance as unknown as HttpInstance;
  const http: HttpInstance = {
    request: (async (req: Parameters<HttpInstance['request']>[0]) => {
      if (!String(req.url ?? '').endsWith(ENDPOINT_PATH)) return sdkHttp.request(req);
      announceAttempt();
      let body: unknown;
      try {
        body = await sdkHttp.request(req);
      } catch (err) {
        body = answerInside(err);
        if (body === undefined) {
          // Only message and code: an axios error carries the request, and so the app secret.
          const e = err as { message?: string; code?: string };
          log.warn(
            { reason: redact(String(e.message ?? err), opts.appSecret), code: e.code },
            `long connection: cannot reach ${discoveryUrl}; retrying — check the network, any proxy, and LARK_DOMAIN`,
          );
          throw err;
        }
      }
      return readAnswer(body);
    }) as HttpInstance['request'],
    get: (url, o) => sdkHttp.get(url, o),
    delete: (url, o) => sdkHttp.delete(url, o),
    head: (url, o) => sdkHttp.head(url, o),
    options: (url, o) => sdkHttp.options(url, o),
    post: (url, data, o) => sdkHttp.post(url, data, o),
    put: (url, data, o) => sdkHttp.put(url, data, o),
    patch: (url, data, o) => sdkHttp.patch(url, data, o),
  };

  function announceAttempt(): void {
    const attempt = client.getConnectionStatus().reconnectAttempts;
    if (attempt === 0) log.info({ endpoint: discoveryUrl }, 'long connection: connecting');
    else if (hasConnected) log.warn({ attempt }, `long connection: reconnecting (attempt ${attempt})`);
    else log.warn({ attempt }, `long connection: connecting (attempt ${attempt})`);
  }

  function readAnswer(body: unknown): unknown {
    const answer = body as { code?: unknown; msg?: unknown; data?: { URL?: unknown } | null } | null;
    if (!answer || typeof answer !== 'object' || typeof answer.code !== 'number') {
      log.warn(`long connection: ${discoveryUrl} gave no Lark answer; retrying — check LARK_DOMAIN`);
      throw new Error('the long-connection endpoint gave no Lark answer');
    }
    const msg = typeof answer.msg === 'string' ? answer.msg : undefined;
    if (answer.code === 0) {
      endpoint = describeEndpoint(String(answer.data?.URL ?? ''));
      return body;
    }
    if (BUSY.has(answer.code)) {
      log.warn({ code: answer.code, lark_msg: msg }, 'long connection: Lark is busy; retrying');
      // Thrown, because the SDK retries a thrown discovery but ends the client on code 1.
      throw new Error(`Lark long-connection service busy (code ${answer.code})`);
    }
    giveUp(explainRefusal(answer.code, msg));
    log.error({ code: answer.code, lark_msg: msg }, `long connection refused: ${problem}`);
    // The SDK destructures `data` before it reads `code`; without it a refusal would loop as a retry.
    return { ...answer, data: answer.data ?? {} };
  }

  const onEnvelope = async (data: unknown): Promise<Record<string, unknown>> => {
    if (!data || typeof data !== 'object' || Array.isArray(data)) {
      log.warn('long connection: a frame without a JSON object; answered 500');
      throw new TypeError('envelope is not a JSON object');
    }
    const envelope = data as Record<string, unknown>;
    const header = (envelope.header ?? {}) as { event_id?: unknown; event_type?: unknown };
    try {
      return await dispatch(deps, envelope);
    } catch (err) {
      log.error(
        { err, event_id: header.event_id, event_type: header.event_type },
        'long connection: dispatch failed; acknowledged with code 500 so Lark delivers the event again',
      );
      throw err;
    }
  };

  const sdkLog = sdkLogger(log, opts.appSecret);
  const client = new WSClient({
    appId: opts.appId,
    appSecret: opts.appSecret,
    domain: base,
    httpInstance: http,
    logger: sdkLog,
    loggerLevel: LoggerLevel.debug,
    autoReconnect: true,
    // A socket that stops answering pings is ended and replaced (larksuite/openclaw-lark#158).
    wsConfig: { pingTimeout: 20 },
    handshakeTimeoutMs: 15_000,
    onReady: () => {
      hasConnected = true;
      current = 'connected';
      log.info({ endpoint: endpoint?.url, device_id: endpoint?.deviceId, hint: CONSOLE_HINT }, 'long connection: connected');
    },
    onReconnected: () => {
      current = 'connected';
      log.info({ endpoint: endpoint?.url, device_id: endpoint?.deviceId }, 'long connection: connected again');
    },
    onReconnecting: () => {
      current = 'reconnecting';
      log.warn('long connection: lost; reconnecting');
    },
    onError: (err) => {
      if (stopping) return;
      if (problem) {
        current = 'stopped';
        return;
      }
      giveUp(
        /exhausted/.test(err.message)
          ? `gave up after the reconnects Lark allows (${err.message}): check the network, then restart the bot`
          : redact(err.message, opts.appSecret),
      );
      log.error(`long connection stopped: ${problem}`);
    },
  });

  void client.start({ eventDispatcher: new EnvelopeDispatcher(onEnvelope, sdkLog) }).catch((err: unknown) => {
    giveUp(redact(err instanceof Error ? err.message : String(err), opts.appSecret));
    log.error(`long connection stopped: ${problem}`);
  });

  return {
    state: () => current,
    problem: () => problem,
    stop() {
      stopping ??= closeClient(client, log).then(() => {
        current = 'stopped';
      });
      current = 'stopped';
      return stopping;
    },
  };
}

/**
 * Hands the SDK's merged JSON, untouched, to our intake. The SDK's own `invoke` would flatten
 * header and event into one object; the long connection is already authenticated, so there is
 * nothing for it to check.
 */
class EnvelopeDispatcher extends EventDispatcher {
  constructor(
    private readonly onEnvelope: (data: unknown) => Promise<Record<string, unknown>>,
    logger: SdkLogger,
  ) {
    super({ logger, loggerLevel: LoggerLevel.warn });
  }

  override invoke(data: unknown): Promise<Record<string, unknown>> {
    return this.onEnvelope(data);
  }
}

/** Close with a closing handshake and wait for it (at most 3 s, then cut the socket). */
async function closeClient(client: WSClient, log: Logger): Promise<void> {
  // 1.74.0 has no public handle on the socket, and its close() does not wait for the handshake.
  const socket = (client as unknown as { wsConfig?: { getWSInstance?(): WebSocket | null } }).wsConfig?.getWSInstance?.() ?? null;
  client.close();
  if (socket && socket.readyState !== socket.CLOSED) {
    await new Promise<void>((resolve) => {
      const cut = setTimeout(() => {
        socket.terminate();
        resolve();
      }, 3_000);
      socket.once('close', () => {
        clearTimeout(cut);
        resolve();
      });
    });
  }
  log.info('long connection: stopped');
}

/** The socket address without its query (which holds a ticket and keys); device_id kept for support. */
function describeEndpoint(raw: string): { url: string; deviceId: string | null } {
  try {
    const u = new URL(raw);
    return { url: `${u.protocol}//${u.host}${u.pathname}`, deviceId: u.searchParams.get('device_id') };
  } catch {
    return { url: '(unreadable address)', deviceId: null };
  }
}

/** A Lark answer carried by an HTTP error (non-2xx with a JSON body that has a `code`). */
function answerInside(err: unknown): unknown {
  const data = (err as { response?: { data?: unknown } } | null)?.response?.data;
  return data && typeof data === 'object' && typeof (data as { code?: unknown }).code === 'number' ? data : undefined;
}

function redact(text: string, secret: string): string {
  const hidden = secret ? text.split(secret).join('[redacted]') : text;
  return hidden.replace(/(wss?:\/\/[^\s?"']+)\?[^\s"']*/g, '$1?[redacted]');
}

/** SDK lines that mean something went wrong which our own lines do not already say. */
const NOTABLE = /failed to handle inbound frame|failed to merge|invalid pong|send data failed|handshake timeout|callback threw|no pong/;

/**
 * The SDK's logger, onto ours. Its connection chatter is repeated by our own clearer lines, so
 * it goes to debug; the secret and socket query strings never reach the log.
 */
function sdkLogger(log: Logger, secret: string): SdkLogger {
  const text = (args: unknown[]): string =>
    redact(
      args
        .flat(3)
        .map((a) => (typeof a === 'string' ? a : a instanceof Error ? a.message : safeJson(a)))
        .join(' '),
      secret,
    );
  const serious = (...args: unknown[]): void => {
    const line = text(args);
    if (NOTABLE.test(line)) log.warn({ sdk: line }, 'lark sdk');
    else log.debug({ sdk: line }, 'lark sdk');
  };
  return {
    error: serious,
    warn: serious,
    info: (...args: unknown[]) => log.debug({ sdk: text(args) }, 'lark sdk'),
    debug: (...args: unknown[]) => log.debug({ sdk: text(args) }, 'lark sdk'),
    trace: (...args: unknown[]) => log.trace({ sdk: text(args) }, 'lark sdk'),
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
