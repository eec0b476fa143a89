// The image (issue 32). No Docker engine runs on this machine, so this test is a REPLAY, not a
// `docker build`: it reads the Dockerfile, and carries out its stages' steps in empty folders
// with the same build context (the repository as .dockerignore filters it): WORKDIR, COPY (from
// the context or an earlier stage), ENV and RUN (in bash). The base image's Node and Debian are
// this machine's (Node 20, Debian 12), which is what the pinned base image holds. It then checks
// the runtime stage holds what the engine needs, and runs `outbox migrate` and `outbox start`
// from it. The Dockerfile is also held to documented rules, since no hadolint (Haskell) builds
// here: pinned base images, COPY rather than ADD, `npm ci`, exec-form commands, a non-root user,
// no devDependencies in the runtime stage, every COPY source present and not ignored.
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../src/temporal/dev-server.js';
import { uniqueTaskQueue } from './helpers/engine-harness.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';
import { waitFor } from './helpers/wait-for.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Instruction {
  keyword: string;
  args: string;
  line: number;
}
interface Stage {
  name: string;
  base: string;
  instructions: Instruction[];
}

/** The Dockerfile's instructions by stage (continuation lines joined, comments dropped). */
function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    let line = lines[index]!.trim();
    const start = index + 1;
    if (line === '' || line.startsWith('#')) continue;
    while (line.endsWith('\\')) line = `${line.slice(0, -1)} ${lines[++index]!.trim()}`;
    const [keyword, ...rest] = line.split(/\s+/);
    const instruction = { keyword: keyword!.toUpperCase(), args: rest.join(' '), line: start };
    if (instruction.keyword === 'FROM') {
      const [base, , alias] = rest;
      stages.push({ name: alias ?? String(stages.length), base: base!, instructions: [] });
    } else {
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return stages;
}

/** Whether .dockerignore leaves `path` (relative to the context) out: a pattern matches it or a folder above it. */
function ignored(path: string, patterns: string[]): boolean {
  const parts = path.split('/');
  return patterns.some((pattern) => {
    const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
    return parts.some((_, depth) => regex.test(parts.slice(0, depth + 1).join('/'))) || parts.some((part) => !pattern.includes('/') && regex.test(part));
  });
}

describe('Dockerfile (replayed: no Docker engine here)', () => {
  let work: string;
  let stages: Stage[];
  let ignore: string[];
  let db: TestDatabase;
  const roots = new Map<string, string>();

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'outbox-image-'));
    stages = parseDockerfile(await readFile(join(ROOT, 'Dockerfile'), 'utf8'));
    ignore = (await readFile(join(ROOT, '.dockerignore'), 'utf8'))
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    db = await createTestDatabase({ migrated: false });
  });
  afterAll(async () => {
    await db?.drop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('follows the documented rules', async () => {
    for (const stage of stages) expect(stage.base, `FROM ${stage.base} pins a version`).toMatch(/^[a-z0-9/._-]+:\d+\.\d+[\w.-]*$/);
    const all = stages.flatMap((stage) => stage.instructions);
    expect(
      all.filter((instruction) => instruction.keyword === 'ADD'),
      'COPY, not ADD',
    ).toEqual([]);
    expect(
      all.filter((instruction) => instruction.keyword === 'RUN' && /npm (install|i)\b/.test(instruction.args)),
      'npm ci, not npm install',
    ).toEqual([]);
    for (const keyword of ['ENTRYPOINT', 'CMD']) {
      const found = all.filter((instruction) => instruction.keyword === keyword);
      expect(found.length, keyword).toBe(1);
      expect(() => JSON.parse(found[0]!.args) as unknown, `${keyword} in exec form`).not.toThrow();
    }
    const healthcheck = all.find((instruction) => instruction.keyword === 'HEALTHCHECK');
    expect(healthcheck?.args).toMatch(/CMD \[/);
    const last = stages.at(-1)!;
    const user = last.instructions.filter((instruction) => instruction.keyword === 'USER').at(-1)?.args;
    expect(user, 'the runtime stage runs as a non-root user').toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    expect(last.instructions.find((instruction) => instruction.keyword === 'EXPOSE')?.args).toBe('8080');
    // Every COPY from the context names something there that .dockerignore keeps.
    for (const instruction of all.filter((item) => item.keyword === 'COPY' && !item.args.startsWith('--from'))) {
      const sources = instruction.args.split(/\s+/).slice(0, -1);
      for (const source of sources) {
        await expect(stat(join(ROOT, source)), `line ${instruction.line}: ${source} exists`).resolves.toBeDefined();
        expect(ignored(source, ignore), `line ${instruction.line}: ${source} is not in .dockerignore`).toBe(false);
      }
    }
  });

  it('builds: every stage replayed in an empty folder with the same context', async () => {
    for (const stage of stages) {
      const root = join(work, `stage-${stage.name}`);
      await mkdir(root, { recursive: true });
      roots.set(stage.name, root);
      let cwd = root;
      const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
      for (const instruction of stage.instructions) {
        const where = `Dockerfile line ${instruction.line} (${instruction.keyword} ${instruction.args})`;
        if (instruction.keyword === 'WORKDIR') {
          cwd = join(root, instruction.args);
          await mkdir(cwd, { recursive: true });
        } else if (instruction.keyword === 'ENV') {
          for (const [, name, value] of instruction.args.matchAll(/(\w+)=(\S+)/g)) env[name!] = value!;
        } else if (instruction.keyword === 'COPY') {
          const words = instruction.args.split(/\s+/);
          const from = words[0]!.startsWith('--from=') ? words.shift()!.slice('--from='.length) : undefined;
          const destination = join(cwd, words.pop()!);
          for (const source of words) {
            // A source from an earlier stage is an absolute path in it; from the context, the repository filtered by .dockerignore.
            const origin = from ? join(roots.get(from)!, source) : join(ROOT, source);
            const target = words.length > 1 || destination.endsWith('/') ? join(destination, source.split('/').pop()!) : destination;
            await cp(origin, target, {
              recursive: true,
              filter: (path) => from !== undefined || !ignored(relative(ROOT, path), ignore) || relative(ROOT, path) === '',
            });
          }
        } else if (instruction.keyword === 'RUN') {
          await run('bash', ['-c', instruction.args], { cwd, env, maxBuffer: 64 * 1024 * 1024 }).catch((error: Error & { stderr?: string }) => {
            throw new Error(`${where} failed: ${error.message}\n${(error.stderr ?? '').slice(-2000)}`);
          });
        }
      }
    }
    const app = join(roots.get(stages.at(-1)!.name)!, 'app');
    for (const path of ['dist/console-app/index.html', 'dist/cli/main.js', 'dist/workflow-bundle.js', 'bin/outbox.js', 'migrations/0001_schema.sql']) {
      await expect(stat(join(app, path)), `the runtime stage holds ${path}`).resolves.toBeDefined();
    }
    const modules = await readdir(join(app, 'node_modules'));
    expect(modules).toContain('@temporalio');
    for (const devOnly of ['vitest', 'typescript', 'eslint', 'playwright-core']) expect(modules, `no devDependency ${devOnly}`).not.toContain(devOnly);
    await expect(stat(join(app, 'src')), 'no sources in the runtime stage').rejects.toThrow();
  });

  it('runs `outbox migrate` and `outbox start` from the runtime stage', async () => {
    const app = join(roots.get(stages.at(-1)!.name)!, 'app');
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'production', DATABASE_URL: db.url };
    const migrated = await run('node', ['bin/outbox.js', 'migrate'], { cwd: app, env });
    expect(migrated.stdout).toMatch(/migrated: \d+ applied/);
    const port = await freePort();
    const { spawn } = await import('node:child_process');
    const engine = spawn('node', ['bin/outbox.js', 'start'], {
      cwd: app,
      env: {
        ...env,
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        TEMPORAL_TASK_QUEUE: uniqueTaskQueue('image'),
        OUTBOX_HTTP_PORT: String(port),
        OUTBOX_HTTP_HOST: '127.0.0.1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    engine.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    try {
      await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status === 200, {
        what: 'the engine from the image ready',
        describe: () => output,
      });
      const console = await fetch(`http://127.0.0.1:${port}/console/`);
      expect(console.status).toBe(200);
      expect(await console.text()).toContain('<div id="app"');
    } finally {
      engine.kill('SIGKILL');
    }
  });
});
