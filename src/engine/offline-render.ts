// Offline render: the playback graph run as fast as it goes, written to BWF deliverables —
// master, D / M / E stems, and the M&E (music + effects). Everything is written to temp names
// and renamed only when every file is complete; a failed render leaves no deliverable behind.
import fs from 'node:fs';
import path from 'node:path';
import { BwfWriter, type WavEncoding } from '../io/wav-writer.js';
import { clockOf } from '../session/command-line.js';
import type { MediaPool } from '../session/media.js';
import type { Session } from '../session/schema.js';
import { Butler } from './butler.js';
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
}

export interface RenderResult {
  files: { key: string; path: string; label: string }[];
  frames: number;
  from: number;
  clippedSamples: number;
  nonFiniteSamples: number;
  offline: { clip: string; reason: string }[];
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
  // The same read-ahead streaming as playback: disk reads run on libuv's threads while this
  // thread renders; memory is a few seconds per clip, whatever the session's length.
  const feed = new Butler({ ahead: doc.sampleRate * 4, chunk: doc.sampleRate });
  try {
    feed.setPlan(plan);
    feed.service(from);
    for (const d of DELIVERABLES) {
      writers.push(new BwfWriter(path.join(opts.outDir, `${base}_${d.suffix}.wav`), {
        sampleRate: doc.sampleRate, channels: 2, encoding,
        bext: {
          description: `${doc.name} - ${d.label} - ${clock.positionToTimecode(from)} @ ${doc.frameRate} fps`,
          originator: 'dubstage', originatorReference: `${base}_${d.suffix}`,
          originationDate: now.toISOString().slice(0, 10), originationTime: now.toISOString().slice(11, 19),
          timeReference: clock.startSamples + from,
          codingHistory: `A=PCM,F=${doc.sampleRate},W=${encoding === 'pcm24' ? 24 : 32},M=stereo,T=dubstage`,
        },
      }));
    }
    const out = createBlockOutput(blockSize);
    const me: [Float32Array, Float32Array] = [new Float32Array(blockSize), new Float32Array(blockSize)];
    const total = to - from;
    let lastReport = 0;
    for (let pos = from; pos < to; pos += blockSize) {
      const n = Math.min(blockSize, to - pos);
      // Full write buffers go to the disk on libuv's threads while this thread renders on.
      for (const w of writers) await w.reserve(n);
      await feed.whenReady(pos, n);
      const missing = renderBlock(plan, feed, pos, n, out);
      if (missing) throw new RenderError(`media could not be read at ${clock.positionToTimecode(pos)}: ${feed.lastError || 'read failed'}`);
      feed.service(pos + n);
      const [mL, mR] = out.stems[1];
      const [eL, eR] = out.stems[2];
      const [meL, meR] = me;
      for (let i = 0; i < n; i++) {
        meL[i] = mL[i] + eL[i];
        meR[i] = mR[i] + eR[i];
      }
      writers[0].write(out.master, n);
      writers[1].write(out.stems[0], n);
      writers[2].write(out.stems[1], n);
      writers[3].write(out.stems[2], n);
      writers[4].write(me, n);
      if (opts.onProgress && pos - lastReport >= doc.sampleRate * 10) {
        lastReport = pos;
        opts.onProgress(pos - from, total);
      }
    }
    // Finish (fsync) every temp file first, then move them all into place.
    const clipped = writers.reduce((s, w) => s + w.clipped, 0);
    for (const w of writers) await w.settle();
    for (const w of writers) w.complete();
    for (const w of writers) w.commit();
    return {
      files: DELIVERABLES.map((d, i) => ({ key: d.key, path: writers[i].path, label: d.label })),
      frames: total, from, clippedSamples: clipped, nonFiniteSamples: feed.nonFinite, offline: plan.offline,
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
