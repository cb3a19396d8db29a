/**
 * The fake Lark server's records, read over HTTP: a Worker under test runs in workerd and
 * cannot touch the FakeLark object living in the Node process that started it. The other end
 * is the control server started next to the fake by test/worker/global-setup.ts.
 */
import type { FakeRecorder, SentMessage } from './harness.js';

export function remoteFake(controlUrl: string): FakeRecorder {
  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${controlUrl}${path}`);
    if (!res.ok) throw new Error(`fake control ${path}: HTTP ${res.status}`);
    return (await res.json()) as T;
  };
  const post = async (path: string, body: unknown): Promise<void> => {
    const res = await fetch(`${controlUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`fake control ${path}: HTTP ${res.status}`);
  };
  return {
    messages: () => get<SentMessage[]>('/messages'),
    urgents: () => get('/urgents'),
    failNext: (n, fault) => post('/fail-next', { n, fault }),
    setLatency: (ms) => post('/latency', { ms }),
    clearFaults: () => post('/clear-faults', {}),
    addUser: (u) => post('/users', u),
    addChat: (c) => post('/chats', c),
  };
}
