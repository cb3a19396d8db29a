/**
 * The baseline of the ingest benchmark: a bare Hono route doing one libSQL insert into a file
 * database tuned like the bot's (WAL, synchronous=NORMAL, busy timeout).
 * Usage: tsx test/bench/bare-insert.ts <db file> <port>
 */
import { serve } from '@hono/node-server';
import { createClient } from '@libsql/client';
import { Hono } from 'hono';
import { tuneFileDatabase } from '../../db/client.js';

const [file, port] = process.argv.slice(2);
const client = createClient({ url: `file:${file}`, timeout: 10_000 });
await tuneFileDatabase(client);
await client.execute('CREATE TABLE IF NOT EXISTS hits (id TEXT PRIMARY KEY, body TEXT NOT NULL, at INTEGER NOT NULL)');
const app = new Hono();
app.post('/insert', async (c) => {
  const body = await c.req.text();
  await client.execute({ sql: 'INSERT INTO hits (id, body, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', args: [crypto.randomUUID(), body, Date.now()] });
  return c.json({});
});
app.get('/healthz', (c) => c.json({ ok: true }));
serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(port) });
