import { describe, expect, it } from 'vitest';
import { fit, formatDb, formatPan, meterCells, meterColor } from '../../src/ui/format.js';
import { meterString } from '../../src/ui/meter-string.js';
import { columnOf, markerStrip, trackStrip, viewAround } from '../../src/ui/timeline.js';

const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

describe('meter cells and colours', () => {
  it('maps -60…0 dBFS onto the cells and clamps outside', () => {
    expect(meterCells(-120, 20)).toBe(0);
    expect(meterCells(-60, 20)).toBe(0);
    expect(meterCells(-30, 20)).toBe(10);
    expect(meterCells(0, 20)).toBe(20);
    expect(meterCells(6, 20)).toBe(20);
  });
  it('colours by threshold: green below -18, yellow to -6, red from -6', () => {
    expect(meterColor(-18.1)).toBe('green');
    expect(meterColor(-18)).toBe('yellow');
    expect(meterColor(-6.1)).toBe('yellow');
    expect(meterColor(-6)).toBe('red');
  });
  it('draws RMS as a bar and the peak as a marker, always exactly the width', () => {
    expect(strip(meterString(-30, -12, 20))).toBe('██████████·····▏····'); // the marker sits in the peak's last cell
    expect(strip(meterString(-120, -120, 10))).toBe('··········');
    expect(strip(meterString(3, 3, 8))).toBe('████████');
  });
});

describe('text formatting', () => {
  it('gain, pan and fitting', () => {
    expect(formatDb(-3)).toBe(' -3.0');
    expect(formatDb(1.5)).toBe(' +1.5');
    expect(formatDb(-144)).toBe(' -inf');
    expect(formatPan(0)).toBe('  C');
    expect(formatPan(-0.3)).toBe('L30');
    expect(formatPan(1)).toBe('R100');
    expect(fit('Dialogue', 5)).toBe('Dial…');
    expect(fit('FX', 4)).toBe('FX  ');
  });
});

describe('timeline strips', () => {
  const clip = (id: string, position: number, length: number, name = id) => ({
    id, track: 't1', name, media: 'x.wav', channels: [1], sourceStart: 0, position, length, gainDb: 0,
    fadeIn: { length: 0, curve: 'linear' as const }, fadeOut: { length: 0, curve: 'linear' as const },
  });
  it('shows clips with their names, gaps blank, offline clips shaded', () => {
    const view = { start: 0, perCell: 100, width: 12 };
    expect(trackStrip([clip('c1', 0, 500, 'door'), clip('c2', 800, 300)], view, new Set())).toBe('▏door   ▏c2 ');
    expect(trackStrip([clip('c1', 0, 500)], view, new Set(['c1']))).toBe('░░░░░       ');
  });
  it('centres the view on the playhead and places markers', () => {
    const view = viewAround(1000, 10, 100);
    expect(view.start).toBe(500);
    expect(columnOf(view, 1000)).toBe(5);
    expect(columnOf(view, 100)).toBe(-1);
    expect(markerStrip([{ id: 'm1', position: 700, name: 'a', note: '' }], view)).toBe('  ▼       ');
  });
});
