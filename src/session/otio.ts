// OpenTimelineIO JSON (.otio) for audio tracks: clips, gaps, transitions and external media
// references with their available ranges. Export writes times at the session's sample rate, so
// the edit survives to the sample; import reads any rate. Written here because OTIO has no
// JavaScript implementation; the JSON is small and documented.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { probeWav } from '../io/wav-reader.js';
import { SessionEditor } from './editor.js';
import type { Clip, Session } from './schema.js';
import { clockOf } from './command-line.js';

interface RationalTime {
  OTIO_SCHEMA: 'RationalTime.1';
  rate: number;
  value: number;
}
interface TimeRange {
  OTIO_SCHEMA: 'TimeRange.1';
  start_time: RationalTime;
  duration: RationalTime;
}
type Json = Record<string, unknown>;

const rt = (value: number, rate: number): RationalTime => ({ OTIO_SCHEMA: 'RationalTime.1', rate, value });
const range = (start: number, duration: number, rate: number): TimeRange => ({ OTIO_SCHEMA: 'TimeRange.1', start_time: rt(start, rate), duration: rt(duration, rate) });

export class OtioError extends Error {}

/** The session's audio tracks as an OTIO timeline (times in samples at the session rate). */
export function exportOtio(doc: Session, sessionDir: string): Json {
  const sr = doc.sampleRate;
  const clock = clockOf(doc);
  const tracks = doc.tracks.map((t) => {
    const clips = doc.clips.filter((c) => c.track === t.id).sort((a, b) => a.position - b.position);
    const children: Json[] = [];
    let cursor = 0;
    for (let i = 0; i < clips.length; i++) {
      const c = clips[i];
      const next = clips[i + 1];
      let start = c.position;
      let end = c.position + c.length;
      const prev = clips[i - 1];
      // a crossfade (overlap with matching fades) becomes a cut in the middle plus a Transition
      if (prev && prev.position + prev.length > c.position) start = c.position + Math.floor((prev.position + prev.length - c.position) / 2);
      if (next && end > next.position) end = next.position + Math.floor((end - next.position) / 2);
      if (start > cursor) children.push({ OTIO_SCHEMA: 'Gap.1', name: '', source_range: range(0, start - cursor, sr), metadata: {}, effects: [], markers: [] });
      const abs = path.resolve(sessionDir, c.media);
      let available: TimeRange | null = null;
      try {
        const info = probeWav(abs);
        available = range(info.bext?.timeReference ?? 0, info.frames, sr);
      } catch {
        /* offline media: no available range */
      }
      const mediaStart = available ? available.start_time.value : 0;
      children.push({
        OTIO_SCHEMA: 'Clip.1', name: c.name,
        source_range: range(mediaStart + c.sourceStart + (start - c.position), end - start, sr),
        media_reference: { OTIO_SCHEMA: 'ExternalReference.1', target_url: pathToFileURL(abs).href, available_range: available, metadata: {} },
        metadata: { dubstage: { id: c.id, channels: c.channels, gainDb: c.gainDb, fadeIn: c.fadeIn, fadeOut: c.fadeOut } },
        effects: [], markers: [],
      });
      if (next && c.position + c.length > next.position) {
        children.push({
          OTIO_SCHEMA: 'Transition.1', name: '', transition_type: 'SMPTE_Dissolve',
          in_offset: rt(end - next.position, sr), out_offset: rt(c.position + c.length - end, sr), metadata: {},
        });
      }
      cursor = end;
    }
    return { OTIO_SCHEMA: 'Track.1', kind: 'Audio', name: t.name, children, source_range: null, metadata: { dubstage: { kind: t.kind, stem: t.stem, gainDb: t.gainDb, pan: t.pan } }, effects: [], markers: [] };
  });
  return {
    OTIO_SCHEMA: 'Timeline.1', name: doc.name,
    global_start_time: rt(clock.startSamples, sr),
    metadata: { dubstage: { frameRate: doc.frameRate, start: doc.start } },
    tracks: { OTIO_SCHEMA: 'Stack.1', name: 'tracks', children: tracks, source_range: null, metadata: {}, effects: [], markers: [] },
  };
}

const seconds = (t: RationalTime | undefined) => (t ? t.value / t.rate : 0);

function mediaRef(clip: Json): Json | undefined {
  if (clip.media_reference) return clip.media_reference as Json;
  // Clip.2: several references, one active
  const refs = clip.media_references as Record<string, Json> | undefined;
  return refs?.[(clip.active_media_reference_key as string) ?? 'DEFAULT_MEDIA'];
}

/** Builds a session from the audio tracks of an OTIO timeline. */
export function importOtio(text: string, file: string, sessionFile: string, opts: { sampleRate?: number; frameRate?: Session['frameRate'] } = {}): { editor: SessionEditor; warnings: string[] } {
  let tl: Json;
  try {
    tl = JSON.parse(text) as Json;
  } catch (e) {
    throw new OtioError(`${file}: invalid JSON: ${(e as Error).message}`);
  }
  if (!String(tl.OTIO_SCHEMA ?? '').startsWith('Timeline.')) throw new OtioError(`${file}: not an OTIO timeline (OTIO_SCHEMA is ${String(tl.OTIO_SCHEMA)})`);
  const sr = opts.sampleRate ?? 48000;
  const meta = ((tl.metadata as Json)?.dubstage ?? {}) as Json;
  const editor = SessionEditor.create(sessionFile, { sampleRate: sr, frameRate: (meta.frameRate as Session['frameRate']) ?? opts.frameRate, start: meta.start as string | undefined, name: String(tl.name ?? path.basename(sessionFile, '.dub')) });
  const warnings: string[] = [];
  const sessionDir = path.dirname(path.resolve(sessionFile));
  const stack = (tl.tracks as Json)?.children as Json[] | undefined;
  for (const track of stack ?? []) {
    if (track.kind !== 'Audio') continue;
    const tmeta = ((track.metadata as Json)?.dubstage ?? {}) as Json;
    const name = String(track.name || `A${editor.doc.tracks.length + 1}`);
    editor.dispatch({ type: 'track.add', name: editor.doc.tracks.some((t) => t.name === name) ? `${name} ${editor.doc.tracks.length + 1}` : name, kind: (tmeta.kind as never) ?? 'dialogue' });
    const trackId = editor.doc.tracks[editor.doc.tracks.length - 1].id;
    let cursor = 0;
    let prev: Clip | undefined;
    let pending: { in: number; out: number } | null = null;
    for (const child of (track.children as Json[]) ?? []) {
      const schema = String(child.OTIO_SCHEMA ?? '');
      const sr2 = child.source_range as TimeRange | undefined;
      if (schema.startsWith('Gap.')) {
        cursor += Math.round(seconds(sr2?.duration) * sr);
        prev = undefined;
      } else if (schema.startsWith('Transition.')) {
        pending = { in: Math.round(seconds(child.in_offset as RationalTime) * sr), out: Math.round(seconds(child.out_offset as RationalTime) * sr) };
      } else if (schema.startsWith('Clip.')) {
        const ref = mediaRef(child);
        const url = String(ref?.target_url ?? '');
        const abs = url.startsWith('file:') ? fileURLToPath(url) : path.resolve(path.dirname(file), url);
        const duration = Math.round(seconds(sr2?.duration) * sr);
        const avail = ref?.available_range as TimeRange | undefined;
        const sourceStart = Math.round((seconds(sr2?.start_time) - seconds(avail?.start_time)) * sr);
        const cmeta = ((child.metadata as Json)?.dubstage ?? {}) as Json;
        if (!fs.existsSync(abs)) warnings.push(`${child.name ?? 'clip'}: media ${abs} not found (placed offline)`);
        editor.dispatch({
          type: 'clip.add', track: trackId, media: path.relative(sessionDir, abs).split(path.sep).join('/'), channels: (cmeta.channels as number[]) ?? [1],
          sourceStart: Math.max(0, sourceStart), position: cursor, length: Math.max(1, duration), name: String(child.name ?? path.basename(abs)),
        });
        const clip = editor.doc.clips[editor.doc.clips.length - 1];
        if (typeof cmeta.gainDb === 'number' && cmeta.gainDb) editor.dispatch({ type: 'clip.gain', clip: clip.id, db: cmeta.gainDb });
        if (pending && prev) {
          // undo the cut: the outgoing clip runs on by out_offset, the incoming starts in_offset early
          const len = pending.in + pending.out;
          try {
            editor.dispatch({ type: 'clip.trim', clip: prev.id, edge: 'end', position: prev.position + prev.length + pending.out });
            editor.dispatch({ type: 'clip.trim', clip: clip.id, edge: 'start', position: clip.position - pending.in });
            editor.dispatch({ type: 'clip.fade', clip: prev.id, which: 'out', length: len, curve: 'equal-power' });
            editor.dispatch({ type: 'clip.fade', clip: clip.id, which: 'in', length: len, curve: 'equal-power' });
          } catch (e) {
            warnings.push(`transition before ${clip.name} kept as a cut: ${(e as Error).message}`);
          }
        } else {
          const fi = cmeta.fadeIn as Clip['fadeIn'] | undefined;
          if (fi?.length) editor.dispatch({ type: 'clip.fade', clip: clip.id, which: 'in', length: Math.min(fi.length, duration), curve: fi.curve });
        }
        const fo = cmeta.fadeOut as Clip['fadeOut'] | undefined;
        if (fo?.length && fo.length < duration) {
          try {
            editor.dispatch({ type: 'clip.fade', clip: clip.id, which: 'out', length: fo.length, curve: fo.curve });
          } catch {
            /* a fade that a later transition replaces */
          }
        }
        pending = null;
        prev = editor.doc.clips.find((c) => c.id === clip.id);
        cursor += duration;
      }
    }
  }
  return { editor, warnings };
}
