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
}

export interface BlockOutput {
  /** D, M, E stems after the stem fader and the master fader: they sum to `master`. */
  stems: [Float32Array, Float32Array][];
  master: [Float32Array, Float32Array];
  /** reference tracks (not routed to any stem): heard while monitoring, never delivered */
  reference: [Float32Array, Float32Array];
  /** master L/R and the six stem sides, for the master's linked dynamics */
  all: Float32Array[];
}

export function createBlockOutput(blockSize: number): BlockOutput {
  const pair = (): [Float32Array, Float32Array] => [new Float32Array(blockSize), new Float32Array(blockSize)];
  const stems = [pair(), pair(), pair()];
  const master = pair();
  return { stems, master, reference: pair(), all: [master[0], master[1], ...stems.flat()] };
}

/**
 * Clip gain and fades for scratch[from, to) of one source channel. Where no fade touches the
 * range the buffer is left alone and the clip gain is returned, for the caller to fold into its
 * mix gains (one pass fewer); otherwise gain × fade is applied in place and 1 is returned.
 * Render loop.
 */
function shapeClip(buf: Float32Array, clip: PlanClip, blockStart: number, from: number, to: number): number {
  const g = clip.gain;
  const inEnd = clip.position + clip.fadeIn;
  const outStart = clip.fadeEnd - clip.fadeOut;
  if (blockStart + from >= inEnd && blockStart + to <= outStart) return g;
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
  const stems = plan.stems;
  const ref = out.reference;
  const scratch = plan.scratch;
  const s0 = scratch[0];
  const s1 = scratch[1];
  let underruns = 0;
  for (let s = 0; s < stems.length; s++) {
    clear(stems[s].left, 0, frames);
    clear(stems[s].right, 0, frames);
  }
  clear(ref[0], 0, frames);
  clear(ref[1], 0, frames);

  for (let ti = 0; ti < plan.tracks.length; ti++) {
    const t = plan.tracks[ti];
    const cur = t.current;
    const tgt = t.target;
    if (cur[0] === 0 && cur[1] === 0 && cur[2] === 0 && cur[3] === 0 && tgt[0] === 0 && tgt[1] === 0 && tgt[2] === 0 && tgt[3] === 0) {
      continue; // silent and staying silent
    }
    // Steady gains (no parameter change this block) and no processing: clips mix straight into
    // the bus. Otherwise clips collect in the track's buffers, the strip runs on them, and the
    // gains (ramped if they changed) are applied once.
    const strip = t.strip;
    const steady = strip === null && cur[0] === tgt[0] && cur[1] === tgt[1] && cur[2] === tgt[2] && cur[3] === tgt[3];
    const dstL = t.stem >= 0 ? stems[t.stem].left : ref[0];
    const dstR = t.stem >= 0 ? stems[t.stem].right : ref[1];
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
      if (!feed.read(plan, c, src, to - from, scratch, from)) {
        underruns++;
        continue;
      }
      if (c.channels.length === 1) {
        const k = shapeClip(s0, c, position, from, to);
        // Track meters: post-fader, pre-pan (playback only; the offline render passes null).
        if (meters !== null) accumulateLevel(s0, from, to, k * t.fader, meters, ti);
        if (steady) {
          addPanned(dstL, dstR, s0, tgt[0] * k, tgt[1] * k, from, to);
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
          addScaled(dstL, s0, tgt[2] * k, from, to);
          addScaled(dstR, s1, tgt[3] * k, from, to);
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
    if (hasMono) {
      addRamped(dstL, t.mono, cur[0], tgt[0], 0, frames);
      addRamped(dstR, t.mono, cur[1], tgt[1], 0, frames);
    }
    if (hasStereo) {
      addRamped(dstL, t.left, cur[2], tgt[2], 0, frames);
      addRamped(dstR, t.right, cur[3], tgt[3], 0, frames);
    }
    cur[0] = tgt[0];
    cur[1] = tgt[1];
    cur[2] = tgt[2];
    cur[3] = tgt[3];
  }

  // Stems are printed post master fader so that D + M + E is the master, sample for sample.
  const m = plan.master;
  const ml = out.master[0];
  const mr = out.master[1];
  for (let s = 0; s < stems.length; s++) {
    const bus = stems[s];
    if (bus.strip !== null) bus.strip.process(frames);
    const ol = out.stems[s][0];
    const or = out.stems[s][1];
    clear(ol, 0, frames);
    clear(or, 0, frames);
    const g0 = bus.current * m.current;
    const g1 = bus.target * m.target;
    addRamped(ol, bus.left, g0, g1, 0, frames);
    addRamped(or, bus.right, g0, g1, 0, frames);
    bus.current = bus.target;
  }
  const ms = m.strip;
  if (ms !== null) ms.processStems(out.stems, frames);
  clear(ml, 0, frames);
  clear(mr, 0, frames);
  for (let s = 0; s < stems.length; s++) {
    const ol = out.stems[s][0];
    const or = out.stems[s][1];
    for (let i = 0; i < frames; i++) {
      ml[i] += ol[i];
      mr[i] += or[i];
    }
  }
  // The master's dynamics see the summed master and scale the stems alike: the sum still holds.
  if (ms !== null) ms.processLinked(out.master, out.all, frames);
  m.current = m.target;
  return underruns;
}
