import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';

export default defineConfig({
  test: {
    // Many files wait on processes and timers (the fault tests, the job command): on two cores,
    // vitest's default of one worker leaves the second idle for most of the run.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      {
        test: {
          name: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/worker/**', 'node_modules/**'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        // The same scenarios inside workerd, against a remote libSQL (a Hrana test server) and
        // the fake Lark server, both started on the Node side by the global setup.
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              // increase_websocket_message_size: the Lark SDK makes the test bundle larger than
              // the pool's 1 MiB socket frames. Experimental, so never in wrangler.toml.
              compatibilityFlags: ['nodejs_compat', 'increase_websocket_message_size'],
              bindings: inject('workerBindings'),
            },
          })),
        ],
        test: {
          name: 'worker',
          include: ['test/worker/**/*.test.ts'],
          globalSetup: ['test/worker-global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
    ],
  },
});
