// Small measuring helpers for the bench: percentiles and a process's CPU time and memory.
import { readFile } from 'node:fs/promises';

/** The p-th percentile (0..100) of numbers, nearest rank; null for none. */
export function percentile(values, p) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const TICKS = 100; // Linux USER_HZ

/** CPU seconds (user + system) and RSS bytes of a process and its children, from /proc. */
export async function processUsage(pid) {
  try {
    const stat = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
    // Fields after "pid (comm) ": state=0 … utime=11 stime=12 cutime=13 cstime=14 … rss=21 (pages)
    const cpu = (Number(stat[11]) + Number(stat[12]) + Number(stat[13]) + Number(stat[14])) / TICKS;
    const rss = Number(stat[21]) * 4096;
    return { cpu, rss };
  } catch {
    return { cpu: 0, rss: 0 };
  }
}

/** Samples the peak RSS of pids every 250 ms until stopped; returns { peakRssBytes, cpuSeconds() }. */
export function watchProcesses(pids) {
  let peak = 0;
  const start = Promise.all(pids.map(processUsage));
  const timer = setInterval(async () => {
    const usage = await Promise.all(pids.map(processUsage));
    peak = Math.max(peak, usage.reduce((sum, item) => sum + item.rss, 0));
  }, 250);
  return {
    async stop() {
      clearInterval(timer);
      const [before, after] = [await start, await Promise.all(pids.map(processUsage))];
      peak = Math.max(peak, after.reduce((sum, item) => sum + item.rss, 0));
      const perProcess = after.map((item, index) => +(item.cpu - before[index].cpu).toFixed(2));
      return { cpuSeconds: perProcess.reduce((sum, cpu) => sum + cpu, 0), perProcessCpuSeconds: perProcess, peakRssBytes: peak };
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
