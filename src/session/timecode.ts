// SMPTE timecode: frame rates, timecode <-> frame counts (drop-frame done right), and
// conversions between timeline samples and timecode. Pure functions, no I/O.

export const FRAME_RATES = ['23.976', '24', '25', '29.97', '29.97df', '30'] as const;
export type FrameRateId = (typeof FRAME_RATES)[number];

export interface FrameRate {
  id: FrameRateId;
  /** exact rate = num / den frames per second */
  num: number;
  den: number;
  /** frames per timecode second (the frame field counts 0..nominal-1) */
  nominal: number;
  dropFrame: boolean;
}

const RATES: Record<FrameRateId, FrameRate> = {
  '23.976': { id: '23.976', num: 24000, den: 1001, nominal: 24, dropFrame: false },
  '24': { id: '24', num: 24, den: 1, nominal: 24, dropFrame: false },
  '25': { id: '25', num: 25, den: 1, nominal: 25, dropFrame: false },
  '29.97': { id: '29.97', num: 30000, den: 1001, nominal: 30, dropFrame: false },
  '29.97df': { id: '29.97df', num: 30000, den: 1001, nominal: 30, dropFrame: true },
  '30': { id: '30', num: 30, den: 1, nominal: 30, dropFrame: false },
};

export function frameRate(id: FrameRateId): FrameRate {
  return RATES[id];
}

/** Accepts the ids above and common spellings: "29.97 DF", "2997df", "29.97ndf", "23.98". */
export function parseFrameRate(text: string): FrameRate {
  const t = text.trim().toLowerCase().replace(/\s+/g, '');
  const df = /(^|[^n])df$/.test(t);
  const base = t.replace(/n?df$/, '');
  const table: Record<string, FrameRateId> = {
    '23.976': '23.976', '23.98': '23.976', '2398': '23.976', '23976': '23.976',
    '24': '24', '25': '25', '30': '30',
    '29.97': '29.97', '2997': '29.97',
  };
  const id = table[base];
  if (!id) throw new Error(`unknown frame rate "${text}" (use one of ${FRAME_RATES.join(', ')})`);
  if (df) {
    if (id !== '29.97') throw new Error(`drop-frame exists only at 29.97, not "${text}"`);
    return RATES['29.97df'];
  }
  return RATES[id];
}

/**
 * The frame rate a recorder wrote in iXML (TIMECODE_RATE "24000/1001", TIMECODE_FLAG "DF" or
 * "NDF"), or null when it names none of ours.
 */
export function frameRateFromIxml(rate: string | undefined, flag: string | undefined): FrameRate | null {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(rate ?? '');
  if (!m) return null;
  const [num, den] = [Number(m[1]), Number(m[2])];
  const df = (flag ?? '').trim().toUpperCase() === 'DF';
  for (const r of Object.values(RATES)) if (r.num * den === num * r.den && r.dropFrame === (df && r.id.startsWith('29.97'))) return r;
  return null;
}

/** Frames dropped per minute (except every tenth minute) in drop-frame counting. */
function dropPerMinute(rate: FrameRate): number {
  return rate.dropFrame ? Math.round(rate.nominal / 15) : 0; // 2 at 29.97
}

export interface TimecodeFields {
  hours: number;
  minutes: number;
  seconds: number;
  frames: number;
}

/** Frame count since 00:00:00:00 of a timecode label. Throws on labels that do not exist. */
export function fieldsToFrames(tc: TimecodeFields, rate: FrameRate): number {
  const { hours, minutes, seconds, frames } = tc;
  if (minutes > 59 || seconds > 59 || frames >= rate.nominal || hours > 23) {
    throw new Error(`timecode ${formatFields(tc, rate)} is out of range at ${rate.id} fps`);
  }
  const drop = dropPerMinute(rate);
  if (drop && seconds === 0 && frames < drop && minutes % 10 !== 0) {
    throw new Error(`timecode ${formatFields(tc, rate)} does not exist in drop-frame counting`);
  }
  const totalMinutes = hours * 60 + minutes;
  const nominalFrames = ((hours * 60 + minutes) * 60 + seconds) * rate.nominal + frames;
  return nominalFrames - drop * (totalMinutes - Math.floor(totalMinutes / 10));
}

/** Timecode label of a frame count since midnight (wraps at 24 h). */
export function framesToFields(frameCount: number, rate: FrameRate): TimecodeFields {
  const drop = dropPerMinute(rate);
  const perDay = framesPerDay(rate);
  let f = ((Math.floor(frameCount) % perDay) + perDay) % perDay;
  if (drop) {
    const per10 = rate.nominal * 600 - drop * 9;
    const perMin = rate.nominal * 60 - drop;
    const tens = Math.floor(f / per10);
    const rem = f % per10;
    f += drop * 9 * tens + (rem > drop ? drop * Math.floor((rem - drop) / perMin) : 0);
  }
  const fps = rate.nominal;
  return {
    hours: Math.floor(f / (fps * 3600)),
    minutes: Math.floor(f / (fps * 60)) % 60,
    seconds: Math.floor(f / fps) % 60,
    frames: f % fps,
  };
}

export function framesPerDay(rate: FrameRate): number {
  const drop = dropPerMinute(rate);
  return rate.nominal * 86400 - drop * (24 * 60 - 24 * 6);
}

const pad = (n: number) => String(n).padStart(2, '0');

function formatFields(tc: TimecodeFields, rate: FrameRate): string {
  const sep = rate.dropFrame ? ';' : ':';
  return `${pad(tc.hours)}:${pad(tc.minutes)}:${pad(tc.seconds)}${sep}${pad(tc.frames)}`;
}

export function formatTimecode(frameCount: number, rate: FrameRate): string {
  return formatFields(framesToFields(frameCount, rate), rate);
}

const TC_RE = /^(\d{1,2}):(\d{2}):(\d{2})([:;.,])(\d{2})$/;

export function isTimecode(text: string): boolean {
  return TC_RE.test(text.trim());
}

/** Parses "HH:MM:SS:FF" (or ";" / "." / "," before the frames) into a frame count since midnight. */
export function parseTimecode(text: string, rate: FrameRate): number {
  const m = TC_RE.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not a timecode (HH:MM:SS:FF)`);
  return fieldsToFrames(
    { hours: Number(m[1]), minutes: Number(m[2]), seconds: Number(m[3]), frames: Number(m[5]) },
    rate,
  );
}

/** Samples from midnight to the start of a frame count: rounded to the nearest sample. */
export function framesToSamples(frames: number, rate: FrameRate, sampleRate: number): number {
  return Math.round((frames * rate.den * sampleRate) / rate.num);
}

/** The frame that contains a sample offset: the last frame whose (rounded) start is <= samples. */
export function samplesToFrames(samples: number, rate: FrameRate, sampleRate: number): number {
  let f = Math.floor((samples * rate.num) / (rate.den * sampleRate));
  // Frame starts are rounded to the nearest sample, so the estimate can be one frame off.
  while (framesToSamples(f + 1, rate, sampleRate) <= samples) f++;
  while (framesToSamples(f, rate, sampleRate) > samples) f--;
  return f;
}

/** The timeline clock of a session: timeline sample 0 is the start timecode. */
export class TimelineClock {
  readonly startFrames: number;
  /** Sample offset of the start timecode since midnight (the BWF TimeReference of sample 0). */
  readonly startSamples: number;

  constructor(
    readonly rate: FrameRate,
    readonly sampleRate: number,
    startTimecode: string,
  ) {
    this.startFrames = parseTimecode(startTimecode, rate);
    this.startSamples = framesToSamples(this.startFrames, rate, sampleRate);
  }

  /** Timeline samples of an absolute timecode label (negative when before the start). */
  timecodeToPosition(tc: string): number {
    return framesToSamples(parseTimecode(tc, this.rate) - this.startFrames, this.rate, this.sampleRate);
  }

  positionToFrames(position: number): number {
    return this.startFrames + samplesToFrames(position, this.rate, this.sampleRate);
  }

  positionToTimecode(position: number): string {
    return formatTimecode(this.positionToFrames(position), this.rate);
  }

  /** Samples per frame (fractional at 23.976/29.97). */
  get samplesPerFrame(): number {
    return (this.rate.den * this.sampleRate) / this.rate.num;
  }
}
