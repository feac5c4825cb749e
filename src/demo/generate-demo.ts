// The demo scene's media, generated deterministically on first use (nothing is fetched): a
// kitchen at night — two characters' dialogue spoken by eSpeak-NG (WASM), room tone, footsteps,
// a door creak and slam, a cup, a stereo ambience bed and a short music cue. Everything is
// written as 48 kHz 24-bit BWF into sessions/demo/media next to demo.dub.
import fs from 'node:fs';
import path from 'node:path';
import { BwfWriter } from '../io/wav-writer.js';
import { probeWav } from '../io/wav-reader.js';

const RATE = 48000;

/** Deterministic noise (a linear congruential generator): the same scene on every machine. */
class Rng {
  constructor(private s: number) {}
  next(): number {
    this.s = (Math.imul(this.s, 1664525) + 1013904223) >>> 0;
    return this.s / 4294967296;
  }
  noise(): number {
    return this.next() * 2 - 1;
  }
}

/** One-pole low-pass over a buffer, in place. */
function lowpass(x: Float32Array, hz: number): Float32Array {
  const a = Math.exp((-2 * Math.PI * hz) / RATE);
  let y = 0;
  for (let i = 0; i < x.length; i++) {
    y = (1 - a) * x[i] + a * y;
    x[i] = y;
  }
  return x;
}

function highpass(x: Float32Array, hz: number): Float32Array {
  const lp = lowpass(Float32Array.from(x), hz);
  for (let i = 0; i < x.length; i++) x[i] -= lp[i];
  return x;
}

/** A resonant band-pass (RBJ cookbook, constant peak gain), in place. */
function bandpass(x: Float32Array, hz: number, q: number): Float32Array {
  const w = (2 * Math.PI * hz) / RATE;
  const alpha = Math.sin(w) / (2 * q);
  const a0 = 1 + alpha;
  const b0 = alpha / a0;
  const b2 = -alpha / a0;
  const a1 = (-2 * Math.cos(w)) / a0;
  const a2 = (1 - alpha) / a0;
  let x1 = 0;
  let x2 = 0;
  let y1 = 0;
  let y2 = 0;
  for (let i = 0; i < x.length; i++) {
    const y = b0 * x[i] + b2 * x2 - a1 * y1 - a2 * y2;
    x2 = x1;
    x1 = x[i];
    y2 = y1;
    y1 = y;
    x[i] = y;
  }
  return x;
}

function normalize(x: Float32Array, peakDb: number): Float32Array {
  let peak = 0;
  for (const v of x) peak = Math.max(peak, Math.abs(v));
  const g = peak > 0 ? 10 ** (peakDb / 20) / peak : 0;
  for (let i = 0; i < x.length; i++) x[i] *= g;
  return x;
}

const sec = (s: number) => Math.round(s * RATE);

function roomTone(seconds: number): Float32Array {
  const r = new Rng(11);
  const x = new Float32Array(sec(seconds));
  for (let i = 0; i < x.length; i++) x[i] = r.noise();
  lowpass(x, 900);
  highpass(x, 60);
  // a faint fridge hum
  for (let i = 0; i < x.length; i++) x[i] += 0.08 * Math.sin((2 * Math.PI * 100 * i) / RATE) + 0.03 * Math.sin((2 * Math.PI * 200 * i) / RATE);
  return normalize(x, -42);
}

function ambience(seconds: number): [Float32Array, Float32Array] {
  const out: [Float32Array, Float32Array] = [new Float32Array(sec(seconds)), new Float32Array(sec(seconds))];
  for (let c = 0; c < 2; c++) {
    const r = new Rng(21 + c);
    const x = out[c];
    for (let i = 0; i < x.length; i++) x[i] = r.noise();
    lowpass(x, 350); // distant city rumble
    // a car passing outside, left to right, 14–22 s
    const car = new Float32Array(x.length);
    const rc = new Rng(31 + c);
    for (let i = 0; i < car.length; i++) car[i] = rc.noise();
    bandpass(car, 500, 0.7);
    for (let i = 0; i < x.length; i++) {
      const t = i / RATE;
      const env = t > 14 && t < 22 ? Math.sin(((t - 14) / 8) * Math.PI) ** 2 : 0;
      const pan = c === 0 ? 1 - (t - 14) / 8 : (t - 14) / 8;
      x[i] += car[i] * env * 2.5 * Math.max(0, Math.min(1, pan));
    }
  }
  normalize(out[0], -24);
  normalize(out[1], -24);
  return out;
}

function footsteps(count: number, interval: number, seed: number): Float32Array {
  const r = new Rng(seed);
  const x = new Float32Array(sec(count * interval + 0.6));
  for (let s = 0; s < count; s++) {
    const at = sec(s * interval + (r.next() - 0.5) * 0.04);
    const heel = new Float32Array(sec(0.25));
    for (let i = 0; i < heel.length; i++) heel[i] = r.noise() * Math.exp(-i / (RATE * 0.02));
    bandpass(heel, 180 + r.next() * 60, 1.2);
    const toe = new Float32Array(sec(0.12));
    for (let i = 0; i < toe.length; i++) toe[i] = r.noise() * Math.exp(-i / (RATE * 0.008));
    bandpass(toe, 2200, 2);
    const level = 0.7 + r.next() * 0.3;
    for (let i = 0; i < heel.length && at + i < x.length; i++) x[at + i] += heel[i] * 4 * level;
    const toeAt = at + sec(0.07);
    for (let i = 0; i < toe.length && toeAt + i < x.length; i++) x[toeAt + i] += toe[i] * 0.6 * level;
  }
  return normalize(x, -10);
}

function doorCreakAndSlam(): Float32Array {
  const r = new Rng(41);
  const x = new Float32Array(sec(2.6));
  // creak: a bowed, rough sawtooth gliding up, 0–1.2 s
  let phase = 0;
  for (let i = 0; i < sec(1.2); i++) {
    const t = i / RATE;
    const f = 220 + 260 * t + 18 * Math.sin(2 * Math.PI * 7 * t) + 30 * r.noise();
    phase += f / RATE;
    const saw = 2 * (phase - Math.floor(phase)) - 1;
    const env = Math.min(1, t / 0.1) * Math.min(1, (1.2 - t) / 0.2) * (0.6 + 0.4 * Math.sin(2 * Math.PI * 3 * t));
    x[i] = saw * env * 0.3;
  }
  bandpass(x, 1200, 3);
  // slam at 1.3 s: a low thump, a crack, and the room ringing
  const at = sec(1.3);
  for (let i = 0; at + i < x.length; i++) {
    const t = i / RATE;
    x[at + i] += Math.sin(2 * Math.PI * 62 * t) * Math.exp(-t / 0.12) * 1.2 + r.noise() * Math.exp(-t / 0.015) * 0.9;
  }
  // short room: two feedback combs
  for (const [d, g] of [[sec(0.031), 0.45], [sec(0.047), 0.4]] as const) {
    for (let i = d; i < x.length; i++) x[i] += x[i - d] * g;
  }
  return normalize(x, -3);
}

function cup(): Float32Array {
  const x = new Float32Array(sec(0.8));
  for (let i = 0; i < x.length; i++) {
    const t = i / RATE;
    x[i] = (Math.sin(2 * Math.PI * 2640 * t) * 0.5 + Math.sin(2 * Math.PI * 4170 * t) * 0.3 + Math.sin(2 * Math.PI * 980 * t) * 0.4) * Math.exp(-t / 0.09);
  }
  return normalize(x, -12);
}

/** A 14-second cue: pad chords Am–F–C–G, a plucked bass and a bell melody, in stereo. */
function musicCue(): [Float32Array, Float32Array] {
  const len = sec(14);
  const L = new Float32Array(len);
  const R = new Float32Array(len);
  const mtof = (m: number) => 440 * 2 ** ((m - 69) / 12);
  const chords = [[57, 60, 64], [53, 57, 60], [48, 52, 55], [55, 59, 62]];
  const bar = 3.5;
  for (let b = 0; b < 4; b++) {
    const start = sec(b * bar);
    for (const [k, note] of chords[b].entries()) {
      for (const detune of [-0.08, 0.08]) {
        const f = mtof(note + 12 + detune);
        for (let i = 0; i < sec(bar) && start + i < len; i++) {
          const t = i / RATE;
          const env = Math.min(1, t / 0.4) * Math.min(1, (bar - t) / 0.5);
          const v = (Math.sin(2 * Math.PI * f * t) + 0.3 * Math.sin(4 * Math.PI * f * t)) * env * 0.08;
          const pan = (k - 1) * 0.4 + detune * 2;
          L[start + i] += v * (1 - pan) * 0.7;
          R[start + i] += v * (1 + pan) * 0.7;
        }
      }
    }
    // Karplus-Strong bass on the root, twice a bar
    for (let h = 0; h < 2; h++) {
      const f = mtof(chords[b][0] - 12);
      const period = Math.round(RATE / f);
      const rng = new Rng(51 + b * 2 + h);
      const ring = Float32Array.from({ length: period }, () => rng.noise());
      const at = start + sec(h * bar / 2);
      for (let i = 0; i < sec(bar / 2) && at + i < len; i++) {
        const j = i % period;
        const v = ring[j];
        ring[j] = 0.5 * (v + ring[(j + 1) % period]) * 0.996;
        L[at + i] += v * 0.35;
        R[at + i] += v * 0.35;
      }
    }
  }
  const melody = [76, 74, 72, 71, 72, 74, 76, 79, 77, 76, 74, 72, 71, 72];
  melody.forEach((m, n) => {
    const at = sec(n * 1.0 + 0.25);
    const f = mtof(m);
    for (let i = 0; i < sec(1.2) && at + i < len; i++) {
      const t = i / RATE;
      const v = Math.sin(2 * Math.PI * f * t) * Math.exp(-t / 0.35) * 0.12;
      L[at + i] += v * 0.6;
      R[at + i] += v;
    }
  });
  let peak = 0;
  for (let i = 0; i < len; i++) peak = Math.max(peak, Math.abs(L[i]), Math.abs(R[i]));
  const g = 10 ** (-8 / 20) / peak;
  for (let i = 0; i < len; i++) {
    L[i] *= g;
    R[i] *= g;
  }
  return [L, R];
}

export const DIALOGUE: { file: string; voice: string; text: string }[] = [
  { file: 'dia_sarah_01.wav', voice: 'en-us+f3', text: 'Where were you last night? I waited by the door for an hour.' },
  { file: 'dia_tom_01.wav', voice: 'en-us+m3', text: 'I missed the last train. My phone was dead. I am sorry.' },
  { file: 'dia_sarah_02.wav', voice: 'en-us+f3', text: 'You could have called from the station.' },
  { file: 'dia_tom_02.wav', voice: 'en-us+m3', text: 'I know. I should have.' },
  { file: 'dia_sarah_03.wav', voice: 'en-us+f3', text: 'Sit down. The tea is getting cold.' },
];

/** Speaks one line with eSpeak-NG (22.05 kHz) and converts it to 48 kHz with libsamplerate. */
async function speak(voice: string, text: string): Promise<Float32Array> {
  // @ts-expect-error espeak-ng ships no type declarations
  const { default: ESpeakNg } = (await import('espeak-ng')) as unknown as { default: (o: object) => Promise<{ FS: { readFile(p: string): Uint8Array } }> };
  const es = await ESpeakNg({ arguments: ['-w', '/line.wav', '-v', voice, '-s', '150', '-p', voice.includes('f') ? '60' : '40', text], print: () => undefined, printErr: () => undefined });
  const wav = Buffer.from(es.FS.readFile('/line.wav'));
  const rate = wav.readUInt32LE(24);
  let o = 12;
  while (o + 8 <= wav.length && wav.toString('latin1', o, o + 4) !== 'data') o += 8 + wav.readUInt32LE(o + 4);
  const n = Math.floor((wav.length - o - 8) / 2);
  // Pad with silence: libsamplerate's simple() loses a few frames at the very end.
  const x = new Float32Array(n + rate / 2);
  for (let i = 0; i < n; i++) x[i] = wav.readInt16LE(o + 8 + 2 * i) / 32768;
  const mod = await import('@alexanderolsen/libsamplerate-js');
  // A CommonJS package: under ESM its API sits on the default export.
  const { create, ConverterType } = ((mod as unknown as { default?: typeof mod }).default ?? mod) as typeof mod;
  const src = await create(1, rate, RATE, { converterType: ConverterType.SRC_SINC_MEDIUM_QUALITY });
  const y = src.simple(x);
  src.destroy();
  return normalize(highpass(Float32Array.from(y), 80), -6);
}

function write(file: string, channels: Float32Array[], description: string): void {
  const w = new BwfWriter(file, { sampleRate: RATE, channels: channels.length, encoding: 'pcm24', bext: { timeReference: 0, description, originator: 'dubstage demo' } });
  w.write(channels, channels[0].length);
  w.finish();
}

export const MEDIA_FILES = [
  'room_tone.wav', 'amb_city_night.wav', 'foley_steps_a.wav', 'foley_steps_b.wav', 'fx_door_creak_slam.wav', 'fx_cup.wav', 'mx_kitchen_cue.wav',
  ...DIALOGUE.map((d) => d.file),
];

/** Generates whatever demo media is missing (or unreadable). */
export async function ensureDemoMedia(demoDir: string, say: (msg: string) => void = () => undefined): Promise<void> {
  const dir = path.join(demoDir, 'media');
  const ok = (f: string) => {
    try {
      probeWav(path.join(dir, f));
      return true;
    } catch {
      return false;
    }
  };
  const missing = MEDIA_FILES.filter((f) => !ok(f));
  if (missing.length === 0) return;
  say(`dubstage: generating the demo scene's media in ${dir} (first run only)…`);
  fs.mkdirSync(dir, { recursive: true });
  const p = (f: string) => path.join(dir, f);
  const want = new Set(missing);
  if (want.has('room_tone.wav')) write(p('room_tone.wav'), [roomTone(40)], 'kitchen room tone');
  if (want.has('amb_city_night.wav')) write(p('amb_city_night.wav'), ambience(40), 'city at night through a window, car pass');
  if (want.has('foley_steps_a.wav')) write(p('foley_steps_a.wav'), [footsteps(8, 0.5, 61)], 'footsteps, wooden floor');
  if (want.has('foley_steps_b.wav')) write(p('foley_steps_b.wav'), [footsteps(5, 0.55, 71)], 'footsteps to the table');
  if (want.has('fx_door_creak_slam.wav')) write(p('fx_door_creak_slam.wav'), [doorCreakAndSlam()], 'door creak and slam');
  if (want.has('fx_cup.wav')) write(p('fx_cup.wav'), [cup()], 'cup set on a table');
  if (want.has('mx_kitchen_cue.wav')) write(p('mx_kitchen_cue.wav'), musicCue(), 'music cue 1M1 "Kitchen"');
  for (const d of DIALOGUE) {
    if (want.has(d.file)) write(p(d.file), [await speak(d.voice, d.text)], `dialogue: ${d.text}`);
  }
}

// `node dist/src/demo/generate-demo.js [DIR]`: generate the media by hand.
if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const dir = process.argv[2] ?? path.resolve(new URL(import.meta.url).pathname, '../../../../sessions/demo');
  ensureDemoMedia(dir, console.log).then(() => console.log('demo media ready'));
}
