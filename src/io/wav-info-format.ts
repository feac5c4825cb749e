// Human-readable and JSON summaries of WAV headers (`dubstage info`).
import type { CuePoint } from './wav-cues.js';
import { parseIxml } from './ixml.js';
import type { WavInfo } from './wav-reader.js';

export function wavSummary(info: WavInfo, cues: CuePoint[] = []) {
  return {
    cues,
    file: info.path,
    container: info.container,
    format: info.format === 'float' ? `${info.bitsPerSample}-bit float` : `${info.bitsPerSample}-bit PCM`,
    channels: info.channels,
    sampleRate: info.sampleRate,
    frames: info.frames,
    seconds: info.frames / info.sampleRate,
    timeReference: info.bext?.timeReference ?? null,
    description: info.bext?.description ?? null,
    originator: info.bext?.originator ?? null,
    loudness: info.bext?.loudness ?? null,
    ixml: parseIxml(info.ixml, info.channels),
    hasIxml: Boolean(info.ixml),
    chunks: info.chunks.map((c) => c.id.trim()),
    warnings: info.warnings,
  };
}

export function formatWavInfo(info: WavInfo, timecode?: (timeReference: number) => string, cues: CuePoint[] = []): string {
  const s = wavSummary(info, cues);
  const lines = [
    `${s.file}`,
    `  ${s.container} ${s.format}, ${s.channels} ch, ${s.sampleRate} Hz, ${s.frames} frames (${s.seconds.toFixed(3)} s)`,
  ];
  if (s.timeReference !== null) {
    lines.push(`  bext time reference ${s.timeReference}${timecode ? ` (${timecode(s.timeReference)})` : ''}`);
  }
  if (s.description) lines.push(`  description: ${s.description.replace(/\r?\n/g, ' | ')}`);
  if (s.originator) lines.push(`  originator: ${s.originator}`);
  if (s.loudness) {
    const l = s.loudness;
    lines.push(`  bext loudness: ${l.integrated ?? '-'} LUFS integrated, ${l.range ?? '-'} LU range, ${l.truePeak ?? '-'} dBTP max true peak`);
  }
  const x = s.ixml;
  const prod = [x.scene && `scene ${x.scene}`, x.take && `take ${x.take}`, x.tape && `tape ${x.tape}`, x.timecodeRate && `TC ${x.timecodeRate} ${x.timecodeFlag ?? ''}`.trim()].filter(Boolean);
  if (prod.length) lines.push(`  ${prod.join(', ')}`);
  if (x.trackNames.length) lines.push(`  tracks: ${Array.from({ length: info.channels }, (_, i) => `${i + 1} ${x.trackNames[i] ?? '-'}`).join(' · ')}`);
  if (cues.length) {
    lines.push(`  cues: ${cues.map((c) => `${c.label} @ ${(c.frame / info.sampleRate).toFixed(3)} s`).join(', ')}`);
  }
  lines.push(`  chunks: ${s.chunks.join(' ')}`);
  for (const w of s.warnings) lines.push(`  warning: ${w}`);
  return lines.join('\n');
}
