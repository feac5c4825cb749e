// Offline render: the playback graph run as fast as it goes, written to BWF deliverables —
// master, D / M / E stems, and the M&E (music + effects). Everything is written to temp names
// and renamed only when every file is complete; a failed render leaves no deliverable behind.
import fs from 'node:fs';
import path from 'node:path';
import { BwfWriter, type WavEncoding } from '../io/wav-writer.js';
import { clockOf } from '../session/command-line.js';
import type { MediaPool } from '../session/media.js';
import type { Session } from '../session/schema.js';
import { writeFileAtomic } from '../io/atomic-file.js';
import { LoudnessMeter } from '../dsp/loudness.js';
import { DirectFeed } from './direct-feed.js';
import { roundResult, type LoudnessReport } from './measure-loudness.js';
import { createBlockOutput, renderBlock } from './graph.js';
import { compilePlan } from './plan.js';

export const DELIVERABLES = [
  { key: 'master', suffix: 'MIX', label: 'master' },
  { key: 'D', suffix: 'DX', label: 'dialogue stem' },
  { key: 'M', suffix: 'MX', label: 'music stem' },
  { key: 'E', suffix: 'FX', label: 'effects stem' },
  { key: 'ME', suffix: 'ME', label: 'M&E (music + effects)' },
] as const;

export interface RenderOptions {
  outDir: string;
  encoding?: WavEncoding;
  blockSize?: number;
  /** timeline range; default the whole session */
  from?: number;
  to?: number;
  /** base name of the files; default the session name */
  baseName?: string;
  onProgress?: (done: number, total: number) => void;
  /** measure every deliverable (BS.1770 / R 128): bext loudness fields and NAME_loudness.json */
  loudness?: boolean;
}

export interface RenderResult {
  files: { key: string; path: string; label: string }[];
  frames: number;
  from: number;
  clippedSamples: number;
  nonFiniteSamples: number;
  offline: { clip: string; reason: string }[];
  /** per deliverable, when asked for */
  loudness?: (LoudnessReport & { key: string; file: string })[];
  report?: string;
}

export class RenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RenderError';
  }
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '') || 'session';
}

export async function renderSession(doc: Session, media: MediaPool, opts: RenderOptions): Promise<RenderResult> {
  const blockSize = opts.blockSize ?? 4096;
  const plan = compilePlan(doc, media, { blockSize });
  const from = opts.from ?? 0;
  const to = opts.to ?? plan.length;
  if (to <= from) throw new RenderError(doc.clips.length ? 'the render range is empty' : 'the session has no clips to render');
  fs.mkdirSync(opts.outDir, { recursive: true });
  const clock = clockOf(doc);
  const base = safeName(opts.baseName ?? doc.name);
  const now = new Date();
  const encoding = opts.encoding ?? 'pcm24';
  for (const d of DELIVERABLES) {
    // Checked before any audio is written, so the final renames cannot fail half-way through.
    const target = path.join(opts.outDir, `${base}_${d.suffix}.wav`);
    if (fs.existsSync(target) && !fs.statSync(target).isFile()) throw new RenderError(`${target} exists and is not a file`);
  }
  const writers: BwfWriter[] = [];
  // Offline, positioned reads straight into the block (measured faster here than the
  // real-time butler's read-ahead, whose extra copy costs more than its threaded reads save).
  const feed = new DirectFeed();
  try {
    feed.setPlan(plan);
    for (const d of DELIVERABLES) {
      writers.push(new BwfWriter(path.join(opts.outDir, `${base}_${d.suffix}.wav`), {
        sampleRate: doc.sampleRate, channels: plan.channels, encoding,
        bext: {
          description: `${doc.name} - ${d.label} - ${clock.positionToTimecode(from)} @ ${doc.frameRate} fps`,
          originator: 'dubstage', originatorReference: `${base}_${d.suffix}`,
          originationDate: now.toISOString().slice(0, 10), originationTime: now.toISOString().slice(11, 19),
          timeReference: clock.startSamples + from,
          codingHistory: `A=PCM,F=${doc.sampleRate},W=${encoding === 'pcm24' ? 24 : 32},M=${plan.channels === 6 ? '5.1' : 'stereo'},T=dubstage`,
        },
      }));
    }
    const C = plan.channels;
    const out = createBlockOutput(blockSize, C);
    const meters = opts.loudness ? DELIVERABLES.map(() => new LoudnessMeter(doc.sampleRate, C, { maxBlock: blockSize })) : null;
    const me = Array.from({ length: C }, () => new Float32Array(blockSize));
    const total = to - from;
    // The master limiter's look-ahead delays the mix: render that much further and drop that
    // much from the start, so the files line up with the timeline to the sample.
    const latency = plan.master.strip?.latency ?? 0;
    let skip = latency;
    let lastReport = 0;
    for (let pos = from; pos < to + latency; pos += blockSize) {
      const n = Math.min(blockSize, to + latency - pos);
      // Full write buffers go to the disk on libuv's threads while this thread renders on.
      // (an await only when a buffer is full: most blocks need none)
      for (const w of writers) if (w.mustReserve(n)) await w.reserve(n);
      renderBlock(plan, feed, pos, n, out);
      for (let c = 0; c < C; c++) {
        const mc = out.stems[1][c];
        const ec = out.stems[2][c];
        const o = me[c];
        for (let i = 0; i < n; i++) o[i] = mc[i] + ec[i];
      }
      const at = Math.min(skip, n);
      skip -= at;
      if (at === n) continue;
      writers[0].write(out.master, n - at, at);
      writers[1].write(out.stems[0], n - at, at);
      writers[2].write(out.stems[1], n - at, at);
      writers[3].write(out.stems[2], n - at, at);
      writers[4].write(me, n - at, at);
      if (meters) {
        meters[0].process(out.master, at, n);
        meters[1].process(out.stems[0], at, n);
        meters[2].process(out.stems[1], at, n);
        meters[3].process(out.stems[2], at, n);
        meters[4].process(me, at, n);
      }
      if (opts.onProgress && pos - lastReport >= doc.sampleRate * 10) {
        lastReport = pos;
        opts.onProgress(pos - from, total);
      }
    }
    // Finish (fsync) every temp file first, then move them all into place.
    const clipped = writers.reduce((s, w) => s + w.clipped, 0);
    for (const w of writers) await w.settle();
    let loudness: RenderResult['loudness'];
    let report: string | undefined;
    if (meters) {
      loudness = meters.map((m, i) => {
        const r = m.result();
        writers[i].setLoudness(r);
        return { key: DELIVERABLES[i].key, file: path.basename(writers[i].path), ...roundResult(r) };
      });
      report = path.join(opts.outDir, `${base}_loudness.json`);
    }
    for (const w of writers) w.complete();
    for (const w of writers) w.commit();
    if (report && loudness) {
      const body = {
        session: doc.name, start: clock.positionToTimecode(from), end: clock.positionToTimecode(to), frameRate: doc.frameRate,
        sampleRate: doc.sampleRate, standard: 'ITU-R BS.1770-4, EBU R 128 (gating -70 LUFS / -10 LU; LRA per EBU Tech 3342)', files: loudness,
      };
      writeFileAtomic(report, `${JSON.stringify(body, null, 2)}\n`);
    }
    return {
      files: DELIVERABLES.map((d, i) => ({ key: d.key, path: writers[i].path, label: d.label })),
      frames: total, from, clippedSamples: clipped, nonFiniteSamples: feed.nonFinite, offline: plan.offline, loudness, report,
    };
  } catch (e) {
    for (const w of writers) {
      await w.settle().catch(() => undefined);
      w.abort();
    }
    throw e;
  } finally {
    feed.close();
  }
}
