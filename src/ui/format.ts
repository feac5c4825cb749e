// Pure formatting for the mixer screen: no React here, so each rule is testable on its own.

export function formatDb(db: number): string {
  if (db <= -144) return ' -inf';
  const s = (db > 0 ? '+' : '') + db.toFixed(1);
  return s.padStart(5);
}

/** Pan as L30 / C / R30. */
export function formatPan(pan: number): string {
  const v = Math.round(pan * 100);
  if (v === 0) return '  C';
  return `${v < 0 ? 'L' : 'R'}${Math.abs(v)}`.padStart(3);
}

export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  return text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text.padEnd(width);
}

export const METER_FLOOR_DB = -60;

/** How many of `width` cells a level lights (clamped to the meter's range). */
export function meterCells(db: number, width: number): number {
  if (db <= METER_FLOOR_DB) return 0;
  if (db >= 0) return width;
  return Math.round(((db - METER_FLOOR_DB) / -METER_FLOOR_DB) * width);
}

/** Meter colour by threshold: broadcast mixes live around -24..-18; above -6 is hot. */
export function meterColor(db: number): 'green' | 'yellow' | 'red' {
  if (db >= -6) return 'red';
  if (db >= -18) return 'yellow';
  return 'green';
}
