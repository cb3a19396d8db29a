import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AuthError, MalformedRequestError, decryptLark, verifyRequest } from '../../../bot/lark/verify.js';

const KEY = 'enc-key-123';
const now = new Date('2026-11-24T02:00:00Z');
const nowS = String(Math.floor(now.getTime() / 1000));

function encrypt(plain: string, key: string): string {
  const iv = randomBytes(16);
  const c = createCipheriv('aes-256-cbc', createHash('sha256').update(key).digest(), iv);
  return Buffer.concat([iv, c.update(plain, 'utf8'), c.final()]).toString('base64');
}
function sign(ts: string, nonce: string, key: string, body: string): string {
  return createHash('sha256')
    .update(ts + nonce + key + body)
    .digest('hex');
}
const envelope = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    schema: '2.0',
    header: { event_id: 'e1', event_type: 'im.message.receive_v1', create_time: String(now.getTime()), token: 'vt', tenant_key: 't1', app_id: 'cli_x' },
    event: {},
    ...extra,
  });

describe('verifyRequest', () => {
  it('decrypts the docs test vector', () => {
    expect(decryptLark('P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=', 'test key')).toBe('hello world');
  });

  it('accepts a signed, encrypted event and keeps multi-byte text intact across blocks', () => {
    const text = '提醒大家开会'.repeat(7);
    const body = JSON.stringify({ encrypt: encrypt(envelope({ event: { text } }), KEY) });
    const v = verifyRequest(body, { timestamp: nowS, nonce: 'n1', signature: sign(nowS, 'n1', KEY, body) }, { encryptKey: KEY, now });
    expect(v.kind).toBe('envelope');
    expect(v.kind === 'envelope' && v.envelope.event.text).toBe(text);
  });

  it('signs over the raw bytes, not re-serialised JSON', () => {
    const body = `{ "encrypt" :  "${encrypt(envelope(), KEY)}" }`;
    const ok = verifyRequest(body, { timestamp: nowS, nonce: 'n', signature: sign(nowS, 'n', KEY, body) }, { encryptKey: KEY, now });
    expect(ok.kind).toBe('envelope');
    const compact = JSON.stringify(JSON.parse(body));
    expect(() => verifyRequest(body, { timestamp: nowS, nonce: 'n', signature: sign(nowS, 'n', KEY, compact) }, { encryptKey: KEY, now })).toThrow(AuthError);
  });

  it.each([
    ['a wrong signature', { timestamp: nowS, nonce: 'n', signature: 'a'.repeat(64) }, 'bad_signature'],
    ['no signature', {}, 'missing_signature'],
    ['a timestamp 9 h old', { timestamp: String(Number(nowS) - 9 * 3600), nonce: 'n' }, 'stale_timestamp'],
    ['a timestamp 6 min ahead', { timestamp: String(Number(nowS) + 360), nonce: 'n' }, 'stale_timestamp'],
  ])('refuses %s', (_name, h: Record<string, string>, reason) => {
    const body = JSON.stringify({ encrypt: encrypt(envelope(), KEY) });
    const headers = { ...h, signature: h.signature ?? (h.timestamp ? sign(h.timestamp, h.nonce!, KEY, body) : undefined) };
    try {
      verifyRequest(body, headers, { encryptKey: KEY, now });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(AuthError);
      expect((err as AuthError).reason).toBe(reason);
    }
  });

  it('answers an encrypted url_verification without signature headers, checking its token', () => {
    const body = JSON.stringify({ encrypt: encrypt(JSON.stringify({ type: 'url_verification', challenge: 'c1', token: 'vt' }), KEY) });
    expect(verifyRequest(body, {}, { encryptKey: KEY, verificationToken: 'vt', now })).toEqual({ kind: 'challenge', challenge: 'c1' });
    expect(() => verifyRequest(body, {}, { encryptKey: KEY, verificationToken: 'other', now })).toThrow(AuthError);
  });

  it('refuses an unsigned encrypted event even if it decrypts', () => {
    const body = JSON.stringify({ encrypt: encrypt(envelope(), KEY) });
    expect(() => verifyRequest(body, {}, { encryptKey: KEY, now })).toThrow(AuthError);
  });

  it('checks the verification token of plain events in constant time', () => {
    expect(verifyRequest(envelope(), {}, { verificationToken: 'vt', now }).kind).toBe('envelope');
    expect(() => verifyRequest(envelope(), {}, { verificationToken: 'vx', now })).toThrow(AuthError);
    expect(() => verifyRequest(JSON.stringify({ type: 'url_verification', challenge: 'c', token: 'bad' }), {}, { verificationToken: 'vt', now })).toThrow(
      AuthError,
    );
  });

  it('refuses a captured plain event replayed after the retry horizon', () => {
    const old = envelope({ header: { event_id: 'e', event_type: 'x', token: 'vt', create_time: String(now.getTime() - 9 * 3600_000) } });
    expect(() => verifyRequest(old, {}, { verificationToken: 'vt', now })).toThrow(AuthError);
  });

  it('calls garbage malformed', () => {
    expect(() => verifyRequest('not json', {}, { verificationToken: 'vt', now })).toThrow(MalformedRequestError);
    expect(() => verifyRequest('[1]', {}, { verificationToken: 'vt', now })).toThrow(MalformedRequestError);
    const bad = JSON.stringify({ encrypt: 'AAAA' });
    expect(() => verifyRequest(bad, { timestamp: nowS, nonce: 'n', signature: sign(nowS, 'n', KEY, bad) }, { encryptKey: KEY, now })).toThrow(AuthError);
  });
});
