// Edit commands: plain objects that name resolved ids, applied to an immer draft. Every edit to
// a session goes through `applyCommand`; the history records its patches for undo/redo.
import { current, type Draft } from 'immer';
import {
  DEFAULT_STEM, FADE_CURVES, type BusId, type Clip, type FadeCurve, type Session, type Stem, type TrackKind,
} from './schema.js';
import { parseTimecode, frameRate as lookupRate, type FrameRateId } from './timecode.js';

export type Command =
  | { type: 'session.set'; field: 'name'; value: string }
  | { type: 'session.set'; field: 'frameRate'; value: FrameRateId }
  | { type: 'session.set'; field: 'start'; value: string }
  | { type: 'session.set'; field: 'sampleRate'; value: number }
  | { type: 'session.set'; field: 'output'; value: 'stereo' | '5.1' }
  | { type: 'track.add'; name: string; kind: TrackKind; stem?: Stem }
  | { type: 'track.rename'; track: string; name: string }
  | { type: 'track.route'; track: string; stem: Stem }
  | { type: 'track.remove'; track: string }
  | { type: 'track.gain'; track: string; db: number; relative?: boolean }
  | { type: 'track.pan'; track: string; pan: number; relative?: boolean; fb?: number }
  | { type: 'track.lfe'; track: string; db?: number }
  | { type: 'track.mute'; track: string; value?: boolean }
  | { type: 'track.solo'; track: string; value?: boolean }
  | { type: 'bus.gain'; bus: BusId; db: number; relative?: boolean }
  | { type: 'bus.mute'; bus: BusId; value?: boolean }
  | { type: 'bus.solo'; bus: BusId; value?: boolean }
  | { type: 'clip.add'; track: string; media: string; channels: number[]; sourceStart: number; position: number; length: number; name: string }
  | { type: 'clip.move'; clip: string; position: number }
  | { type: 'clip.trim'; clip: string; edge: 'start' | 'end'; position: number }
  | { type: 'clip.split'; clip: string; position: number }
  | { type: 'clip.remove'; clip: string }
  | { type: 'clip.gain'; clip: string; db: number; relative?: boolean }
  | { type: 'clip.fade'; clip: string; which: 'in' | 'out'; length: number; curve?: FadeCurve }
  | { type: 'clip.xfade'; left: string; right: string; length: number; law: 'power' | 'gain' }
  | { type: 'marker.add'; position: number; name: string; note: string }
  | { type: 'marker.edit'; marker: string; name?: string; note?: string; position?: number }
  | { type: 'marker.remove'; marker: string }
  | { type: 'strip.set'; target: StripTarget; field: StripField; value: unknown };

export type StripField = 'eq' | 'gate' | 'comp' | 'deess' | 'limit';
export interface StripTarget {
  kind: 'track' | 'bus';
  id: string;
}

export class CommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandError';
  }
}

/** What the reducers need to know about media that is not in the document. */
export interface EditContext {
  /** frames in a media file (by its session-relative path), or undefined when offline */
  mediaFrames(media: string): number | undefined;
}

const GAIN_MIN = -144;
const GAIN_MAX = 24;
const clampDb = (db: number) => Math.round(Math.min(GAIN_MAX, Math.max(GAIN_MIN, db)) * 100) / 100;
const clampPan = (p: number) => Math.round(Math.min(1, Math.max(-1, p)) * 100) / 100;

function nextId(doc: Draft<Session>, prefix: string): string {
  return `${prefix}${doc.nextId++}`;
}

function track(doc: Draft<Session>, id: string) {
  const t = doc.tracks.find((x) => x.id === id);
  if (!t) throw new CommandError(`no track "${id}"`);
  return t;
}

function clip(doc: Draft<Session>, id: string) {
  const c = doc.clips.find((x) => x.id === id);
  if (!c) throw new CommandError(`no clip "${id}"`);
  return c;
}

function bus(doc: Draft<Session>, id: BusId) {
  const b = doc.buses.find((x) => x.id === id);
  if (!b) throw new CommandError(`no bus "${id}"`);
  return b;
}

/** Keeps fades inside a clip after its length changed. */
function fitFades(c: Draft<Clip>): void {
  if (c.fadeIn.length > c.length) c.fadeIn.length = c.length;
  if (c.fadeIn.length + c.fadeOut.length > c.length) c.fadeOut.length = c.length - c.fadeIn.length;
}

function checkSourceEnd(ctx: EditContext, c: Draft<Clip>, sourceEnd: number): void {
  const frames = ctx.mediaFrames(c.media);
  if (frames !== undefined && sourceEnd > frames) {
    throw new CommandError(`clip ${c.id} would run ${sourceEnd - frames} samples past the end of ${c.media}`);
  }
}

export function applyCommand(doc: Draft<Session>, cmd: Command, ctx: EditContext): void {
  switch (cmd.type) {
    case 'session.set': {
      if (cmd.field === 'start') parseTimecode(cmd.value, lookupRate(doc.frameRate));
      if (cmd.field === 'frameRate') parseTimecode(doc.start, lookupRate(cmd.value));
      if (cmd.field === 'sampleRate' && doc.clips.length > 0) {
        throw new CommandError('the sample rate can only change while the session has no clips');
      }
      (doc as Record<string, unknown>)[cmd.field] = cmd.value;
      return;
    }
    case 'track.add': {
      if (doc.tracks.some((t) => t.name.toLowerCase() === cmd.name.toLowerCase())) {
        throw new CommandError(`a track named "${cmd.name}" already exists`);
      }
      doc.tracks.push({
        id: nextId(doc, 't'), name: cmd.name, kind: cmd.kind, stem: cmd.stem ?? DEFAULT_STEM[cmd.kind],
        gainDb: 0, pan: 0, mute: false, solo: false,
      });
      return;
    }
    case 'track.rename': {
      if (doc.tracks.some((t) => t.id !== cmd.track && t.name.toLowerCase() === cmd.name.toLowerCase())) {
        throw new CommandError(`a track named "${cmd.name}" already exists`);
      }
      track(doc, cmd.track).name = cmd.name;
      return;
    }
    case 'track.route':
      track(doc, cmd.track).stem = cmd.stem;
      return;
    case 'track.remove': {
      track(doc, cmd.track);
      doc.clips = doc.clips.filter((c) => c.track !== cmd.track);
      doc.tracks = doc.tracks.filter((t) => t.id !== cmd.track);
      return;
    }
    case 'track.gain': {
      const t = track(doc, cmd.track);
      t.gainDb = clampDb(cmd.relative ? t.gainDb + cmd.db : cmd.db);
      return;
    }
    case 'track.pan': {
      const t = track(doc, cmd.track);
      t.pan = clampPan(cmd.relative ? t.pan + cmd.pan : cmd.pan);
      if (cmd.fb !== undefined) t.panFb = clampPan(cmd.fb);
      return;
    }
    case 'track.lfe': {
      const t = track(doc, cmd.track);
      if (cmd.db === undefined) delete t.lfe;
      else t.lfe = clampDb(cmd.db);
      return;
    }
    case 'track.mute': {
      const t = track(doc, cmd.track);
      t.mute = cmd.value ?? !t.mute;
      return;
    }
    case 'track.solo': {
      const t = track(doc, cmd.track);
      t.solo = cmd.value ?? !t.solo;
      return;
    }
    case 'bus.gain': {
      const b = bus(doc, cmd.bus);
      b.gainDb = clampDb(cmd.relative ? b.gainDb + cmd.db : cmd.db);
      return;
    }
    case 'bus.mute': {
      const b = bus(doc, cmd.bus);
      b.mute = cmd.value ?? !b.mute;
      return;
    }
    case 'bus.solo': {
      if (cmd.bus === 'master') throw new CommandError('solo is for a stem (D, M or E); the master is what plays when none is soloed');
      const b = bus(doc, cmd.bus);
      const on = cmd.value ?? !b.solo;
      if (on) b.solo = true;
      else delete b.solo;
      return;
    }
    case 'clip.add': {
      track(doc, cmd.track);
      if (cmd.position < 0) throw new CommandError('a clip cannot start before the session start');
      if (cmd.length < 1) throw new CommandError('a clip needs at least one sample');
      doc.clips.push({
        id: nextId(doc, 'c'), track: cmd.track, name: cmd.name, media: cmd.media, channels: [...cmd.channels],
        sourceStart: cmd.sourceStart, position: cmd.position, length: cmd.length, gainDb: 0,
        fadeIn: { length: 0, curve: 'equal-power' }, fadeOut: { length: 0, curve: 'equal-power' },
      });
      return;
    }
    case 'clip.move': {
      if (cmd.position < 0) throw new CommandError('a clip cannot start before the session start');
      clip(doc, cmd.clip).position = cmd.position;
      return;
    }
    case 'clip.trim': {
      const c = clip(doc, cmd.clip);
      const end = c.position + c.length;
      if (cmd.edge === 'start') {
        const delta = cmd.position - c.position;
        if (cmd.position >= end) throw new CommandError(`clip ${c.id}: the start must stay before the end`);
        if (c.sourceStart + delta < 0) {
          throw new CommandError(`clip ${c.id}: only ${c.sourceStart} samples of media exist before its start`);
        }
        if (cmd.position < 0) throw new CommandError('a clip cannot start before the session start');
        c.position = cmd.position;
        c.sourceStart += delta;
        c.length -= delta;
      } else {
        if (cmd.position <= c.position) throw new CommandError(`clip ${c.id}: the end must stay after the start`);
        const length = cmd.position - c.position;
        checkSourceEnd(ctx, c, c.sourceStart + length);
        c.length = length;
      }
      fitFades(c);
      return;
    }
    case 'clip.split': {
      const c = clip(doc, cmd.clip);
      const at = cmd.position;
      if (at <= c.position || at >= c.position + c.length) {
        throw new CommandError(`clip ${c.id}: the split point is not inside the clip`);
      }
      const head = at - c.position;
      const right = {
        ...structuredClone(current(c)) as Clip,
        id: nextId(doc, 'c'), position: at, sourceStart: c.sourceStart + head, length: c.length - head,
      };
      right.fadeIn = { length: 0, curve: c.fadeIn.curve };
      c.length = head;
      c.fadeOut = { length: 0, curve: c.fadeOut.curve };
      fitFades(c);
      fitFades(right);
      doc.clips.splice(doc.clips.indexOf(c) + 1, 0, right);
      return;
    }
    case 'clip.remove': {
      clip(doc, cmd.clip);
      doc.clips = doc.clips.filter((c) => c.id !== cmd.clip);
      return;
    }
    case 'clip.gain': {
      const c = clip(doc, cmd.clip);
      c.gainDb = clampDb(cmd.relative ? c.gainDb + cmd.db : cmd.db);
      return;
    }
    case 'clip.fade': {
      const c = clip(doc, cmd.clip);
      if (cmd.curve && !FADE_CURVES.includes(cmd.curve)) throw new CommandError(`unknown fade curve "${cmd.curve}"`);
      const other = cmd.which === 'in' ? c.fadeOut.length : c.fadeIn.length;
      if (cmd.length < 0) throw new CommandError('a fade cannot be negative');
      if (cmd.length + other > c.length) {
        throw new CommandError(`clip ${c.id}: a ${cmd.length}-sample fade ${cmd.which} does not fit (clip is ${c.length}, other fade ${other})`);
      }
      const f = cmd.which === 'in' ? c.fadeIn : c.fadeOut;
      f.length = cmd.length;
      if (cmd.curve) f.curve = cmd.curve;
      return;
    }
    case 'clip.xfade': {
      // A crossfade centred on the cut: the left clip runs on by half, the right clip starts
      // half earlier (both from their media's handles), and their fades are complements.
      const a = clip(doc, cmd.left);
      const b = clip(doc, cmd.right);
      if (a.track !== b.track) throw new CommandError(`clips ${a.id} and ${b.id} are on different tracks`);
      if (a.position > b.position) throw new CommandError(`clip ${a.id} must come before ${b.id}`);
      const cut = a.position + a.length;
      if (cut !== b.position) throw new CommandError(`clips ${a.id} and ${b.id} do not meet (${a.id} ends at sample ${cut}, ${b.id} starts at ${b.position}); butt them first`);
      if (cmd.length < 2) throw new CommandError('a crossfade needs at least 2 samples');
      const before = Math.floor(cmd.length / 2);
      const after = cmd.length - before;
      if (b.sourceStart < before) throw new CommandError(`clip ${b.id} has only ${b.sourceStart} samples of handle before its start; the crossfade needs ${before}`);
      checkSourceEnd(ctx, a, a.sourceStart + a.length + after);
      a.length += after;
      b.position -= before;
      b.sourceStart -= before;
      b.length += before;
      const curve: FadeCurve = cmd.law === 'power' ? 'equal-power' : 'linear';
      a.fadeOut = { length: cmd.length, curve };
      b.fadeIn = { length: cmd.length, curve };
      fitFades(a);
      fitFades(b);
      return;
    }
    case 'marker.add': {
      if (cmd.position < 0) throw new CommandError('a marker cannot be before the session start');
      doc.markers.push({ id: nextId(doc, 'm'), position: cmd.position, name: cmd.name, note: cmd.note });
      doc.markers.sort((a, b) => a.position - b.position || a.id.localeCompare(b.id));
      return;
    }
    case 'marker.edit': {
      const m = doc.markers.find((x) => x.id === cmd.marker);
      if (!m) throw new CommandError(`no marker "${cmd.marker}"`);
      if (cmd.name !== undefined) m.name = cmd.name;
      if (cmd.note !== undefined) m.note = cmd.note;
      if (cmd.position !== undefined) {
        if (cmd.position < 0) throw new CommandError('a marker cannot be before the session start');
        m.position = cmd.position;
        doc.markers.sort((a, b) => a.position - b.position || a.id.localeCompare(b.id));
      }
      return;
    }
    case 'marker.remove': {
      if (!doc.markers.some((m) => m.id === cmd.marker)) throw new CommandError(`no marker "${cmd.marker}"`);
      doc.markers = doc.markers.filter((m) => m.id !== cmd.marker);
      return;
    }
    case 'strip.set': {
      // The value is checked by the schema when the edit is validated as a whole.
      const owner = (cmd.target.kind === 'track' ? track(doc, cmd.target.id) : bus(doc, cmd.target.id as BusId)) as Record<string, unknown>;
      if (cmd.value === undefined) delete owner[cmd.field];
      else owner[cmd.field] = cmd.value;
      return;
    }
  }
}

/** A short label for the undo list: "mute DIA 1", "move c4". */
export function describeCommand(cmd: Command, doc: Session): string {
  const name = (id: string) => doc.tracks.find((t) => t.id === id)?.name ?? id;
  switch (cmd.type) {
    case 'session.set': return `set ${cmd.field}`;
    case 'track.add': return `add track ${cmd.name}`;
    case 'track.rename': return `rename ${name(cmd.track)}`;
    case 'track.route': return `route ${name(cmd.track)} to ${cmd.stem}`;
    case 'track.remove': return `remove ${name(cmd.track)}`;
    case 'track.gain': return `gain ${name(cmd.track)}`;
    case 'track.pan': return `pan ${name(cmd.track)}`;
    case 'track.lfe': return `lfe ${name(cmd.track)}`;
    case 'track.mute': return `mute ${name(cmd.track)}`;
    case 'track.solo': return `solo ${name(cmd.track)}`;
    case 'bus.gain': return `gain ${cmd.bus}`;
    case 'bus.mute': return `mute ${cmd.bus}`;
    case 'bus.solo': return `solo ${cmd.bus}`;
    case 'clip.add': return `add clip to ${name(cmd.track)}`;
    case 'clip.move': return `move ${cmd.clip}`;
    case 'clip.trim': return `trim ${cmd.clip} ${cmd.edge}`;
    case 'clip.split': return `split ${cmd.clip}`;
    case 'clip.remove': return `remove ${cmd.clip}`;
    case 'clip.gain': return `clip gain ${cmd.clip}`;
    case 'clip.fade': return `fade ${cmd.which} ${cmd.clip}`;
    case 'clip.xfade': return `crossfade ${cmd.left} ${cmd.right}`;
    case 'marker.add': return `add marker ${cmd.name}`;
    case 'marker.edit': return `edit marker ${cmd.marker}`;
    case 'marker.remove': return `remove marker ${cmd.marker}`;
    case 'strip.set': return `${cmd.field} ${cmd.target.kind === 'track' ? name(cmd.target.id) : cmd.target.id}`;
  }
}
