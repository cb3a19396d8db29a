/**
 * `npm run bench`: every benchmark of SPEC §10, printed with the machine it ran on.
 * `npm run bench -- ingest chase` runs a subset.
 */
import os from 'node:os';

type Bench = () => Promise<Record<string, string | number>>;

const benches: Record<string, () => Promise<Bench>> = {
  ingest: async () => (await import('./ingest.js')).benchIngest,
  chase: async () => (await import('./chase.js')).benchChase,
  digest: async () => (await import('./digest.js')).benchDigest,
  outbox: async () => (await import('./outbox.js')).benchOutbox,
  memory: async () => (await import('./memory.js')).benchMemory,
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length ? wanted : Object.keys(benches);
console.log(
  `duban benchmarks — ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`,
);
let failed = false;
for (const name of names) {
  const load = benches[name];
  if (!load) {
    console.error(`unknown benchmark ${name}; choose from ${Object.keys(benches).join(', ')}`);
    process.exitCode = 2;
    continue;
  }
  const t0 = performance.now();
  try {
    const figures = await (await load())();
    console.log(`\n## ${name} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    for (const [k, v] of Object.entries(figures)) console.log(`  ${k}: ${v}`);
  } catch (err) {
    failed = true;
    console.error(`\n## ${name}: failed — ${err instanceof Error ? err.stack : String(err)}`);
  }
}
process.exit(failed ? 1 : (process.exitCode ?? 0));
