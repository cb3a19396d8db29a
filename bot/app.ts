/**
 * The HTTP edge: POST /lark/events and GET /healthz. It only authenticates, decodes and
 * acknowledges; everything else happens in bot/ingest.ts. Bad input is a 4xx and writes
 * nothing; only a database that cannot store the event answers 503 (Lark retries then).
 */
import { Hono, type Context } from 'hono';
import { pingDb } from '../db/client.js';
import type { Deps } from './deps.js';
import { backlog, dispatchEnvelope } from './ingest.js';
import type { Router } from './router.js';
import { MalformedEventError } from './lark/events.js';
import { AuthError, MalformedRequestError, verifyRequest } from './lark/verify.js';

/** Lark's events are small; a message body is at most 150 KB of text. */
export const MAX_BODY_BYTES = 256 * 1024;
/** Answer well inside Lark's 3 s even when the database is slow. */
const ACK_BUDGET_MS = 2_500;

/** The answer to every request that fails authentication, whatever step failed. */
const UNAUTHORIZED = { error: 'unauthorized' } as const;

/**
 * The body, read chunk by chunk and abandoned as soon as it passes `max` bytes (null then),
 * whether or not a content-length was declared: a chunked upload is never held whole.
 */
export async function readLimited(req: Request, max: number): Promise<Uint8Array | null> {
  const declared = Number(req.headers.get('content-length') ?? 0);
  if (declared > max) {
    await req.body?.cancel().catch(() => {});
    return null;
  }
  // A declared length bounds the body already: HTTP/1.1 delivers exactly that many bytes (more
  // is a parse error). Read whole through the server's direct path: on Node no web stream and no
  // full Request are built, the largest cost of a small event's ack. Chunked uploads are read piecewise.
  if (req.headers.has('content-length') && !req.headers.has('transfer-encoding')) {
    const body = new Uint8Array(await req.arrayBuffer());
    return body.byteLength > max ? null : body;
  }
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

export interface AppOptions {
  /** Extra health facts (long-connection state, mode). */
  health?: () => Record<string, unknown>;
  /**
   * Whether the caller is on this machine: only then does /healthz say more than ok / not ok
   * (the mode, the database, the long connection's error text). Absent: never.
   */
  isLoopback?: (c: Context) => boolean;
}

/** For @hono/node-server: the peer address is 127.0.0.0/8 or ::1. */
export function isLoopbackPeer(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.replace(/^::ffff:/, '');
  return a === '::1' || /^127\.\d+\.\d+\.\d+$/.test(a);
}

export function createApp(deps: Deps, router: Router, opts: AppOptions = {}): Hono {
  const app = new Hono();

  app.get('/healthz', async (c) => {
    let local = false;
    try {
      local = opts.isLoopback?.(c) ?? false;
    } catch {
      local = false;
    }
    let db = 'ok';
    // How far behind processing is (queued here, and unprocessed in the inbox across
    // processes): asked only for the machine itself.
    let inbox: Awaited<ReturnType<typeof backlog>> | undefined;
    try {
      await pingDb(deps.db);
      if (local) inbox = await backlog(deps);
    } catch {
      db = 'unavailable';
    }
    const ok = db === 'ok';
    // Anyone may ask whether the bot is up; only the machine itself hears the details.
    if (!local) return c.json({ ok }, ok ? 200 : 503);
    const body = { ok, db, ...(inbox ? { inbox } : {}), ...(opts.health?.() ?? {}) };
    return c.json(body, ok ? 200 : 503);
  });

  app.post('/lark/events', async (c) => {
    const buf = await readLimited(c.req.raw, MAX_BODY_BYTES);
    if (!buf) {
      // Stop here: the rest of the upload is never read (Node drops the connection after a short drain).
      c.header('connection', 'close');
      return c.json({ error: 'body too large' }, 413);
    }
    const { config } = deps;
    let verified;
    try {
      let raw: string;
      try {
        raw = new TextDecoder('utf-8', { fatal: true }).decode(buf);
      } catch {
        throw new AuthError('not_utf8');
      }
      verified = verifyRequest(
        raw,
        {
          timestamp: c.req.header('x-lark-request-timestamp'),
          nonce: c.req.header('x-lark-request-nonce'),
          signature: c.req.header('x-lark-signature'),
        },
        { encryptKey: config.LARK_ENCRYPT_KEY, verificationToken: config.LARK_VERIFICATION_TOKEN, now: deps.clock.now() },
      );
    } catch (err) {
      if (err instanceof AuthError) {
        // One answer for every step that failed, so nothing about the body leaks (no padding oracle).
        deps.log.warn({ reason: err.reason }, 'webhook request refused');
        return c.json(UNAUTHORIZED, 401);
      }
      // Only a request already authenticated gets here: Lark signed it, the answer may say why.
      if (err instanceof MalformedRequestError) return c.json({ error: err.message }, 400);
      throw err;
    }
    if (verified.kind === 'challenge') return c.json({ challenge: verified.challenge });

    const work = dispatchEnvelope(deps, router, verified.envelope);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), ACK_BUDGET_MS);
    });
    try {
      const answer = await Promise.race([work, late]);
      if (answer === 'late') {
        // Still storing (database busy): keep going, but let Lark retry; the dedupe makes it safe.
        deps.defer(() => work.catch((err) => deps.log.error({ err }, 'late event intake failed')));
        return c.json({ error: 'busy, retry' }, 503);
      }
      return c.json(answer);
    } catch (err) {
      if (err instanceof MalformedEventError) return c.json({ error: err.message }, 400);
      deps.log.error({ err }, 'event intake failed');
      return c.json({ error: 'temporarily unavailable' }, 503);
    } finally {
      clearTimeout(timer);
    }
  });

  app.notFound((c) => c.json({ error: 'not found' }, 404));
  app.onError((err, c) => {
    deps.log.error({ err }, 'unhandled request error');
    return c.json({ error: 'internal error' }, 500);
  });
  return app;
}
