// Typed errors for audio files: every message names the file and the defect.

export type WavDefect =
  | 'unreadable'
  | 'not-wav'
  | 'too-short'
  | 'chunk-overflow'
  | 'chunk-too-large'
  | 'no-fmt'
  | 'no-data'
  | 'zero-channels'
  | 'zero-rate'
  | 'zero-bits'
  | 'block-align'
  | 'unsupported-format'
  | 'bad-ds64';

export class WavError extends Error {
  constructor(
    readonly file: string,
    readonly defect: WavDefect,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = 'WavError';
  }
}
