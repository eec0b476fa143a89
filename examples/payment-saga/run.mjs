#!/usr/bin/env node
// The payment saga, end to end, in one command:   npm run example:payment
//
// Starts the payment-provider stub (loopback HTTP), the engine on its embedded Temporal dev
// server (Web UI on :8233), registers six subscriptions and the `payment` saga, then enqueues two
// payments: one that goes through, one refused at `provision` whose charge and reservation are
// undone in reverse. Prints each saga step by step and leaves everything running for the UI.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import {
  addSubscription,
  createDatabase,
  enqueue,
  generateWebhookSecret,
  listSubscriptions,
  loadConfig,
  removeSubscription,
  saveSaga,
} from '../../dist/index.js';
import { paymentSagaSetup, startPaymentStub } from './psp-stub.mjs';

const config = loadConfig();
const uiPort = config.devServer.uiPort;
const temporalAddress = config.temporalAddress ?? `127.0.0.1:${config.devServer.port}`;
const step = (text) => console.log(`\n▸ ${text}`);

step('starting the payment-provider stub');
const secret = generateWebhookSecret();
const stub = await startPaymentStub({ port: Number(process.env.PSP_PORT ?? 9400), secret });
console.log(`  ${stub.url} (reserve, charge, provision and their /undo endpoints)`);

step('starting the engine (outbox dev: migrations, embedded Temporal, relay, worker)');
const engine = spawn(process.execPath, [fileURLToPath(new URL('../../bin/outbox.js', import.meta.url)), 'dev'], {
  stdio: ['ignore', 'inherit', 'inherit'],
  env: { LOG_LEVEL: 'warn', ...process.env },
  // Its own process group: Ctrl-C reaches this script, which stops the engine gracefully once.
  detached: true,
});
const engineExit = new Promise((resolve) => engine.once('exit', resolve));
const ready = `http://${config.http.host}:${config.http.port}/readyz`;
for (let waited = 0; ; waited += 500) {
  if (engine.exitCode !== null) throw new Error('the engine exited; see its output above (is another engine already running on these ports?)');
  if (
    (await fetch(ready)
      .then((response) => response.ok)
      .catch(() => false)) === true
  )
    break;
  if (waited > 0 && waited % 15_000 === 0) console.log(`  still waiting for ${ready} (${waited / 1000}s; the first run builds the Temporal CLI)`);
  await new Promise((resolve) => setTimeout(resolve, 500));
}

const database = createDatabase({ connectionString: config.databaseUrl, max: 2 });
const connection = await Connection.connect({ address: temporalAddress });
const client = new Client({ connection });
const stop = async () => {
  engine.kill('SIGTERM');
  await engineExit;
  await connection.close();
  await database.close();
  await stub.stop();
};
process.once('SIGINT', () => void stop().then(() => process.exit(0)));

step('registering subscriptions and the saga');
const { subscriptions, saga } = paymentSagaSetup({ stubUrl: stub.url, secret });
const existing = new Set((await listSubscriptions(database.db)).map((subscription) => subscription.name));
for (const subscription of subscriptions) {
  if (existing.has(subscription.name)) await removeSubscription(database.db, subscription.name);
  await addSubscription(database.db, subscription);
}
await saveSaga(database.db, saga);
console.log('  payment.requested → reserve → charge → provision (undo: refund the charge, release the reservation)');

step('enqueueing two payments');
const run = Date.now().toString(36);
const payments = [
  { key: `pay-${run}-ok`, payload: { orderId: `${run}-1`, amount: 4200 } },
  { key: `pay-${run}-refused`, payload: { orderId: `${run}-2`, amount: 990, failAt: 'provision' } },
];
for (const payment of payments) {
  await enqueue(database.pool, { tenant: 'shop', type: 'payment.requested', payload: payment.payload, idempotencyKey: payment.key });
  console.log(`  ${payment.key}${payment.payload.failAt ? ' (the provider refuses to provision it)' : ''}`);
}

for (const payment of payments) {
  const handle = client.workflow.getHandle(`outbox:shop:${payment.key}`);
  for (let tries = 0; ; tries++) {
    try {
      await handle.describe();
      break;
    } catch (error) {
      if (tries > 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const result = await handle.result();
  step(`${handle.workflowId}: ${result.status}`);
  for (const saga of result.saga.steps) {
    console.log(`  ${saga.name.padEnd(10)} ${saga.state.padEnd(12)} ${saga.lastError ?? ''}`);
  }
  console.log(`  http://127.0.0.1:${uiPort}/namespaces/default/workflows/${encodeURIComponent(handle.workflowId)}`);
}

step('what the provider saw (one effect per idempotency key)');
for (const effect of stub.effects) console.log(`  ${effect.path.padEnd(16)} ${effect.key.padEnd(36)} ${JSON.stringify(effect.result)}`);
console.log(`\nBrowse the sagas in the Temporal UI: http://127.0.0.1:${uiPort} (filter: OutboxStatus = "Compensated"). Ctrl-C stops everything.`);
