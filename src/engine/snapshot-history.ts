// The engine's recent status snapshots, by time, so the status can be shown as it was a
// moment ago: a remote listener hears the mix later than the engine renders it, and the meters
// should move with what is heard. Control side (the status timer), not the render loop.
import type { EngineSnapshot } from './engine.js';

export class SnapshotHistory {
  private readonly times: number[] = [];
  private readonly snaps: EngineSnapshot[] = [];

  /** keeps `spanMs` of history */
  constructor(private readonly spanMs: number) {}

  push(time: number, snap: EngineSnapshot): void {
    this.times.push(time);
    this.snaps.push(snap);
    let drop = 0;
    while (drop < this.times.length - 1 && time - this.times[drop + 1] >= this.spanMs) drop++;
    if (drop > 0) {
      this.times.splice(0, drop);
      this.snaps.splice(0, drop);
    }
  }

  /** The newest snapshot taken at or before `time`, or null when the history does not reach back that far. */
  at(time: number): EngineSnapshot | null {
    for (let i = this.times.length - 1; i >= 0; i--) if (this.times[i] <= time) return this.snaps[i];
    return null;
  }
}
