// Times typed by a user: absolute timecode, durations in frames / seconds / ms / samples, and
// relative offsets with a sign. Pure parsing against a session's clock.
import { framesToSamples, isTimecode, parseTimecode, type TimelineClock } from './timecode.js';

export interface TimeSpec {
  /** true for "+2s" / "-10f": an offset from the thing being edited */
  relative: boolean;
  samples: number;
}

const DURATION_RE = /^([+-]?)(\d+(?:\.\d+)?)(f|s|ms|smp|samples)?$/;

/** A duration in samples: "10f", "1.5s", "250ms", "4800" or "4800smp". */
export function parseDuration(token: string, clock: TimelineClock): number {
  const spec = parseTime(token, clock);
  if (spec.relative && spec.samples < 0) throw new Error(`"${token}" is negative; a duration must not be`);
  return spec.samples;
}

export function parseTime(token: string, clock: TimelineClock): TimeSpec {
  const t = token.trim();
  if (isTimecode(t)) return { relative: false, samples: clock.timecodeToPosition(t) };
  const signed = /^([+-])(\d{1,2}:\d{2}:\d{2}[:;]\d{2})$/.exec(t);
  if (signed) {
    // "+00:00:01:00" is an offset of one second of timecode.
    const span = framesToSamples(parseTimecode(signed[2], clock.rate), clock.rate, clock.sampleRate);
    return { relative: true, samples: signed[1] === '-' ? -span : span };
  }
  const m = DURATION_RE.exec(t);
  if (!m) {
    throw new Error(`"${token}" is not a time (use a timecode like 01:00:10:00, or 10f, 2.5s, 250ms, 4800 samples, with + or - for an offset)`);
  }
  const value = Number(m[2]);
  const unit = m[3] ?? 'smp';
  let samples: number;
  if (unit === 'f') samples = Math.round(value * clock.samplesPerFrame);
  else if (unit === 's') samples = Math.round(value * clock.sampleRate);
  else if (unit === 'ms') samples = Math.round((value * clock.sampleRate) / 1000);
  else {
    if (!Number.isInteger(value)) throw new Error(`"${token}": samples are whole numbers`);
    samples = value;
  }
  return { relative: m[1] !== '', samples: m[1] === '-' ? -samples : samples };
}

/** Resolves a spec against a base position (for relative specs). */
export function resolveTime(spec: TimeSpec, base: number): number {
  return spec.relative ? base + spec.samples : spec.samples;
}
