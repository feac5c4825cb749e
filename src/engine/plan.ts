// Render plan: the session compiled for the render loop. Built on the control side (never in
// the loop) with every buffer preallocated; the loop only reads it. A new plan is built whole,
// validated, then swapped in at a block boundary; gain state carries over so the swap ramps.
import type { WavInfo } from '../io/wav-reader.js';
import type { MediaPool } from '../session/media.js';
import type { Session } from '../session/schema.js';
import { FADE_CURVE_IDS } from '../dsp/fade.js';
import { panBalance, panMono, panMono51, panStereo51 } from '../dsp/pan.js';
import { dbToGain } from '../dsp/units.js';
import { BusStrip, MasterStrip, newStripCache, TrackStrip, type StripCache } from './strip.js';
import type { Bus, Track } from '../session/schema.js';

export const STEM_INDEX = { D: 0, M: 1, E: 2, none: -1 } as const;
export const STEM_COUNT = 3;

export interface PlanClip {
  id: string;
  /** same key = same source frames at the same timeline place (streaming buffers carry over) */
  key: string;
  /** the butler's buffer slot for this clip, -1 when none (real-time playback only) */
  slot: number;
  /** index into plan.media */
  media: number;
  /** 0-based source channels */
  channels: Int32Array;
  position: number;
  /** last playable sample + 1 (never past the media) */
  end: number;
  /** the clip's end in the document, where its fade-out finishes */
  fadeEnd: number;
  sourceStart: number;
  gain: number;
  fadeIn: number;
  fadeInCurve: number;
  fadeOut: number;
  fadeOutCurve: number;
}

export interface PlanTrack {
  id: string;
  /** 0 D, 1 M, 2 E, -1 reference (monitor only) */
  stem: number;
  clips: PlanClip[];
  /**
   * Target gains per output channel (fader, pan, mute, solo): [0, C) for a mono source,
   * [C, 2C) for the left of a stereo source, [2C, 3C) for its right.
   */
  target: Float64Array;
  /** fader gain with mute and solo applied (for the track's meter) */
  fader: number;
  /** gains applied at the end of the last block (ramps start here) */
  current: Float64Array;
  mono: Float32Array;
  left: Float32Array;
  right: Float32Array;
  /** EQ and dynamics, or null when the track has none */
  strip: TrackStrip | null;
}

export interface PlanBus {
  target: number;
  current: number;
  /** one buffer per output channel */
  chans: Float32Array[];
  strip: BusStrip | null;
}

export interface RenderPlan {
  sampleRate: number;
  /** output channels: 2 (stereo) or 6 (5.1: L R C LFE Ls Rs) */
  channels: number;
  /** header of each media file, in plan.media order (the butler decodes with it) */
  mediaInfo: WavInfo[];
  blockSize: number;
  /** end of the last clip, in timeline samples */
  length: number;
  media: string[];
  tracks: PlanTrack[];
  /** D, M, E stem buses (before the master fader) */
  stems: PlanBus[];
  master: { target: number; current: number; strip: MasterStrip | null };
  /** stems soloed for monitoring (bit s for stem s of D, M, E); 0: the master is heard */
  stemSolo: number;
  /** clip scratch: up to two channels of source audio */
  scratch: [Float32Array, Float32Array];
  /** clips left out of the plan and why */
  offline: { clip: string; reason: string }[];
}

export interface PlanOptions {
  blockSize: number;
  /** strips to reuse from the plan before (real-time playback keeps their state) */
  strips?: StripCache;
}

const trackHasStrip = (t: Track) => Boolean(t.eq?.some((b) => b.on) || t.gate?.on || t.comp?.on || t.deess?.on);
const busHasStrip = (b: Bus) => Boolean(b.eq?.some((x) => x.on) || b.comp?.on || b.limit?.on);

/** Compiles a session into a render plan. Control side: allocates freely. */
export function compilePlan(doc: Session, media: MediaPool, opts: PlanOptions): RenderPlan {
  const n = opts.blockSize;
  const strips = opts.strips ?? newStripCache();
  const C = doc.output === '5.1' ? 6 : 2;
  const mediaIndex = new Map<string, number>();
  const mediaList: string[] = [];
  const mediaInfo: WavInfo[] = [];
  const offline: RenderPlan['offline'] = [];
  const anySolo = doc.tracks.some((t) => t.solo);
  let length = 0;
  const tracks: PlanTrack[] = doc.tracks.map((t) => {
    const clips: PlanClip[] = [];
    for (const c of doc.clips) {
      if (c.track !== t.id) continue;
      length = Math.max(length, c.position + c.length);
      const reason = media.offlineReason(c, doc);
      if (reason) {
        offline.push({ clip: c.id, reason });
        continue;
      }
      let mi = mediaIndex.get(c.media);
      if (mi === undefined) {
        mi = mediaList.length;
        mediaList.push(media.resolve(c.media));
        mediaInfo.push(media.get(c.media).info!);
        mediaIndex.set(c.media, mi);
      }
      const frames = media.frames(c.media) ?? 0;
      // Never read past the media: a clip longer than its file plays silence at the tail.
      const playable = Math.max(0, Math.min(c.length, frames - c.sourceStart));
      clips.push({
        id: c.id, key: `${c.media}|${c.channels.join(',')}|${c.sourceStart - c.position}`, slot: -1, media: mi, channels: Int32Array.from(c.channels, (x) => x - 1),
        position: c.position, end: c.position + playable, fadeEnd: c.position + c.length, sourceStart: c.sourceStart,
        gain: dbToGain(c.gainDb),
        fadeIn: c.fadeIn.length, fadeInCurve: FADE_CURVE_IDS[c.fadeIn.curve],
        fadeOut: c.fadeOut.length, fadeOutCurve: FADE_CURVE_IDS[c.fadeOut.curve],
      });
    }
    clips.sort((a, b) => a.position - b.position || (a.id < b.id ? -1 : 1));
    // Solo in place: while anything is soloed, every track that is not soloed is silent.
    // A reference track is never silenced by another track's solo (it is a guide, not a mix element).
    const audible = !t.mute && (!anySolo || t.solo || (t.stem === 'none' && !anySoloOnReference(doc)));
    const g = audible ? dbToGain(t.gainDb) : 0;
    const target = new Float64Array(3 * C);
    if (C === 6) {
      const m = new Float64Array(6);
      const l = new Float64Array(6);
      const r = new Float64Array(6);
      panMono51(t.pan, t.panFb ?? -1, t.lfe === undefined ? 0 : dbToGain(t.lfe), m);
      panStereo51(t.pan, t.panFb ?? -1, l, r);
      for (let o = 0; o < 6; o++) {
        target[o] = g * m[o];
        target[6 + o] = g * l[o];
        target[12 + o] = g * r[o];
      }
    } else {
      const mono = [0, 0];
      const bal = [0, 0];
      panMono(t.pan, mono);
      panBalance(t.pan, bal);
      target.set([g * mono[0], g * mono[1], g * bal[0], 0, 0, g * bal[1]]);
    }
    const bufs = { mono: new Float32Array(n), left: new Float32Array(n), right: new Float32Array(n) };
    let strip: TrackStrip | null = null;
    if (trackHasStrip(t)) {
      strip = strips.tracks.get(t.id) ?? null;
      if (strip) {
        strip.configure(t);
        strip.rebind(bufs.mono, bufs.left, bufs.right);
      } else {
        strip = new TrackStrip(doc.sampleRate, n, t, bufs.mono, bufs.left, bufs.right);
        strips.tracks.set(t.id, strip);
      }
    } else strips.tracks.delete(t.id);
    return { id: t.id, stem: STEM_INDEX[t.stem], clips, target, fader: g, current: Float64Array.from(target), ...bufs, strip };
  });
  const busGain = (id: string) => {
    const b = doc.buses.find((x) => x.id === id)!;
    return b.mute ? 0 : dbToGain(b.gainDb);
  };
  const stems: PlanBus[] = (['D', 'M', 'E'] as const).map((id) => {
    const g = busGain(id);
    const bus = doc.buses.find((x) => x.id === id)!;
    const chans = Array.from({ length: C }, () => new Float32Array(n));
    let strip: BusStrip | null = null;
    if (busHasStrip(bus)) {
      strip = strips.buses.get(id) ?? null;
      if (strip && strip.channels === C) {
        strip.configure(bus);
        strip.rebind(chans);
      } else {
        strip = new BusStrip(doc.sampleRate, n, bus, chans);
        strips.buses.set(id, strip);
      }
    } else strips.buses.delete(id);
    return { target: g, current: g, chans, strip };
  });
  const mg = busGain('master');
  const masterBus = doc.buses.find((x) => x.id === 'master')!;
  if (busHasStrip(masterBus)) {
    if (strips.master && strips.master.channels === C) strips.master.configure(masterBus);
    else strips.master = new MasterStrip(doc.sampleRate, n, masterBus, C);
  } else strips.master = null;
  return {
    sampleRate: doc.sampleRate, channels: C, mediaInfo, blockSize: n, length, media: mediaList, tracks, stems,
    master: { target: mg, current: mg, strip: strips.master },
    stemSolo: (['D', 'M', 'E'] as const).reduce((m, id, s) => (doc.buses.find((b) => b.id === id)?.solo ? m | (1 << s) : m), 0),
    scratch: [new Float32Array(n), new Float32Array(n)], offline,
  };
}

function anySoloOnReference(doc: Session): boolean {
  return doc.tracks.some((t) => t.stem === 'none' && t.solo);
}

/**
 * Carries the applied gains of the plan being replaced into its successor (matched by track
 * id), so the first block of the new plan ramps from what was heard. Control side.
 */
export function inheritGains(next: RenderPlan, prev: RenderPlan): void {
  const byId = new Map(prev.tracks.map((t) => [t.id, t]));
  for (const t of next.tracks) {
    const old = byId.get(t.id);
    if (old && old.current.length === t.current.length) t.current.set(old.current);
    else if (old) t.current.set(t.target); // the output format changed: no ramp across it
    else t.current.fill(0); // a new track fades in
  }
  for (let s = 0; s < next.stems.length; s++) next.stems[s].current = prev.stems[s].current;
  next.master.current = prev.master.current;
}
