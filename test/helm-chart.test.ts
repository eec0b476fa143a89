// The Helm chart (deploy/helm/outbox, issue 32): `helm lint`, and `helm template` with the default
// values, the Temporal Cloud values file and an mTLS setting, with assertions on the rendered
// objects. No cluster runs here: this checks what the chart would apply, not a rollout.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ENVIRONMENT_VARIABLES } from '../src/config/load-config.js';
import { findHelm, helm } from './helpers/helm.js';

const CHART = fileURLToPath(new URL('../deploy/helm/outbox/', import.meta.url));

interface K8sObject {
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  spec: Record<string, unknown>;
}
interface Container {
  args: string[];
  env: { name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }[];
  readinessProbe: { httpGet: { path: string } };
  livenessProbe: { httpGet: { path: string } };
  securityContext: { readOnlyRootFilesystem: boolean; allowPrivilegeEscalation: boolean; capabilities: { drop: string[] } };
  volumeMounts: { name: string; mountPath: string }[];
  resources: { requests: Record<string, string>; limits: Record<string, string> };
}
type PodSpec = {
  containers: Container[];
  securityContext: { runAsNonRoot: boolean };
  terminationGracePeriodSeconds: number;
  volumes: { name: string; secret?: { secretName: string } }[];
};

async function render(...valuesArgs: string[]): Promise<K8sObject[]> {
  const { stdout } = await helm(['template', 'outbox', '.', ...valuesArgs], CHART);
  return parseAllDocuments(stdout)
    .map((document) => document.toJS() as K8sObject | null)
    .filter((object): object is K8sObject => object !== null);
}
const pod = (object: K8sObject) => (object.spec.template as { spec: PodSpec }).spec;
const deployments = (objects: K8sObject[]) => objects.filter((object) => object.kind === 'Deployment');

describe('Helm chart deploy/helm/outbox', () => {
  // On a machine without it, helm is built from the Go module proxy first (several minutes with
  // the suite running beside it): in a hook of its own, so no test's timeout includes the build.
  beforeAll(async () => {
    await findHelm();
  }, 20 * 60_000);

  it('passes helm lint with the default values and with the Temporal Cloud values', async () => {
    for (const values of [[], ['-f', 'values-temporal-cloud.yaml']]) {
      const { stdout } = await helm(['lint', '.', ...values, '--strict'], CHART);
      expect(stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
    }
  });

  it('renders full engine processes with probes, a restricted security context, secrets by reference and a migration hook', async () => {
    const objects = await render();
    expect(objects.map((object) => object.kind).sort()).toEqual(['Deployment', 'Job', 'PodDisruptionBudget', 'Service', 'ServiceAccount']);
    const [engine] = deployments(objects);
    expect(engine!.spec.replicas).toBe(2);
    const spec = pod(engine!);
    const container = spec.containers[0]!;
    expect(container.args).toEqual(['start']);
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    expect(spec.securityContext.runAsNonRoot).toBe(true);
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(container.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
    // Longer than a graceful stop: the relay's batch timeout (30 s) and the worker's drain (10 s).
    expect(spec.terminationGracePeriodSeconds).toBeGreaterThan(40);
    expect(container.resources.requests).toEqual({ cpu: '1', memory: '512Mi' });
    const database = container.env.find((variable) => variable.name === 'DATABASE_URL');
    expect(database?.valueFrom?.secretKeyRef).toEqual({ name: 'outbox-database', key: 'url' });
    expect(container.env.filter((variable) => /KEY|SECRET|PASSWORD|URL/.test(variable.name) && variable.value !== undefined)).toEqual([]);
    expect(container.env.map((variable) => variable.name).filter((name) => !ENVIRONMENT_VARIABLES.includes(name))).toEqual([]);
    const job = objects.find((object) => object.kind === 'Job')!;
    expect(job.metadata.annotations?.['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    expect(pod(job).containers[0]!.args).toEqual(['migrate']);
    const budget = objects.find((object) => object.kind === 'PodDisruptionBudget')!;
    expect(budget.spec.maxUnavailable).toBe(1);
  });

  it('renders Temporal Cloud: split relays and workers, the API key from its Secret over TLS, and the Prometheus objects', async () => {
    const objects = await render('-f', 'values-temporal-cloud.yaml');
    const [relays, workers] = deployments(objects);
    expect(pod(relays!).containers[0]!.args).toEqual(['start', '--no-worker']);
    expect(pod(workers!).containers[0]!.args).toEqual(['start', '--no-relay']);
    expect(workers!.spec.replicas).toBe(6);
    const env = pod(workers!).containers[0]!.env;
    expect(env.find((variable) => variable.name === 'TEMPORAL_API_KEY')?.valueFrom?.secretKeyRef).toEqual({ name: 'temporal-cloud-api-key', key: 'api-key' });
    expect(env.find((variable) => variable.name === 'TEMPORAL_TLS')?.value).toBe('true');
    expect(env.find((variable) => variable.name === 'TEMPORAL_NAMESPACE')?.value).toBe('payments.a1b2c');
    expect(objects.filter((object) => object.kind === 'PodDisruptionBudget')).toHaveLength(2);
    expect(objects.find((object) => object.kind === 'ServiceMonitor')?.spec.endpoints).toEqual([{ port: 'http', path: '/metrics', interval: '30s' }]);
    const rule = objects.find((object) => object.kind === 'PrometheusRule')!;
    const alerts = parseAllDocuments(await readFile(new URL('../deploy/prometheus/alerts.yml', import.meta.url), 'utf8'))[0]!.toJS() as { groups: unknown };
    expect(rule.spec.groups).toEqual(alerts.groups);
  });

  it('mounts a client certificate Secret for mTLS, where cert-manager renews it in place', async () => {
    const objects = await render(
      '--set',
      'temporal.tls.enabled=true',
      '--set',
      'temporal.tls.secretName=outbox-temporal-client',
      '--set',
      'temporal.tls.serverCaFromSecret=true',
    );
    const spec = pod(deployments(objects)[0]!);
    expect(spec.volumes).toContainEqual({ name: 'temporal-tls', secret: { secretName: 'outbox-temporal-client' } });
    const env = Object.fromEntries(spec.containers[0]!.env.map((variable) => [variable.name, variable.value]));
    expect(env).toMatchObject({
      TEMPORAL_TLS_CLIENT_CERT_PATH: '/etc/outbox/temporal-tls/tls.crt',
      TEMPORAL_TLS_CLIENT_KEY_PATH: '/etc/outbox/temporal-tls/tls.key',
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: '/etc/outbox/temporal-tls/ca.crt',
    });
  });

  it('refuses an unknown mode, and a release without the database Secret, naming the value', async () => {
    await expect(render('--set', 'mode=sideways')).rejects.toThrow(/mode must be combined or split, not "sideways"/);
    await expect(render('--set', 'database.urlSecret.name=')).rejects.toThrow(/database.urlSecret.name is required/);
  });

  it('keeps files/alerts.yml the same as deploy/prometheus/alerts.yml', async () => {
    const [copy, original] = await Promise.all([
      readFile(new URL('../deploy/helm/outbox/files/alerts.yml', import.meta.url), 'utf8'),
      readFile(new URL('../deploy/prometheus/alerts.yml', import.meta.url), 'utf8'),
    ]);
    expect(copy).toBe(original);
  });
});
