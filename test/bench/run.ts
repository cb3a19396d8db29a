/**
 * `npm run bench`: every benchmark of SPEC §10, printed with the machine it ran on.
 * `npm run bench -- ingest chase` runs a subset; `npm run bench -- chatter` or `-- burst` one half of ingest.
 */
import os from 'node:os';

type Bench = () => Promise<Record<string, string | number>>;

const benches: Record<string, () => Promise<Bench>> = {
  ingest: async () => (await import('./ingest.js')).benchIngest,
  chatter: async () => (await import('./ingest.js')).benchChatter,
  burst: async () => (await import('./burst.js')).benchBurst,
  chase: async () => (await import('./chase.js')).benchChase,
  digest: async () => (await import('./digest.js')).benchDigest,
  outbox: async () => (await import('./outbox.js')).benchOutbox,
  memory: async () => (await import('./memory.js')).benchMemory,
  far: async () => (await import('./far.js')).benchFar,
  'rate-state': async () => (await import('./rate-state.js')).benchRateState,
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
// `chatter` and `burst` are the two halves of `ingest`, there for a quicker run.
const names = wanted.length ? wanted : Object.keys(benches).filter((n) => n !== 'burst' && n !== 'chatter');
console.log(
  `duban benchmarks — ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`,
);
/** 1, 5 and 15 minute load averages, as `uptime` prints them. */
function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');
}

let failed = false;
for (const name of names) {
  const load = benches[name];
  if (!load) {
    console.error(`unknown benchmark ${name}; choose from ${Object.keys(benches).join(', ')}`);
    process.exitCode = 2;
    continue;
  }
  const t0 = performance.now();
  const before = loadAverage();
  try {
    const figures = await (await load())();
    // The machine may be shared: its load, before and after, says how far to trust the figures.
    console.log(`\n## ${name} (${((performance.now() - t0) / 1000).toFixed(1)} s; load average ${before} → ${loadAverage()})`);
    for (const [k, v] of Object.entries(figures)) console.log(`  ${k}: ${v}`);
  } catch (err) {
    failed = true;
    console.error(`\n## ${name}: failed — ${err instanceof Error ? err.stack : String(err)}`);
  }
}
process.exit(failed ? 1 : (process.exitCode ?? 0));
