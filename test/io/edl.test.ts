import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseChannels, parseEdl } from '../../src/io/edl.js';

const dir = path.join(import.meta.dirname, '..', 'fixtures', 'edl');
const read = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8');

describe('CMX3600 EDLs from the field', () => {
  const expected: Record<string, [string, number]> = {
    'otio_25fps.edl': ['25', 4], 'otio_avid_example.edl': ['24', 2], 'otio_dissolve_test.edl': ['24', 4],
    'otio_dissolve_test_4.edl': ['24', 8], 'otio_gap_test.edl': ['24', 3], 'otio_multi_audio.edl': ['24', 1],
    'otio_nucoda_example.edl': ['24', 2], 'otio_premiere_example.edl': ['24', 2], 'otio_speed_effects_small.edl': ['24', 5],
    'otio_timecode_mismatch.edl': ['25', 20], 'otio_transition_duration.edl': ['24', 5], 'pycmx_ISSUE_19_unusual01.edl': ['24', 38],
    'pycmx_STP_R1_v082517.edl': ['23.976', 250], 'pycmx_TEST.edl': ['24', 148], 'pycmx_test_25.edl': ['25', 13],
  };
  for (const [file, [fps, events]] of Object.entries(expected)) {
    it(`${file}: ${events} events, no unreadable line`, () => {
      const edl = parseEdl(read(file), { fps: fps as never });
      expect(edl.errors).toEqual([]);
      expect(edl.events).toHaveLength(events);
    });
  }
  it('covers every EDL in the fixtures', () => {
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.edl')).sort()).toEqual(Object.keys(expected).sort());
  });

  it('reads a dissolve in its two-line form, with its duration and clip names', () => {
    const edl = parseEdl(read('otio_dissolve_test.edl'));
    const [a, b] = edl.events.filter((e) => e.number === 2);
    expect(a.transition.type).toBe('C');
    expect(b).toMatchObject({ transition: { type: 'D', duration: 10 }, fromPrevious: true, clipName: 'clip_A', toClipName: 'clip_B' });
    expect(b.notes).toContain('BLEND, DISSOLVE');
  });
  it('reads M2 speed changes (freeze frames) onto their events', () => {
    const edl = parseEdl(read('otio_speed_effects_small.edl'));
    expect(edl.events[1]).toMatchObject({ reel: 'Z682_156', speed: 0, clipName: 'Z682_156 (LAY3) FF' });
    expect(edl.events[0].speed).toBeUndefined();
  });
  it('adds AUD channels, keeps Avid’s source table and long reel names', () => {
    expect(parseEdl(read('otio_multi_audio.edl')).events[0]).toMatchObject({ channelCode: 'AA', audio: [1, 2, 3] });
    const stp = parseEdl(read('pycmx_STP_R1_v082517.edl'), { fps: '23.976' });
    expect(Object.keys(stp.sources).length).toBe(165);
    expect(parseEdl(read('pycmx_ISSUE_19_unusual01.edl')).events[0].reel).toBe('Z125C001_220217_ROLX');
  });
});

describe('timecode in EDLs', () => {
  it('converts drop-frame exactly (FCM: DROP FRAME and ; separators)', () => {
    const text = [
      'TITLE: df', 'FCM: DROP FRAME',
      '001  R1  A  C  00:00:59;29 00:01:00;02 01:00:00;00 01:00:00;03',
    ].join('\n');
    const e = parseEdl(text, { fps: '29.97' }).events[0];
    expect([e.sourceIn, e.sourceOut, e.recordIn]).toEqual([1799, 1800, 107892]);
    expect(parseEdl(text, { fps: '29.97' }).dropFrame).toBe(true);
  });
  it('reports an unreadable line with its number and imports the rest', () => {
    const text = ['TITLE: t', '001  R1  V  C  01:00:00:00 01:00:01:00 01:00:00:00 01:00:01:00', 'garbage here', '002  R2  A2  X9  01:00:00:00 01:00:01:00 01:00:01:00 01:00:02:00', '003  R3  A  C  01:00:00:00 01:00:01:00 01:00:02:00 01:00:03:00'].join('\n');
    const edl = parseEdl(text, { fps: '25' });
    expect(edl.events.map((e) => e.number)).toEqual([1, 3]);
    expect(edl.errors).toEqual([
      { line: 3, text: 'garbage here', reason: expect.stringMatching(/not an EDL line/) },
      { line: 4, text: expect.any(String), reason: 'unknown transition "X9"' },
    ]);
  });
  it('channel codes', () => {
    expect(parseChannels('AA/V')).toEqual({ video: true, audio: [1, 2] });
    expect(parseChannels('A12')).toEqual({ video: false, audio: [12] });
    expect(parseChannels('B')).toEqual({ video: true, audio: [1] });
    expect(parseChannels('A1/A2')).toEqual({ video: false, audio: [1, 2] });
    expect(parseChannels('Q')).toBeNull();
  });
});
