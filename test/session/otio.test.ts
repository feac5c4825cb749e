import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportOtio, importOtio } from '../../src/session/otio.js';
import { SessionEditor } from '../../src/session/editor.js';
import { tmpDir, writeFloatSignal24 } from '../helpers/wav-bytes.js';

const SR = 48000;

describe('OpenTimelineIO', () => {
  it('exports audio tracks (gaps, clips, a crossfade as a transition) and imports them back unchanged', () => {
    const dir = tmpDir();
    fs.mkdirSync(path.join(dir, 'media'));
    const a = writeFloatSignal24(path.join(dir, 'media'), 'a.wav', [new Float32Array(SR * 4).fill(0.1)], SR, 3600 * SR);
    const b = writeFloatSignal24(path.join(dir, 'media'), 'b.wav', [new Float32Array(SR * 4).fill(0.2)], SR, 3610 * SR);
    const ed = SessionEditor.create(path.join(dir, 's.dub'), { frameRate: '25' });
    ed.execute('track add DIA dialogue');
    ed.execute('track add FX sfx');
    ed.execute(`import ${a} DIA at 01:00:01:00`);
    ed.execute('clip trim c3 end 01:00:03:00');
    ed.execute(`import ${b} DIA at 01:00:03:00`);
    ed.execute('clip trim c4 start +1s');
    ed.execute('clip move c4 01:00:03:00');
    ed.execute('clip xfade c3 c4 10f');
    ed.execute(`import ${b} FX at 01:00:00:10`);
    ed.execute('clip gain c5 -6');
    const otio = exportOtio(ed.doc, dir);
    const track = (otio.tracks as { children: { name: string; children: { OTIO_SCHEMA: string }[] }[] }).children[0];
    expect(track.children.map((c) => c.OTIO_SCHEMA)).toEqual(['Gap.1', 'Clip.1', 'Transition.1', 'Clip.1']);
    const file = path.join(dir, 'out.otio');
    fs.writeFileSync(file, JSON.stringify(otio));
    const { editor, warnings } = importOtio(fs.readFileSync(file, 'utf8'), file, path.join(dir, 'back.dub'));
    expect(warnings).toEqual([]);
    const strip = (d: typeof ed.doc) => d.clips.map((c) => ({ media: c.media, position: c.position, sourceStart: c.sourceStart, length: c.length, gainDb: c.gainDb, fadeIn: c.fadeIn, fadeOut: c.fadeOut }));
    expect(strip(editor.doc)).toEqual(strip(ed.doc));
    expect(editor.doc.start).toBe('01:00:00:00');
  });

  it('reads Clip.2 media references and frame-rate times, and refuses what is not a timeline', () => {
    const dir = tmpDir();
    const rt = (value: number, rate = 24) => ({ OTIO_SCHEMA: 'RationalTime.1', rate, value });
    const tl = {
      OTIO_SCHEMA: 'Timeline.1', name: 'From an editor',
      tracks: { OTIO_SCHEMA: 'Stack.1', children: [
        { OTIO_SCHEMA: 'Track.1', kind: 'Video', name: 'V1', children: [] },
        { OTIO_SCHEMA: 'Track.1', kind: 'Audio', name: 'A1', children: [
          { OTIO_SCHEMA: 'Gap.1', source_range: { OTIO_SCHEMA: 'TimeRange.1', start_time: rt(0), duration: rt(48) } },
          { OTIO_SCHEMA: 'Clip.2', name: 'sc1', active_media_reference_key: 'DEFAULT_MEDIA',
            media_references: { DEFAULT_MEDIA: { OTIO_SCHEMA: 'ExternalReference.1', target_url: 'media/sc1.wav', available_range: { OTIO_SCHEMA: 'TimeRange.1', start_time: rt(86400), duration: rt(2400) } } },
            source_range: { OTIO_SCHEMA: 'TimeRange.1', start_time: rt(86424), duration: rt(24) } },
        ] },
      ] },
    };
    const file = path.join(dir, 'x.otio');
    const { editor, warnings } = importOtio(JSON.stringify(tl), file, path.join(dir, 'x.dub'));
    expect(editor.doc.tracks.map((t) => t.name)).toEqual(['A1']);
    expect(editor.doc.clips[0]).toMatchObject({ media: 'media/sc1.wav', position: 2 * SR, sourceStart: SR, length: SR, name: 'sc1' });
    expect(warnings[0]).toMatch(/sc1\.wav not found/);
    expect(() => importOtio('{"OTIO_SCHEMA": "Clip.1"}', file, path.join(dir, 'y.dub'))).toThrow(/not an OTIO timeline/);
    expect(() => importOtio('{', file, path.join(dir, 'y.dub'))).toThrow(/x\.otio: invalid JSON/);
  });
});
