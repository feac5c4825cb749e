// The text command language: the one surface for edits (the TUI's `:` line, `dubstage run -c`,
// scripts, tests). Parsing resolves names to ids and times to samples against the document;
// it never changes anything. The verb table is data so `help` can list it.
import type { Command, StripTarget } from './commands.js';
import { STRIP_VERBS } from './strip-verbs.js';
import { BUS_IDS, FADE_CURVES, STEMS, TRACK_KINDS, type BusId, type FadeCurve, type Session, type Stem, type TrackKind } from './schema.js';
import { parseDuration, parseTime, resolveTime, type TimeSpec } from './time-spec.js';
import { parseFrameRate, parseTimecode, TimelineClock } from './timecode.js';

export type Action =
  | { kind: 'edit'; command: Command }
  | { kind: 'undo'; count: number }
  | { kind: 'redo'; count: number }
  | { kind: 'save'; path?: string }
  | { kind: 'quit'; save: boolean; force: boolean }
  | { kind: 'import'; file: string; track: string; at: TimeSpec | 'bwf' | undefined; channels?: number[]; name?: string; cues?: boolean; trackKind?: TrackKind }
  | { kind: 'help'; topic?: string }
  | { kind: 'sync'; clip: string; ref: string }
  | { kind: 'expand'; clip: string };

export class ParseError extends Error {
  constructor(
    readonly verb: string,
    message: string,
  ) {
    super(`${verb}: ${message}`);
    this.name = 'ParseError';
  }
}

/** Splits a line into words; "double" or 'single' quotes keep spaces. */
export function tokenize(line: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line))) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] ?? m[3]));
  return out;
}

interface Ctx {
  doc: Session;
  clock: TimelineClock;
  verb: string;
}

export function clockOf(doc: Session): TimelineClock {
  return new TimelineClock(parseFrameRate(doc.frameRate), doc.sampleRate, doc.start);
}

function fail(ctx: Ctx, msg: string): never {
  throw new ParseError(ctx.verb, msg);
}

function need(ctx: Ctx, args: string[], i: number, what: string): string {
  const v = args[i];
  if (v === undefined || v === '') fail(ctx, `missing ${what}`);
  return v;
}

function findTrack(ctx: Ctx, ref: string): string {
  const { tracks } = ctx.doc;
  const byId = tracks.find((t) => t.id === ref);
  if (byId) return byId.id;
  const byName = tracks.find((t) => t.name.toLowerCase() === ref.toLowerCase());
  if (byName) return byName.id;
  if (/^\d+$/.test(ref) && tracks[Number(ref) - 1]) return tracks[Number(ref) - 1].id;
  fail(ctx, `no track "${ref}" (tracks: ${tracks.map((t) => t.name).join(', ') || 'none yet — add one with: track add NAME KIND'})`);
}

function findClip(ctx: Ctx, ref: string): string {
  const { clips } = ctx.doc;
  const byId = clips.find((c) => c.id === ref);
  if (byId) return byId.id;
  const m = /^(.+):(\d+)$/.exec(ref);
  if (m) {
    const track = findTrack(ctx, m[1]);
    const onTrack = clips.filter((c) => c.track === track).sort((a, b) => a.position - b.position);
    const c = onTrack[Number(m[2]) - 1];
    if (c) return c.id;
    fail(ctx, `track "${m[1]}" has ${onTrack.length} clip(s), not ${m[2]}`);
  }
  fail(ctx, `no clip "${ref}" (name a clip by id, e.g. c3, or as TRACK:N for the Nth clip on a track)`);
}

function findMarker(ctx: Ctx, ref: string): string {
  const { markers } = ctx.doc;
  const m = markers.find((x) => x.id === ref) ?? markers.find((x) => x.name.toLowerCase() === ref.toLowerCase())
    ?? (/^\d+$/.test(ref) ? markers[Number(ref) - 1] : undefined);
  if (!m) fail(ctx, `no marker "${ref}"`);
  return m.id;
}

const BUS_ALIASES: Record<string, BusId> = { d: 'D', dia: 'D', dialogue: 'D', m: 'M', mus: 'M', music: 'M', e: 'E', fx: 'E', effects: 'E', master: 'master', mix: 'master' };

function findBus(ctx: Ctx, ref: string): BusId {
  const b = BUS_ALIASES[ref.toLowerCase()];
  if (!b) fail(ctx, `no bus "${ref}" (buses: ${BUS_IDS.join(', ')})`);
  return b;
}

function stem(ctx: Ctx, ref: string): Stem {
  const s = ref === 'none' ? 'none' : (BUS_ALIASES[ref.toLowerCase()] as Stem | undefined);
  if (!s || !STEMS.includes(s)) fail(ctx, `"${ref}" is not a stem (use D, M, E or none)`);
  return s;
}

function time(ctx: Ctx, token: string): TimeSpec {
  try {
    return parseTime(token, ctx.clock);
  } catch (e) {
    fail(ctx, (e as Error).message);
  }
}

function duration(ctx: Ctx, token: string): number {
  try {
    return parseDuration(token, ctx.clock);
  } catch (e) {
    fail(ctx, (e as Error).message);
  }
}

function number(ctx: Ctx, token: string, what: string): number {
  const v = Number(token.replace(/db$/i, ''));
  if (!Number.isFinite(v)) fail(ctx, `"${token}" is not a number (${what})`);
  return v;
}

/** "-3" absolute; "+=1.5" / "-=2" relative. */
function gainArg(ctx: Ctx, token: string): { db: number; relative: boolean } {
  const rel = /^([+-])=(.+)$/.exec(token);
  if (rel) return { db: (rel[1] === '-' ? -1 : 1) * number(ctx, rel[2], 'dB'), relative: true };
  return { db: number(ctx, token, 'dB'), relative: false };
}

/** Pan as L30 / R30 / C, or -100..100. */
function panArg(ctx: Ctx, token: string): { pan: number; relative: boolean } {
  const rel = /^([+-])=(\d+(?:\.\d+)?)$/.exec(token);
  if (rel) return { pan: ((rel[1] === '-' ? -1 : 1) * Number(rel[2])) / 100, relative: true };
  const t = token.toUpperCase();
  if (t === 'C' || t === 'CENTER' || t === 'CENTRE') return { pan: 0, relative: false };
  const lr = /^([LR])(\d+(?:\.\d+)?)$/.exec(t);
  const v = lr ? (lr[1] === 'L' ? -1 : 1) * Number(lr[2]) : Number(token);
  if (!Number.isFinite(v) || Math.abs(v) > 100) fail(ctx, `"${token}" is not a pan position (L100…C…R100 or -100…100)`);
  return { pan: v / 100, relative: false };
}

function onOff(ctx: Ctx, token: string | undefined): boolean | undefined {
  if (token === undefined) return undefined;
  const t = token.toLowerCase();
  if (t === 'on' || t === '1' || t === 'true') return true;
  if (t === 'off' || t === '0' || t === 'false') return false;
  fail(ctx, `"${token}" must be on or off`);
}

function count(ctx: Ctx, token: string | undefined): number {
  if (token === undefined) return 1;
  const n = Number(token);
  if (!Number.isInteger(n) || n < 1) fail(ctx, `"${token}" is not a count`);
  return n;
}

/** Pulls `key value` or `key=value` options out of the arguments. */
function options(args: string[], keys: string[]): { rest: string[]; opts: Record<string, string> } {
  const rest: string[] = [];
  const opts: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const eq = /^([a-z]+)=(.*)$/.exec(a);
    if (eq && keys.includes(eq[1])) opts[eq[1]] = eq[2];
    else if (keys.includes(a) && i + 1 < args.length) opts[a] = args[++i];
    else rest.push(a);
  }
  return { rest, opts };
}

const edit = (command: Command): Action => ({ kind: 'edit', command });

type Handler = (ctx: Ctx, args: string[]) => Action;

interface Verb {
  usage: string;
  summary: string;
  run: Handler;
}

function clipVerb(ctx: Ctx, args: string[]): Action {
  const sub = need(ctx, args, 0, 'what to do (move, trim, split, remove, gain, fade, xfade)');
  const id = findClip(ctx, need(ctx, args, 1, 'clip'));
  const c = ctx.doc.clips.find((x) => x.id === id)!;
  ctx.verb = `clip ${sub}`;
  switch (sub) {
    case 'move':
      return edit({ type: 'clip.move', clip: id, position: resolveTime(time(ctx, need(ctx, args, 2, 'time')), c.position) });
    case 'trim': {
      const edge = need(ctx, args, 2, 'edge (start or end)');
      if (edge !== 'start' && edge !== 'end') fail(ctx, `edge must be start or end, not "${edge}"`);
      const base = edge === 'start' ? c.position : c.position + c.length;
      return edit({ type: 'clip.trim', clip: id, edge, position: resolveTime(time(ctx, need(ctx, args, 3, 'time')), base) });
    }
    case 'split':
      return edit({ type: 'clip.split', clip: id, position: resolveTime(time(ctx, need(ctx, args, 2, 'time')), c.position) });
    case 'remove':
    case 'delete':
      return edit({ type: 'clip.remove', clip: id });
    case 'gain': {
      const g = gainArg(ctx, need(ctx, args, 2, 'gain in dB'));
      return edit({ type: 'clip.gain', clip: id, db: g.db, relative: g.relative });
    }
    case 'fade': {
      const which = need(ctx, args, 2, 'in or out');
      if (which !== 'in' && which !== 'out') fail(ctx, `say fade in or fade out, not "${which}"`);
      const curve = args[4] as FadeCurve | undefined;
      if (curve && !FADE_CURVES.includes(curve)) fail(ctx, `unknown curve "${curve}" (${FADE_CURVES.join(', ')})`);
      return edit({ type: 'clip.fade', clip: id, which, length: duration(ctx, need(ctx, args, 3, 'length')), curve });
    }
    case 'xfade': {
      const right = findClip(ctx, need(ctx, args, 2, 'the clip after the cut'));
      const law = (args[4] ?? 'power').toLowerCase();
      if (law !== 'power' && law !== 'gain') fail(ctx, `a crossfade keeps "power" (equal-power) or "gain" (linear), not "${law}"`);
      return edit({ type: 'clip.xfade', left: id, right, length: duration(ctx, need(ctx, args, 3, 'length')), law });
    }
    default:
      fail(ctx, `unknown clip action "${sub}" (move, trim, split, remove, gain, fade, xfade)`);
  }
}

function trackVerb(ctx: Ctx, args: string[]): Action {
  const sub = need(ctx, args, 0, 'what to do (add, rename, route, remove)');
  ctx.verb = `track ${sub}`;
  switch (sub) {
    case 'add': {
      const name = need(ctx, args, 1, 'track name');
      const kind = (args[2] ?? 'dialogue') as TrackKind;
      if (!TRACK_KINDS.includes(kind)) fail(ctx, `unknown kind "${kind}" (${TRACK_KINDS.join(', ')})`);
      return edit({ type: 'track.add', name, kind, stem: args[3] ? stem(ctx, args[3]) : undefined });
    }
    case 'rename':
      return edit({ type: 'track.rename', track: findTrack(ctx, need(ctx, args, 1, 'track')), name: need(ctx, args, 2, 'new name') });
    case 'route':
      return edit({ type: 'track.route', track: findTrack(ctx, need(ctx, args, 1, 'track')), stem: stem(ctx, need(ctx, args, 2, 'stem')) });
    case 'remove':
    case 'delete':
      return edit({ type: 'track.remove', track: findTrack(ctx, need(ctx, args, 1, 'track')) });
    default:
      fail(ctx, `unknown track action "${sub}" (add, rename, route, remove)`);
  }
}

function markerVerb(ctx: Ctx, args: string[]): Action {
  const sub = need(ctx, args, 0, 'what to do (add, rename, note, move, remove)');
  ctx.verb = `marker ${sub}`;
  if (sub === 'add') {
    const at = time(ctx, need(ctx, args, 1, 'time'));
    if (at.relative) fail(ctx, 'a marker needs an absolute time');
    return edit({ type: 'marker.add', position: at.samples, name: need(ctx, args, 2, 'name'), note: args.slice(3).join(' ') });
  }
  const id = findMarker(ctx, need(ctx, args, 1, 'marker'));
  const m = ctx.doc.markers.find((x) => x.id === id)!;
  switch (sub) {
    case 'rename':
      return edit({ type: 'marker.edit', marker: id, name: need(ctx, args, 2, 'name') });
    case 'note':
      return edit({ type: 'marker.edit', marker: id, note: args.slice(2).join(' ') });
    case 'move':
      return edit({ type: 'marker.edit', marker: id, position: resolveTime(time(ctx, need(ctx, args, 2, 'time')), m.position) });
    case 'remove':
    case 'delete':
      return edit({ type: 'marker.remove', marker: id });
    default:
      fail(ctx, `unknown marker action "${sub}" (add, rename, note, move, remove)`);
  }
}

function setVerb(ctx: Ctx, args: string[]): Action {
  const field = need(ctx, args, 0, 'what to set (name, rate, fps, start, output)');
  const value = need(ctx, args, 1, 'value');
  ctx.verb = `set ${field}`;
  switch (field) {
    case 'name':
      return edit({ type: 'session.set', field: 'name', value: args.slice(1).join(' ') });
    case 'rate': {
      const r = Number(value);
      if (!Number.isInteger(r) || r < 8000 || r > 384000) fail(ctx, `"${value}" is not a sample rate`);
      return edit({ type: 'session.set', field: 'sampleRate', value: r });
    }
    case 'fps': {
      try {
        return edit({ type: 'session.set', field: 'frameRate', value: parseFrameRate(value).id });
      } catch (e) {
        fail(ctx, (e as Error).message);
      }
    }
    // falls through (fail never returns)
    case 'output': {
      if (value !== 'stereo' && value !== '5.1') fail(ctx, `the output is stereo or 5.1, not "${value}"`);
      return edit({ type: 'session.set', field: 'output', value });
    }
    case 'start': {
      try {
        parseTimecode(value, ctx.clock.rate);
      } catch (e) {
        fail(ctx, (e as Error).message);
      }
      return edit({ type: 'session.set', field: 'start', value: value.replace(/[.,]/, ':') });
    }
    default:
      fail(ctx, `cannot set "${field}" (name, rate, fps, start, output)`);
  }
}

export const VERBS: Record<string, Verb> = {
  set: { usage: 'set name|rate|fps|start|output VALUE', summary: 'session name, sample rate (no clips yet), frame rate, start timecode, output stereo or 5.1', run: setVerb },
  track: { usage: 'track add NAME [KIND] [STEM] | rename T NAME | route T STEM | remove T', summary: `tracks; kinds: ${TRACK_KINDS.join(', ')}`, run: trackVerb },
  route: { usage: 'route TRACK D|M|E|none', summary: 'send a track to a stem', run: (ctx, a) => trackVerb(ctx, ['route', ...a]) },
  gain: {
    usage: 'gain TRACK DB | gain TRACK +=DB | -=DB', summary: 'track fader in dB',
    run: (ctx, a) => {
      const g = gainArg(ctx, need(ctx, a, 1, 'gain in dB'));
      return edit({ type: 'track.gain', track: findTrack(ctx, need(ctx, a, 0, 'track')), db: g.db, relative: g.relative });
    },
  },
  pan: {
    usage: 'pan TRACK L30|C|R30|-100..100 [F100…B100]', summary: 'constant-power pan (-3 dB at centre); in 5.1 a second value moves it front (F) to back (B)',
    run: (ctx, a) => {
      const p = panArg(ctx, need(ctx, a, 1, 'pan position'));
      let fb: number | undefined;
      if (a[2] !== undefined) {
        const m = /^([FB])(\d+(?:\.\d+)?)$/i.exec(a[2]);
        const v = m ? (m[1].toUpperCase() === 'F' ? -1 : 1) * Number(m[2]) : a[2].toUpperCase() === 'M' ? 0 : Number(a[2]);
        if (!Number.isFinite(v) || Math.abs(v) > 100) fail(ctx, `"${a[2]}" is not a front/back position (F100 = front … M … B100 = back)`);
        fb = v / 100;
      }
      return edit({ type: 'track.pan', track: findTrack(ctx, need(ctx, a, 0, 'track')), pan: p.pan, relative: p.relative, fb });
    },
  },
  lfe: {
    usage: 'lfe TRACK DB | lfe TRACK off', summary: '5.1: send a track to the LFE channel',
    run: (ctx, a) => {
      const track = findTrack(ctx, need(ctx, a, 0, 'track'));
      const v = need(ctx, a, 1, 'send level in dB, or off');
      return edit({ type: 'track.lfe', track, db: v === 'off' ? undefined : number(ctx, v, 'dB') });
    },
  },
  mute: { usage: 'mute TRACK [on|off]', summary: 'toggle or set mute', run: (ctx, a) => edit({ type: 'track.mute', track: findTrack(ctx, need(ctx, a, 0, 'track')), value: onOff(ctx, a[1]) }) },
  solo: { usage: 'solo TRACK [on|off]', summary: 'solo in place', run: (ctx, a) => edit({ type: 'track.solo', track: findTrack(ctx, need(ctx, a, 0, 'track')), value: onOff(ctx, a[1]) }) },
  bus: {
    usage: 'bus gain D|M|E|master DB | bus mute BUS [on|off] | bus solo D|M|E [on|off]', summary: 'stem bus and master faders; stem solo (what is heard: the soloed stems)',
    run: (ctx, a) => {
      const sub = need(ctx, a, 0, 'gain, mute or solo');
      ctx.verb = `bus ${sub}`;
      const b = findBus(ctx, need(ctx, a, 1, 'bus'));
      if (sub === 'gain') {
        const g = gainArg(ctx, need(ctx, a, 2, 'gain in dB'));
        return edit({ type: 'bus.gain', bus: b, db: g.db, relative: g.relative });
      }
      if (sub === 'mute') return edit({ type: 'bus.mute', bus: b, value: onOff(ctx, a[2]) });
      if (sub === 'solo') return edit({ type: 'bus.solo', bus: b, value: onOff(ctx, a[2]) });
      fail(ctx, `unknown bus action "${sub}" (gain, mute, solo)`);
    },
  },
  import: {
    usage: 'import FILE TRACK|* [at TIME|bwf] [ch N[,M]] [name TEXT] [kind KIND] [cues]', summary: 'place a WAV on a track (at a time, at its BWF timestamp (at bwf), or at the session start)',
    run: (ctx, a) => {
      const { rest: words, opts } = options(a, ['at', 'ch', 'name', 'kind']);
      const cues = words.includes('cues');
      const rest = words.filter((w) => w !== 'cues');
      const file = need(ctx, rest, 0, 'file');
      const trackRef = need(ctx, rest, 1, 'track (or * for one track per channel)');
      const track = trackRef === '*' ? '*' : findTrack(ctx, trackRef);
      const kind = (opts.kind ?? 'dialogue') as TrackKind;
      if (!TRACK_KINDS.includes(kind)) fail(ctx, `unknown kind "${kind}" (${TRACK_KINDS.join(', ')})`);
      if (rest.length > 2) fail(ctx, `unexpected "${rest[2]}"`);
      let at: TimeSpec | 'bwf' | undefined;
      if (opts.at === 'bwf') at = 'bwf';
      else if (opts.at !== undefined) {
        at = time(ctx, opts.at);
        if (at.relative) fail(ctx, 'import needs an absolute time');
      }
      let channels: number[] | undefined;
      if (opts.ch !== undefined) {
        channels = opts.ch.split(',').map((s) => Number(s));
        if (channels.some((c) => !Number.isInteger(c) || c < 1) || channels.length > 2) fail(ctx, `"${opts.ch}" is not one or two channel numbers (1-based)`);
      }
      return { kind: 'import', file, track, at, channels, name: opts.name, cues, trackKind: kind };
    },
  },
  clip: { usage: 'clip move|trim|split|remove|gain|fade CLIP …', summary: 'clip edits: move C TIME, trim C start|end TIME, split C TIME, remove C, gain C DB, fade C in|out LEN [CURVE], xfade C1 C2 LEN [power|gain]', run: clipVerb },
  marker: { usage: 'marker add TIME NAME [NOTE] | rename M NAME | note M TEXT | move M TIME | remove M', summary: 'markers and cues', run: markerVerb },
  expand: {
    usage: 'expand CLIP', summary: 'put every other channel the recorder made of this take (poly-WAV or split mono files) on tracks of their own, with the same edit and fades',
    run: (ctx, a) => ({ kind: 'expand', clip: findClip(ctx, need(ctx, a, 0, 'clip')) }),
  },
  sync: {
    usage: 'sync CLIP REFCLIP', summary: 'move a clip so its audio lines up with a reference clip (waveform cross-correlation)',
    run: (ctx, a) => ({ kind: 'sync', clip: findClip(ctx, need(ctx, a, 0, 'clip to move')), ref: findClip(ctx, need(ctx, a, 1, 'reference clip')) }),
  },
  undo: { usage: 'undo [N]', summary: 'undo the last N edits', run: (ctx, a) => ({ kind: 'undo', count: count(ctx, a[0]) }) },
  redo: { usage: 'redo [N]', summary: 'redo', run: (ctx, a) => ({ kind: 'redo', count: count(ctx, a[0]) }) },
  w: { usage: 'w [FILE]', summary: 'save (atomic; keeps FILE.bak)', run: (_c, a) => ({ kind: 'save', path: a[0] }) },
  q: { usage: 'q | q! | wq', summary: 'quit (q! discards unsaved edits, wq saves first)', run: () => ({ kind: 'quit', save: false, force: false }) },
  help: { usage: 'help [VERB]', summary: 'list commands', run: (_c, a) => ({ kind: 'help', topic: a[0] }) },
};

const ALIASES: Record<string, string> = { u: 'undo', save: 'w', write: 'w', quit: 'q', '?': 'help' };

/** A track by name / id / number, else a bus (D, M, E, master): what eq / comp / limit act on. */
function stripTarget(ctx: Ctx, ref: string): StripTarget {
  const t = ctx.doc.tracks.find((x) => x.id === ref || x.name.toLowerCase() === ref.toLowerCase());
  if (t) return { kind: 'track', id: t.id };
  const b = BUS_ALIASES[ref.toLowerCase()];
  if (b) return { kind: 'bus', id: b };
  return { kind: 'track', id: findTrack(ctx, ref) };
}

for (const [name, v] of Object.entries(STRIP_VERBS)) {
  VERBS[name] = {
    usage: v.usage,
    summary: v.summary,
    run: (ctx, args) => v.run({ doc: ctx.doc, fail: (msg) => fail(ctx, msg), target: (ref) => stripTarget(ctx, ref) }, args),
  };
}

export function parseCommand(line: string, doc: Session): Action {
  const words = tokenize(line.trim().replace(/^:/, ''));
  if (words.length === 0) throw new ParseError('command', 'empty command');
  const [verbWord, ...args] = words;
  if (verbWord === 'q!') return { kind: 'quit', save: false, force: true };
  if (verbWord === 'wq' || verbWord === 'x') return { kind: 'quit', save: true, force: false };
  const name = ALIASES[verbWord] ?? verbWord;
  const verb = VERBS[name];
  const ctx: Ctx = { doc, clock: clockOf(doc), verb: name };
  if (!verb) fail(ctx, `unknown command "${verbWord}" (try: help)`);
  return verb.run(ctx, args);
}

export function helpText(topic?: string): string {
  if (topic) {
    const v = VERBS[ALIASES[topic] ?? topic];
    if (!v) return `no command "${topic}"`;
    return `${v.usage}\n  ${v.summary}`;
  }
  const lines = Object.values(VERBS).map((v) => `  ${v.usage.padEnd(58)} ${v.summary}`);
  return ['Commands (times: 01:00:10:00, 10f, 2.5s, 250ms, 4800 samples; +/- for offsets):', ...lines].join('\n');
}
