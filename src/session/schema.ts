// The session document: its schema (zod) is the one source of truth for the types, for
// load-time validation, and for the fixed key order of the saved JSON.
import { z } from 'zod';
import { FRAME_RATES, frameRate, parseTimecode } from './timecode.js';

export const SESSION_FORMAT = 'dubstage-session';
/** 2 added the channel strip (EQ, dynamics, limiter); version 1 documents load unchanged. */
export const SESSION_VERSION = 2;

export const TRACK_KINDS = ['dialogue', 'adr', 'pfx', 'sfx', 'foley', 'ambience', 'music', 'reference'] as const;
export const STEMS = ['D', 'M', 'E', 'none'] as const;
export const FADE_CURVES = ['linear', 'equal-power', 's-curve', 'exponential'] as const;
export const BUS_IDS = ['D', 'M', 'E', 'master'] as const;

export type TrackKind = (typeof TRACK_KINDS)[number];
export type Stem = (typeof STEMS)[number];
export type FadeCurve = (typeof FADE_CURVES)[number];
export type BusId = (typeof BUS_IDS)[number];

const id = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'ids start with a letter and use letters, digits, _ and -');
const samples = z.number().int('must be a whole number of samples');
const gainDb = z.number().min(-144).max(24);

export const FadeSchema = z.object({
  length: samples.min(0),
  curve: z.enum(FADE_CURVES),
});

export const EQ_BAND_TYPES = ['hpf', 'lpf', 'lowshelf', 'highshelf', 'peak', 'notch'] as const;

export const EqBandSchema = z.object({
  type: z.enum(EQ_BAND_TYPES),
  freq: z.number().min(10).max(24000),
  gainDb: z.number().min(-30).max(30),
  q: z.number().min(0.1).max(50),
  slope: z.union([z.literal(12), z.literal(24)]),
  on: z.boolean(),
});

export const CompSchema = z.object({
  threshold: z.number().min(-80).max(0),
  ratio: z.number().min(1).max(100),
  knee: z.number().min(0).max(24),
  attack: z.number().min(0).max(500),
  release: z.number().min(1).max(5000),
  makeup: z.number().min(-24).max(24),
  sidechainHpf: z.number().min(0).max(2000),
  on: z.boolean(),
});

export const DeessSchema = z.object({
  freq: z.number().min(1000).max(16000),
  threshold: z.number().min(-80).max(0),
  ratio: z.number().min(1).max(20),
  on: z.boolean(),
});

export const GateSchema = z.object({
  threshold: z.number().min(-100).max(0),
  ratio: z.number().min(1).max(100),
  range: z.number().min(0).max(100),
  attack: z.number().min(0).max(500),
  hold: z.number().min(0).max(2000),
  release: z.number().min(1).max(5000),
  on: z.boolean(),
});

export const LimitSchema = z.object({
  ceiling: z.number().min(-20).max(0),
  release: z.number().min(1).max(2000),
  on: z.boolean(),
});

export const TrackSchema = z.object({
  id,
  name: z.string().min(1).max(64),
  kind: z.enum(TRACK_KINDS),
  stem: z.enum(STEMS),
  gainDb,
  pan: z.number().min(-1).max(1),
  mute: z.boolean(),
  solo: z.boolean(),
  /** 5.1 only: front (-1) to back (+1); absent = front */
  panFb: z.number().min(-1).max(1).optional(),
  /** 5.1 only: send to the LFE channel in dB; absent = none */
  lfe: z.number().min(-144).max(12).optional(),
  eq: z.array(EqBandSchema).max(8).optional(),
  gate: GateSchema.optional(),
  comp: CompSchema.optional(),
  deess: DeessSchema.optional(),
});

export const ClipSchema = z.object({
  id,
  track: id,
  name: z.string().max(128),
  media: z.string().min(1),
  channels: z.array(z.number().int().min(1)).min(1).max(2),
  sourceStart: samples.min(0),
  position: samples.min(0),
  length: samples.min(1),
  gainDb,
  fadeIn: FadeSchema,
  fadeOut: FadeSchema,
});

export const BusSchema = z.object({
  id: z.enum(BUS_IDS),
  name: z.string().min(1).max(64),
  gainDb,
  mute: z.boolean(),
  /** monitoring: while any stem is soloed, what is heard is the soloed stems (renders are unchanged) */
  solo: z.boolean().optional(),
  eq: z.array(EqBandSchema).max(8).optional(),
  comp: CompSchema.optional(),
  limit: LimitSchema.optional(),
});

export const MarkerSchema = z.object({
  id,
  position: samples.min(0),
  name: z.string().min(1).max(128),
  note: z.string().max(1024),
});

const SessionObject = z.object({
  format: z.literal(SESSION_FORMAT),
  version: z.union([z.literal(1), z.literal(SESSION_VERSION)]).transform(() => SESSION_VERSION),
  name: z.string().min(1).max(128),
  sampleRate: z.number().int().min(8000).max(384000),
  frameRate: z.enum(FRAME_RATES),
  start: z.string(),
  /** the channel format of stems, master and deliverables; absent = stereo */
  output: z.enum(['stereo', '5.1']).optional(),
  nextId: z.number().int().min(1),
  tracks: z.array(TrackSchema),
  clips: z.array(ClipSchema),
  buses: z.array(BusSchema),
  markers: z.array(MarkerSchema),
});

export const SessionSchema = SessionObject.superRefine((doc, ctx) => {
  try {
    parseTimecode(doc.start, frameRate(doc.frameRate));
  } catch (e) {
    ctx.addIssue({ code: 'custom', path: ['start'], message: (e as Error).message });
  }
  const seen = new Set<string>();
  const unique = (value: string, path: (string | number)[]) => {
    if (seen.has(value)) ctx.addIssue({ code: 'custom', path, message: `id "${value}" is used twice` });
    seen.add(value);
  };
  doc.tracks.forEach((t, i) => unique(t.id, ['tracks', i, 'id']));
  doc.clips.forEach((c, i) => unique(c.id, ['clips', i, 'id']));
  doc.markers.forEach((m, i) => unique(m.id, ['markers', i, 'id']));
  const trackIds = new Set(doc.tracks.map((t) => t.id));
  doc.clips.forEach((c, i) => {
    if (!trackIds.has(c.track)) {
      ctx.addIssue({ code: 'custom', path: ['clips', i, 'track'], message: `no track with id "${c.track}"` });
    }
    if (c.fadeIn.length + c.fadeOut.length > c.length) {
      ctx.addIssue({ code: 'custom', path: ['clips', i, 'fadeIn', 'length'], message: 'fade in + fade out are longer than the clip' });
    }
  });
  doc.buses.forEach((b, i) => {
    if (b.limit && b.id !== 'master') ctx.addIssue({ code: 'custom', path: ['buses', i, 'limit'], message: 'only the master has a limiter' });
  });
  for (const b of BUS_IDS) {
    if (doc.buses.filter((x) => x.id === b).length !== 1) {
      ctx.addIssue({ code: 'custom', path: ['buses'], message: `bus "${b}" must appear exactly once` });
    }
  }
});

export type Fade = z.infer<typeof FadeSchema>;
export type Track = z.infer<typeof TrackSchema>;
export type Clip = z.infer<typeof ClipSchema>;
export type Bus = z.infer<typeof BusSchema>;
export type Marker = z.infer<typeof MarkerSchema>;
export type Session = z.infer<typeof SessionObject>;
export type EqBand = z.infer<typeof EqBandSchema>;
export type Comp = z.infer<typeof CompSchema>;
export type Deess = z.infer<typeof DeessSchema>;
export type Gate = z.infer<typeof GateSchema>;
export type Limit = z.infer<typeof LimitSchema>;

/** Key order of each object in the saved JSON: the schema's declaration order. */
export const KEY_ORDER = {
  session: Object.keys(SessionObject.shape),
  track: Object.keys(TrackSchema.shape),
  clip: Object.keys(ClipSchema.shape),
  bus: Object.keys(BusSchema.shape),
  marker: Object.keys(MarkerSchema.shape),
  fade: Object.keys(FadeSchema.shape),
  /** nested objects of tracks and buses, by the key they sit under */
  nested: {
    fadeIn: Object.keys(FadeSchema.shape),
    fadeOut: Object.keys(FadeSchema.shape),
    eq: Object.keys(EqBandSchema.shape),
    comp: Object.keys(CompSchema.shape),
    gate: Object.keys(GateSchema.shape),
    deess: Object.keys(DeessSchema.shape),
    limit: Object.keys(LimitSchema.shape),
  } as Record<string, string[]>,
};

export const DEFAULT_STEM: Record<TrackKind, Stem> = {
  dialogue: 'D', adr: 'D', pfx: 'D',
  sfx: 'E', foley: 'E', ambience: 'E',
  music: 'M',
  reference: 'none',
};

export const BUS_NAMES: Record<BusId, string> = { D: 'Dialogue', M: 'Music', E: 'Effects', master: 'Master' };

export function newSession(name: string, opts: { sampleRate?: number; frameRate?: Session['frameRate']; start?: string } = {}): Session {
  return {
    format: SESSION_FORMAT,
    version: SESSION_VERSION,
    name,
    sampleRate: opts.sampleRate ?? 48000,
    frameRate: opts.frameRate ?? '25',
    start: opts.start ?? '01:00:00:00',
    nextId: 1,
    tracks: [],
    clips: [],
    buses: BUS_IDS.map((id) => ({ id, name: BUS_NAMES[id], gainDb: 0, mute: false })),
    markers: [],
  };
}
