import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalJson, eventHash, genesisHash, verifyChain, verifyChainFrom, type ChainRow } from '../../../bot/domain/chain.js';

function chainOf(tenantKey: string, taskId: number, events: Array<{ kind: string; actorId: string; payload: Record<string, unknown>; at: Date }>): ChainRow[] {
  let prev = genesisHash(tenantKey, taskId);
  return events.map((e, i) => {
    const seq = i + 1;
    const hash = eventHash(prev, { tenantKey, taskId, seq, ...e });
    const row: ChainRow = { tenantKey, taskId, seq, ...e, payload: canonicalJson(e.payload), prevHash: prev, hash };
    prev = hash;
    return row;
  });
}

const at = (s: string) => new Date(s);
const sample = (): ChainRow[] => [
  ...chainOf('t1', 1, [
    { kind: 'assigned', actorId: 'ou_a', payload: { title: '修复路灯', due: '2026-12-04T10:00:00.000Z' }, at: at('2026-12-01T02:00:00Z') },
    { kind: 'accepted', actorId: 'ou_b', payload: {}, at: at('2026-12-01T03:00:00Z') },
    { kind: 'progress', actorId: 'ou_b', payload: { text: '已派人', percent: 30 }, at: at('2026-12-02T03:00:00Z') },
  ]),
  ...chainOf('t1', 2, [
    { kind: 'assigned', actorId: 'ou_a', payload: { title: '年度总结' }, at: at('2026-12-01T05:00:00Z') },
    { kind: 'cancelled', actorId: 'ou_a', payload: { reason: '重复' }, at: at('2026-12-01T06:00:00Z') },
  ]),
];

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
  });
  it('writes Dates as ISO strings and drops undefined members', () => {
    expect(canonicalJson({ at: new Date('2026-12-04T10:00:00Z'), gone: undefined, n: null })).toBe('{"at":"2026-12-04T10:00:00.000Z","n":null}');
    expect(canonicalJson([undefined, 1])).toBe('[null,1]');
  });
  it('is stable under key order and survives a parse round trip', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const once = canonicalJson(v);
        expect(canonicalJson(JSON.parse(once))).toBe(once);
      }),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.integer()), (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(obj));
      }),
    );
  });
});

describe('hashes', () => {
  it('are hex SHA-256 and depend on every field', () => {
    const base = { tenantKey: 't1', taskId: 1, seq: 1, kind: 'assigned', actorId: 'ou_a', payload: { x: 1 }, at: at('2026-12-01T00:00:00Z') };
    const h = eventHash('p', base);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(eventHash('q', base)).not.toBe(h);
    for (const change of [
      { tenantKey: 't2' },
      { taskId: 2 },
      { seq: 2 },
      { kind: 'x' },
      { actorId: 'ou_b' },
      { payload: { x: 2 } },
      { at: at('2026-12-01T00:00:00.001Z') },
    ]) {
      expect(eventHash('p', { ...base, ...change })).not.toBe(h);
    }
    expect(eventHash('p', { ...base, payload: { x: 1 } })).toBe(h);
    expect(genesisHash('t1', 1)).not.toBe(genesisHash('t1', 2));
    expect(genesisHash('t1', 1)).not.toBe(genesisHash('t2', 1));
  });
});

describe('verifyChain', () => {
  it('accepts an intact log (payload as stored text or as an object)', () => {
    const rows = sample();
    expect(verifyChain(rows)).toBeNull();
    expect(verifyChain(rows.map((r) => ({ ...r, payload: JSON.parse(r.payload as string) })))).toBeNull();
    expect(verifyChain([])).toBeNull();
  });

  it('finds an edited payload', () => {
    const rows = sample();
    rows[2] = { ...rows[2]!, payload: canonicalJson({ text: '已完成', percent: 100 }) };
    expect(verifyChain(rows)).toEqual({ taskId: 1, seq: 3, reason: 'hash_mismatch' });
  });

  it('finds an edited time, actor or kind', () => {
    for (const change of [{ at: at('2026-12-01T03:00:01Z') }, { actorId: 'ou_c' }, { kind: 'approved' }]) {
      const rows = sample();
      rows[1] = { ...rows[1]!, ...change };
      expect(verifyChain(rows)).toEqual({ taskId: 1, seq: 2, reason: 'hash_mismatch' });
    }
  });

  it('finds a row whose hash was recomputed: the next link no longer matches', () => {
    const rows = sample();
    const forged = { ...rows[1]!, actorId: 'ou_c' };
    forged.hash = eventHash(forged.prevHash, { ...forged, payload: JSON.parse(forged.payload as string) });
    rows[1] = forged;
    expect(verifyChain(rows)).toEqual({ taskId: 1, seq: 3, reason: 'prev_mismatch' });
  });

  it('finds a deleted row', () => {
    const rows = sample();
    rows.splice(1, 1);
    expect(verifyChain(rows)).toEqual({ taskId: 1, seq: 3, reason: 'seq_gap' });
    const first = sample().slice(1);
    expect(verifyChain(first)).toEqual({ taskId: 1, seq: 2, reason: 'seq_gap' });
  });

  it('finds a chain moved to another task or tenant', () => {
    const rows = sample()
      .slice(3)
      .map((r) => ({ ...r, tenantKey: 't9' }));
    expect(verifyChain(rows)).toEqual({ taskId: 2, seq: 1, reason: 'prev_mismatch' });
  });

  it('finds a broken genesis link', () => {
    const rows = sample();
    rows[3] = { ...rows[3]!, prevHash: rows[2]!.hash };
    expect(verifyChain(rows)).toEqual({ taskId: 2, seq: 1, reason: 'prev_mismatch' });
  });

  it('checks a chain split across pages through the cursor', () => {
    const rows = sample();
    const first = verifyChainFrom(rows.slice(0, 2), null);
    expect(first.broken).toBeNull();
    expect(verifyChainFrom(rows.slice(2), first.cursor).broken).toBeNull();
    const tampered = rows.slice(2).map((r, i) => (i === 0 ? { ...r, prevHash: 'x' } : r));
    expect(verifyChainFrom(tampered, first.cursor).broken).toEqual({ taskId: 1, seq: 3, reason: 'prev_mismatch' });
  });

  it('catches any single-field change anywhere', () => {
    const rows = sample();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: rows.length - 1 }), fc.constantFrom('kind', 'actorId', 'payload', 'hash', 'prevHash'), (i, field) => {
        const copy = rows.map((r) => ({ ...r }));
        (copy[i] as Record<string, unknown>)[field] = field === 'payload' ? '{"x":1}' : 'tampered';
        expect(verifyChain(copy)).not.toBeNull();
      }),
    );
  });
});
