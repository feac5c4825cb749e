// SourceFeed for the offline render: synchronous positioned reads straight from the media
// files, one reader per file, opened when the plan is set. Memory stays flat: each reader
// holds one block of scratch.
import { WavReader } from '../io/wav-reader.js';
import type { SourceFeed } from './graph.js';
import type { PlanClip, RenderPlan } from './plan.js';

export class DirectFeed implements SourceFeed {
  private readers = new Map<string, WavReader>();
  private byIndex: WavReader[] = [];

  /** Opens (or reuses) a reader for every media file of the plan. Control side. */
  setPlan(plan: RenderPlan): void {
    this.byIndex = plan.media.map((file) => {
      let r = this.readers.get(file);
      if (!r) {
        r = WavReader.open(file);
        this.readers.set(file, r);
      }
      return r;
    });
  }

  read(_plan: RenderPlan, clip: PlanClip, src: number, n: number, out: Float32Array[], at: number): boolean {
    const got = this.byIndex[clip.media].readFrames(src, n, clip.channels, out, at);
    if (got < n) {
      for (let c = 0; c < clip.channels.length; c++) out[c].fill(0, at + got, at + n);
    }
    return true;
  }

  /** A steady mono clip straight into a stereo bus: see SourceFeed.mixMono. */
  mixMono(_plan: RenderPlan, clip: PlanClip, src: number, n: number, l: Float32Array, r: Float32Array, gl: number, gr: number, at: number): boolean {
    this.byIndex[clip.media].mixMono(src, n, clip.channels[0], l, r, gl, gr, at);
    return true;
  }

  /** NaN/Inf float samples replaced by silence, over all media. */
  get nonFinite(): number {
    let n = 0;
    for (const r of this.readers.values()) n += r.nonFinite;
    return n;
  }

  close(): void {
    for (const r of this.readers.values()) r.close();
    this.readers.clear();
    this.byIndex = [];
  }
}
