// `npm run bench`: runs each benchmark in its own process and prints the figures that go in
// the README. Usage: npm run bench [-- render]
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const here = import.meta.dirname;

function child(script: string, args: string[]): Record<string, number> {
  const out = execFileSync(process.execPath, [path.join(here, script), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const last = out.trim().split('\n').pop()!;
  return JSON.parse(last);
}

const only = process.argv[2];

if (!only || only === 'render') {
  console.log('offline render: 32 mono 24-bit tracks → master + D/M/E + M&E (24-bit BWF), one core');
  for (const minutes of [10, 20]) {
    const r = child('render-bench.js', [String(minutes)]);
    console.log(`  ${minutes} min session: ${r.speed.toFixed(0)}× real time (${r.seconds.toFixed(2)} s), peak RSS ${r.peakRssMB.toFixed(0)} MB`);
  }
}
