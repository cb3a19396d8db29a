/**
 * The measured Workers trap (shared notes, pitfall 2): inside workerd, a decrypt that decodes
 * the AES output piecewise — the Lark SDK's AESCipher does `update(…, 'utf8') + final('utf8')`
 * — turns a character that straddles the update/final boundary into U+FFFD. Our webhook
 * decrypts the whole buffer before decoding (bot/lark/verify.ts). This runs in workerd.
 */
import * as lark from '@larksuiteoapi/node-sdk';
import { describe, expect, it } from 'vitest';
import { decryptLark } from '../../bot/lark/verify.js';
import { encrypt } from '../../bot/sandbox/fake-lark/events.js';
import { blockStraddlingTexts } from '../scenarios/webhook.js';

const KEY = 'workerd-decrypt-key';
const texts = [...blockStraddlingTexts(), '提醒开会', '🚦 路灯 🚧 维修'.repeat(5)];

describe('AES decrypt inside workerd', () => {
  it('decodes every alignment of multi-byte text exactly', () => {
    for (const text of texts) {
      const json = JSON.stringify({ text });
      expect(decryptLark(encrypt(json, KEY), KEY)).toBe(json);
    }
  });

  it('is needed: the SDK decrypt garbles some of the same texts here', () => {
    const sdk = new lark.AESCipher(KEY);
    const garbled = texts.filter((text) => {
      const json = JSON.stringify({ text });
      return sdk.decrypt(encrypt(json, KEY)) !== json;
    });
    // If this ever reaches 0, workerd's decoder changed and the trap is gone; the test above stays.
    expect(garbled.length).toBeGreaterThan(0);
  });
});
