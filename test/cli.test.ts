// The `outbox` command line as operators run it: the real bin in a child process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { ENGINE_VERSION } from '../src/config/engine-version.js';
import { enqueue } from '../src/outbox/enqueue.js';
import { connectTemporal, createTestRelay, uniqueTaskQueue, type TemporalHandles } from './helpers/engine-harness.js';
import { runCli, spawnCli } from './helpers/run-cli.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';

describe('outbox CLI', () => {
  let database: TestDatabase;
  let env: Record<string, string>;
  beforeAll(async () => {
    database = await createTestDatabase();
    env = { DATABASE_URL: database.url };
  });
  afterAll(async () => database?.drop());

  it('--help lists every command', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    for (const command of ['migrate', 'start', 'dev', 'subscriptions', 'status', 'temporal']) expect(stdout).toContain(command);
  });

  it('--version prints the engine version, and status shows it', async () => {
    const { code, stdout } = await runCli(['--version']);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(ENGINE_VERSION);
    expect(ENGINE_VERSION).toMatch(/^\d+\.\d+\.\d+(-[\w.]+)?$/);
    const status = await runCli(['status', '--json'], env);
    expect(status.code, status.stderr).toBe(0);
    expect((JSON.parse(status.stdout) as { version: string }).version).toBe(ENGINE_VERSION);
  });

  it('migrate reports an up-to-date schema', async () => {
    const { code, stdout } = await runCli(['migrate'], env);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^up to date \(schema at \d+\)$/m);
  });

  it('a bad environment value stops with one line naming the variable', async () => {
    const { code, stdout, stderr } = await runCli(['status'], { ...env, OUTBOX_RELAY_BATCH_SIZE: 'lots' });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      'error: Invalid environment variable OUTBOX_RELAY_BATCH_SIZE="lots": expected an integer between 1 and 5000. Fix it or unset it to use the default.\n',
    );
  });

  it('a malformed DATABASE_URL is named without echoing it (it may hold a password)', async () => {
    const { code, stderr } = await runCli(['status'], { DATABASE_URL: 'mysql://user:hunter2@db/app' });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error: Invalid environment variable DATABASE_URL=\(value hidden: it is a secret\): expected a postgres:\/\/ URL/);
    expect(stderr).not.toContain('hunter2');
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a bad flag value is refused with the flag named, and nothing is written', async () => {
    const { code, stderr } = await runCli(['subscriptions', 'add', '--events', 'order.*', '--webhook', 'http://127.0.0.1:1/x', '--max-attempts', 'many'], env);
    expect(code).toBe(1);
    expect(stderr).toContain("error: option '--max-attempts <n>' argument 'many' is invalid. Expected a whole number of 1 or more.");
    const unknown = await runCli(['status', '--frobnicate'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("error: unknown option '--frobnicate'");
    expect(await database.db.selectFrom('outbox.subscriptions').select('id').execute()).toEqual([]);
  });

  it('invalid subscription values name the flag, never echo a secret, and save nothing', async () => {
    const badUrl = await runCli(['subscriptions', 'add', '--events', 'order.*', '--webhook', 'ftp://example.com/x'], env);
    expect(badUrl.code).toBe(1);
    expect(badUrl.stderr).toBe('error: invalid subscription: --webhook must be an http:// or https:// URL. Nothing was saved.\n');
    const badSecret = await runCli(['subscriptions', 'add', '--events', 'order.*', '--webhook', 'http://127.0.0.1:1/x', '--secret', 'whsec_tooshort'], env);
    expect(badSecret.code).toBe(1);
    expect(badSecret.stderr).toMatch(/--secret must be whsec_ followed by base64/);
    expect(badSecret.stderr).not.toContain('whsec_tooshort');
    const badPattern = await runCli(['subscriptions', 'add', '--events', 'order created', '--webhook', 'http://127.0.0.1:1/x'], env);
    expect(badPattern.stderr).toMatch(/--events must be an event type where \* matches anything/);
    expect(await database.db.selectFrom('outbox.subscriptions').select('id').execute()).toEqual([]);
  });

  it('subscriptions add, list and remove; the secret is printed once and never listed', async () => {
    const added = await runCli(
      [
        'subscriptions',
        'add',
        '--name',
        'erp',
        '--tenant',
        '*',
        '--events',
        'order.*',
        '--webhook',
        'https://user:pw@erp.example.com/hooks?token=abc',
        '--max-attempts',
        '5',
        '--initial-interval',
        '1s',
      ],
      env,
    );
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('added subscription erp');
    expect(added.stdout).toContain('https://erp.example.com/hooks?…');
    expect(added.stdout).toContain('retry policy: 5 attempts, first retry after 1s, ×2 up to 10m');
    const secret = /signing secret .*: (whsec_\S+)/.exec(added.stdout)?.[1];
    expect(secret).toBeDefined();

    const listed = await runCli(['subscriptions', 'list'], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/erp\s+\*\s+order\.\*\s+webhook https:\/\/erp\.example\.com\/hooks\?…/);
    expect(listed.stdout).not.toContain(secret);
    expect(listed.stdout).not.toContain('token=abc');
    const json = await runCli(['subscriptions', 'list', '--json'], env);
    expect(JSON.parse(json.stdout)).toMatchObject([{ name: 'erp', retryPolicy: { maximumAttempts: 5, initialIntervalMs: 1000 } }]);
    expect(json.stdout).not.toContain(secret);

    const duplicate = await runCli(['subscriptions', 'add', '--name', 'erp', '--events', 'x', '--webhook', 'https://erp.example.com/'], env);
    expect(duplicate.stderr).toBe(
      'error: A subscription named "erp" already exists where this one would deliver (this tenant\'s, or one for every tenant). Choose another name, or remove the old one first.\n',
    );

    expect((await runCli(['subscriptions', 'remove', 'erp'], env)).stdout).toMatch(/^removed subscription erp/);
    const missing = await runCli(['subscriptions', 'remove', 'erp'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no subscription with id or name "erp"');
  });

  it('status shows the backlog and its age', async () => {
    await enqueue(database.pool, { tenant: 'cli', type: 'status.check', payload: {}, idempotencyKey: 'status-1' });
    const { code, stdout } = await runCli(['status'], env);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^pending\s+1$/m);
    expect(stdout).toMatch(/^oldest pending\s+\d+(ms|s)$/m);
    const json = JSON.parse((await runCli(['status', '--json'], env)).stdout) as unknown;
    expect(json).toMatchObject({ pending: 1, byStatus: { pending: 1, delivered: 0 } });
  });

  it('status --watch refreshes backlog, lag and rates until its count runs out', async () => {
    const child = spawnCli(['status', '--watch', '--interval', '500ms', '--count', '4'], env);
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr?.resume();
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    // Events committed after the first refresh show up in the backlog and the enqueue rate.
    await waitFor(() => stdout.includes('disabled subscriptions'), { what: 'the first refresh' });
    for (let index = 0; index < 5; index++) await enqueue(database.pool, { tenant: 'cli', type: 'watch.check', payload: {}, idempotencyKey: `watch-${index}` });
    expect(await exited).toBe(0);
    const blocks = stdout.trim().split('\n\n');
    expect(blocks).toHaveLength(4);
    expect(blocks[0]).toMatch(/enqueued \/ s\s+…/);
    const backlog = (block: string) => Number(/backlog \(pending\)\s+(\d+)/.exec(block)?.[1]);
    expect(backlog(blocks[3]!)).toBe(backlog(blocks[0]!) + 5);
    expect(blocks[3]).toMatch(/lag \(oldest pending\)\s+\d+(ms|s|m)/);
    const enqueuedRates = blocks.slice(1).map((block) => Number(/enqueued \/ s\s+([\d.]+)/.exec(block)?.[1]));
    expect(enqueuedRates.some((rate) => rate > 0)).toBe(true);
  });

  describe('against the Temporal server', () => {
    let temporal: TemporalHandles;
    beforeAll(async () => {
      temporal = await connectTemporal();
    });
    afterAll(async () => temporal?.close());

    it('`outbox temporal -- …` runs the Temporal CLI against TEMPORAL_ADDRESS and sees the event workflow and its search attributes', async () => {
      const taskQueue = uniqueTaskQueue('cli');
      await enqueue(database.pool, { tenant: 'cli-temporal', type: 'order.created', payload: {}, idempotencyKey: 'cli-wf-1' });
      const relay = createTestRelay(database, temporal.client, taskQueue);
      relay.start();
      try {
        await waitFor(() => relay.stats.started >= 1, { what: 'the relay to start the workflow' });
      } finally {
        await relay.stop();
      }
      const temporalEnv = { TEMPORAL_ADDRESS: inject('temporalAddress') };
      const described = await runCli(
        ['temporal', '--', 'workflow', 'describe', '--workflow-id', database.workflowId('cli-temporal', 'cli-wf-1'), '--output', 'json'],
        temporalEnv,
      );
      expect(described.code).toBe(0);
      const description = JSON.parse(described.stdout) as {
        workflowExecutionInfo: { type: { name: string }; searchAttributes: { indexedFields: Record<string, unknown> } };
      };
      expect(description.workflowExecutionInfo.type.name).toBe('deliverEvent');
      // Set by the start request; OutboxStatus only once the event leaves the happy path.
      const attributes = Object.keys(description.workflowExecutionInfo.searchAttributes.indexedFields);
      expect(attributes).toEqual(expect.arrayContaining(['OutboxTenant', 'OutboxEventType']));
      expect(attributes).not.toContain('OutboxStatus');
      const listed = await waitFor(
        async () => {
          const result = await runCli(['temporal', '--', 'workflow', 'list', '--query', `OutboxTenant = "cli-temporal"`], temporalEnv);
          return result.stdout.includes(database.workflowId('cli-temporal', 'cli-wf-1')) ? result : undefined;
        },
        { what: 'the workflow in `temporal workflow list --query`' },
      );
      expect(listed.code).toBe(0);
      await temporal.client.workflow.getHandle(database.workflowId('cli-temporal', 'cli-wf-1')).terminate('test finished');
    });
  });
});
