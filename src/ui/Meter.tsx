// A horizontal level meter: props in, cells out. RMS fills the bar, the held peak is a marker.
import { Text } from 'ink';
import { meterCells, meterColor } from './format.js';

export interface MeterProps {
  rms: number;
  peak: number;
  width: number;
}

export function Meter({ rms, peak, width }: MeterProps) {
  const lit = meterCells(rms, width);
  const p = Math.min(width - 1, meterCells(peak, width) - 1);
  const before = '█'.repeat(lit);
  const gap = Math.max(0, (p >= lit ? p : lit) - lit);
  const marker = p >= lit ? '▏' : '';
  const rest = Math.max(0, width - lit - gap - marker.length);
  return (
    <Text>
      <Text color={meterColor(rms)}>{before}</Text>
      <Text color="gray">{'·'.repeat(gap)}</Text>
      <Text color={meterColor(peak)}>{marker}</Text>
      <Text color="gray">{'·'.repeat(rest)}</Text>
    </Text>
  );
}
