// `dubstage sync`: align recordings to a reference (camera scratch or reference mix) by their
// waveforms. Files are mixed down to mono at the reference's rate; analysis only, so whole files
// are read (a 10-minute reference is 115 MB of samples).
import { findOffset, type SyncResult } from '../dsp/xcorr.js';
import { readMono } from '../io/wav-reader.js';

export interface FileSync extends SyncResult {
  file: string;
  /** the recording's start as samples since midnight on the reference's clock, when matched */
  timeReference: number | null;
  seconds: number;
}

export function syncFiles(refFile: string, files: string[]): FileSync[] {
  const ref = readMono(refFile);
  return files.map((file) => {
    const t0 = performance.now();
    const probe = readMono(file);
    if (probe.sampleRate !== ref.sampleRate) {
      throw new Error(`${file} is ${probe.sampleRate} Hz and the reference ${ref.sampleRate} Hz; import (convert) it first`);
    }
    const r = findOffset(ref.samples, probe.samples, { sampleRate: ref.sampleRate });
    return { file, ...r, timeReference: r.offset === null ? null : ref.timeReference + r.offset, seconds: (performance.now() - t0) / 1000 };
  });
}
