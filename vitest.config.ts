import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The Temporal worker is a native (Rust) addon: it needs real child processes, not threads.
    pool: 'forks',
    // One Temporal dev server, one workflow bundle and one migrated template database per run.
    globalSetup: ['test/global-setup.ts'],
    // End-to-end tests drive hundreds of workflows; they wait on conditions with their own deadlines.
    testTimeout: 180_000,
    hookTimeout: 120_000,
    reporters: ['default'],
    // Every test target is a loopback server, which the engine refuses by default (SSRF protection);
    // test/egress.test.ts checks the refusals with its own policies.
    env: { OUTBOX_ALLOW_PRIVATE_TARGETS: 'loopback' },
  },
});
