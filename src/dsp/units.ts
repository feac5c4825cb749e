// Branded units: a value in seconds cannot be passed where samples are wanted.
export type Samples = number & { readonly __unit: 'samples' };
export type Decibels = number & { readonly __unit: 'dB' };
export type Gain = number & { readonly __unit: 'gain' };

/** dB to linear gain; anything at or below -144 dB is silence. */
export function dbToGain(db: Decibels | number): Gain {
  return (db <= -144 ? 0 : Math.pow(10, db / 20)) as Gain;
}
