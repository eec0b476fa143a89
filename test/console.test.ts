// The web console (issue 17) in a real browser (test/browser/console-browser.ts): an operator
// fixes a dead letter, a tenant's portal link shows that tenant only, a subscription made in the
// console gets a test send, and an expired link is refused with a page that says so. Every page
// is checked with axe and saved as a screenshot under test-output/console/.
import { Webhook } from 'standardwebhooks';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../src/temporal/dev-server.js';
import { enqueue } from '../src/outbox/enqueue.js';
import { launchBrowser, openPage, screenshot, seriousViolations } from './browser/console-browser.js';
import { uniqueTaskQueue } from './helpers/engine-harness.js';
import { signedPortalToken } from './helpers/portal-token.js';
import { runCli, spawnCli } from './helpers/run-cli.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';
import { WebhookSink } from './helpers/webhook-sink.js';

describe('web console', () => {
  let db: TestDatabase;
  let sink: WebhookSink;
  let engine: ReturnType<typeof spawnCli>;
  let browser: Browser;
  let base: string;
  let operatorKey: string;
  let output = '';
  let warehouseUp = false;
  const ids: Record<string, string> = {};
  const env = () => ({ DATABASE_URL: db.url });
  const api = async (method: string, path: string, body?: unknown) => {
    const answer = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${operatorKey}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    expect(answer.status, `${method} ${path}: ${await answer.clone().text()}`).toBeLessThan(300);
    return answer.json() as Promise<Record<string, unknown>>;
  };
  /** Each page: no serious accessibility violation, no CSP violation or script error, and a screenshot. */
  const check = async (page: Page, problems: string[], name: string) => {
    await screenshot(page, name);
    expect(await seriousViolations(page), `axe on ${name}`).toEqual([]);
    expect(problems, `browser problems on ${name}`).toEqual([]);
  };
  const installationId = async () => (await db.pool.query<{ id: string }>(`SELECT id FROM outbox.installation`)).rows[0]!.id;
  const heading = (page: Page, text: string | RegExp) => page.getByRole('heading', { level: 1, name: text }).waitFor({ timeout: 30_000 });

  beforeAll(async () => {
    [db, sink, browser] = await Promise.all([createTestDatabase(), new WebhookSink().start(), launchBrowser()]);
    // The warehouse endpoint fails until the test says it is back.
    sink.responder = (request) =>
      request.id.startsWith('order-dl') && !warehouseUp ? { status: 500, body: 'warehouse down for maintenance' } : { status: 200 };
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    engine = spawnCli(['start'], {
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: uniqueTaskQueue('console'),
      OUTBOX_TEMPORAL_UI_URL: 'http://127.0.0.1:8233/',
      OUTBOX_HTTP_PORT: String(port),
    });
    engine.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    engine.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    await waitFor(async () => (await fetch(`${base}/readyz`).catch(() => undefined))?.status === 200, {
      what: 'the engine to be ready',
      describe: () => output,
    });
    const created = await runCli(['api-keys', 'create', '--operator'], env());
    operatorKey = created.stdout.trim();
    await api('POST', '/v1/subscriptions', {
      name: 'warehouse',
      tenant: 'tenant-a',
      events: 'shop.order.*',
      target: { kind: 'webhook', config: { url: `${sink.url}/warehouse` } },
      retryPolicy: { maximumAttempts: 1 },
    });
    ids.dl1 = await enqueue(db.pool, { tenant: 'tenant-a', type: 'shop.order.paid', payload: { total: 42 }, idempotencyKey: 'order-dl-1' });
    ids.dl2 = await enqueue(db.pool, { tenant: 'tenant-a', type: 'shop.order.paid', payload: { total: 7 }, idempotencyKey: 'order-dl-2' });
    ids.ok = await enqueue(db.pool, { tenant: 'tenant-a', type: 'shop.order.paid', payload: { total: 1 }, idempotencyKey: 'order-ok-1' });
    ids.b = await enqueue(db.pool, { tenant: 'tenant-b', type: 'shop.order.paid', payload: { secret: 'of tenant b' }, idempotencyKey: 'order-b-1' });
    await waitFor(
      async () => (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox.dead_letters WHERE resolved_at IS NULL`)).rows[0]!.n === 2,
      {
        what: 'two dead letters',
        timeoutMs: 60_000,
        describe: () => output,
      },
    );
  });
  afterAll(async () => {
    await browser?.close();
    engine?.kill('SIGKILL');
    await sink?.stop();
    await db?.drop();
  });

  it('serves the console with a Content-Security-Policy that allows no inline script', async () => {
    const page = await fetch(`${base}/console/`);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(await page.text()).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect((await fetch(`${base}/console/events/1`)).headers.get('content-security-policy')).toBe(csp);
    expect((await fetch(`${base}/console/assets/no-such.js`)).status).toBe(404);
  });

  it('lets an operator find a dead-lettered event by its key, see its attempts, retry it and see it delivered', async () => {
    const { context, page, problems } = await openPage(browser);
    await page.goto(`${base}/console/`);
    await heading(page, 'Sign in to the outbox console');
    await check(page, problems, 'sign-in');
    // By keyboard: the key field, then Enter.
    await page.getByLabel('API key').focus();
    await page.keyboard.type(operatorKey);
    await page.keyboard.press('Enter');
    await heading(page, 'Overview');
    await page.getByText('Open dead letters').waitFor();
    await check(page, problems, 'overview');
    // The first Tab lands on the skip link, which takes the keyboard past the navigation.
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Skip to the page');

    await page.getByRole('link', { name: 'Events' }).click();
    await heading(page, 'Events');
    await page.getByLabel('Key').fill('order-dl-1');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: ids.dl1! }).click();
    await heading(page, `Event ${ids.dl1}`);
    await page.getByText('HTTP 500', { exact: true }).first().waitFor();
    await page.getByText('warehouse down for maintenance').first().waitFor();
    expect(await page.locator('.facts .badge').textContent()).toBe('dead lettered');
    expect(await page.getByRole('link', { name: 'Open in the Temporal UI' }).getAttribute('href')).toBe(
      `http://127.0.0.1:8233/namespaces/default/workflows/${encodeURIComponent(`outbox:${await installationId()}:tenant-a:order-dl-1`)}`,
    );
    await check(page, problems, 'event-dead-lettered');

    warehouseUp = true;
    await page.getByRole('button', { name: 'Retry warehouse' }).click();
    await page.getByText('Retry sent').waitFor();
    await page.locator('.facts .badge', { hasText: /^delivered$/ }).waitFor({ timeout: 60_000 });
    await page.getByText('HTTP 200', { exact: true }).first().waitFor();
    expect(sink.requests.filter((request) => request.id === 'order-dl-1').map((request) => request.status)).toEqual([500, 200]);
    await check(page, problems, 'event-delivered');
    await context.close();
  });

  it('retries dead letters in bulk after a confirmation that shows the count', async () => {
    const { context, page, problems } = await openPage(browser);
    await page.goto(`${base}/console/dead-letters`);
    await page.getByLabel('API key').fill(operatorKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await heading(page, 'Dead letters');
    await page.getByLabel(`Select dead letter`, { exact: false }).first().waitFor();
    const boxes = page.getByRole('checkbox', { name: /^Select dead letter \d+ \(order-dl-2\)$/ });
    expect(await boxes.count()).toBe(1);
    await boxes.check();
    await check(page, problems, 'dead-letters');
    await page.getByRole('button', { name: 'Retry selected (1)' }).click();
    await page.getByText('Retry 1 dead letter (the selected ones)?').waitFor();
    await check(page, problems, 'dead-letters-confirm');
    await page.getByRole('button', { name: 'Retry 1', exact: true }).click();
    await page.getByText('Retried 1 of 1 dead letters.', { exact: false }).waitFor();
    await waitFor(() => sink.requests.some((request) => request.id === 'order-dl-2' && request.status === 200), {
      what: 'order-dl-2 delivered after the bulk retry',
    });
    await page.getByText('No open dead letters.').waitFor({ timeout: 30_000 });
    await context.close();
  });

  it('creates a subscription whose test send arrives, signed with the secret it showed once', async () => {
    const { context, page, problems } = await openPage(browser);
    await page.goto(`${base}/console/subscriptions`);
    await page.getByLabel('API key').fill(operatorKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await heading(page, 'Subscriptions');
    await page.getByRole('button', { name: 'New subscription' }).click();
    await page.getByLabel('Name').fill('console-made');
    await page.getByLabel('Events').fill('console.*');
    await page.getByLabel('URL').fill(`${sink.url}/console-made`);
    await page.getByLabel('Tenant', { exact: true }).fill('tenant-a');
    await check(page, problems, 'subscription-new');
    await page.getByRole('button', { name: 'Create subscription' }).click();
    await page.getByText('Created console-made.').waitFor();
    const secret = (await page.locator('.secret').textContent())!;
    expect(secret).toMatch(/^whsec_/);
    await page.getByRole('link', { name: 'Open console-made' }).click();
    await heading(page, 'Subscription console-made');
    const before = sink.requests.length;
    await page.getByRole('button', { name: 'Send a test event' }).click();
    await page.getByText(/Test event \d+ delivered: HTTP 200/).waitFor({ timeout: 60_000 });
    const arrived = sink.requests.slice(before);
    expect(arrived).toHaveLength(1);
    expect(() => new Webhook(secret).verify(arrived[0]!.body, arrived[0]!.headers as Record<string, string>)).not.toThrow();
    await page.getByText('Recent attempts').waitFor();
    // Its signing secret is listed masked, never shown again.
    await page.getByText(/^secret: (encrypted|stored in clear)/).waitFor();
    expect(await page.content()).not.toContain(secret);
    await check(page, problems, 'subscription');
    // A bad filter is refused, naming the path, and nothing is saved.
    await page.getByLabel('Filter (JSON; empty for none)').fill('{"data.total": {"$between": [1, 2]}}');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('alert').filter({ hasText: 'filter' }).waitFor();
    expect(((await api('GET', '/v1/subscriptions/console-made')) as { filter: unknown }).filter).toBeNull();
    await context.close();
  });

  it("shows a tenant's portal link only that tenant's events, without operator fields, and another tenant's event as 404", async () => {
    const link = await runCli(['portal-link', '--tenant', 'tenant-a', '--expires', '1h', '--base-url', `${base}/console/`], env());
    expect(link.code, link.stderr).toBe(0);
    const url = link.stdout.trim();
    expect(url).toMatch(/\/console\/#portal=obp_/);
    const { context, page, problems } = await openPage(browser);
    await page.goto(url);
    await heading(page, 'Overview');
    expect(page.url(), 'the token leaves the address bar').toBe(`${base}/console/`);
    await page.getByText('Tenant tenant-a').waitFor();
    await check(page, problems, 'portal-overview');

    await page.getByRole('link', { name: 'Events' }).click();
    await heading(page, 'Events');
    await page.getByText('order-ok-1').waitFor();
    expect(await page.getByText('order-b-1').count()).toBe(0);
    expect(await page.getByLabel('Tenant', { exact: true }).count(), 'no tenant filter for a tenant').toBe(0);
    await check(page, problems, 'portal-events');

    await page.getByRole('link', { name: 'Subscriptions' }).click();
    await page.getByRole('button', { name: 'New subscription' }).click();
    await page.getByLabel('Events').waitFor();
    expect(await page.getByText('Operator settings').count()).toBe(0);
    expect(await page.getByLabel('May reach private addresses').count()).toBe(0);

    const answer = page.waitForResponse((response) => response.url().endsWith(`/v1/events/${ids.b}`));
    await page.goto(`${base}/console/events/${ids.b}`);
    expect((await answer).status()).toBe(404);
    await heading(page, '404: event not found');
    expect(await page.getByText('of tenant b').count()).toBe(0);
    await check(page, problems, 'portal-other-tenant-404');

    // Through the link, the tenant rotates its own subscription's secret (issue 31: this failed
    // with 403, a trigger ran as the tenant's role), and a test send is signed with the new one.
    await page.goto(`${base}/console/subscriptions/console-made`);
    await heading(page, 'Subscription console-made');
    await page.getByRole('button', { name: 'Rotate signing secret' }).click();
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByText('New signing secret, shown only now').waitFor();
    const rotated = (await page.locator('.secret').textContent())!;
    expect(rotated).toMatch(/^whsec_/);
    await check(page, problems, 'portal-rotated-secret');
    const sent = sink.requests.length;
    await page.getByRole('button', { name: 'Send a test event' }).click();
    await page.getByText(/Test event \d+ delivered: HTTP 200/).waitFor({ timeout: 60_000 });
    const signed = sink.requests.slice(sent)[0]!;
    const signatures = String(signed.headers['webhook-signature']).split(' ');
    expect(signatures, 'the new secret and the old one during the grace').toHaveLength(2);
    expect(() =>
      new Webhook(rotated).verify(signed.body, { ...(signed.headers as Record<string, string>), 'webhook-signature': signatures[0]! }),
    ).not.toThrow();

    // A phone's width: nothing wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${base}/console/events`);
    await page.getByText('order-ok-1').waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await check(page, problems, 'portal-events-phone');
    await context.close();
    expect(output, 'the portal token is in no log').not.toContain(url.split('#portal=')[1]);
  });

  it('refuses an expired portal link with a page that says so and what to do', async () => {
    const token = await signedPortalToken(db.pool, { tenant: 'tenant-a', expiresAt: new Date(Date.now() - 60_000) });
    const { context, page, problems } = await openPage(browser);
    await page.goto(`${base}/console/#portal=${token}`);
    await heading(page, 'This portal link has expired');
    await page.getByText('Ask the team that sent you this link for a new one.').waitFor();
    expect(await page.getByRole('link', { name: 'Events' }).count(), 'nothing of the tenant is shown').toBe(0);
    await check(page, problems, 'portal-expired');
    await context.close();
  });

  it('counts a replay before it runs, and shows the catalog', async () => {
    await api('PUT', '/v1/event-types/shop.order.paid/versions/1', {
      description: 'An order was paid',
      schema: { type: 'object', properties: { total: { type: 'number' } }, required: ['total'] },
    });
    const { context, page, problems } = await openPage(browser);
    await page.goto(`${base}/console/replay`);
    await page.getByLabel('API key').fill(operatorKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await heading(page, 'Replay');
    await page.getByLabel('Tenant').fill('tenant-a');
    await page.getByLabel('Events', { exact: true }).fill('shop.order.*');
    await page.getByLabel('From').fill('2020-01-01T00:00');
    await page.getByRole('button', { name: 'Count matching events' }).click();
    await page.getByText('Replay 3 events?').waitFor();
    await check(page, problems, 'replay');
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect(await page.getByText('Replay 3 events?').count()).toBe(0);

    await page.getByRole('link', { name: 'Event types' }).click();
    await heading(page, 'Event types');
    await page.getByText('shop.order.paid').click();
    await page.getByText('"required"').waitFor();
    await check(page, problems, 'event-types');
    await context.close();
  });
});
