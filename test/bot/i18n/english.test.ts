/**
 * English is idiomatic and ASCII-punctuated (SPEC: Chinese by default, English too): no English
 * sentence of any area's catalogue carries full-width punctuation or the ideographic space,
 * which only Chinese typesetting uses. Chinese words quoted in English (a command's verb) stay.
 */
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIR = resolve(import.meta.dirname, '../../../bot/i18n');
const FULL_WIDTH = /[\u3000\u3001\u3002\uff0c\uff1a\uff1b\uff01\uff1f\uff08\uff09\u300c\u300d\u3010\u3011\u201c\u201d]/;

describe('English messages', () => {
  it('use ASCII punctuation in every area', async () => {
    const offenders: string[] = [];
    for (const file of readdirSync(DIR).filter((f) => f.endsWith('.ts'))) {
      const mod = (await import(resolve(DIR, file))) as Record<string, Record<string, { en: string }>>;
      for (const catalogue of Object.values(mod)) {
        for (const [key, m] of Object.entries(catalogue)) if (FULL_WIDTH.test(m.en)) offenders.push(`${file} ${key}: ${m.en}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
