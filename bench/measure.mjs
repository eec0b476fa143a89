// Small measuring helpers for the bench: percentiles and a process's CPU time and memory.
import { readFile } from 'node:fs/promises';

/** The p-th percentile (0..100) of numbers, nearest rank; null for none. */
export function percentile(values, p) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const TICKS = 100; // Linux USER_HZ

/** CPU seconds (user + system) and RSS bytes of a process and its children (unless children: false), from /proc. */
export async function processUsage(pid, { children = true } = {}) {
  try {
    const stat = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
    // Fields after "pid (comm) ": state=0 … utime=11 stime=12 cutime=13 cstime=14 … rss=21 (pages)
    const cpu = (Number(stat[11]) + Number(stat[12]) + (children ? Number(stat[13]) + Number(stat[14]) : 0)) / TICKS;
    const rss = Number(stat[21]) * 4096;
    return { cpu, rss };
  } catch {
    return { cpu: 0, rss: 0 };
  }
}

/** Samples the peak RSS of pids every 250 ms until stopped; returns { peakRssBytes, cpuSeconds() }. */
export function watchProcesses(pids) {
  let peak = 0;
  const peaks = pids.map(() => 0);
  const sample = (usage) => {
    peak = Math.max(
      peak,
      usage.reduce((sum, item) => sum + item.rss, 0),
    );
    usage.forEach((item, index) => (peaks[index] = Math.max(peaks[index], item.rss)));
  };
  const start = Promise.all(pids.map(processUsage));
  const timer = setInterval(async () => sample(await Promise.all(pids.map(processUsage))), 250);
  return {
    async stop() {
      clearInterval(timer);
      const [before, after] = [await start, await Promise.all(pids.map(processUsage))];
      sample(after);
      const perProcess = after.map((item, index) => +(item.cpu - before[index].cpu).toFixed(2));
      return {
        cpuSeconds: perProcess.reduce((sum, cpu) => sum + cpu, 0),
        perProcessCpuSeconds: perProcess,
        peakRssBytes: peak,
        perProcessPeakRssBytes: [...peaks],
      };
    },
  };
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Stops a child process gracefully (SIGTERM) and waits for it; nothing if it already exited. */
export async function stopChild(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/**
 * CPU seconds of the PostgreSQL server's processes while watched, by database: backends by the
 * database they are connected to (pg_stat_activity, sampled every second, so pools that come
 * and go are counted up to their last sample), everything else (WAL writer, checkpointer,
 * autovacuum, …) as "(background)". Linux only, and PostgreSQL must be on this machine.
 */
export function watchPostgres(pool) {
  const first = new Map(); // pid -> cpu when first seen (0 for processes born while watched)
  const last = new Map(); // pid -> cpu at the last sample
  const databaseOf = new Map();
  let sampling = Promise.resolve();
  let started = false;
  const sample = async () => {
    const { rows } = await pool.query('SELECT pid, datname FROM pg_stat_activity').catch(() => ({ rows: [] }));
    for (const row of rows) if (row.datname) databaseOf.set(row.pid, row.datname);
    const pids = await postgresPids();
    await Promise.all(
      pids.map(async (pid) => {
        // Own CPU only: the postmaster's children's time would count exited backends twice.
        const { cpu } = await processUsage(pid, { children: false });
        if (!first.has(pid)) first.set(pid, started ? 0 : cpu);
        last.set(pid, Math.max(cpu, last.get(pid) ?? 0));
      }),
    );
  };
  sampling = sample().then(() => {
    started = true;
  });
  const timer = setInterval(() => {
    sampling = sampling.then(sample);
  }, 1000);
  return {
    async stop() {
      clearInterval(timer);
      await sampling;
      await sample();
      const byDatabase = {};
      for (const [pid, cpu] of last) {
        const name = databaseOf.get(pid) ?? '(background)';
        byDatabase[name] = (byDatabase[name] ?? 0) + cpu - first.get(pid);
      }
      for (const name of Object.keys(byDatabase)) byDatabase[name] = +byDatabase[name].toFixed(2);
      return byDatabase;
    },
  };
}

async function postgresPids() {
  const { readdir } = await import('node:fs/promises');
  const pids = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const comm = await readFile(`/proc/${entry}/comm`, 'utf8').catch(() => '');
    if (comm.trim() === 'postgres') pids.push(Number(entry));
  }
  return pids;
}

/** Busy CPU seconds of the whole machine so far (all cores; /proc/stat), to spot other load. */
export async function machineBusySeconds() {
  const [cpu] = (await readFile('/proc/stat', 'utf8')).split('\n');
  const [user, nice, system, , , irq, softirq, steal] = cpu.trim().split(/\s+/).slice(1).map(Number);
  return (user + nice + system + irq + softirq + steal) / TICKS;
}
