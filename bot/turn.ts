/**
 * Resolves after the current turn of the event loop: long work yields here so webhooks are
 * still answered meanwhile, and work batched per turn (inbox claims) waits here for its batch.
 */
export const nextTurn = (): Promise<void> => new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));

/**
 * While acks are being claimed and answered, work that yielded waits for them (a little while at
 * most: a claim may itself wait for a write lock this work holds). The intake registers it.
 */
let ackGate: () => Promise<void> | null = () => null;
const GATE_MAX_MS = 20;
export function setAckGate(gate: () => Promise<void> | null): void {
  ackGate = gate;
}
export async function afterAcks(): Promise<void> {
  const wait = ackGate();
  if (wait) await Promise.race([wait, new Promise((r) => setTimeout(r, GATE_MAX_MS))]);
}
