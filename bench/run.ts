// `npm run bench`: runs each benchmark in its own process and prints the figures that go in
// the README. Usage: npm run bench [-- render|ui|capacity|dsp|src|sync|conform|monitor]
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const here = import.meta.dirname;

function child(script: string, args: string[]): Record<string, number> {
  const out = execFileSync(process.execPath, [path.join(here, script), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const last = out.trim().split('\n').pop()!;
  return JSON.parse(last);
}

const only = process.argv[2];

function lines(script: string, args: string[]): Record<string, number | string>[] {
  const out = execFileSync(process.execPath, [path.join(here, script), ...args], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_ENV: 'production' },
  });
  return out.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
}

/** The render bench pinned to one CPU (taskset), so libuv's write thread shares it too. */
function pinned(script: string, args: string[]): Record<string, number> | null {
  try {
    const out = execFileSync('taskset', ['-c', '0', process.execPath, path.join(here, script), ...args], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_ENV: 'production' },
    });
    return JSON.parse(out.trim().split('\n').pop()!);
  } catch {
    return null; // no taskset here
  }
}

if (!only || only === 'render') {
  console.log('offline render: 32 mono 24-bit tracks → master + D/M/E + M&E (24-bit BWF), one render thread');
  for (const minutes of [10, 20]) {
    const r = child('render-bench.js', [String(minutes)]);
    console.log(`  ${minutes} min session: ${r.speed.toFixed(0)}× real time (${r.seconds.toFixed(2)} s), peak RSS ${r.peakRssMB.toFixed(0)} MB`);
    const p = pinned('render-bench.js', [String(minutes)]);
    if (p) console.log(`  ${minutes} min session, the whole process on one CPU (taskset -c 0): ${p.speed.toFixed(0)}× real time (${p.seconds.toFixed(2)} s)`);
  }
}

if (!only || only === 'ui') {
  for (const r of lines('frame-bench.js', [])) {
    console.log(`UI frame, ${r.tracks} tracks at ${r.cols}×${r.rows}: ${Number(r.msPerFrame).toFixed(1)} ms of CPU per redraw`);
  }
  for (const r of lines('ui-bench.js', ['ui'])) {
    if (r.bench === 'launch') console.log(`launch to first full frame (demo scene, pty): ${Number(r.firstFrameMs).toFixed(0)} ms`);
    if (r.bench === 'terminal-bytes') console.log(`terminal output at ${r.cols}×${r.rows}: idle ${Number(r.idleBytesPerSecond).toFixed(0)} B/s, playing ${Number(r.playingBytesPerSecond).toFixed(0)} B/s`);
  }
}

if (!only || only === 'capacity') {
  console.log(`real-time capacity (tracks streaming from disk, ${process.env.DUBSTAGE_CAPACITY_SECONDS ?? 60} s each, null sink, UI redrawing):`);
  for (const r of lines('ui-bench.js', ['capacity'])) {
    console.log(`  ${r.tracks} tracks at ${r.block} frames: ${r.underruns} underruns`);
  }
}

if (!only || only === 'dsp') {
  for (const r of lines('loudness-bench.js', ['60'])) {
    if (r.bench === 'loudness-file') console.log(`loudness of a ${r.minutes}-minute stereo 24-bit file: ${Number(r.seconds).toFixed(1)} s (${Number(r.speed).toFixed(0)}× real time)`);
    if (r.bench === 'kernel') console.log(`  ${r.name}: ${(Number(r.samplesPerSecond) / 1e6).toFixed(1)} M samples/s`);
    if (r.bench === 'strip') console.log(`  full dialogue strip on one mono track at 48 kHz: ${(Number(r.shareOfCore) * 100).toFixed(2)} % of a core (${Number(r.tracksPerCore).toFixed(0)} such tracks per core)`);
  }
}

if (!only || only === 'src') {
  console.log('sample-rate conversion on import (libsamplerate WASM), 44.1 → 48 kHz:');
  for (const r of lines('src-bench.js', [])) {
    console.log(`  ${String(r.quality).padEnd(8)} SNR ${Number(r.snr1000).toFixed(0)} dB at 1 kHz, ${Number(r.snr15000).toFixed(0)} dB at 15 kHz; ${Number(r.secondsPerMonoMinute).toFixed(2)} s per mono minute`);
  }
}

if (!only || only === 'sync') {
  for (const r of lines('sync-bench.js', [])) {
    console.log(`waveform sync, 60 s recording in a 10-minute reference: ${Number(r.seconds).toFixed(2)} s (error ${r.errorSamples} samples, confidence ${Number(r.confidence).toFixed(2)})`);
  }
}

if (!only || only === 'conform') {
  for (const r of lines('conform-bench.js', [])) {
    console.log(`conform of the longest fixture EDL (${r.events} events, ${r.files} files): ${Number(r.seconds).toFixed(2)} s, ${r.matched} matched, peak RSS ${Number(r.peakRssMB).toFixed(0)} MB`);
  }
}

if (!only || only === 'monitor') {
  console.log('remote monitor, 48 kHz stereo, one listener on loopback:');
  for (const r of lines('monitor-bench.js', [])) {
    if (r.bench === 'handover') console.log(`  render loop's hand-over to the monitor worker: ${Number(r.microsecondsPerBlock).toFixed(2)} µs per 512-frame block`);
    if (r.bench === 'serve') console.log(`  ${String(r.format).padEnd(5)}: ${(Number(r.cpuShare) * 100).toFixed(2)} % of a core, ${Number(r.kbitPerSecond).toFixed(0)} kbit/s on the wire`);
    if (r.bench === 'latency') console.log(`  engine render → dubstage listen's output (${r.format}): median ${r.medianMs} ms, max ${r.maxMs} ms`);
  }
}
