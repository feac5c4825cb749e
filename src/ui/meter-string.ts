// Horizontal level meters as pre-coloured strings: levels in, cells out. RMS fills the bar,
// the held peak is a marker. One string per meter keeps Ink's layout work per frame small.
import chalk from 'chalk';
import { meterCells, meterColor } from './format.js';

const paint = { green: chalk.green, yellow: chalk.yellow, red: chalk.red };

/** The meter as one ANSI-coloured string exactly `width` cells wide. */
export function meterString(rms: number, peak: number, width: number): string {
  const lit = meterCells(rms, width);
  const p = Math.min(width - 1, meterCells(peak, width) - 1);
  const marker = p >= lit ? 1 : 0;
  const gap = marker ? p - lit : 0;
  const rest = Math.max(0, width - lit - gap - marker);
  return (
    (lit ? paint[meterColor(rms)]('█'.repeat(lit)) : '') +
    (gap ? chalk.gray('·'.repeat(gap)) : '') +
    (marker ? paint[meterColor(peak)]('▏') : '') +
    (rest ? chalk.gray('·'.repeat(rest)) : '')
  );
}
