// The real-time engine: the transport state machine, plan swaps at block boundaries, the
// butler's disk streaming, and meters. A sink calls `pull` for every block; everything a pull
// touches is preallocated. Sessions arrive as documents and are compiled off the render path.
import { energyToLufs, LoudnessMeter } from '../dsp/loudness.js';
import { downmix51 } from '../dsp/pan.js';
import { accumulateLevel, levelDb } from '../dsp/meter.js';
import { MediaPool } from '../session/media.js';
import type { Session } from '../session/schema.js';
import { Butler } from './butler.js';
import { createBlockOutput, renderBlock, type BlockOutput } from './graph.js';
import { compilePlan, inheritGains, type RenderPlan } from './plan.js';
import { newStripCache } from './strip.js';

/** stopped → rolling → stopping (one declick block) → stopped; locating waits for the butler. */
export type TransportState = 'stopped' | 'rolling' | 'stopping' | 'locating';

export interface LoopRange {
  start: number;
  end: number;
}

export interface MeterReading {
  /** dBFS peak and RMS since the last reading */
  peak: number;
  rms: number;
}

export interface LoudnessReading {
  id: string;
  momentary: number;
  shortTerm: number;
  /** since play started; null until a block passes the gates */
  integrated: number | null;
  /** max true peak since play started, dBTP */
  peak: number;
}

export interface EngineSnapshot {
  transport: TransportState;
  /** what is being heard: the render position less the sink's latency */
  position: number;
  rolling: boolean;
  loop: LoopRange | null;
  underruns: number;
  /** blocks the output wanted but the engine could not deliver in time (the process stalled) */
  late: number;
  tracks: { id: string; meter: MeterReading }[];
  /** D, M, E, master: left and right */
  buses: { id: string; left: MeterReading; right: MeterReading }[];
  offline: { clip: string; reason: string }[];
  /** BS.1770 meters and true peak on D, M, E and the master */
  loudness: LoudnessReading[];
  /** gain reduction (dB) of each track's dynamics, by track id; 0 without dynamics */
  reduction: Record<string, number>;
  masterReduction: number;
  readErrors: number;
  lastError: string;
}

export interface EngineOptions {
  blockSize: number;
  sampleRate: number;
  /** frames the butler keeps decoded ahead of the playhead (default 3 s) */
  aheadFrames?: number;
}

const BUS_IDS = ['D', 'M', 'E', 'master'];

export class Engine {
  private plan: RenderPlan | null = null;
  private nextPlan: RenderPlan | null = null;
  private media: MediaPool | null = null;
  /** track, bus and master strips, kept across plans so their filter state carries over */
  private readonly strips = newStripCache();
  private readonly butler: Butler;
  private out: BlockOutput;
  /** fold-down scratch for 5.1: D, M, E (L R each), master L R, reference L R */
  private readonly fold: Float32Array[];
  /** what is heard while stems are soloed: their sum, L and R */
  private readonly soloMix: [Float32Array, Float32Array];
  private state: TransportState = 'stopped';
  /** after a locate: roll on once the butler is ready? */
  private resumeAfterLocate = false;
  private locateTo = -1;
  private position = 0;
  private loop: LoopRange | null = null;
  underruns = 0;
  /** set by the process that owns the sink: blocks the device wanted that came too late */
  late = 0;
  private trackMeters = new Float64Array(0);
  private busMeters = new Float64Array(BUS_IDS.length * 2 * 2);
  private meteredFrames = 0;
  private latencyFrames = 0;
  /** a render exception marks the plan invalid: silence until the next good plan */
  private failed: string | null = null;

  /** live loudness and true peak: D, M, E and the master */
  private loud: LoudnessMeter[];

  constructor(private readonly opts: EngineOptions) {
    this.out = createBlockOutput(opts.blockSize);
    this.loud = this.newLoudnessMeters();
    const ahead = opts.aheadFrames ?? opts.sampleRate * 3;
    this.butler = new Butler({ ahead, chunk: Math.max(opts.blockSize * 8, Math.round(opts.sampleRate / 4)) });
    this.fold = Array.from({ length: 10 }, () => new Float32Array(opts.blockSize));
    this.soloMix = [new Float32Array(opts.blockSize), new Float32Array(opts.blockSize)];
  }

  private newLoudnessMeters(): LoudnessMeter[] {
    const C = this.out?.channels ?? 2;
    return ['D', 'M', 'E', 'master'].map(() => new LoudnessMeter(this.opts.sampleRate, C, { maxBlock: this.opts.blockSize }));
  }

  setLatency(frames: number): void {
    this.latencyFrames = frames;
  }

  /**
   * Compiles a document into a plan (control side: probes media, opens files, allocates) and
   * queues it; the render loop swaps it in at the next block boundary.
   */
  setSession(doc: Session, baseDir: string): void {
    if (doc.sampleRate !== this.opts.sampleRate) {
      throw new Error(`the session is ${doc.sampleRate} Hz but the engine runs at ${this.opts.sampleRate} Hz`);
    }
    if (!this.media || this.media.baseDir !== baseDir) this.media = new MediaPool(baseDir);
    const plan = compilePlan(doc, this.media, { blockSize: this.opts.blockSize, strips: this.strips });
    this.butler.prepare(plan);
    this.nextPlan = plan;
    if (!this.plan) this.swap();
  }

  private swap(): void {
    const next = this.nextPlan!;
    this.nextPlan = null;
    if (this.plan) inheritGains(next, this.plan);
    this.butler.bind(next);
    if (next.channels !== this.out.channels) {
      // The output format changed (stereo ↔ 5.1): new output buffers and meters, once.
      this.out = createBlockOutput(this.opts.blockSize, next.channels);
      this.loud = this.newLoudnessMeters();
    }
    if (this.trackMeters.length !== next.tracks.length * 2) this.trackMeters = new Float64Array(next.tracks.length * 2);
    this.plan = next;
    this.failed = null;
  }

  get transport(): TransportState {
    return this.state;
  }

  get playhead(): number {
    return this.position;
  }

  /** a locate under way (declicking toward it, or waiting for its audio) */
  private get locatePending(): boolean {
    return this.state === 'locating' || (this.state === 'stopping' && this.locateTo >= 0);
  }

  /** whether the transport is rolling or will be once a pending locate lands */
  private get willRoll(): boolean {
    return this.state === 'rolling' || (this.locatePending && this.resumeAfterLocate);
  }

  play(): void {
    if (this.state === 'rolling') return;
    // Integrated loudness and max true peak count from the moment play starts (control side).
    this.loud = this.newLoudnessMeters();
    if (this.locatePending) {
      this.resumeAfterLocate = true;
      return;
    }
    this.locate(this.position, true);
  }

  stop(): void {
    if (this.state === 'rolling') this.state = 'stopping';
    else if (this.locatePending) this.resumeAfterLocate = false;
  }

  toggle(): void {
    if (this.willRoll) this.stop();
    else this.play();
  }

  /**
   * Moves the playhead; rolling continues from there once the audio is ready. Locates in quick
   * succession (a held key, a typed-ahead burst) keep the last target and the intent to roll.
   */
  locate(position: number, roll = this.willRoll): void {
    const p = Math.max(0, Math.round(position));
    if (this.state === 'rolling' || this.state === 'stopping') {
      // Declick: fade the current block out (or finish the fade under way), then go there.
      this.state = 'stopping';
      this.locateTo = p;
      this.resumeAfterLocate = roll;
      return;
    }
    this.beginLocate(p, roll);
  }

  private beginLocate(p: number, roll: boolean): void {
    this.position = p;
    this.butler.seek();
    this.butler.service(p, this.loop ? this.loop.start : -1);
    this.state = 'locating';
    this.resumeAfterLocate = roll;
    this.locateTo = -1;
  }

  setLoop(loop: LoopRange | null): void {
    this.loop = loop && loop.end > loop.start ? loop : null;
  }

  /** frames of look-ahead delay in the master strip (its limiter): output lags the timeline by this */
  get masterLatency(): number {
    return this.plan?.master.strip?.latency ?? 0;
  }

  /**
   * Called with every block handed to the sink (the remote monitor's tap), with the timeline
   * position of its first sample, whether it does not follow on from the block before, and
   * whether it is silence from a stopped transport rather than timeline audio.
   */
  onBlock: ((out: Float32Array, position: number, discontinuity: boolean, silent: boolean) => void) | null = null;
  /** where the last block's audio came from (-1: it was silence) */
  private renderedFrom = -1;
  private nextExpected = -1;

  /**
   * Render loop entry: fills `out` (interleaved stereo, blockSize frames) with the next block
   * of the monitor mix (master + reference tracks). No allocation, no I/O, no logging.
   */
  pull(out: Float32Array): void {
    this.renderedFrom = -1;
    this.render(out);
    if (this.onBlock) {
      const from = this.renderedFrom;
      // audio that does not follow on from the block before (a locate, a loop wrap, a start
      // after silence) is a discontinuity: listeners drop what they hold
      this.onBlock(out, from >= 0 ? from : this.position, from >= 0 && from !== this.nextExpected, from < 0);
      this.nextExpected = from >= 0 ? from + this.opts.blockSize : -1;
    }
  }

  private render(out: Float32Array): void {
    const n = this.opts.blockSize;
    if (this.nextPlan) this.swap();
    const plan = this.plan;
    if (this.state === 'locating' && this.butler.ready(this.position, n)) {
      this.state = this.resumeAfterLocate ? 'rolling' : 'stopped';
    }
    if (!plan || this.failed !== null || (this.state !== 'rolling' && this.state !== 'stopping')) {
      out.fill(0);
      if (this.state === 'locating' || this.state === 'stopped') this.butler.service(this.position, this.loop ? this.loop.start : -1);
      return;
    }
    this.renderedFrom = this.position;
    try {
      this.underruns += renderBlock(plan, this.butler, this.position, n, this.out, this.trackMeters);
    } catch (e) {
      // Contain failures: never keep rendering from bad state.
      this.failed = (e as Error).message;
      this.renderedFrom = -1;
      out.fill(0);
      return;
    }
    const o = this.out;
    // What is heard and metered per bus is stereo: a 5.1 mix is folded down for monitoring.
    let ml = o.master[0];
    let mr = o.master[1];
    let rl = o.reference[0];
    let rr = o.reference[1];
    const fold = this.fold;
    if (o.channels === 6) {
      downmix51(o.master, fold[6], fold[7], n);
      downmix51(o.reference, fold[8], fold[9], n);
      for (let s = 0; s < 3; s++) downmix51(o.stems[s], fold[2 * s], fold[2 * s + 1], n);
      ml = fold[6];
      mr = fold[7];
      rl = fold[8];
      rr = fold[9];
    }
    let hl = ml;
    let hr = mr;
    if (plan.stemSolo !== 0) {
      // Stem solo (monitoring only): the soloed stems, as printed, are heard instead of the master.
      const sl = this.soloMix[0];
      const sr = this.soloMix[1];
      sl.fill(0);
      sr.fill(0);
      for (let s = 0; s < 3; s++) {
        if ((plan.stemSolo & (1 << s)) === 0) continue;
        const a = o.channels === 6 ? fold[2 * s] : o.stems[s][0];
        const b = o.channels === 6 ? fold[2 * s + 1] : o.stems[s][1];
        for (let i = 0; i < n; i++) {
          sl[i] += a[i];
          sr[i] += b[i];
        }
      }
      hl = sl;
      hr = sr;
    }
    const fade = this.state === 'stopping';
    for (let i = 0; i < n; i++) {
      const g = fade ? 1 - (i + 1) / n : 1;
      out[2 * i] = (hl[i] + rl[i]) * g;
      out[2 * i + 1] = (hr[i] + rr[i]) * g;
    }
    for (let s = 0; s < 3; s++) {
      accumulateLevel(o.channels === 6 ? fold[2 * s] : o.stems[s][0], 0, n, 1, this.busMeters, s * 2);
      accumulateLevel(o.channels === 6 ? fold[2 * s + 1] : o.stems[s][1], 0, n, 1, this.busMeters, s * 2 + 1);
    }
    accumulateLevel(ml, 0, n, 1, this.busMeters, 6);
    accumulateLevel(mr, 0, n, 1, this.busMeters, 7);
    for (let s = 0; s < 3; s++) this.loud[s].process(o.stems[s], 0, n);
    this.loud[3].process(o.master, 0, n);
    this.meteredFrames += n;
    this.position += n;
    if (fade) {
      if (this.locateTo >= 0) this.beginLocate(this.locateTo, this.resumeAfterLocate);
      else this.state = 'stopped';
    } else if (this.loop && this.position >= this.loop.end) {
      // Wrap without dropping the windows the butler kept at the loop start.
      this.position = this.loop.start;
      if (!this.butler.ready(this.position, n)) {
        this.state = 'locating';
        this.resumeAfterLocate = true;
      }
    }
    this.butler.service(this.position, this.loop ? this.loop.start : -1);
  }

  /** Meter readings since the last call, and the transport; resets the meter accumulators. */
  snapshot(): EngineSnapshot {
    const plan = this.plan;
    const frames = Math.max(1, this.meteredFrames);
    const reading = (m: Float64Array, slot: number, channels = 1): MeterReading => ({
      peak: levelDb(m[slot * 2]),
      rms: levelDb(Math.sqrt(m[slot * 2 + 1] / (frames * channels))),
    });
    const tracks = plan ? plan.tracks.map((t, i) => ({ id: t.id, meter: reading(this.trackMeters, i) })) : [];
    const buses = BUS_IDS.map((id, b) => ({ id, left: reading(this.busMeters, b * 2), right: reading(this.busMeters, b * 2 + 1) }));
    this.trackMeters.fill(0);
    this.busMeters.fill(0);
    this.meteredFrames = 0;
    const rolling = this.state === 'rolling' || this.state === 'stopping';
    return {
      transport: this.state,
      position: Math.max(0, rolling ? this.position - this.latencyFrames - (plan?.master.strip?.latency ?? 0) : this.position),
      rolling,
      loop: this.loop,
      underruns: this.underruns,
      late: this.late,
      tracks,
      buses,
      offline: plan?.offline ?? [],
      loudness: this.loud.map((m, i) => ({
        id: BUS_IDS[i],
        momentary: energyToLufs(m.momentaryEnergy),
        shortTerm: energyToLufs(m.shortTermEnergy),
        integrated: m.integrated(),
        peak: 20 * Math.log10(Math.max(1e-10, m.truePeakLinear)),
      })),
      reduction: Object.fromEntries((plan?.tracks ?? []).filter((t) => t.strip).map((t) => [t.id, t.strip!.reduction])),
      masterReduction: plan?.master.strip?.reduction ?? 0,
      readErrors: this.butler.readErrors,
      lastError: this.failed ?? this.butler.lastError,
    };
  }

  /** Resolves when the butler has no read in flight (tests drive the engine block by block). */
  whenStreamed(): Promise<void> {
    return this.butler.whenIdle();
  }

  close(): void {
    this.butler.close();
  }
}
