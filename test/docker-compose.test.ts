// docker-compose.yml is for users (no Docker engine runs here), so this keeps it honest: the
// stack has its parts, and the engine services set only variables the engine reads, with
// values it accepts.
import { access, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENVIRONMENT_VARIABLES, loadConfig } from '../src/config/load-config.js';

interface ComposeFile {
  services: Record<string, { image?: string; build?: string; command?: string[]; environment?: Record<string, string>; volumes?: string[] }>;
}

describe('docker-compose.yml', () => {
  it('describes PostgreSQL, a Temporal server, the Temporal UI and the engine, configured with variables the engine accepts', async () => {
    const compose = parse(await readFile(new URL('../docker-compose.yml', import.meta.url), 'utf8')) as ComposeFile;
    expect(Object.keys(compose.services).sort()).toEqual(['grafana', 'outbox', 'outbox-migrate', 'postgres', 'prometheus', 'temporal', 'temporal-ui']);
    expect(compose.services.postgres?.image).toMatch(/^postgres:/);
    expect(compose.services.temporal?.image).toMatch(/^temporalio\//);
    expect(compose.services['temporal-ui']?.image).toMatch(/^temporalio\/ui:/);
    expect(compose.services['outbox-migrate']?.command).toEqual(['migrate']);
    expect(compose.services.outbox?.command).toEqual(['start']);
    for (const name of ['outbox', 'outbox-migrate']) {
      const environment = compose.services[name]?.environment ?? {};
      expect(Object.keys(environment).filter((variable) => !ENVIRONMENT_VARIABLES.includes(variable))).toEqual([]);
      expect(() => loadConfig(environment)).not.toThrow();
    }
    expect(loadConfig(compose.services.outbox?.environment).temporalAddress).toBe('temporal:7233');
  });

  it('mounts the Prometheus config, alerts and Grafana dashboard files that exist in deploy/', async () => {
    const compose = parse(await readFile(new URL('../docker-compose.yml', import.meta.url), 'utf8')) as ComposeFile;
    const mounts = ['prometheus', 'grafana'].flatMap((name) => compose.services[name]?.volumes ?? []).map((volume) => volume.split(':')[0]!);
    expect(mounts).toEqual(expect.arrayContaining(['./deploy/prometheus/alerts.yml', './deploy/grafana/outbox.json']));
    for (const mount of mounts) await expect(access(new URL(`../${mount}`, import.meta.url)), mount).resolves.toBeUndefined();
    const prometheus = parse(await readFile(new URL('../deploy/prometheus/prometheus.yml', import.meta.url), 'utf8')) as {
      scrape_configs: { static_configs: { targets: string[] }[] }[];
    };
    expect(prometheus.scrape_configs[0]?.static_configs[0]?.targets).toEqual(['outbox:8080']);
  });
});
