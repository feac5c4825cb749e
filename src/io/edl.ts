// CMX3600 edit decision lists, with the dialects seen in the field (Avid, Premiere, Resolve,
// Nucoda): titles, FCM drop / non-drop (and ';' drop-frame timecodes), event numbers of any
// width, reel names of any length, channel codes (V, A, A2, AA, AA/V, B, A12 …, plus AUD lines),
// cuts, dissolves (two-line form, with duration), wipes and keys (read as cuts for audio), M2
// speed changes, clip / source-file comments, audio split notes. Written here because no npm
// package parses these. A line that cannot be read is reported with its number; the rest of the
// list still imports.
import { frameRate, parseTimecode, type FrameRate, type FrameRateId } from '../session/timecode.js';

export interface EdlTransition {
  /** C cut, D dissolve, W wipe, K key */
  type: 'C' | 'D' | 'W' | 'K';
  /** the full code as written (W001, KB …) */
  code: string;
  /** frames, for D / W / K */
  duration: number;
}

export interface EdlEvent {
  /** event number as written (leading zeros dropped) */
  number: number;
  reel: string;
  video: boolean;
  /** audio channels, 1-based */
  audio: number[];
  channelCode: string;
  transition: EdlTransition;
  /** frame counts since midnight at the list's rate */
  sourceIn: number;
  sourceOut: number;
  recordIn: number;
  recordOut: number;
  /** for a dissolve's second line: the event it dissolves from (the line before, same number) */
  fromPrevious: boolean;
  clipName?: string;
  toClipName?: string;
  sourceFile?: string;
  /** M2 speed in frames per second of source (negative = reverse, 0 = freeze) */
  speed?: number;
  /** audio split / delay notes and other comments, as written */
  notes: string[];
  /** 1-based line number of the event line */
  line: number;
}

export interface EdlError {
  line: number;
  text: string;
  reason: string;
}

export interface Edl {
  title: string;
  rate: FrameRate;
  dropFrame: boolean;
  events: EdlEvent[];
  errors: EdlError[];
  /** Avid's source table (>>> SOURCE lines): reel → the tape or file it names */
  sources: Record<string, { name: string; umid?: string }>;
}

const TC = /^\d{1,2}:\d{2}:\d{2}[:;.,]\d{2}$/;

/** V, A, A2, AA, AA/V, A/V, B, A12, A1/A2, NONE … */
export function parseChannels(code: string): { video: boolean; audio: number[] } | null {
  const c = code.toUpperCase();
  let video = false;
  const audio = new Set<number>();
  for (const part of c.split('/')) {
    if (part === 'V') video = true;
    else if (part === 'B') {
      video = true;
      audio.add(1);
    } else if (part === 'AA') {
      audio.add(1);
      audio.add(2);
    } else if (part === 'A') audio.add(1);
    else if (/^A\d+$/.test(part)) audio.add(Number(part.slice(1)));
    else if (part === 'NONE') continue;
    else return null;
  }
  return { video, audio: [...audio].sort((a, b) => a - b) };
}

function tcFrames(text: string, rate: FrameRate, df: FrameRate): number {
  // ';' (or '.' / ',') before the frames marks a drop-frame timecode whatever the FCM line says
  const drop = /[;.,]\d{2}$/.test(text);
  return parseTimecode(text, drop && df.dropFrame ? df : rate);
}

function parseTransition(code: string, dur: string | undefined): EdlTransition | null {
  const c = code.toUpperCase();
  const d = dur !== undefined ? Number(dur) : 0;
  if (c === 'C') return { type: 'C', code: c, duration: 0 };
  if (c === 'D') return { type: 'D', code: c, duration: d };
  if (/^W\d*$/.test(c)) return { type: 'W', code: c, duration: d };
  if (/^K[BO]?$/.test(c)) return { type: 'K', code: c, duration: d };
  return null;
}

export function parseEdl(text: string, opts: { fps?: FrameRateId } = {}): Edl {
  let rate = frameRate(opts.fps ?? '24');
  const df = rate.id === '29.97' || rate.id === '29.97df' ? frameRate('29.97df') : rate;
  const edl: Edl = { title: '', rate, dropFrame: rate.dropFrame, events: [], errors: [], sources: {} };
  let last: EdlEvent | undefined;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const lineNo = i + 1;
    const line = raw.replace(/\t/g, ' ').trim();
    if (!line) return;
    const fail = (reason: string) => edl.errors.push({ line: lineNo, text: raw, reason });
    let m: RegExpExecArray | null;
    if ((m = /^TITLE:\s*(.*)$/i.exec(line))) {
      edl.title = m[1].trim();
      return;
    }
    if ((m = /^FCM:\s*(.*)$/i.exec(line))) {
      const drop = /^DROP/i.test(m[1].trim());
      if (drop && df.dropFrame) rate = df;
      else if (!drop && rate.dropFrame) rate = frameRate('29.97');
      edl.rate = rate;
      edl.dropFrame = rate.dropFrame;
      return;
    }
    if (/^REM\b/i.test(line)) return;
    // comments: "* FROM CLIP NAME: x" (some writers leave out the star)
    const comment = /^\*?\s*(FROM CLIP NAME|TO CLIP NAME|SOURCE FILE|CLIP NAME)\s*:\s*(.*)$/i.exec(line);
    if (comment) {
      if (!last) return fail('a clip comment before any event');
      const key = comment[1].toUpperCase();
      const value = comment[2].trim();
      if (key === 'TO CLIP NAME') last.toClipName = value;
      else if (key === 'SOURCE FILE') last.sourceFile = value;
      else last.clipName = value;
      return;
    }
    if (line.startsWith('*')) {
      last?.notes.push(line.replace(/^\*\s*/, ''));
      return;
    }
    if ((m = /^AUD\s+(.*)$/i.exec(line))) {
      if (!last) return fail('an AUD line before any event');
      for (const n of m[1].trim().split(/\s+/)) {
        if (/^\d+$/.test(n) && !last.audio.includes(Number(n))) last.audio.push(Number(n));
      }
      last.audio.sort((a, b) => a - b);
      return;
    }
    if ((m = /^M2\s+(\S+)\s+(-?\d+(?:\.\d+)?)\s+(\S+)$/i.exec(line))) {
      const target = [...edl.events].reverse().find((e) => e.reel === m![1]) ?? last;
      if (!target) return fail('an M2 speed line before any event');
      target.speed = Number(m[2]);
      return;
    }
    if ((m = /^>>>\s*SOURCE\s+(\S+)\s+(\S+)(?:\s+(\S+))?/i.exec(line))) {
      // Avid's source table: reel → tape / file name, and the UMID
      edl.sources[m[1]] = { name: m[2], umid: m[3] };
      return;
    }
    if (/^(SPLIT|AUDIO DELAY|VIDEO DELAY|EFFECTS NAME IS)/i.test(line)) {
      if (last) last.notes.push(line);
      return;
    }
    // an event line: NUMBER REEL… CHANNELS TRANSITION [DURATION] SRC-IN SRC-OUT REC-IN REC-OUT
    const tokens = line.split(/\s+/);
    if (/^\d+$/.test(tokens[0])) {
      if (tokens.length < 8) return fail('an event line needs a reel, channels, a transition and four timecodes');
      const tcs = tokens.slice(-4);
      if (!tcs.every((t) => TC.test(t))) return fail('the last four fields of an event must be timecodes');
      let rest = tokens.slice(1, -4);
      let dur: string | undefined;
      if (rest.length >= 4 && /^\d+$/.test(rest[rest.length - 1])) {
        dur = rest[rest.length - 1];
        rest = rest.slice(0, -1);
      }
      const transition = parseTransition(rest[rest.length - 1], dur);
      if (!transition) return fail(`unknown transition "${rest[rest.length - 1]}"`);
      const channels = parseChannels(rest[rest.length - 2] ?? '');
      if (!channels) return fail(`unknown channel code "${rest[rest.length - 2]}"`);
      const reel = rest.slice(0, -2).join(' ');
      if (!reel) return fail('the event has no reel name');
      let frames: number[];
      try {
        frames = tcs.map((t) => tcFrames(t, rate, df));
      } catch (e) {
        return fail((e as Error).message);
      }
      const number = Number(tokens[0]);
      const ev: EdlEvent = {
        number, reel, video: channels.video, audio: channels.audio, channelCode: rest[rest.length - 2], transition,
        sourceIn: frames[0], sourceOut: frames[1], recordIn: frames[2], recordOut: frames[3],
        fromPrevious: transition.type !== 'C' && last?.number === number, notes: [], line: lineNo,
      };
      if (frames[1] < frames[0]) return fail('the source out is before the source in');
      if (frames[3] < frames[2]) return fail('the record out is before the record in');
      edl.events.push(ev);
      last = ev;
      return;
    }
    fail('not an EDL line (event, comment, FCM, TITLE, M2, AUD)');
  });
  return edl;
}
