/**
 * `npm run sandbox [-- --port 3000 --fresh --lang en --db file:./data/sandbox.db]`
 * Starts the real bot against the fake Lark and serves the page; needs no credentials and no
 * .env. The sandbox keeps its own database and conversation between runs; --fresh starts over.
 */
import { parseArgs } from 'node:util';
import { startSandbox } from '../bot/sandbox/server.js';
import { createRouter } from '../handlers/index.js';

const USAGE = `usage: npm run sandbox -- [--port <n>] [--host <addr>] [--fresh] [--lang zh|en] [--db <url>] [--no-seed]
  --port     where the page is served (default $PORT or 3000)
  --fresh    delete the sandbox database and conversation first, and seed the sample week again
  --lang     language of the page and of the bot (default zh)
  --db       database URL (default file:./data/sandbox.db)
  --no-seed  start an empty office`;

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        fresh: { type: 'boolean', default: false },
        lang: { type: 'string' },
        db: { type: 'string' },
        'no-seed': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: false,
    }).values;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = Number(args.port ?? process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`--port must be a port number, not ${args.port ?? process.env.PORT}\n`);
    process.exit(2);
  }
  const lang = args.lang ?? 'zh';
  if (lang !== 'zh' && lang !== 'en') {
    process.stderr.write('--lang must be zh or en\n');
    process.exit(2);
  }

  process.stdout.write('duban sandbox: starting the bot and the fake Lark…\n');
  const sandbox = await startSandbox(createRouter(), {
    port,
    host: args.host,
    fresh: args.fresh,
    lang,
    databaseUrl: args.db,
    seed: !args['no-seed'],
    logLevel: process.env.LOG_LEVEL ?? 'error',
  });
  process.stdout.write(
    [
      '',
      `  督办 sandbox is running: ${sandbox.pageUrl}`,
      `  (fake Lark Open API at ${sandbox.fake.url}; database ${sandbox.deps.config.DATABASE_URL})`,
      '  Ctrl-C to stop; `npm run sandbox -- --fresh` starts the sample office over.',
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void sandbox.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err) => {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'EADDRINUSE') process.stderr.write(`duban sandbox: the port is taken; try \`npm run sandbox -- --port 3001\`\n`);
  else process.stderr.write(`duban sandbox stopped: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
