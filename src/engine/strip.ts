// Channel strips: the processing of a track (EQ → gate → compressor → de-esser), a stem bus
// (EQ → compressor) and the master (EQ → compressor → true-peak limiter, linked to the stems).
// Strips are made on the control side and kept across plan swaps (by track or bus id), so a
// parameter change updates coefficients without restarting filter or envelope state.
import { Compressor, Gate, type CompressorSpec } from '../dsp/dynamics.js';
import { EqChain } from '../dsp/eq.js';
import { LinkedLimiter } from '../dsp/limiter.js';
import type { Bus, Comp, Deess, EqBand, Track } from '../session/schema.js';

const compSpec = (c: Comp): CompressorSpec => ({ ...c });
const deessSpec = (d: Deess): CompressorSpec => ({
  threshold: d.threshold, ratio: d.ratio, knee: 3, attack: 1, release: 60, makeup: 0, sidechainHpf: 0, sidechainBand: d.freq, on: d.on,
});

/** A chain for one width (1 or 2 channels): EQ per channel, then linked dynamics. */
class Chain {
  readonly eq: EqChain[];
  gate: Gate | null = null;
  comp: Compressor | null = null;
  deess: Compressor | null = null;

  constructor(private readonly rate: number, private readonly width: number, private readonly maxBlock: number) {
    this.eq = Array.from({ length: width }, () => new EqChain(rate));
  }

  configure(eq: EqBand[] | undefined, gate: Track['gate'], comp: Comp | undefined, deess: Deess | undefined): void {
    for (const e of this.eq) e.configure(eq ?? []);
    if (gate?.on) {
      if (this.gate) this.gate.configure(gate);
      else this.gate = new Gate(this.rate, gate, this.width);
    } else this.gate = null;
    if (comp?.on) {
      if (this.comp) this.comp.configure(compSpec(comp));
      else this.comp = new Compressor(this.rate, compSpec(comp), this.maxBlock, this.width);
    } else this.comp = null;
    if (deess?.on) {
      if (this.deess) this.deess.configure(deessSpec(deess));
      else this.deess = new Compressor(this.rate, deessSpec(deess), this.maxBlock, this.width);
    } else this.deess = null;
  }

  get active(): boolean {
    return this.eq[0].active || this.gate !== null || this.comp !== null || this.deess !== null;
  }

  /** In place over chans[0..width)[0, frames). Render loop: no allocation. */
  process(chans: Float32Array[], frames: number): void {
    for (let c = 0; c < this.width; c++) this.eq[c].process(chans[c], 0, frames);
    if (this.gate) this.gate.process(chans, 0, frames);
    if (this.comp) this.comp.process(chans, 0, frames);
    if (this.deess) this.deess.process(chans, 0, frames);
  }

  /** dB of gain reduction now (the largest of the dynamics), for meters. */
  get reduction(): number {
    return Math.max(this.gate?.reduction ?? 0, this.comp?.reduction ?? 0, this.deess?.reduction ?? 0);
  }
}

export class TrackStrip {
  private readonly mono: Chain;
  private readonly stereo: Chain;
  private readonly monoBuf: Float32Array[];
  private readonly stereoBuf: Float32Array[];

  constructor(rate: number, maxBlock: number, track: Track, mono: Float32Array, left: Float32Array, right: Float32Array) {
    this.mono = new Chain(rate, 1, maxBlock);
    this.stereo = new Chain(rate, 2, maxBlock);
    this.monoBuf = [mono];
    this.stereoBuf = [left, right];
    this.configure(track);
  }

  configure(t: Track): void {
    this.mono.configure(t.eq, t.gate, t.comp, t.deess);
    this.stereo.configure(t.eq, t.gate, t.comp, t.deess);
  }

  /** Rebinds to the buffers of a new plan's track (same id). */
  rebind(mono: Float32Array, left: Float32Array, right: Float32Array): void {
    this.monoBuf[0] = mono;
    this.stereoBuf[0] = left;
    this.stereoBuf[1] = right;
  }

  get active(): boolean {
    return this.mono.active;
  }

  process(hasMono: boolean, hasStereo: boolean, frames: number): void {
    if (hasMono) this.mono.process(this.monoBuf, frames);
    if (hasStereo) this.stereo.process(this.stereoBuf, frames);
  }

  get reduction(): number {
    return Math.max(this.mono.reduction, this.stereo.reduction);
  }
}

export class BusStrip {
  private readonly chain: Chain;
  private bufs: Float32Array[];
  readonly channels: number;

  constructor(rate: number, maxBlock: number, bus: Bus, chans: Float32Array[]) {
    this.channels = chans.length;
    this.chain = new Chain(rate, chans.length, maxBlock);
    this.bufs = chans;
    this.configure(bus);
  }

  configure(b: Bus): void {
    this.chain.configure(b.eq, undefined, b.comp, undefined);
  }

  rebind(chans: Float32Array[]): void {
    this.bufs = chans;
  }

  get active(): boolean {
    return this.chain.active;
  }

  process(frames: number): void {
    this.chain.process(this.bufs, frames);
  }

  get reduction(): number {
    return this.chain.reduction;
  }
}

/**
 * The master's processing, done so that the stems still sum to the master: EQ is linear, so
 * each stem gets its own copy of the master EQ; the compressor and the limiter detect on the
 * summed master and apply the same gain (and delay) to every stem.
 */
export class MasterStrip {
  private readonly eq: EqChain[] = [];
  private comp: Compressor | null = null;
  private limiter: LinkedLimiter | null = null;
  private readonly rate: number;
  private readonly maxBlock: number;

  constructor(rate: number, maxBlock: number, master: Bus, readonly channels = 2) {
    this.rate = rate;
    this.maxBlock = maxBlock;
    for (let i = 0; i < 3 * channels; i++) this.eq.push(new EqChain(rate));
    this.configure(master);
  }

  configure(m: Bus): void {
    for (const e of this.eq) e.configure(m.eq ?? []);
    if (m.comp?.on) {
      if (this.comp) this.comp.configure(compSpec(m.comp));
      else this.comp = new Compressor(this.rate, compSpec(m.comp), this.maxBlock, this.channels);
    } else this.comp = null;
    if (m.limit?.on) {
      if (this.limiter) this.limiter.configure(m.limit);
      else this.limiter = new LinkedLimiter(this.rate, m.limit, this.channels, 4 * this.channels);
    } else this.limiter = null;
  }

  get active(): boolean {
    return this.eq[0].active || this.comp !== null || this.limiter !== null;
  }

  /** Samples by which the master and stems come out late (the limiter's look-ahead). */
  get latency(): number {
    return this.limiter?.latency ?? 0;
  }

  /** EQ on each stem (before they are summed). Render loop. */
  processStems(stems: Float32Array[][], frames: number): void {
    const C = this.channels;
    for (let s = 0; s < 3; s++) for (let c = 0; c < C; c++) this.eq[s * C + c].process(stems[s][c], 0, frames);
  }

  /**
   * Dynamics on the summed master, applied alike to `all` (every master and stem channel).
   * Render loop.
   */
  processLinked(master: Float32Array[], all: Float32Array[], frames: number): void {
    if (this.comp) this.comp.processLinked(master, all, 0, frames);
    if (this.limiter) this.limiter.process(master, all, 0, frames);
  }

  get reduction(): number {
    return Math.max(this.comp?.reduction ?? 0, this.limiter?.reduction ?? 0);
  }
}

/** Strips kept between plans, by track id and bus id. */
export interface StripCache {
  tracks: Map<string, TrackStrip>;
  buses: Map<string, BusStrip>;
  master: MasterStrip | null;
}

export function newStripCache(): StripCache {
  return { tracks: new Map(), buses: new Map(), master: null };
}
