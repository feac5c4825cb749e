// The mix graph, one block at a time: clip (source channels, clip gain, fades) → track (fader,
// pan, mute, solo) → stem bus D / M / E → master. The offline render and the real-time engine
// both call `renderBlock`; only the SourceFeed differs (direct reads vs. read-ahead rings).
// Render loop: no allocation, no closures, no promises, no logging.
import { fadeGain } from '../dsp/fade.js';
import { accumulateLevel } from '../dsp/meter.js';
import { addRamped, addScaled, clear } from '../dsp/mix.js';
import type { PlanClip, RenderPlan } from './plan.js';

export interface SourceFeed {
  /**
   * Puts frames [src, src+n) of the clip's source channels into out[c][at…at+n). Returns false
   * when the audio is not there in time (the block plays silence for that clip).
   */
  read(plan: RenderPlan, clip: PlanClip, src: number, n: number, out: Float32Array[], at: number): boolean;
  /**
   * Optional: adds frames [src, src+n) of a mono clip times gl and gr into l[at…] and r[at…],
   * exactly as read() followed by the mix would (the offline render decodes and mixes in one
   * pass; frames past the end of the media add nothing).
   */
  mixMono?(plan: RenderPlan, clip: PlanClip, src: number, n: number, l: Float32Array, r: Float32Array, gl: number, gr: number, at: number): boolean;
}

export interface BlockOutput {
  /** output channels: 2 (L R) or 6 (L R C LFE Ls Rs) */
  channels: number;
  /** D, M, E stems after the stem fader and the master fader: they sum to `master`. */
  stems: Float32Array[][];
  master: Float32Array[];
  /** reference tracks (not routed to any stem): heard while monitoring, never delivered */
  reference: Float32Array[];
  /** every master and stem channel, for the master's linked dynamics */
  all: Float32Array[];
}

export function createBlockOutput(blockSize: number, channels = 2): BlockOutput {
  const set = () => Array.from({ length: channels }, () => new Float32Array(blockSize));
  const stems = [set(), set(), set()];
  const master = set();
  return { channels, stems, master, reference: set(), all: [...master, ...stems.flat()] };
}

/**
 * Clip gain and fades for scratch[from, to) of one source channel. Where no fade touches the
 * range the buffer is left alone and the clip gain is returned, for the caller to fold into its
 * mix gains (one pass fewer); otherwise gain × fade is applied in place and 1 is returned.
 * Render loop.
 */
function fadeTouches(clip: PlanClip, blockStart: number, from: number, to: number): boolean {
  return blockStart + from < clip.position + clip.fadeIn || blockStart + to > clip.fadeEnd - clip.fadeOut;
}

function shapeClip(buf: Float32Array, clip: PlanClip, blockStart: number, from: number, to: number): number {
  const g = clip.gain;
  if (!fadeTouches(clip, blockStart, from, to)) return g;
  const inEnd = clip.position + clip.fadeIn;
  const outStart = clip.fadeEnd - clip.fadeOut;
  for (let i = from; i < to; i++) {
    const t = blockStart + i;
    let k = g;
    if (t < inEnd) k *= fadeGain(clip.fadeInCurve, (t - clip.position) / clip.fadeIn);
    // (end - t) / length mirrors the fade-in's (t - start) / length, so a fade-out and a fade-in
    // over the same samples are exact complements (a crossfade sums to 1, or to 1 in power).
    if (t >= outStart) k *= fadeGain(clip.fadeOutCurve, (clip.fadeEnd - t) / clip.fadeOut);
    buf[i] *= k;
  }
  return 1;
}

/** l[i] += s[i] * gl; r[i] += s[i] * gr over [from, to): a mono source into a stereo bus. */
function addPanned(l: Float32Array, r: Float32Array, s: Float32Array, gl: number, gr: number, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const v = s[i];
    l[i] += v * gl;
    r[i] += v * gr;
  }
}

/**
 * Renders frames [position, position+frames) of the plan into `out`. frames <= plan.blockSize.
 * Returns the number of clip reads that came back empty (underruns). With `meters`, each
 * track's level accumulates into meters[trackIndex * 2…] (see dsp/meter).
 */
export function renderBlock(plan: RenderPlan, feed: SourceFeed, position: number, frames: number, out: BlockOutput, meters: Float64Array | null = null): number {
  const end = position + frames;
  const C = plan.channels;
  const stems = plan.stems;
  const ref = out.reference;
  const scratch = plan.scratch;
  const s0 = scratch[0];
  const s1 = scratch[1];
  let underruns = 0;
  for (let s = 0; s < stems.length; s++) for (let c = 0; c < C; c++) clear(stems[s].chans[c], 0, frames);
  for (let c = 0; c < C; c++) clear(ref[c], 0, frames);

  for (let ti = 0; ti < plan.tracks.length; ti++) {
    const t = plan.tracks[ti];
    const cur = t.current;
    const tgt = t.target;
    let silent = true;
    let same = true;
    for (let k = 0; k < cur.length; k++) {
      if (cur[k] !== 0 || tgt[k] !== 0) silent = false;
      if (cur[k] !== tgt[k]) same = false;
    }
    if (silent) continue; // silent and staying silent
    // Steady gains (no parameter change this block) and no processing: clips mix straight into
    // the bus. Otherwise clips collect in the track's buffers, the strip runs on them, and the
    // gains (ramped if they changed) are applied once.
    const strip = t.strip;
    const steady = strip === null && same;
    const dst = t.stem >= 0 ? stems[t.stem].chans : ref;
    let hasMono = false;
    let hasStereo = false;
    const clips = t.clips;
    for (let ci = 0; ci < clips.length; ci++) {
      const c = clips[ci];
      if (c.position >= end) break;
      if (c.end <= position) continue;
      const from = (c.position > position ? c.position : position) - position;
      const to = (c.end < end ? c.end : end) - position;
      const src = c.sourceStart + position + from - c.position;
      // A mono clip at steady gains with no fade in this block goes straight to a stereo bus.
      if (steady && C === 2 && meters === null && c.channels.length === 1 && feed.mixMono !== undefined && !fadeTouches(c, position, from, to)) {
        if (!feed.mixMono(plan, c, src, to - from, dst[0], dst[1], tgt[0] * c.gain, tgt[1] * c.gain, from)) underruns++;
        continue;
      }
      if (!feed.read(plan, c, src, to - from, scratch, from)) {
        underruns++;
        continue;
      }
      if (c.channels.length === 1) {
        const k = shapeClip(s0, c, position, from, to);
        // Track meters: post-fader, pre-pan (playback only; the offline render passes null).
        if (meters !== null) accumulateLevel(s0, from, to, k * t.fader, meters, ti);
        if (steady) {
          if (C === 2) addPanned(dst[0], dst[1], s0, tgt[0] * k, tgt[1] * k, from, to);
          else for (let o = 0; o < C; o++) addScaled(dst[o], s0, tgt[o] * k, from, to);
          continue;
        }
        if (!hasMono) {
          clear(t.mono, 0, frames);
          hasMono = true;
        }
        const m = t.mono;
        for (let i = from; i < to; i++) m[i] += s0[i] * k;
      } else {
        const k = shapeClip(s0, c, position, from, to);
        shapeClip(s1, c, position, from, to);
        if (meters !== null) {
          accumulateLevel(s0, from, to, k * t.fader, meters, ti);
          accumulateLevel(s1, from, to, k * t.fader, meters, ti);
        }
        if (steady) {
          for (let o = 0; o < C; o++) {
            addScaled(dst[o], s0, tgt[C + o] * k, from, to);
            addScaled(dst[o], s1, tgt[2 * C + o] * k, from, to);
          }
          continue;
        }
        if (!hasStereo) {
          clear(t.left, 0, frames);
          clear(t.right, 0, frames);
          hasStereo = true;
        }
        const l = t.left;
        const r = t.right;
        for (let i = from; i < to; i++) {
          l[i] += s0[i] * k;
          r[i] += s1[i] * k;
        }
      }
    }
    if (strip !== null) strip.process(hasMono, hasStereo, frames);
    for (let o = 0; o < C; o++) {
      if (hasMono) addRamped(dst[o], t.mono, cur[o], tgt[o], 0, frames);
      if (hasStereo) {
        addRamped(dst[o], t.left, cur[C + o], tgt[C + o], 0, frames);
        addRamped(dst[o], t.right, cur[2 * C + o], tgt[2 * C + o], 0, frames);
      }
    }
    for (let k = 0; k < cur.length; k++) cur[k] = tgt[k];
  }

  // Stems are printed post master fader so that D + M + E is the master, sample for sample.
  const m = plan.master;
  for (let s = 0; s < stems.length; s++) {
    const bus = stems[s];
    if (bus.strip !== null) bus.strip.process(frames);
    const g0 = bus.current * m.current;
    const g1 = bus.target * m.target;
    for (let c = 0; c < C; c++) {
      const o = out.stems[s][c];
      if (g0 === g1 && g1 !== 0) {
        // steady: one pass instead of clear-then-add (0 + x·g is x·g)
        const b = bus.chans[c];
        for (let i = 0; i < frames; i++) o[i] = b[i] * g1;
      } else {
        clear(o, 0, frames);
        addRamped(o, bus.chans[c], g0, g1, 0, frames);
      }
    }
    bus.current = bus.target;
  }
  const ms = m.strip;
  if (ms !== null) ms.processStems(out.stems, frames);
  for (let c = 0; c < C; c++) {
    const mc = out.master[c];
    if (stems.length === 3) {
      // D + M + E in one pass, rounded to float32 after each add as the stems are summed
      const d = out.stems[0][c];
      const mu = out.stems[1][c];
      const e = out.stems[2][c];
      for (let i = 0; i < frames; i++) mc[i] = Math.fround(d[i] + mu[i]) + e[i];
      continue;
    }
    clear(mc, 0, frames);
    for (let s = 0; s < stems.length; s++) {
      const o = out.stems[s][c];
      for (let i = 0; i < frames; i++) mc[i] += o[i];
    }
  }
  // The master's dynamics see the summed master and scale the stems alike: the sum still holds.
  if (ms !== null) ms.processLinked(out.master, out.all, frames);
  m.current = m.target;
  return underruns;
}
