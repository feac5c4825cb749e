// Disk streaming for real-time playback, after Ardour's butler: every clip near the playhead
// gets a slot that holds a window of decoded source frames, kept `ahead` frames in front of the
// playhead by asynchronous positioned reads (libuv's thread pool does the disk I/O). The render
// loop only copies what is already there; a read that has not landed is an underrun.
// Slots are preallocated and reused: steady playback allocates nothing.
import fs from 'node:fs';
import { decodeChannel, PAD, wordsOf, type WavInfo } from '../io/wav-reader.js';
import type { SourceFeed } from './graph.js';
import type { PlanClip, RenderPlan } from './plan.js';

export interface ButlerOptions {
  /** frames kept decoded in front of the playhead, per clip */
  ahead: number;
  /** frames per disk read */
  chunk: number;
}

class Slot {
  clip: PlanClip | null = null;
  key = '';
  /** source frame held at index 0 of the channel buffers */
  winStart = 0;
  /** one past the last source frame held */
  winEnd = 0;
  busy = false;
  /** bumped whenever the slot is re-targeted, so a late read for its old clip is ignored */
  epoch = 0;
  readonly chans: [Float32Array, Float32Array];
  raw: Buffer = Buffer.alloc(0);
  view: DataView = new DataView(new ArrayBuffer(0));
  words: Int32Array | undefined;

  constructor(capacity: number) {
    this.chans = [new Float32Array(capacity), new Float32Array(capacity)];
  }

  /** Room for one disk read of `bytes`; grows (control side) only for a wider file than before. */
  ensureRaw(bytes: number): void {
    if (this.raw.length >= bytes + PAD + 4) return;
    this.raw = Buffer.alloc(bytes + PAD + 4);
    this.view = new DataView(this.raw.buffer, this.raw.byteOffset, this.raw.length);
    this.words = wordsOf(this.raw);
  }
}

export class Butler implements SourceFeed {
  private slots: Slot[] = [];
  private fds: number[] = [];
  private info: WavInfo[] = [];
  private plan: RenderPlan | null = null;
  private readonly capacity: number;
  /** NaN/Inf samples replaced by silence */
  nonFinite = 0;
  /** reads that failed (file gone, I/O error); the clip plays silence */
  readErrors = 0;
  lastError = '';

  constructor(private readonly opts: ButlerOptions) {
    this.capacity = opts.ahead + 2 * opts.chunk;
  }

  private openFiles = new Map<string, number>();

  /** Opens the media files of a plan about to be swapped in. Control side (does I/O). */
  prepare(plan: RenderPlan): void {
    for (const file of plan.media) {
      if (this.openFiles.has(file)) continue;
      let fd = -1;
      try {
        fd = fs.openSync(file, 'r');
      } catch (e) {
        this.lastError = `${file}: ${(e as Error).message}`;
      }
      this.openFiles.set(file, fd);
    }
  }

  /**
   * Binds to a plan at a block boundary; slots whose clip lives on (same key) keep their audio.
   * No I/O (files were opened by `prepare`); runs once per plan swap, not per block.
   */
  bind(plan: RenderPlan): void {
    this.fds = plan.media.map((file) => this.openFiles.get(file) ?? -1);
    this.info = plan.mediaInfo;
    const byKey = new Map<string, PlanClip>();
    for (const t of plan.tracks) for (const c of t.clips) byKey.set(c.key, c);
    for (let i = 0; i < this.slots.length; i++) {
      const s = this.slots[i];
      const next = s.clip ? byKey.get(s.key) : undefined;
      if (next) {
        // Same key, same source frames: the window (and any read still in flight) carries over,
        // so an edit while playing does not make the disk start again.
        s.clip = next;
        next.slot = i;
      } else {
        this.release(s);
      }
    }
    this.plan = plan;
  }

  /** prepare + bind, for callers that are not in a render loop (tests, offline checks). */
  setPlan(plan: RenderPlan): void {
    this.prepare(plan);
    this.bind(plan);
  }

  private release(s: Slot): void {
    s.clip = null;
    s.key = '';
    s.winStart = s.winEnd = 0;
    s.epoch++;
    // A read still in flight finishes into the void: its epoch no longer matches.
    s.busy = false;
  }

  /** Drops every window (after a locate). */
  seek(): void {
    for (const s of this.slots) {
      if (s.clip) s.clip.slot = -1;
      this.release(s);
    }
  }

  /** True when every clip under [position, position+frames) has that range decoded. */
  ready(position: number, frames: number): boolean {
    const plan = this.plan;
    if (!plan) return true;
    const end = position + frames;
    for (let ti = 0; ti < plan.tracks.length; ti++) {
      const clips = plan.tracks[ti].clips;
      for (let ci = 0; ci < clips.length; ci++) {
        const c = clips[ci];
        if (c.position >= end) break;
        if (c.end <= position) continue;
        const from = Math.max(position, c.position);
        const to = Math.min(end, c.end);
        const src = c.sourceStart + from - c.position;
        const s = c.slot >= 0 ? this.slots[c.slot] : undefined;
        if (this.fds[c.media] < 0) continue; // unreadable media never becomes ready: play on
        if (!s || src < s.winStart || src + (to - from) > s.winEnd) return false;
      }
    }
    return true;
  }

  /**
   * Keeps each clip in [position, position+ahead) (and [alsoAt, alsoAt+ahead) for a loop start)
   * streaming: assigns slots, drops what was played, starts reads. Control side: runs between
   * blocks, never inside one.
   */
  service(position: number, alsoAt = -1): void {
    const plan = this.plan;
    this.lastPosition = position;
    this.lastAlsoAt = alsoAt;
    if (!plan) return;
    // Free slots whose clip is behind the playhead and not needed at the loop start.
    for (let i = 0; i < this.slots.length; i++) {
      const s = this.slots[i];
      const c = s.clip;
      if (c && !s.busy && c.end <= position && !(alsoAt >= 0 && c.position < alsoAt + this.opts.ahead && c.end > alsoAt)) {
        c.slot = -1;
        this.release(s);
      }
    }
    this.serviceWindow(plan, position);
    if (alsoAt >= 0) this.serviceWindow(plan, alsoAt);
  }

  private serviceWindow(plan: RenderPlan, position: number): void {
    const end = position + this.opts.ahead;
    for (let ti = 0; ti < plan.tracks.length; ti++) {
      const clips = plan.tracks[ti].clips;
      for (let ci = 0; ci < clips.length; ci++) {
        const c = clips[ci];
        if (c.position >= end) break;
        if (c.end <= position) continue;
        if (this.fds[c.media] < 0) continue;
        let s = c.slot >= 0 ? this.slots[c.slot] : undefined;
        const want = c.sourceStart + Math.max(position, c.position) - c.position;
        if (!s) {
          s = this.claim(c);
          s.winStart = s.winEnd = want;
        } else if (!s.busy && (want < s.winStart || want > s.winEnd)) {
          s.winStart = s.winEnd = want; // the playhead jumped: start the window again
        }
        if (s.busy) continue;
        const sourceEnd = c.sourceStart + (c.end - c.position);
        const target = Math.min(sourceEnd, want + this.opts.ahead);
        if (s.winEnd >= target) continue;
        // Drop what has been played to make room (control side: a copy within the slot).
        if (s.winEnd - s.winStart + this.opts.chunk > this.capacity) {
          const drop = Math.min(want - s.winStart, s.winEnd - s.winStart);
          if (drop > 0) {
            const keep = s.winEnd - s.winStart - drop;
            for (let ch = 0; ch < c.channels.length; ch++) s.chans[ch].copyWithin(0, drop, drop + keep);
            s.winStart += drop;
          }
          if (s.winEnd - s.winStart + this.opts.chunk > this.capacity) continue; // full: wait for playback
        }
        this.startRead(s, c, Math.min(this.opts.chunk, target - s.winEnd));
      }
    }
  }

  private claim(c: PlanClip): Slot {
    let i = this.slots.findIndex((s) => s.clip === null && !s.busy);
    if (i < 0) {
      // Grows only to the most clips ever streaming at once; reused from then on.
      this.slots.push(new Slot(this.capacity));
      i = this.slots.length - 1;
    }
    const s = this.slots[i];
    s.clip = c;
    s.key = c.key;
    s.epoch++;
    c.slot = i;
    return s;
  }

  private inflight = 0;
  private lastPosition = 0;
  private lastAlsoAt = -1;
  private idleWaiters: (() => void)[] = [];

  /** Resolves when no disk read is in flight (tests, and the offline render's prefetch). */
  whenIdle(): Promise<void> {
    if (this.inflight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private readyWaiter: { position: number; frames: number; resolve: () => void } | null = null;

  /** Resolves when [position, position+frames) is decoded for every clip under it. */
  whenReady(position: number, frames: number): Promise<void> {
    if (this.ready(position, frames)) return Promise.resolve();
    return new Promise((resolve) => {
      this.readyWaiter = { position, frames, resolve };
    });
  }

  private readDone(): void {
    const w = this.readyWaiter;
    if (w && this.ready(w.position, w.frames)) {
      this.readyWaiter = null;
      w.resolve();
    }
    if (--this.inflight === 0 && this.idleWaiters.length) {
      const w = this.idleWaiters;
      this.idleWaiters = [];
      for (const f of w) f();
    }
  }

  private startRead(s: Slot, c: PlanClip, frames: number): void {
    const info = this.info[c.media];
    const fd = this.fds[c.media];
    const from = s.winEnd;
    const bytes = frames * info.blockAlign;
    const epoch = s.epoch;
    s.ensureRaw(this.opts.chunk * info.blockAlign);
    s.busy = true;
    this.inflight++;
    const file = this.plan?.media[c.media] ?? 'media';
    const channels = c.channels;
    fs.read(fd, s.raw, PAD, bytes, info.dataOffset + from * info.blockAlign, (err, got) => {
      this.landed(s, info, channels, file, epoch, frames, err, got);
      this.readDone();
    });
  }

  /**
   * A read came back: decode it into the slot's window and ask for what comes next. The file's
   * format and channels were captured when the read started (a plan swap may renumber media).
   */
  private landed(s: Slot, info: WavInfo, channels: Int32Array, file: string, epoch: number, frames: number, err: Error | null, got: number): void {
    if (s.epoch !== epoch) return; // retargeted meanwhile
    s.busy = false;
    if (err) {
      this.readErrors++;
      this.lastError = `${file}: ${err.message}`;
      return;
    }
    const n = Math.floor(got / info.blockAlign);
    const at = s.winEnd - s.winStart;
    for (let ch = 0; ch < channels.length; ch++) {
      this.nonFinite += decodeChannel(s.view, PAD, info, channels[ch], n, s.chans[ch], at, s.words);
    }
    if (n < frames) {
      // Past the end of the file (a truncated recording): silence for the rest.
      for (let ch = 0; ch < channels.length; ch++) s.chans[ch].fill(0, at + n, at + frames);
    }
    s.winEnd += frames;
    // Keep going without waiting for the next block: the next chunk (or, if the playhead
    // has run past this window, a fresh window) is asked for at once.
    this.service(this.lastPosition, this.lastAlsoAt);
  }

  /** Render loop: copies decoded frames, or reports an underrun. No allocation. */
  read(_plan: RenderPlan, clip: PlanClip, src: number, n: number, out: Float32Array[], at: number): boolean {
    if (clip.slot < 0) return this.fds[clip.media] < 0 ? silence(clip, out, at, n) : false;
    const s = this.slots[clip.slot];
    if (src < s.winStart || src + n > s.winEnd) return false;
    const o = src - s.winStart;
    for (let ch = 0; ch < clip.channels.length; ch++) {
      const from = s.chans[ch];
      const to = out[ch];
      for (let i = 0; i < n; i++) to[at + i] = from[o + i];
    }
    return true;
  }

  close(): void {
    for (const fd of this.openFiles.values()) if (fd >= 0) fs.closeSync(fd);
    this.openFiles.clear();
    this.fds = [];
    this.plan = null;
  }
}

function silence(clip: PlanClip, out: Float32Array[], at: number, n: number): boolean {
  for (let ch = 0; ch < clip.channels.length; ch++) out[ch].fill(0, at, at + n);
  return true;
}
