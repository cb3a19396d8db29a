/**
 * Authenticating what arrives at POST /lark/events, pure given `now`.
 * Source: open.feishu.cn "Encrypt Key" and "request signature" docs.
 *  - signature = hex(SHA-256(timestamp + nonce + encryptKey + rawBody)) over the raw bytes
 *    as received (the SDK hashes re-serialised JSON instead; we do not);
 *  - body { encrypt } = base64(IV(16) + AES-256-CBC(PKCS#7)), key = SHA-256(encryptKey);
 *  - the verification token, when set, in header.token (2.0) or token (1.0).
 */
import { createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';

/** Lark retries for ~7.1 h; anything older than this cannot be a genuine delivery. */
export const MAX_AGE_S = 8 * 3600;
/** Clock skew we tolerate for timestamps from the future. */
export const MAX_FUTURE_S = 5 * 60;

export type AuthFailure = 'bad_signature' | 'missing_signature' | 'stale_timestamp' | 'bad_token' | 'undecryptable' | 'not_utf8' | 'no_encrypt_key';

export class AuthError extends Error {
  constructor(readonly reason: AuthFailure) {
    super(reason);
    this.name = 'AuthError';
  }
}

export class MalformedRequestError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'MalformedRequestError';
  }
}

export interface VerifyOptions {
  encryptKey?: string;
  verificationToken?: string;
  now: Date;
}

export interface SignatureHeaders {
  timestamp?: string | null;
  nonce?: string | null;
  signature?: string | null;
}

export type Verified = { kind: 'challenge'; challenge: string } | { kind: 'envelope'; envelope: Record<string, any> };

const sha256 = (data: string | Buffer): Buffer => createHash('sha256').update(data).digest();

/** AES-256-CBC decrypt of Lark's `encrypt` field, on the whole buffer at once (UTF-8 safe). */
export function decryptLark(encrypted: string, encryptKey: string): string {
  const raw = Buffer.from(encrypted, 'base64');
  if (raw.length < 32 || raw.length % 16 !== 0) throw new AuthError('undecryptable');
  try {
    const decipher = createDecipheriv('aes-256-cbc', sha256(encryptKey), raw.subarray(0, 16));
    return Buffer.concat([decipher.update(raw.subarray(16)), decipher.final()]).toString('utf8');
  } catch {
    throw new AuthError('undecryptable');
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function checkSignature(h: SignatureHeaders, rawBody: string, encryptKey: string, now: Date): void {
  if (!h.timestamp || !h.nonce || !h.signature) throw new AuthError('missing_signature');
  const ts = Number(h.timestamp);
  if (!Number.isFinite(ts)) throw new AuthError('stale_timestamp');
  const age = now.getTime() / 1000 - ts;
  if (age > MAX_AGE_S || age < -MAX_FUTURE_S) throw new AuthError('stale_timestamp');
  const expected = createHash('sha256')
    .update(h.timestamp + h.nonce + encryptKey)
    .update(Buffer.from(rawBody, 'utf8'))
    .digest('hex');
  if (!safeEqual(expected, h.signature.toLowerCase())) throw new AuthError('bad_signature');
}

function parseJson(text: string): Record<string, any> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new MalformedRequestError('body is not JSON');
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new MalformedRequestError('body is not a JSON object');
  return v as Record<string, any>;
}

/**
 * Verifies and decodes one webhook request. Throws AuthError (→ 401) for anything not proven
 * to come from Lark — one kind of answer whatever step failed, so a refusal says nothing
 * about the body (a padding or JSON error would be an oracle) — and MalformedRequestError
 * (→ 400) only for a request already authenticated. Never writes anything.
 *
 * An Encrypt Key is required: with the verification token alone, anyone who saw one event
 * could forge others (config.ts refuses webhook mode without the key).
 */
export function verifyRequest(rawBody: string, headers: SignatureHeaders, opts: VerifyOptions): Verified {
  if (!opts.encryptKey) throw new AuthError('no_encrypt_key');
  if (!headers.signature) return verifyChallenge(rawBody, opts.encryptKey, opts.verificationToken);
  checkSignature(headers, rawBody, opts.encryptKey, opts.now);
  // Authenticated from here on: Lark signed exactly these bytes.
  let body = parseJson(rawBody);
  if (typeof body.encrypt === 'string') {
    let plain: string;
    try {
      plain = decryptLark(body.encrypt, opts.encryptKey);
    } catch {
      throw new MalformedRequestError('encrypt does not decrypt');
    }
    body = parseJson(plain);
  }
  const token = body.type === 'url_verification' ? body.token : (body.header?.token ?? body.token);
  if (opts.verificationToken && (typeof token !== 'string' || !safeEqual(token, opts.verificationToken))) throw new AuthError('bad_token');
  if (body.type === 'url_verification') {
    if (typeof body.challenge !== 'string') throw new MalformedRequestError('challenge missing');
    return { kind: 'challenge', challenge: body.challenge };
  }
  // The approval app's leave events are 1.0 callbacks (type event_callback, uuid, event.type).
  const v1 = body.schema === undefined && body.type === 'event_callback' && typeof body.event === 'object' && body.event !== null;
  if (!v1 && (body.schema !== '2.0' || typeof body.header !== 'object' || body.header === null)) {
    throw new MalformedRequestError('not a schema 2.0 event');
  }
  return { kind: 'envelope', envelope: body };
}

/**
 * The url_verification of an encrypted app carries no signature headers (Lark signs only
 * events), so it is authenticated by decrypting to a challenge with the verification token.
 * Every way this can fail is the same AuthError.
 * Source: open.feishu.cn/document/ukTMukTMukTM/uYDNxYjL2QTM24iN0EjN/event-subscription-configure-/encrypt-key-encryption-configuration-case ("不包括请求网址校验")
 */
function verifyChallenge(rawBody: string, encryptKey: string, verificationToken: string | undefined): Verified {
  let body: Record<string, any>;
  try {
    const outer = parseJson(rawBody);
    if (typeof outer.encrypt !== 'string') throw new AuthError('missing_signature');
    body = parseJson(decryptLark(outer.encrypt, encryptKey));
  } catch {
    throw new AuthError('missing_signature');
  }
  if (body.type !== 'url_verification' || typeof body.challenge !== 'string') throw new AuthError('missing_signature');
  if (verificationToken && (typeof body.token !== 'string' || !safeEqual(body.token, verificationToken))) throw new AuthError('missing_signature');
  return { kind: 'challenge', challenge: body.challenge };
}
