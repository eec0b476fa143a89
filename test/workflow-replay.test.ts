// Determinism guard: deliverEvent histories recorded from real runs must replay cleanly against
// the current workflow code. Checked-in fixtures catch a change that would break workflows
// already running in production (use `patched()` for such changes); set RECORD_HISTORIES=1 to
// write this run's histories as new fixtures (named with RECORDED_VERSION).
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { enqueue } from '../src/outbox/enqueue.js';
import { addSubscription, generateWebhookSecret } from '../src/subscriptions/subscription-store.js';
import { freePort } from '../src/temporal/dev-server.js';
import { discardSignal, replaySignal, retrySignal, statusQuery } from '../src/workflows/definitions.js';
import { startTestEngine, type TestEngine } from './helpers/engine-harness.js';
import { createTestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';
import { WebhookSink } from './helpers/webhook-sink.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/histories/', import.meta.url));
/** Names what the recorded histories exercise (files recorded before versions had none). */
const RECORDED_VERSION = 'lean-history';

async function replay(histories: { workflowId: string; history: unknown }[]): Promise<{ workflowId: string; error?: string }[]> {
  const workflowBundle = { code: await readFile(inject('workflowBundlePath'), 'utf8') };
  const results: { workflowId: string; error?: string }[] = [];
  const source = histories.map(({ workflowId, history }) => ({ workflowId, history }));
  for await (const result of Worker.runReplayHistories({ workflowBundle, replayName: 'determinism' }, source)) {
    results.push({ workflowId: result.workflowId, ...(result.error && { error: result.error.message }) });
  }
  return results;
}

describe('workflow determinism', () => {
  it('replays every checked-in history fixture without a determinism error', async () => {
    const files = (await readdir(FIXTURES)).filter((file) => file.endsWith('.json')).sort();
    expect(files.length).toBeGreaterThan(0);
    const histories = await Promise.all(
      files.map(async (file) => {
        const { workflowId, history } = JSON.parse(await readFile(`${FIXTURES}${file}`, 'utf8')) as { workflowId: string; history: unknown };
        return { workflowId, history: historyFromJSON(history) };
      }),
    );
    expect(await replay(histories)).toEqual(histories.map(({ workflowId }) => ({ workflowId })));
  });

  it('a rolling upgrade: a workflow the new relay started (leanHistory) whose first task an older worker ran replays in the older shape', async () => {
    // The older worker's histories (first-pass fixtures), with the input a new relay gives: the
    // routing answer recorded by the older worker has no leanWorker, so new code stays non-lean.
    const files = (await readdir(FIXTURES)).filter((file) => file.endsWith('-first-pass.json')).sort();
    expect(files.length).toBeGreaterThan(0);
    const histories = await Promise.all(
      files.map(async (file) => {
        const { workflowId, history } = JSON.parse(await readFile(`${FIXTURES}${file}`, 'utf8')) as {
          workflowId: string;
          history: { events: { workflowExecutionStartedEventAttributes?: { input: { payloads: { data: string }[] } } }[] };
        };
        const payload = history.events[0]!.workflowExecutionStartedEventAttributes!.input.payloads[0]!;
        const input = JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8')) as Record<string, unknown>;
        expect(input.leanHistory).toBeUndefined();
        payload.data = Buffer.from(JSON.stringify({ ...input, leanHistory: true })).toString('base64');
        return { workflowId, history: historyFromJSON(history) };
      }),
    );
    expect(await replay(histories)).toEqual(histories.map(({ workflowId }) => ({ workflowId })));
  });

  describe('histories recorded now', () => {
    let engine: TestEngine;
    let sink: WebhookSink;
    beforeAll(async () => {
      engine = await startTestEngine(() => createTestDatabase(), { prefix: 'replay-history' });
      sink = await new WebhookSink().start();
    });
    afterAll(async () => {
      await sink?.stop();
      await engine?.stop();
    });

    it('delivered, retried, discarded and replayed workflows replay cleanly', async () => {
      const deadPort = await freePort();
      const secret = generateWebhookSecret();
      await addSubscription(engine.database.db, { name: 'ok', events: '*', target: { kind: 'webhook', config: { url: sink.url, secret } } });
      await addSubscription(engine.database.db, {
        name: 'down',
        events: 'flaky.*',
        target: { kind: 'webhook', config: { url: `http://127.0.0.1:${deadPort}/hook`, secret } },
        retryPolicy: { maximumAttempts: 2, initialInterval: '1s' },
      });
      const keys = { delivered: 'h-delivered', retried: 'h-retried', discarded: 'h-discarded', replayed: 'h-replayed' };
      await enqueue(engine.database.pool, { tenant: 'h', type: 'plain.event', payload: {}, idempotencyKey: keys.delivered });
      for (const key of [keys.retried, keys.discarded, keys.replayed])
        await enqueue(engine.database.pool, { tenant: 'h', type: 'flaky.event', payload: {}, idempotencyKey: key });

      const handles = Object.fromEntries(Object.entries(keys).map(([name, key]) => [name, engine.handle('h', key)])) as Record<
        keyof typeof keys,
        ReturnType<TestEngine['handle']>
      >;
      await engine.result('h', keys.delivered);
      for (const name of ['retried', 'discarded', 'replayed'] as const) {
        await waitFor(async () => (await handles[name].query(statusQuery)).status === 'DeadLettered', { what: `${name} to be dead-lettered` });
      }
      const revived = await new WebhookSink().start(deadPort);
      try {
        await handles.retried.signal(retrySignal);
        await handles.discarded.signal(discardSignal, { reason: 'fixture' });
        await handles.replayed.signal(replaySignal, {});
        await Promise.all([handles.retried.result(), handles.discarded.result(), handles.replayed.result()]);
      } finally {
        await revived.stop();
      }

      const histories = await Promise.all(
        Object.entries(handles).map(async ([name, handle]) => ({ name, workflowId: handle.workflowId, history: await handle.fetchHistory() })),
      );
      if (process.env.RECORD_HISTORIES === '1') {
        for (const { name, workflowId, history } of histories) {
          // New files next to the old ones: histories of every earlier version must keep replaying.
          await writeFile(
            `${FIXTURES}deliver-event-${name}-${RECORDED_VERSION}.json`,
            `${JSON.stringify({ workflowId, history: JSON.parse(historyToJSON(history)) as unknown }, null, 1)}\n`,
          );
        }
      }
      expect(await replay(histories)).toEqual(histories.map(({ workflowId }) => ({ workflowId })));
    });
  });
});
