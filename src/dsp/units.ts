// Branded units: a value in seconds cannot be passed where samples are wanted.
export type Samples = number & { readonly __unit: 'samples' };
export type Decibels = number & { readonly __unit: 'dB' };
export type Gain = number & { readonly __unit: 'gain' };

export const samples = (n: number) => n as Samples;
export const decibels = (n: number) => n as Decibels;

/** dB to linear gain; anything at or below -144 dB is silence. */
export function dbToGain(db: Decibels | number): Gain {
  return (db <= -144 ? 0 : Math.pow(10, db / 20)) as Gain;
}

export function gainToDb(g: number): Decibels {
  return (g <= 0 ? -Infinity : 20 * Math.log10(g)) as Decibels;
}
