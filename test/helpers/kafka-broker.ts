import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SOURCE = fileURLToPath(new URL('../kafka-broker/', import.meta.url));

/** Builds test/kafka-broker (franz-go's kfake) once per source version, cached under ~/.cache. */
async function buildBroker(): Promise<string> {
  const hash = createHash('sha256');
  for (const file of ['main.go', 'go.mod', 'go.sum']) hash.update(await readFile(join(SOURCE, file)));
  const dir = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'outbox', 'test-tools');
  const binary = join(dir, `kafka-broker-${hash.digest('hex').slice(0, 12)}`);
  if (existsSync(binary)) return binary;
  await mkdir(dir, { recursive: true });
  const partial = `${binary}.${process.pid}.tmp`;
  console.log('[kafka] building the kfake Kafka-protocol broker with Go (first run only)…');
  await new Promise<void>((resolve, reject) => {
    const go = spawn('go', ['build', '-o', partial, '.'], { cwd: SOURCE, stdio: ['ignore', 'inherit', 'inherit'] });
    go.once('error', reject);
    go.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`go build of test/kafka-broker failed (exit ${code})`))));
  });
  await rename(partial, binary);
  return binary;
}

export interface KafkaBroker {
  /** host:port */
  address: string;
  stop(): Promise<void>;
}

/** Starts a kfake broker on loopback with the given topics. */
export async function startKafkaBroker(topics: string[], partitions = 3): Promise<KafkaBroker> {
  const binary = await buildBroker();
  const child: ChildProcess = spawn(binary, ['-topics', topics.join(','), '-partitions', String(partitions)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const address = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`kafka-broker exited (${code}) before listening`)));
    createInterface({ input: child.stdout! }).once('line', resolve);
  });
  return {
    address,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
