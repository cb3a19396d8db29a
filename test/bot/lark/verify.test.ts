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

  it('refuses everything without an encrypt key: the token alone travels in every event', () => {
    for (const body of [envelope(), JSON.stringify({ type: 'url_verification', challenge: 'c', token: 'vt' })]) {
      try {
        verifyRequest(body, {}, { verificationToken: 'vt', now });
        expect.unreachable();
      } catch (err) {
        expect((err as AuthError).reason).toBe('no_encrypt_key');
      }
    }
  });

  it('checks the verification token of a signed event', () => {
    const signed = (plain: string) => {
      const body = JSON.stringify({ encrypt: encrypt(plain, KEY) });
      return [body, { timestamp: nowS, nonce: 'n', signature: sign(nowS, 'n', KEY, body) }] as const;
    };
    expect(verifyRequest(...signed(envelope()), { encryptKey: KEY, verificationToken: 'vt', now }).kind).toBe('envelope');
    expect(() => verifyRequest(...signed(envelope()), { encryptKey: KEY, verificationToken: 'vx', now })).toThrow(AuthError);
  });

  it('refuses unsigned garbage as unauthenticated, whatever it is: no oracle', () => {
    const reasons = new Set<string>();
    const bodies = [
      'not json',
      '[1]',
      JSON.stringify({ encrypt: 'AAAA' }),
      JSON.stringify({ encrypt: Buffer.alloc(48, 7).toString('base64') }), // broken padding
      JSON.stringify({ encrypt: encrypt('not json at all', KEY) }), // good padding, not JSON
      JSON.stringify({ encrypt: encrypt(envelope(), KEY) }), // an event, unsigned
      JSON.stringify({ encrypt: encrypt(JSON.stringify({ type: 'url_verification', token: 'vt' }), KEY) }), // no challenge
    ];
    for (const body of bodies) {
      try {
        verifyRequest(body, {}, { encryptKey: KEY, verificationToken: 'vt', now });
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(AuthError);
        reasons.add((err as AuthError).reason);
      }
    }
    expect([...reasons]).toEqual(['missing_signature']);
  });

  it('calls a signed body that is not an event malformed', () => {
    const signedWith = (body: string) => ({ timestamp: nowS, nonce: 'n', signature: sign(nowS, 'n', KEY, body) });
    expect(() => verifyRequest('not json', signedWith('not json'), { encryptKey: KEY, now })).toThrow(MalformedRequestError);
    expect(() => verifyRequest('[1]', signedWith('[1]'), { encryptKey: KEY, now })).toThrow(MalformedRequestError);
    const bad = JSON.stringify({ encrypt: 'AAAA' });
    expect(() => verifyRequest(bad, signedWith(bad), { encryptKey: KEY, now })).toThrow(MalformedRequestError);
  });
});
