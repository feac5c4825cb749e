// Terminal benchmarks through a real pseudo-terminal (node-pty + headless xterm):
//   - time from launch to the first full frame of the demo scene;
//   - bytes per second the UI writes to the terminal, idle and playing;
//   - real-time capacity: the most tracks, each streaming its own clip from disk, that play
//     for N seconds with no underrun while the UI redraws (at 512 and 256 frames per block).
// Prints one JSON line per measurement.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import xterm from '@xterm/headless';
import * as pty from 'node-pty';
import { ensureDemoMedia } from '../src/demo/generate-demo.js';
import { SessionEditor } from '../src/session/editor.js';
import { ensureMedia } from './render-bench.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const cli = path.join(root, 'bin', 'dubstage.js');

function screen(term: xterm.Terminal): string {
  const b = term.buffer.active;
  const lines: string[] = [];
  for (let i = 0; i < term.rows; i++) lines.push(b.getLine(b.viewportY + i)?.translateToString(true) ?? '');
  return lines.join('\n');
}

function launch(args: string[], cols = 100, rows = 30) {
  const env = { ...process.env, TERM: 'xterm-256color' } as Record<string, string>;
  delete env.CI;
  const term = new xterm.Terminal({ cols, rows, allowProposedApi: true });
  const p = pty.spawn(process.execPath, [cli, ...args], { name: 'xterm-256color', cols, rows, env, cwd: os.tmpdir() });
  const state = { bytes: 0, exited: false };
  p.onData((d) => {
    state.bytes += Buffer.byteLength(d);
    term.write(d);
  });
  p.onExit(() => {
    state.exited = true;
  });
  return { term, p, state };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(pred: () => boolean, timeout: number): Promise<boolean> {
  const t0 = performance.now();
  while (performance.now() - t0 < timeout) {
    if (pred()) return true;
    await sleep(5);
  }
  return false;
}

async function quit(p: pty.IPty, state: { exited: boolean }) {
  p.write(':q!\r');
  if (!(await until(() => state.exited, 5000))) p.kill('SIGKILL');
}

async function launchAndBytes(demo: string) {
  const t0 = performance.now();
  const { term, p, state } = launch([demo, '--no-device']);
  await until(() => /Master/.test(screen(term)) && /Cues \(6\)/.test(screen(term)) && /NO DEVICE/.test(screen(term)), 15000);
  const firstFrameMs = performance.now() - t0;
  await sleep(1000);
  let b0 = state.bytes;
  await sleep(5000);
  const idle = (state.bytes - b0) / 5;
  p.write(' ');
  await sleep(500);
  b0 = state.bytes;
  await sleep(5000);
  const playing = (state.bytes - b0) / 5;
  await quit(p, state);
  console.log(JSON.stringify({ bench: 'launch', firstFrameMs }));
  console.log(JSON.stringify({ bench: 'terminal-bytes', idleBytesPerSecond: idle, playingBytesPerSecond: playing, cols: 100, rows: 30 }));
}

function capacitySession(dir: string, tracks: number, seconds: number, media: string[]): string {
  const file = path.join(dir, `cap-${tracks}.dub`);
  fs.rmSync(file, { force: true });
  const ed = SessionEditor.create(file);
  for (let t = 0; t < tracks; t++) ed.execute(`track add T${t} ${['dialogue', 'music', 'sfx'][t % 3]}`);
  for (let t = 0; t < tracks; t++) {
    // back-to-back clips from a file of its own (files are reused past 32 tracks, at other offsets)
    for (let s = 0; s < seconds; s += 20) {
      ed.dispatch({
        type: 'clip.add', track: `t${t + 1}`, media: path.relative(dir, media[t % media.length]), channels: [1],
        sourceStart: ((t * 7919) % 20) * 48000, position: s * 48000, length: 20 * 48000, name: `t${t}s${s}`,
      });
    }
  }
  ed.save();
  return file;
}

async function capacity(tracks: number, block: number, seconds: number, dir: string, media: string[]) {
  const file = capacitySession(dir, tracks, seconds, media);
  const { term, p, state } = launch([file, '--no-device', '--block', String(block)]);
  await until(() => /NO DEVICE/.test(screen(term)), 15000);
  p.write(' ');
  await sleep(seconds * 1000);
  const m = /xrun (\d+)/.exec(screen(term));
  const underruns = m ? Number(m[1]) : -1;
  await quit(p, state);
  console.log(JSON.stringify({ bench: 'capacity', tracks, block, seconds, underruns }));
  return underruns;
}

async function main() {
  const only = process.argv[2];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dubstage-uibench-'));
  if (!only || only === 'ui') {
    fs.copyFileSync(path.join(root, 'sessions', 'demo', 'demo.dub'), path.join(tmp, 'demo.dub'));
    await ensureDemoMedia(tmp);
    await launchAndBytes(path.join(tmp, 'demo.dub'));
  }
  if (!only || only === 'capacity') {
    const seconds = Number(process.env.DUBSTAGE_CAPACITY_SECONDS ?? 60);
    const root2 = path.join(os.tmpdir(), 'dubstage-bench');
    const media = ensureMedia(path.join(root2, 'media'));
    const blocks = (process.env.DUBSTAGE_CAPACITY_BLOCKS ?? '512,256').split(',').map(Number);
    const trackCounts = (process.env.DUBSTAGE_CAPACITY_TRACKS ?? '32,64,128,256').split(',').map(Number);
    for (const block of blocks) {
      for (const tracks of trackCounts) {
        const u = await capacity(tracks, block, seconds, root2, media);
        if (u !== 0) break;
      }
    }
  }
  fs.rmSync(tmp, { recursive: true, force: true });
}

main().then(() => process.exit(0));
