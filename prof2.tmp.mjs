import { readFileSync } from 'node:fs';
const [file, target] = process.argv.slice(2);
const p = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(p.nodes.map(n => [n.id, n]));
const parent = new Map(); for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const dt = new Map(); for (let i = 0; i < p.samples.length; i++) dt.set(p.samples[i], (dt.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
// total time (self+children) per node
const total = new Map();
for (const [id, t] of dt) { let cur = id; while (cur !== undefined) { total.set(cur, (total.get(cur) ?? 0) + t); cur = parent.get(cur); } }
const chains = new Map();
for (const n of p.nodes) if (n.callFrame.functionName === target) {
  const chain = []; let cur = parent.get(n.id); let d = 0;
  while (cur !== undefined && d < 12) { const f = byId.get(cur).callFrame; chain.push(`${f.functionName || '(anon)'}@${f.url.split('/').slice(-2).join('/')}:${f.lineNumber}`); cur = parent.get(cur); d++; }
  const k = chain.join(' < '); chains.set(k, (chains.get(k) ?? 0) + (total.get(n.id) ?? 0));
}
[...chains].sort((a, b) => b[1] - a[1]).slice(0, 6).forEach(([k, t]) => console.log((t / 1000).toFixed(0), k, '\n'));
