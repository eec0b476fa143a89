import { readFileSync } from 'node:fs';
for (const file of process.argv.slice(2)) {
  const p = JSON.parse(readFileSync(file, 'utf8'));
  const self = new Map(); const byId = new Map(p.nodes.map(n => [n.id, n]));
  const dt = new Map();
  for (let i = 0; i < p.samples.length; i++) dt.set(p.samples[i], (dt.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
  let total = 0;
  for (const [id, t] of dt) { const n = byId.get(id); const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').slice(-3).join('/')}:${n.callFrame.lineNumber}`; self.set(k, (self.get(k) ?? 0) + t); if (n.callFrame.functionName !== '(idle)') total += t; }
  console.log(file, 'non-idle ms', Math.round(total / 1000), 'duration s', Math.round((p.endTime - p.startTime) / 1e6));
  [...self].sort((a, b) => b[1] - a[1]).slice(0, 25).forEach(([k, t]) => console.log((t / 1000).toFixed(0).padStart(7), k));
}
