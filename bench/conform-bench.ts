// Conform of the longest EDL in the fixtures (pycmx_STP_R1_v082517.edl, 250 events) against a
// folder of generated production files: time and peak RSS. Prints one JSON line.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseEdl } from '../src/io/edl.js';
import { BwfWriter } from '../src/io/wav-writer.js';
import { conform, scanMedia } from '../src/session/conform.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const text = fs.readFileSync(path.join(root, 'test', 'fixtures', 'edl', 'pycmx_STP_R1_v082517.edl'), 'utf8');
// every event made an audio event, and one 2-channel file per reel covering its source range
const edl = parseEdl(text.replace(/^(\d+\s+\S+\s+)V(\s)/gm, '$1AA$2'), { fps: '23.976' });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dubstage-conform-'));
const reels = new Map<string, { from: number; to: number }>();
for (const e of edl.events) {
  const r = reels.get(e.reel) ?? { from: e.sourceIn, to: e.sourceOut };
  r.from = Math.min(r.from, e.sourceIn);
  r.to = Math.max(r.to, e.sourceOut);
  reels.set(e.reel, r);
}
for (const [reel, r] of reels) {
  const startSamples = Math.round((r.from * 1001 * 48000) / 24000);
  const frames = Math.round(((r.to - r.from + 1) * 1001 * 48000) / 24000);
  const w = new BwfWriter(path.join(dir, `${reel}.wav`), { sampleRate: 48000, channels: 2, encoding: 'pcm24', bext: { timeReference: startSamples } });
  const silence = new Float32Array(Math.min(frames, 48000));
  for (let done = 0; done < frames; done += silence.length) w.write([silence, silence], Math.min(silence.length, frames - done));
  w.finish();
}
const t0 = performance.now();
const parsed = parseEdl(text.replace(/^(\d+\s+\S+\s+)V(\s)/gm, '$1AA$2'), { fps: '23.976' });
const { files } = scanMedia([dir], parsed.rate);
const { report } = conform({ edl: parsed, media: files, sessionFile: path.join(dir, 'stp.dub') });
const seconds = (performance.now() - t0) / 1000;
fs.rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify({ bench: 'conform', events: parsed.events.length, files: files.length, matched: report.filter((r) => r.status === 'matched').length, seconds, peakRssMB: process.resourceUsage().maxRSS / 1024 }));
