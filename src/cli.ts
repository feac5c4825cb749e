// dubstage's command line (meow). Each subcommand is a thin call into session/, engine/, io/.
// Exit codes: 0 done, 1 the work failed (the message says why), 2 the command line was wrong.
import fs from 'node:fs';
import meow from 'meow';
import type { ListenState } from './engine/listen-main.js';
import type { MonitorFormat } from './engine/monitor-wire.js';
import { renderSession, RenderError } from './engine/offline-render.js';
import { WavError } from './io/wav-error.js';
import { formatWavInfo, wavSummary } from './io/wav-info-format.js';
import path from 'node:path';
import { parseEdl } from './io/edl.js';
import { conform, scanMedia } from './session/conform.js';
import { readCuePoints } from './io/wav-cues.js';
import { probeWav } from './io/wav-reader.js';
import { clockOf, helpText } from './session/command-line.js';
import { SessionEditor } from './session/editor.js';
import { runScript, scriptLines, ScriptError, type ScriptLine } from './session/run-script.js';
import { FRAME_RATES } from './session/timecode.js';
import { parseIxml } from './io/ixml.js';
import { frameRateFromIxml, parseFrameRate } from './session/timecode.js';
import { SessionFileError } from './session/session-file.js';
import { parseTime } from './session/time-spec.js';
import { formatTimecode, samplesToFrames } from './session/timecode.js';

const HELP = `
  Usage
    $ dubstage [SESSION]                 open the mixer (the demo session when none is given)
    $ dubstage new SESSION [options]     create an empty session file
    $ dubstage run SESSION -c CMD …      apply commands headless, then save
    $ dubstage render SESSION --out DIR  render master, D/M/E stems and M&E to BWF
    $ dubstage info FILE…                show WAV/BWF headers
    $ dubstage loudness FILE…            integrated / range / true peak (BS.1770, EBU R 128)
    $ dubstage devices                   list audio output devices (PortAudio)
    $ dubstage edl FILE --fps RATE       read a CMX3600 EDL (events, transitions, speed changes)
    $ dubstage conform EDL --media DIR   build a session from an EDL and production audio
    $ dubstage sync REF FILE…            find where recordings sit in a reference, by waveform
    $ dubstage otio export SESSION OUT.otio | otio import IN.otio --session OUT.dub
    $ dubstage listen URL                play a remote mixer's monitor stream (see --monitor)
    $ dubstage commands                  list the command language

  Options
    --help, --version
    new:     --rate 48000  --fps ${FRAME_RATES.join('|')}  --start 01:00:00:00  --name TEXT
    run:     -c, --command CMD (repeatable)  --script FILE  --no-save  --json
    render:  --out DIR  --float (32-bit float; default 24-bit PCM)  --from TIME  --to TIME  --loudness  --allow-offline  --json
    loudness: --json
    info:    --json
    devices: --json
    edl:     --fps RATE  --json
    conform: --media DIR (repeatable)  --session OUT  --fps RATE  --rate 48000  --handles FRAMES  --json
    sync:    --fps RATE  --json
    mixer:   --device ID  --no-device (null sink)  --block FRAMES (default 512)
             --monitor[=pcm24|pcm16|opus] (serve what is heard for dubstage listen, ffplay, mpv, VLC)
             --monitor-bitrate KBPS (Opus, default 128)  --monitor-port N (default 7710)  --monitor-bind ADDR
    listen:  --no-device (null sink)

  Examples
    $ dubstage new reel1.dub --fps 23.976
    $ dubstage run reel1.dub -c 'track add DIA1 dialogue' -c 'import media/sc12_t3.wav DIA1 at bwf'
    $ dubstage render reel1.dub --out deliver/
`;

const cli = meow(HELP, {
  importMeta: import.meta,
  allowUnknownFlags: false,
  flags: {
    command: { type: 'string', shortFlag: 'c', isMultiple: true },
    script: { type: 'string' },
    save: { type: 'boolean', default: true },
    json: { type: 'boolean', default: false },
    out: { type: 'string' },
    float: { type: 'boolean', default: false },
    from: { type: 'string' },
    to: { type: 'string' },
    rate: { type: 'number' },
    fps: { type: 'string' },
    start: { type: 'string' },
    name: { type: 'string' },
    device: { type: 'string' },
    block: { type: 'number' },
    loudness: { type: 'boolean', default: false },
    allowOffline: { type: 'boolean', default: false },
    media: { type: 'string', isMultiple: true },
    // a string so that --monitor=opus works; a bare --monitor arrives as ''
    monitor: { type: 'string' },
    monitorBitrate: { type: 'number' },
    monitorPort: { type: 'number' },
    monitorBind: { type: 'string' },
    session: { type: 'string' },
    handles: { type: 'number' },
  },
});

class UsageError extends Error {}

function usage(msg: string): never {
  throw new UsageError(msg);
}

/** A text file's contents, or an error that names the file and says what is wrong. */
function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (e as Error).message}`);
  }
}

function cmdNew(file: string | undefined): void {
  if (!file) usage('new: which session file? (dubstage new SESSION)');
  if (fs.existsSync(file)) throw new Error(`${file} already exists; open it or choose another name`);
  let frameRate;
  try {
    frameRate = cli.flags.fps ? parseFrameRate(cli.flags.fps).id : undefined;
  } catch (e) {
    usage(`new: ${(e as Error).message}`);
  }
  const ed = SessionEditor.create(file, { sampleRate: cli.flags.rate, frameRate, start: cli.flags.start, name: cli.flags.name });
  console.log(ed.save());
}

async function cmdRun(file: string | undefined): Promise<void> {
  if (!file) usage('run: which session file? (dubstage run SESSION -c CMD)');
  const lines: ScriptLine[] = [];
  (cli.flags.command ?? []).forEach((c, i) => lines.push({ text: c, origin: `-c #${i + 1}` }));
  if (cli.flags.script) {
    lines.push(...scriptLines(readText(cli.flags.script), cli.flags.script));
  }
  if (lines.length === 0) usage('run: give commands with -c CMD or --script FILE');
  const editor = SessionEditor.openOrCreate(file);
  const tty = process.stderr.isTTY && !cli.flags.json;
  const result = await runScript(editor, lines, { save: cli.flags.save, onProgress: tty ? (m) => process.stderr.write(`\r\x1b[K${m}`) : undefined });
  if (tty) process.stderr.write('\r\x1b[K');
  if (cli.flags.json) console.log(JSON.stringify({ session: file, saved: result.saved, messages: result.messages }, null, 2));
  else for (const m of result.messages) console.log(m);
}

async function cmdRender(file: string | undefined): Promise<void> {
  if (!file) usage('render: which session? (dubstage render SESSION --out DIR)');
  if (!cli.flags.out) usage('render: where to? (--out DIR)');
  const editor = SessionEditor.open(file);
  const doc = editor.doc;
  const offline = editor.media.offlineClips(doc);
  if (offline.length && !cli.flags.allowOffline) {
    // A deliverable with a hole in it is worse than no deliverable.
    throw new Error(`${offline.length} clip(s) are offline, so the render would miss them:\n${offline.map((o) => `  ${o.clip.id} (${o.clip.name}): ${o.reason}`).join('\n')}\nrelink the media, or render anyway with --allow-offline`);
  }
  const clock = clockOf(doc);
  const pos = (t: string | undefined) => {
    if (t === undefined) return undefined;
    try {
      return parseTime(t, clock).samples;
    } catch (e) {
      usage(`render: ${(e as Error).message}`);
    }
  };
  const started = performance.now();
  const showProgress = !cli.flags.json && process.stderr.isTTY;
  const result = await renderSession(doc, editor.media, {
    outDir: cli.flags.out, encoding: cli.flags.float ? 'float32' : 'pcm24', from: pos(cli.flags.from), to: pos(cli.flags.to), loudness: cli.flags.loudness,
    onProgress: showProgress ? (done, total) => process.stderr.write(`\rrendering ${Math.round((100 * done) / total)}%`) : undefined,
  });
  if (showProgress) process.stderr.write('\r\x1b[K');
  const seconds = (performance.now() - started) / 1000;
  const audioSeconds = result.frames / doc.sampleRate;
  if (cli.flags.json) {
    console.log(JSON.stringify({ ...result, seconds, speed: audioSeconds / seconds }, null, 2));
  } else {
    for (const f of result.files) {
      const l = result.loudness?.find((x) => x.key === f.key);
      const lt = l ? `  ${l.integrated === null ? '-inf' : l.integrated.toFixed(1)} LUFS, ${l.truePeak === null ? '-inf' : l.truePeak.toFixed(1)} dBTP, LRA ${l.range?.toFixed(1)} LU` : '';
      console.log(`${f.path}  (${f.label})${lt}`);
    }
    if (result.report) console.log(`${result.report}  (loudness report)`);
    console.log(`${audioSeconds.toFixed(2)} s of audio from ${clock.positionToTimecode(result.from)} in ${seconds.toFixed(2)} s (${(audioSeconds / seconds).toFixed(1)}× real time)`);
  }
  for (const o of result.offline) console.error(`warning: clip ${o.clip} is offline and was left out: ${o.reason}`);
  if (result.clippedSamples) console.error(`warning: ${result.clippedSamples} samples clipped at 0 dBFS in 24-bit output (use --float to keep overs)`);
  if (result.nonFiniteSamples) console.error(`warning: ${result.nonFiniteSamples} NaN/Inf samples in the media were replaced by silence`);
}

function cmdInfo(files: string[]): void {
  if (files.length === 0) usage('info: which files?');
  const out: unknown[] = [];
  let failed = false;
  for (const f of files) {
    try {
      const info = probeWav(f);
      const cues = readCuePoints(info);
      if (cli.flags.json) out.push(wavSummary(info, cues));
      else {
        // the rate asked for, else the one the recorder wrote in iXML, else 25
        const x = parseIxml(info.ixml, info.channels);
        const rate = cli.flags.fps ? parseFrameRate(cli.flags.fps) : (frameRateFromIxml(x.timecodeRate, x.timecodeFlag) ?? parseFrameRate('25'));
        console.log(formatWavInfo(info, (tr) => `${formatTimecode(samplesToFrames(tr, rate, info.sampleRate), rate)} at ${rate.id} fps`, cues));
      }
    } catch (e) {
      failed = true;
      if (cli.flags.json) out.push({ file: f, error: (e as Error).message });
      else console.error(`error: ${(e as Error).message}`);
    }
  }
  if (cli.flags.json) console.log(JSON.stringify(out, null, 2));
  if (failed) process.exitCode = 1;
}

async function cmdLoudness(files: string[]): Promise<void> {
  if (files.length === 0) usage('loudness: which files?');
  const { measureFile, roundResult } = await import('./engine/measure-loudness.js');
  const out: Record<string, unknown>[] = [];
  let failed = false;
  for (const file of files) {
    try {
      const r = roundResult(measureFile(file));
      out.push({ file, ...r });
      if (!cli.flags.json) {
        const f = (v: number | null, unit: string) => (v === null ? '  -inf' : v.toFixed(1).padStart(6)) + ` ${unit}`;
        console.log(`${file}\n  integrated ${f(r.integrated, 'LUFS')}   range ${f(r.range, 'LU')}   true peak ${f(r.truePeak, 'dBTP')}   sample peak ${f(r.samplePeak, 'dBFS')}\n  max momentary ${f(r.momentaryMax, 'LUFS')}   max short-term ${f(r.shortTermMax, 'LUFS')}`);
      }
    } catch (e) {
      failed = true;
      out.push({ file, error: (e as Error).message });
      if (!cli.flags.json) console.error(`error: ${(e as Error).message}`);
    }
  }
  if (cli.flags.json) console.log(JSON.stringify(out, null, 2));
  if (failed) process.exitCode = 1;
}

/** `dubstage listen URL`: plays a monitor stream; one status line, refreshed in place. */
async function cmdListen(url: string | undefined): Promise<void> {
  if (!url || !/^https?:\/\//.test(url)) usage('listen: dubstage listen http://127.0.0.1:PORT/stream.wav?token=… (the URL the mixer shows; /stream.opus for Opus)');
  const { fork } = await import('node:child_process');
  const { defaultLogDir } = await import('./engine/engine-client.js');
  const dir = defaultLogDir();
  fs.mkdirSync(dir, { recursive: true });
  const log = fs.openSync(path.join(dir, 'listen.log'), 'a');
  const main = new URL(import.meta.url.endsWith('.ts') ? '../dist/src/engine/listen-main.js' : './engine/listen-main.js', import.meta.url);
  const device = cli.flags.device as string | boolean | undefined;
  const child = fork(main, [url, ...(device === false ? ['--no-device'] : [])], { stdio: ['ignore', log, log, 'ipc'], cwd: dir });
  const tty = process.stdout.isTTY;
  child.on('message', (m: ListenState) => {
    const lat = m.latencyMs >= 0 ? `${String(m.latencyMs).padStart(4)} ms behind the mixer` : 'latency —';
    const line = `${m.connected ? 'connected' : 'connecting…'} ${m.format}  ${Math.round((m.rate * 8) / 1000)} kbit/s  buffer ${String(m.bufferedMs).padStart(4)} ms  ${lat}  dropouts ${m.dropouts}  flushes ${m.flushes}${m.driftFrames ? `  clock drift ${m.driftFrames > 0 ? '+' : ''}${m.driftFrames} frames` : ''}  reconnects ${m.reconnects}  out: ${m.sink}${m.error ? `  — ${m.error}` : ''}`;
    if (tty) process.stdout.write(`\r\x1b[K${line}`);
    else console.log(line);
  });
  const stop = () => {
    child.kill('SIGTERM');
    if (tty) process.stdout.write('\n');
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  if (tty) process.stdout.write('\n');
  if (code) process.exitCode = 1;
}

async function cmdOtio(args: string[]): Promise<void> {
  const [verb, a, b] = args;
  const { exportOtio, importOtio } = await import('./session/otio.js');
  const { writeFileAtomic } = await import('./io/atomic-file.js');
  if (verb === 'export') {
    if (!a || !b) usage('otio export SESSION OUT.otio');
    const ed = SessionEditor.open(a);
    writeFileAtomic(b, `${JSON.stringify(exportOtio(ed.doc, ed.media.baseDir), null, 2)}\n`);
    console.log(`wrote ${b}`);
    return;
  }
  if (verb === 'import') {
    if (!a) usage('otio import IN.otio --session OUT.dub');
    const out = cli.flags.session ?? a.replace(/\.[^.]+$/, '') + '.dub';
    if (fs.existsSync(out)) throw new Error(`${out} already exists; choose another --session`);
    const text = readText(a);
    const { editor, warnings } = importOtio(text, a, out, { sampleRate: cli.flags.rate, frameRate: cli.flags.fps ? parseFrameRate(cli.flags.fps).id : undefined });
    editor.save();
    console.log(`${out}: ${editor.doc.tracks.length} tracks, ${editor.doc.clips.length} clips`);
    for (const w of warnings) console.error(`warning: ${w}`);
    return;
  }
  usage('otio export SESSION OUT.otio | otio import IN.otio --session OUT.dub');
}

async function cmdSync(args: string[]): Promise<void> {
  const [ref, ...files] = args;
  if (!ref || files.length === 0) usage('sync: dubstage sync REFERENCE FILE…');
  const { syncFiles } = await import('./engine/sync.js');
  const rate = parseFrameRate(cli.flags.fps ?? '25');
  const refRate = probeWav(ref).sampleRate;
  const results = syncFiles(ref, files);
  if (cli.flags.json) {
    console.log(JSON.stringify(results, null, 2));
  } else {
    for (const r of results) {
      if (r.offset === null) console.log(`${r.file}: no match (confidence ${r.confidence.toFixed(2)})`);
      else {
        const tc = formatTimecode(samplesToFrames(r.timeReference!, rate, refRate), rate);
        console.log(`${r.file}: ${r.offset} samples into ${ref} (${(r.offset / refRate).toFixed(4)} s), starts at ${tc} at ${rate.id} fps, confidence ${r.confidence.toFixed(2)}`);
      }
    }
  }
  if (results.some((r) => r.offset === null)) process.exitCode = 1;
}

function cmdConform(edlFile: string | undefined): void {
  if (!edlFile) usage('conform: which EDL? (dubstage conform EDL --media DIR --session OUT)');
  const dirs = cli.flags.media ?? [];
  if (dirs.length === 0) usage('conform: where is the production audio? (--media DIR, repeatable)');
  const out = cli.flags.session ?? edlFile.replace(/\.[^.]+$/, '') + '.dub';
  if (fs.existsSync(out)) throw new Error(`${out} already exists; choose another --session`);
  const rate = parseFrameRate(cli.flags.fps ?? '24');
  const text = readText(edlFile);
  const edl = parseEdl(text, { fps: rate.id });
  for (const d of dirs) if (!fs.existsSync(d)) throw new Error(`${d}: media folder not found`);
  const { files, unreadable } = scanMedia(dirs, edl.rate);
  const { editor, report } = conform({ edl, media: files, sessionFile: out, sampleRate: cli.flags.rate, handles: cli.flags.handles });
  editor.save();
  if (cli.flags.json) {
    console.log(JSON.stringify({ session: out, events: report, edlErrors: edl.errors, unreadableMedia: unreadable }, null, 2));
  } else {
    for (const r of report) {
      const what = r.status === 'matched' ? `${path.basename(r.file!)} (by ${r.matchedBy}, offset ${r.offset} samples, handles ${r.handles!.before}/${r.handles!.after} fr)` : r.reason ?? '';
      console.log(`${String(r.event).padStart(4)} ${r.recordIn} ${r.reel.slice(0, 16).padEnd(16)} A${r.channels.join(',A').padEnd(6)} ${r.status.padEnd(12)} ${what}${r.status === 'matched' && r.reason ? ` — ${r.reason}` : ''}`);
      for (const c of r.candidates ?? []) console.log(`${' '.repeat(40)}candidate: ${c}`);
    }
    const count = (s: string) => report.filter((r) => r.status === s).length;
    console.log(`${out}: ${count('matched')} matched, ${count('ambiguous')} ambiguous, ${count('unmatched')} unmatched, ${count('speed-change')} speed changes flagged`);
  }
  for (const e of edl.errors) console.error(`${edlFile}:${e.line}: ${e.reason}`);
  for (const u of unreadable) console.error(`warning: ${u.reason}`);
}

function cmdEdl(file: string | undefined): void {
  if (!file) usage('edl: which EDL?');
  let rate;
  try {
    rate = parseFrameRate(cli.flags.fps ?? '24');
  } catch (e) {
    usage(`edl: ${(e as Error).message}`);
  }
  const text = readText(file);
  const edl = parseEdl(text, { fps: rate.id });
  if (cli.flags.json) {
    console.log(JSON.stringify({ file, ...edl, rate: edl.rate.id }, null, 2));
  } else {
    const tc = (f: number) => formatTimecode(f, edl.rate);
    console.log(`${file}: "${edl.title}", ${edl.events.length} events at ${edl.rate.id} fps${edl.dropFrame ? ' (drop frame)' : ''}`);
    for (const e of edl.events) {
      const ch = `${e.video ? 'V' : ''}${e.audio.length ? `A${e.audio.join(',')}` : ''}`;
      const tr = e.transition.type === 'C' ? 'C' : `${e.transition.code} ${e.transition.duration}`;
      const extra = [e.clipName && `clip ${e.clipName}`, e.speed !== undefined && `speed ${e.speed}`].filter(Boolean).join(', ');
      console.log(`  ${String(e.number).padStart(4)} ${e.reel.slice(0, 20).padEnd(20)} ${ch.padEnd(8)} ${tr.padEnd(8)} ${tc(e.sourceIn)} ${tc(e.sourceOut)} ${tc(e.recordIn)} ${tc(e.recordOut)}${extra ? `  ${extra}` : ''}`);
    }
  }
  for (const err of edl.errors) console.error(`${file}:${err.line}: ${err.reason}: ${err.text.trim()}`);
  if (edl.errors.length) process.exitCode = 1;
}

async function cmdDevices(): Promise<void> {
  const { queryDevices } = await import('./engine/engine-client.js');
  const { rows, error } = await queryDevices();
  if (error) throw new Error(`cannot list audio devices: ${error}`);
  if (cli.flags.json) {
    console.log(JSON.stringify(rows, null, 2));
    return;
  }
  const outs = rows.filter((r) => r.outputs > 0);
  if (outs.length === 0) {
    console.log('no audio output devices: dubstage will play to the null sink (meters and playhead still run)');
    return;
  }
  console.log(`${'id'.padStart(3)}  ${'name'.padEnd(36)} ${'host api'.padEnd(10)} ${'out'.padStart(3)}  rate`);
  for (const r of outs) {
    console.log(`${String(r.id).padStart(3)}  ${r.name.slice(0, 36).padEnd(36)} ${r.hostApi.slice(0, 10).padEnd(10)} ${String(r.outputs).padStart(3)}  ${r.defaultSampleRate}${r.isDefault ? '  (default)' : ''}`);
  }
}

async function main(): Promise<void> {
  const [sub, ...rest] = cli.input;
  switch (sub) {
    case 'new':
      return cmdNew(rest[0]);
    case 'run':
      return cmdRun(rest[0]);
    case 'render':
      return cmdRender(rest[0]);
    case 'info':
      return cmdInfo(rest);
    case 'devices':
      return cmdDevices();
    case 'loudness':
      return cmdLoudness(rest);
    case 'edl':
      return cmdEdl(rest[0]);
    case 'conform':
      return cmdConform(rest[0]);
    case 'sync':
      return cmdSync(rest);
    case 'otio':
      return cmdOtio(rest);
    case 'listen':
      return cmdListen(rest[0]);
    case 'commands':
      console.log(helpText());
      return;
    case 'help':
      cli.showHelp(0);
      return;
    default: {
      const { openMixer } = await import('./ui/open-mixer.js');
      // meow reads --no-device as the negation of --device: it arrives as device === false
      const device = cli.flags.device as string | boolean | undefined;
      const mon = monitorFlag(cli.flags.monitor, sub);
      const kbps = cli.flags.monitorBitrate;
      if (kbps !== undefined && !(kbps >= 6 && kbps <= 510)) usage('--monitor-bitrate takes kbit/s between 6 and 510 (Opus)');
      await openMixer(mon.session, {
        device: typeof device === 'string' ? device : undefined, noDevice: device === false,
        blockSize: cli.flags.block, monitor: mon.on || Boolean(cli.flags.monitorBind), monitorPort: cli.flags.monitorPort, monitorBind: cli.flags.monitorBind,
        monitorFormat: mon.format, monitorBitrate: kbps !== undefined ? kbps * 1000 : undefined,
      });
    }
  }
}

/**
 * `--monitor`, `--monitor=opus`, `--monitor stream`. The flag takes an optional value, so
 * `--monitor reel1.dub` reaches us as the value: a value that is not a format is the session.
 */
function monitorFlag(value: string | undefined, session: string | undefined): { on: boolean; format: MonitorFormat; session: string | undefined } {
  if (value === undefined) return { on: false, format: 'pcm24', session };
  const v = value.toLowerCase();
  if (v === '' || v === 'stream' || v === 'pcm' || v === 'pcm24') return { on: true, format: 'pcm24', session };
  if (v === 'pcm16' || v === 'opus') return { on: true, format: v, session };
  if (session === undefined && (v.endsWith('.dub') || fs.existsSync(value))) return { on: true, format: 'pcm24', session: value };
  usage(`--monitor takes pcm24, pcm16 or opus, not "${value}"`);
}

main().catch((e: unknown) => {
  if (e instanceof UsageError) {
    console.error(`dubstage: ${e.message}\nRun dubstage --help for usage.`);
    process.exitCode = 2;
    return;
  }
  // Known failures carry a message that names the file and the problem; a stack trace is noise
  // for the user (DUBSTAGE_DEBUG=1 shows it).
  const known = e instanceof SessionFileError || e instanceof WavError || e instanceof ScriptError || e instanceof RenderError || e instanceof Error;
  const debug = process.env.DUBSTAGE_DEBUG === '1';
  console.error(`dubstage: ${known && !debug ? (e as Error).message : (e as Error).stack ?? String(e)}`);
  process.exitCode = 1;
});
