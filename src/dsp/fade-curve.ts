// The fade curve names, shared with the session schema without importing it (dsp imports
// nothing of ours).
export type FadeCurve = 'linear' | 'equal-power' | 's-curve' | 'exponential';
