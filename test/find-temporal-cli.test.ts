// How the project obtains the `temporal` CLI, with the real files and PATH lookups it does.
import { chmod, copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { findTemporalCli, temporalCliCacheDir, TemporalCliNotFoundError } from '../src/temporal/find-temporal-cli.js';

describe('findTemporalCli', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'outbox-cli-lookup-'));
  });
  afterAll(async () => rm(root, { recursive: true, force: true }));

  const executable = async (path: string) => {
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, '#!/bin/sh\necho fake temporal\n');
    await chmod(path, 0o755);
    return path;
  };

  it('uses $TEMPORAL_CLI first, and names the variable when it points nowhere', async () => {
    const real = inject('temporalCliPath');
    await expect(findTemporalCli({ env: { TEMPORAL_CLI: real, PATH: '' } })).resolves.toEqual({ path: real, source: 'TEMPORAL_CLI' });
    await expect(findTemporalCli({ env: { TEMPORAL_CLI: join(root, 'missing'), PATH: '' } })).rejects.toThrow(
      /^TEMPORAL_CLI=.*missing is not an executable file/,
    );
  });

  it('then `temporal` on PATH, then the cache', async () => {
    const onPath = await executable(join(root, 'bin', 'temporal'));
    await expect(findTemporalCli({ env: { PATH: join(root, 'bin'), XDG_CACHE_HOME: join(root, 'cache') } })).resolves.toEqual({ path: onPath, source: 'PATH' });
    const env = { PATH: join(root, 'empty'), XDG_CACHE_HOME: join(root, 'cache') };
    const cached = join(temporalCliCacheDir(env), 'temporal');
    await mkdir(join(cached, '..'), { recursive: true });
    await copyFile(onPath, cached);
    await chmod(cached, 0o755);
    await expect(findTemporalCli({ env })).resolves.toEqual({ path: cached, source: 'cache' });
  });

  it('with no CLI, no cache, no Go and no download, says everything it tried and what to do', async () => {
    const env = { PATH: join(root, 'empty'), XDG_CACHE_HOME: join(root, 'nothing-cached') };
    const error = await findTemporalCli({ env, allowDownload: false }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TemporalCliNotFoundError);
    expect((error as Error).message).toMatch(
      /TEMPORAL_CLI is unset, `temporal` is not on PATH, nothing is cached in .*, it could not be built \(Go is not installed\) and could not be downloaded \(downloads are disabled\)\. Install the CLI .* or set TEMPORAL_ADDRESS/,
    );
  });
});
