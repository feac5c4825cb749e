// The channel-strip verbs of the command language: eq, comp, gate, deess, limit. Each builds
// the whole new setting from the current one and issues one `strip.set` edit (one undo step).
import type { Command, StripTarget } from './commands.js';
import type { Comp, Deess, EqBand, Gate, Limit, Session } from './schema.js';

/** What the strip verbs need from the command-line parser. */
export interface StripParseHelpers {
  fail(msg: string): never;
  target(ref: string): StripTarget;
  doc: Session;
}

type Edit = { kind: 'edit'; command: Command };

const edit = (target: StripTarget, field: 'eq' | 'gate' | 'comp' | 'deess' | 'limit', value: unknown): Edit => ({
  kind: 'edit', command: { type: 'strip.set', target, field, value },
});

/** "80", "80Hz", "3.15k", "12kHz" */
function freq(h: StripParseHelpers, token: string | undefined): number {
  const m = /^(\d+(?:\.\d+)?)(k)?(?:hz)?$/i.exec(token ?? '');
  if (!m) h.fail(`"${token ?? ''}" is not a frequency (e.g. 80, 3150, 3.15k)`);
  return Number(m[1]) * (m[2] ? 1000 : 1);
}

function num(h: StripParseHelpers, token: string | undefined, what: string): number {
  const v = Number((token ?? '').replace(/(db|ms|:1)$/i, ''));
  if (!token || !Number.isFinite(v)) h.fail(`"${token ?? ''}" is not a number (${what})`);
  return v;
}

/** Trailing `key value` options: q2 / q 2, knee 6, attack 10ms … */
function opts(h: StripParseHelpers, words: string[], keys: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < words.length; i++) {
    const w = words[i].toLowerCase();
    const glued = /^q(\d+(?:\.\d+)?)$/.exec(w);
    if (glued && keys.includes('q')) out.q = Number(glued[1]);
    else if (keys.includes(w)) out[w] = num(h, words[++i], w);
    else h.fail(`unexpected "${words[i]}" (options: ${keys.join(', ')})`);
  }
  return out;
}

function current<T>(h: StripParseHelpers, t: StripTarget, field: string): T | undefined {
  const owner = t.kind === 'track' ? h.doc.tracks.find((x) => x.id === t.id) : h.doc.buses.find((x) => x.id === t.id);
  return (owner as Record<string, unknown> | undefined)?.[field] as T | undefined;
}

const octaves = (a: number, b: number) => Math.abs(Math.log2(a / b));

function eqVerb(h: StripParseHelpers, args: string[]): Edit {
  const t = h.target(args[0] ?? h.fail('missing track or bus'));
  const kind = (args[1] ?? h.fail('missing band (hpf, lpf, lowshelf, highshelf, peak, notch, remove, clear, on, off)')).toLowerCase();
  const bands = [...(current<EqBand[]>(h, t, 'eq') ?? [])];
  switch (kind) {
    case 'clear':
      return edit(t, 'eq', undefined);
    case 'on':
    case 'off':
      return edit(t, 'eq', bands.map((b) => ({ ...b, on: kind === 'on' })));
    case 'remove': {
      const i = num(h, args[2], 'band number') - 1;
      if (!bands[i]) h.fail(`there is no band ${i + 1} (the EQ has ${bands.length})`);
      bands.splice(i, 1);
      return edit(t, 'eq', bands.length ? bands : undefined);
    }
    case 'hpf':
    case 'lpf': {
      const f = freq(h, args[2]);
      const slope = args[3] ? num(h, args[3], 'slope (12 or 24)') : 12;
      if (slope !== 12 && slope !== 24) h.fail('the slope is 12 or 24 (dB/octave)');
      const band: EqBand = { type: kind, freq: f, gainDb: 0, q: Math.SQRT1_2, slope, on: true };
      const i = bands.findIndex((b) => b.type === kind);
      if (i >= 0) bands[i] = band;
      else bands.push(band);
      return edit(t, 'eq', bands);
    }
    case 'lowshelf':
    case 'highshelf':
    case 'peak':
    case 'notch': {
      const f = freq(h, args[2]);
      const gain = kind === 'notch' ? 0 : num(h, args[3], 'gain in dB');
      const o = opts(h, args.slice(kind === 'notch' ? 3 : 4), ['q']);
      const q = o.q ?? (kind === 'peak' ? 1 : kind === 'notch' ? 10 : Math.SQRT1_2);
      const band: EqBand = { type: kind, freq: f, gainDb: gain, q, slope: 12, on: true };
      // shelves replace their kind; a peak or notch replaces one already close to its frequency
      const near = kind === 'peak' ? 1 / 6 : 1 / 12;
      const i = bands.findIndex((b) => b.type === kind && (kind.endsWith('shelf') || octaves(b.freq, f) < near));
      if (i >= 0) bands[i] = band;
      else {
        if (bands.length >= 8) h.fail('the EQ already has 8 bands (eq TARGET remove N frees one)');
        bands.push(band);
      }
      return edit(t, 'eq', bands);
    }
    default:
      h.fail(`unknown band "${kind}" (hpf, lpf, lowshelf, highshelf, peak, notch, remove, clear, on, off)`);
  }
}

function compVerb(h: StripParseHelpers, args: string[]): Edit {
  const t = h.target(args[0] ?? h.fail('missing track or bus'));
  if (args[1] === 'off') return edit(t, 'comp', undefined);
  const o = opts(h, args.slice(3), ['knee', 'attack', 'release', 'makeup', 'sc']);
  const was = current<Comp>(h, t, 'comp');
  const comp: Comp = {
    threshold: num(h, args[1], 'threshold in dBFS'),
    ratio: num(h, args[2], 'ratio, e.g. 3:1'),
    knee: o.knee ?? was?.knee ?? 6,
    attack: o.attack ?? was?.attack ?? 10,
    release: o.release ?? was?.release ?? 120,
    makeup: o.makeup ?? was?.makeup ?? 0,
    sidechainHpf: o.sc ?? was?.sidechainHpf ?? 0,
    on: true,
  };
  return edit(t, 'comp', comp);
}

function gateVerb(h: StripParseHelpers, args: string[]): Edit {
  const t = h.target(args[0] ?? h.fail('missing track'));
  if (t.kind !== 'track') h.fail('a gate goes on a track');
  if (args[1] === 'off') return edit(t, 'gate', undefined);
  const o = opts(h, args.slice(2), ['ratio', 'range', 'attack', 'hold', 'release']);
  const gate: Gate = {
    threshold: num(h, args[1], 'threshold in dBFS'),
    ratio: o.ratio ?? 4, range: o.range ?? 20, attack: o.attack ?? 1, hold: o.hold ?? 50, release: o.release ?? 200, on: true,
  };
  return edit(t, 'gate', gate);
}

function deessVerb(h: StripParseHelpers, args: string[]): Edit {
  const t = h.target(args[0] ?? h.fail('missing track'));
  if (t.kind !== 'track') h.fail('a de-esser goes on a track');
  if (args[1] === 'off') return edit(t, 'deess', undefined);
  const o = opts(h, args.slice(3), ['ratio']);
  const d: Deess = { freq: freq(h, args[1]), threshold: num(h, args[2], 'threshold in dBFS'), ratio: o.ratio ?? 4, on: true };
  return edit(t, 'deess', d);
}

function limitVerb(h: StripParseHelpers, args: string[]): Edit {
  const t = h.target(args[0] ?? h.fail('missing bus (master)'));
  if (t.kind !== 'bus' || t.id !== 'master') h.fail('the limiter is on the master (limit master -1)');
  if (args[1] === 'off') return edit(t, 'limit', undefined);
  const o = opts(h, args.slice(2), ['release']);
  const l: Limit = { ceiling: num(h, args[1], 'ceiling in dBTP'), release: o.release ?? 50, on: true };
  return edit(t, 'limit', l);
}

export const STRIP_VERBS: Record<string, { usage: string; summary: string; run: (h: StripParseHelpers, args: string[]) => Edit }> = {
  eq: {
    usage: 'eq T hpf|lpf F [12|24] · peak F DB [qN] · lowshelf|highshelf F DB · notch F [qN] · remove N · clear · on|off',
    summary: 'EQ bands (RBJ cookbook) on a track or bus', run: eqVerb,
  },
  comp: { usage: 'comp T THRESH RATIO [knee N] [attack MS] [release MS] [makeup DB] [sc HZ] | comp T off', summary: 'compressor (e.g. comp D1 -18 3:1)', run: compVerb },
  gate: { usage: 'gate TRACK THRESH [ratio N] [range DB] [attack MS] [hold MS] [release MS] | off', summary: 'expander / gate for noise between lines', run: gateVerb },
  deess: { usage: 'deess TRACK FREQ THRESH [ratio N] | off', summary: 'de-esser (band-limited sidechain)', run: deessVerb },
  limit: { usage: 'limit master CEILING [release MS] | off', summary: 'true-peak limiter on the master (stems stay summed)', run: limitVerb },
};
