import { readFileSync } from 'node:fs';
const [file, ...targets] = process.argv.slice(2);
const p = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(p.nodes.map(n => [n.id, n]));
const parent = new Map(); for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const dt = new Map(); for (let i = 0; i < p.samples.length; i++) dt.set(p.samples[i], (dt.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
let all = 0; const incl = Object.fromEntries(targets.map(t => [t, 0]));
for (const [id, t] of dt) {
  if (byId.get(id).callFrame.functionName === '(idle)') continue; all += t;
  const seen = new Set(); let cur = id;
  while (cur !== undefined) { const f = byId.get(cur).callFrame; const k = `${f.functionName}@${f.url.split('/').pop()}:${f.lineNumber}`; for (const tg of targets) if (k.startsWith(tg) && !seen.has(tg)) { incl[tg] += t; seen.add(tg); } cur = parent.get(cur); }
}
console.log('non-idle ms', Math.round(all/1000)); for (const [k, v] of Object.entries(incl)) console.log(k, Math.round(v/1000), 'ms', (100*v/all).toFixed(1)+'%');
