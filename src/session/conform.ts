// Conform: an EDL and a folder of production audio become a session, as Pro Tools' and Nuendo's
// conform tools do. Each audio event is matched to a file by source file name, clip name, or
// reel / tape and scene / take from iXML, and the file's BWF timecode must cover the event's
// source range. Timecode alone is never proof when several files cover the same range
// (recorders reset timecode every day): such events are reported ambiguous with their
// candidates, not linked to a guess. Speed-changed events are flagged, not conformed.
import fs from 'node:fs';
import path from 'node:path';
import type { Edl, EdlEvent } from '../io/edl.js';
import { parseIxml, type IxmlInfo } from '../io/ixml.js';
import { probeWav, type WavInfo } from '../io/wav-reader.js';
import { SessionEditor } from './editor.js';
import { framesToSamples, samplesToFrames, formatTimecode, type FrameRate } from './timecode.js';

export interface MediaFile {
  path: string;
  base: string;
  info: WavInfo;
  ixml: IxmlInfo;
  /** BWF start and end as frame counts since midnight at the EDL's rate */
  startFrame: number;
  endFrame: number;
}

export type EventStatus = 'matched' | 'ambiguous' | 'unmatched' | 'speed-change' | 'skipped';

export interface ConformEntry {
  event: number;
  line: number;
  reel: string;
  clipName?: string;
  channels: number[];
  recordIn: string;
  status: EventStatus;
  file?: string;
  /** what made the link: source file, clip name, reel/tape, scene/take, timecode only */
  matchedBy?: string;
  /** samples from the start of the file to the event's source in */
  offset?: number;
  /** frames of media before and after the event (for fades and trims) */
  handles?: { before: number; after: number };
  candidates?: string[];
  reason?: string;
}

export interface ConformResult {
  editor: SessionEditor;
  report: ConformEntry[];
}

const norm = (s: string) => s.toLowerCase().replace(/\.[a-z0-9]{2,4}$/i, '').replace(/[^a-z0-9]/g, '');

function wavFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...wavFiles(p));
    else if (/\.(wav|bwf|rf64)$/i.test(e.name)) out.push(p);
  }
  return out.sort();
}

/** Probes every WAV under the folders; files that cannot be read are left out (and listed). */
export function scanMedia(dirs: string[], rate: FrameRate): { files: MediaFile[]; unreadable: { path: string; reason: string }[] } {
  const files: MediaFile[] = [];
  const unreadable: { path: string; reason: string }[] = [];
  for (const dir of dirs) {
    for (const p of wavFiles(dir)) {
      try {
        const info = probeWav(p);
        const tr = info.bext?.timeReference ?? 0;
        const startFrame = samplesToFrames(tr, rate, info.sampleRate);
        const endFrame = samplesToFrames(tr + info.frames, rate, info.sampleRate);
        files.push({ path: p, base: path.basename(p), info, ixml: parseIxml(info.ixml, info.channels), startFrame, endFrame });
      } catch (e) {
        unreadable.push({ path: p, reason: (e as Error).message });
      }
    }
  }
  return { files, unreadable };
}

/** Which name criteria tie an event to a file, strongest first. */
function nameCriteria(ev: EdlEvent, f: MediaFile): string[] {
  const out: string[] = [];
  const fileKey = norm(f.base);
  // the second line of a dissolve names its incoming clip in TO CLIP NAME
  const clipName = ev.fromPrevious && ev.toClipName ? ev.toClipName : ev.clipName;
  if (ev.sourceFile && norm(path.basename(ev.sourceFile)) === fileKey) out.push('source file');
  if (clipName && (norm(clipName) === fileKey || fileKey.startsWith(norm(clipName)))) out.push('clip name');
  const reel = norm(ev.reel);
  if (reel && (norm(f.ixml.tape ?? '') === reel || fileKey === reel || fileKey.startsWith(reel))) out.push('reel/tape');
  const st = f.ixml.scene && f.ixml.take ? norm(`${f.ixml.scene}${f.ixml.take}`) : '';
  if (st && clipName && norm(clipName).includes(st)) out.push('scene/take');
  return out;
}

export interface ConformOptions {
  edl: Edl;
  media: MediaFile[];
  sessionFile: string;
  sampleRate?: number;
  /** frames of handle wanted on each side; fewer is reported */
  handles?: number;
}

export function conform(opts: ConformOptions): ConformResult {
  const { edl, media } = opts;
  const rate = edl.rate;
  const sr = opts.sampleRate ?? 48000;
  const audioEvents = edl.events.filter((e) => e.audio.length > 0);
  const firstRecord = audioEvents.length ? Math.min(...audioEvents.map((e) => e.recordIn)) : 0;
  // the session starts on the hour of the first record-in (01:00:00:00 for a usual reel)
  const hourFrames = Math.round(rate.num / rate.den) * 3600;
  const startFrames = Math.floor(firstRecord / hourFrames) * hourFrames;
  const editor = SessionEditor.create(opts.sessionFile, { sampleRate: sr, frameRate: rate.id, start: formatTimecode(startFrames, rate), name: edl.title || path.basename(opts.sessionFile, '.dub') });
  const channels = [...new Set(audioEvents.flatMap((e) => e.audio))].sort((a, b) => a - b);
  const trackOf = new Map<number, string>();
  for (const c of channels) {
    editor.dispatch({ type: 'track.add', name: `A${c}`, kind: 'dialogue' });
    trackOf.set(c, editor.doc.tracks[editor.doc.tracks.length - 1].id);
  }
  const tc = (f: number) => formatTimecode(f, rate);
  const report: ConformEntry[] = [];
  const lastClipOnTrack = new Map<string, string>();
  for (const ev of edl.events) {
    const base: ConformEntry = { event: ev.number, line: ev.line, reel: ev.reel, clipName: ev.fromPrevious && ev.toClipName ? ev.toClipName : ev.clipName, channels: ev.audio, recordIn: tc(ev.recordIn), status: 'unmatched' };
    if (ev.audio.length === 0) continue; // picture only
    if (ev.recordOut === ev.recordIn) {
      report.push({ ...base, status: 'skipped', reason: 'zero length (the first line of a two-line transition)' });
      continue;
    }
    const nominal = rate.num / rate.den;
    if (ev.speed !== undefined && Math.abs(ev.speed - nominal) > 0.01 && Math.abs(ev.speed - Math.round(nominal)) > 0.01) {
      report.push({ ...base, status: 'speed-change', reason: `M2 speed ${ev.speed} fps: not conformed at the wrong speed; place it by hand` });
      continue;
    }
    const covering = media.filter((f) => f.startFrame <= ev.sourceIn && f.endFrame >= ev.sourceOut);
    const named = covering.map((f) => ({ f, by: nameCriteria(ev, f) })).filter((x) => x.by.length > 0);
    let pick: MediaFile | undefined;
    let matchedBy = '';
    if (named.length === 1) {
      pick = named[0].f;
      matchedBy = named[0].by.join(' + ');
    } else if (named.length > 1) {
      // several named candidates: the strongest criterion decides only if it is unique
      const bySource = named.filter((x) => x.by.includes('source file'));
      if (bySource.length === 1) {
        pick = bySource[0].f;
        matchedBy = bySource[0].by.join(' + ');
      } else {
        report.push({ ...base, status: 'ambiguous', candidates: named.map((x) => x.f.path), reason: 'several files match by name and cover the timecode' });
        continue;
      }
    } else if (covering.length === 1) {
      pick = covering[0];
      matchedBy = 'timecode only';
    } else if (covering.length > 1) {
      report.push({ ...base, status: 'ambiguous', candidates: covering.map((f) => f.path), reason: `${covering.length} files cover ${tc(ev.sourceIn)}–${tc(ev.sourceOut)} and no name, reel or scene/take agrees` });
      continue;
    } else {
      const byName = media.filter((f) => nameCriteria(ev, f).length > 0);
      report.push({
        ...base, status: 'unmatched', candidates: byName.map((f) => f.path),
        reason: byName.length ? `files match by name but none covers ${tc(ev.sourceIn)}–${tc(ev.sourceOut)}` : 'no file matches by name or covers the source timecode',
      });
      continue;
    }
    if (pick.info.sampleRate !== sr) {
      report.push({ ...base, status: 'unmatched', file: pick.path, reason: `${pick.base} is ${pick.info.sampleRate} Hz; import it once (dubstage converts it) and conform again` });
      continue;
    }
    const fileStart = pick.info.bext?.timeReference ?? 0;
    const offset = framesToSamples(ev.sourceIn, rate, sr) - fileStart;
    const length = framesToSamples(ev.recordOut, rate, sr) - framesToSamples(ev.recordIn, rate, sr);
    const position = framesToSamples(ev.recordIn - startFrames, rate, sr);
    const ref = editor.media.refFor(pick.path);
    for (const c of ev.audio) {
      const fileChannel = pick.info.channels >= c ? c : 1;
      editor.dispatch({ type: 'clip.add', track: trackOf.get(c)!, media: ref, channels: [fileChannel], sourceStart: Math.max(0, offset), position, length, name: base.clipName ?? pick.base.replace(/\.[^.]+$/, '') });
      const clip = editor.doc.clips[editor.doc.clips.length - 1];
      // a dissolve: the outgoing clip runs on into its handle, and the two cross over
      const prevId = lastClipOnTrack.get(trackOf.get(c)!);
      const prevClip = editor.doc.clips.find((x) => x.id === prevId);
      const prev = prevClip && prevClip.position + prevClip.length === position ? prevId : undefined;
      if (ev.transition.type === 'D' && ev.transition.duration > 0 && prev) {
        const d = framesToSamples(ev.transition.duration, rate, sr);
        try {
          editor.dispatch({ type: 'clip.trim', clip: prev, edge: 'end', position: position + d });
          editor.dispatch({ type: 'clip.fade', clip: prev, which: 'out', length: d, curve: 'equal-power' });
          editor.dispatch({ type: 'clip.fade', clip: clip.id, which: 'in', length: d, curve: 'equal-power' });
        } catch (e) {
          base.reason = `dissolve kept as a cut: ${(e as Error).message}`;
        }
      }
      lastClipOnTrack.set(trackOf.get(c)!, clip.id);
    }
    const before = samplesToFrames(Math.max(0, offset), rate, sr);
    const after = samplesToFrames(Math.max(0, pick.info.frames - offset - length), rate, sr);
    const entry: ConformEntry = { ...base, status: 'matched', file: pick.path, matchedBy, offset, handles: { before, after } };
    if (opts.handles && (before < opts.handles || after < opts.handles)) {
      entry.reason = `${entry.reason ? `${entry.reason}; ` : ''}only ${before}/${after} frames of handle (wanted ${opts.handles})`;
    }
    report.push(entry);
  }
  return { editor, report };
}
