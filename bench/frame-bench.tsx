// Run with NODE_ENV=production (bench/run.ts does), as bin/dubstage.js runs the mixer.
// UI frame cost: the mixer screen with 64 tracks at 160×45, redrawn for meter updates.
// The engine side is a synthetic store that publishes changing meter readings (this measures
// React + Ink work per frame, not the engine). Prints one JSON line.
import os from 'node:os';
import path from 'node:path';
import { render } from 'ink-testing-library';
import type { EngineView } from '../src/engine/engine-client.js';
import type { EngineSnapshot } from '../src/engine/engine.js';
import { SessionEditor } from '../src/session/editor.js';
import { App, type EngineHandle } from '../src/ui/App.js';

const TRACKS = 64;
const ed = SessionEditor.create(path.join(os.tmpdir(), 'frame-bench.dub'));
for (let t = 0; t < TRACKS; t++) ed.execute(`track add T${t} ${['dialogue', 'music', 'sfx'][t % 3]}`);
for (let t = 0; t < TRACKS; t++) {
  for (let c = 0; c < 6; c++) {
    ed.dispatch({ type: 'clip.add', track: `t${t + 1}`, media: `m${t}.wav`, channels: [1], sourceStart: 0, position: (c * 11 + t) * 48000, length: 8 * 48000, name: `clip ${t}-${c}` });
  }
}
for (let m = 0; m < 8; m++) ed.execute(`marker add ${m * 10}s "Cue ${m}"`);

let view: EngineView = { connected: true, sink: { kind: 'null', name: 'null sink' }, latencyFrames: 0, snap: null, message: '', restarts: 0, monitor: null, monitorStatus: null };
const listeners = new Set<() => void>();
const engine: EngineHandle = {
  subscribe: (fn) => (listeners.add(fn), () => listeners.delete(fn)),
  getSnapshot: () => view,
  setSession: () => undefined, toggle: () => undefined, play: () => undefined, stop: () => undefined,
  locate: () => undefined, setLoop: () => undefined, clearMessage: () => undefined, follow: () => undefined, logFile: '/dev/null',
};

function snap(i: number): EngineSnapshot {
  const lvl = (k: number) => -40 + 30 * Math.abs(Math.sin(i * 0.1 + k));
  return {
    transport: 'rolling', position: i * 1600, rolling: true, loop: null, underruns: 0, late: 0,
    tracks: ed.doc.tracks.map((t, k) => ({ id: t.id, meter: { peak: lvl(k) + 6, rms: lvl(k) } })),
    buses: ['D', 'M', 'E', 'master'].map((id, k) => ({ id, left: { peak: lvl(k), rms: lvl(k) - 6 }, right: { peak: lvl(k + 1), rms: lvl(k + 1) - 6 } })),
    offline: [], readErrors: 0, lastError: '',
    loudness: ['D', 'M', 'E', 'master'].map((id, k) => ({ id, momentary: lvl(k), shortTerm: lvl(k) - 1, integrated: -23, peak: lvl(k) + 10 })),
    reduction: {}, masterReduction: 0,
  };
}

const app = render(<App editor={ed} engine={engine} columns={160} rows={45} onQuit={() => undefined} />);
const tick = () => new Promise((r) => setImmediate(r));

async function frames(n: number, from: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const before = app.frames.length;
    view = { ...view, snap: snap(from + i) };
    for (const l of listeners) l();
    while (app.frames.length === before) await tick();
  }
}

await frames(30, 0); // warm up
const N = 300;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
await frames(N, 30);
const cpu = process.cpuUsage(cpu0);
const wallMs = (performance.now() - t0) / N;
const cpuMs = (cpu.user + cpu.system) / 1000 / N;
const frameBytes = Buffer.byteLength(app.lastFrame() ?? '');
app.unmount();
console.log(JSON.stringify({ bench: 'frame', tracks: TRACKS, cols: 160, rows: 45, msPerFrame: cpuMs, wallMsPerFrame: wallMs, frameBytes }));
