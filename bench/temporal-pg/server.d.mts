// Types of server.mjs for the TypeScript tests that start a secured temporal-pg.
import type { ChildProcess } from 'node:child_process';

export function startPostgresTemporal(options: {
  adminUrl: string;
  database: string;
  visibilityDatabase: string;
  shards?: number;
  onProgress?: (line: string) => void;
  startTimeoutMs?: number;
  extraArgs?: string[];
  secured?: boolean;
}): Promise<{ address: string; process: ChildProcess; binary: string; stop(): Promise<void> }>;
