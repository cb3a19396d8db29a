/** A small HTTP load generator for the benchmarks: closed-loop throughput and open-loop latency. */
import http from 'node:http';

export interface Req {
  path: string;
  body: string;
  headers: Record<string, string>;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  statuses: Record<number, number>;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function send(port: number, r: Req): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: r.path, method: 'POST', agent, headers: { ...r.headers, 'content-length': Buffer.byteLength(r.body) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 }));
      },
    );
    req.on('error', reject);
    req.end(r.body);
  });
}

function summarize(lat: number[], statuses: Record<number, number>, seconds: number): LoadResult {
  lat.sort((a, b) => a - b);
  const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? 0;
  return { requests: lat.length, seconds, perSecond: lat.length / seconds, p50: q(0.5), p99: q(0.99), max: lat[lat.length - 1] ?? 0, statuses };
}

/** As many requests as `concurrency` connections can push for `seconds`. */
export async function closedLoop(port: number, next: () => Req, seconds: number, concurrency = 50): Promise<LoadResult> {
  const lat: number[] = [];
  const statuses: Record<number, number> = {};
  const end = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const { status, ms } = await send(port, next());
        lat.push(ms);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  return summarize(lat, statuses, (performance.now() - t0) / 1000);
}

/** A fixed arrival rate (open loop), so latency is measured at that rate, not at saturation. */
export async function openLoop(port: number, next: () => Req, ratePerSecond: number, seconds: number): Promise<LoadResult> {
  const lat: number[] = [];
  const statuses: Record<number, number> = {};
  const total = Math.round(ratePerSecond * seconds);
  const t0 = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / ratePerSecond;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inflight.push(
      send(port, next()).then(({ status, ms }) => {
        lat.push(ms);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }),
    );
  }
  await Promise.all(inflight);
  return summarize(lat, statuses, (performance.now() - t0) / 1000);
}

export async function waitForHealth(port: number, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing answered on port ${port}`);
}
