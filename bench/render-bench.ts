// Offline render benchmark: a generated session of 32 mono tracks split across the three
// stems, rendered to the five deliverables. Prints one JSON line: × real time and peak RSS.
// Run through bench/run.ts, which starts one process per session length so each peak RSS is
// that render's own.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { renderSession } from '../src/engine/offline-render.js';
import { BwfWriter } from '../src/io/wav-writer.js';
import { SessionEditor } from '../src/session/editor.js';

const TRACKS = 32;
const MEDIA_SECONDS = 60;
const RATE = 48000;

/** Deterministic media: a different pitch and noise seed per track, 24-bit, one minute each. */
export function ensureMedia(dir: string): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (let t = 0; t < TRACKS; t++) {
    const file = path.join(dir, `src${String(t).padStart(2, '0')}.wav`);
    files.push(file);
    if (fs.existsSync(file)) continue;
    const w = new BwfWriter(file, { sampleRate: RATE, channels: 1, encoding: 'pcm24', bext: { timeReference: 0, description: 'dubstage bench media' } });
    const block = new Float32Array(RATE);
    let seed = 12345 + t;
    for (let s = 0; s < MEDIA_SECONDS; s++) {
      for (let i = 0; i < RATE; i++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        const n = (seed / 4294967296 - 0.5) * 0.05;
        block[i] = 0.2 * Math.sin((2 * Math.PI * (110 + 37 * t) * (s * RATE + i)) / RATE) + n;
      }
      w.write([block], RATE);
    }
    w.finish();
  }
  return files;
}

export function buildSession(dir: string, minutes: number, media: string[]): SessionEditor {
  const ed = SessionEditor.create(path.join(dir, `bench-${minutes}min.dub`));
  const kinds = ['dialogue', 'music', 'sfx'];
  for (let t = 0; t < TRACKS; t++) ed.execute(`track add T${t} ${kinds[t % 3]}`);
  let id = ed.doc.nextId;
  for (let t = 0; t < TRACKS; t++) {
    for (let m = 0; m < minutes; m++) {
      // one-minute clips back to back, each with short fades, a clip gain and a track pan
      ed.dispatch({ type: 'clip.add', track: `t${t + 1}`, media: path.relative(dir, media[t]), channels: [1], sourceStart: 0, position: m * 60 * RATE, length: 60 * RATE, name: `m${m}` });
      ed.dispatch({ type: 'clip.fade', clip: `c${id}`, which: 'in', length: 480 });
      ed.dispatch({ type: 'clip.fade', clip: `c${id}`, which: 'out', length: 480 });
      ed.dispatch({ type: 'clip.gain', clip: `c${id}`, db: -6 });
      id++;
    }
    ed.execute(`pan T${t} ${((t % 9) - 4) * 20}`);
  }
  return ed;
}

async function main() {
  const minutes = Number(process.argv[2] ?? 10);
  const root = path.join(os.tmpdir(), 'dubstage-bench');
  const media = ensureMedia(path.join(root, 'media'));
  const ed = buildSession(root, minutes, media);
  const out = fs.mkdtempSync(path.join(root, 'out-'));
  const t0 = performance.now();
  const res = await renderSession(ed.doc, ed.media, { outDir: out, blockSize: process.env.DUBSTAGE_BENCH_BLOCK ? Number(process.env.DUBSTAGE_BENCH_BLOCK) : undefined });
  const seconds = (performance.now() - t0) / 1000;
  fs.rmSync(out, { recursive: true, force: true });
  const audio = res.frames / RATE;
  console.log(JSON.stringify({ minutes, tracks: TRACKS, audioSeconds: audio, seconds, speed: audio / seconds, peakRssMB: process.resourceUsage().maxRSS / 1024 }));
}

if (process.argv[1] === import.meta.filename) main();
