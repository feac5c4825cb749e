// The session's media pool: the header of every media file a clip uses, probed once and
// cached. Missing or unreadable media leaves the session loadable; its clips are offline.
import path from 'node:path';
import { probeWav, type WavInfo } from '../io/wav-reader.js';
import type { Clip, Session } from './schema.js';

export interface MediaEntry {
  /** path as written in the session (relative to the session file) */
  ref: string;
  abs: string;
  info?: WavInfo;
  error?: string;
}

export class MediaPool {
  private entries = new Map<string, MediaEntry>();

  constructor(readonly baseDir: string) {}

  resolve(ref: string): string {
    return path.resolve(this.baseDir, ref);
  }

  /** Session-relative reference for a file path given on the command line. */
  refFor(file: string): string {
    const rel = path.relative(this.baseDir, path.resolve(file));
    return rel.split(path.sep).join('/');
  }

  get(ref: string): MediaEntry {
    let e = this.entries.get(ref);
    if (!e) {
      const abs = this.resolve(ref);
      e = { ref, abs };
      try {
        e.info = probeWav(abs);
      } catch (err) {
        e.error = (err as Error).message;
      }
      this.entries.set(ref, e);
    }
    return e;
  }

  /** Forget cached headers (after media was relinked or regenerated). */
  refresh(): void {
    this.entries.clear();
  }

  frames(ref: string): number | undefined {
    return this.get(ref).info?.frames;
  }

  /** Why a clip cannot play, or undefined when it is online. */
  offlineReason(clip: Clip, doc: Session): string | undefined {
    const e = this.get(clip.media);
    if (!e.info) return e.error ?? 'media missing';
    if (e.info.sampleRate !== doc.sampleRate) {
      return `${clip.media} is ${e.info.sampleRate} Hz; the session is ${doc.sampleRate} Hz`;
    }
    const bad = clip.channels.find((c) => c > e.info!.channels);
    if (bad) return `${clip.media} has ${e.info.channels} channel(s); the clip uses channel ${bad}`;
    return undefined;
  }

  offlineClips(doc: Session): { clip: Clip; reason: string }[] {
    const out: { clip: Clip; reason: string }[] = [];
    for (const c of doc.clips) {
      const reason = this.offlineReason(c, doc);
      if (reason) out.push({ clip: c, reason });
    }
    return out;
  }
}
