import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SessionEditor } from '../../src/session/editor.js';
import { loadSessionFile } from '../../src/session/session-file.js';
import { sine, tmpDir, writeFloatSignal24 } from '../helpers/wav-bytes.js';

function setup() {
  const dir = tmpDir();
  fs.mkdirSync(path.join(dir, 'media'));
  // 2 s mono at BWF time 01:00:05:00 (25 fps, 48 kHz), and 1 s stereo with no bext
  const boom = writeFloatSignal24(path.join(dir, 'media'), 'boom.wav', [sine(440, 0.5, 96000)], 48000, (3600 + 5) * 48000);
  const st = writeFloatSignal24(path.join(dir, 'media'), 'amb.wav', [sine(200, 0.2, 48000), sine(300, 0.2, 48000)]);
  const ed = SessionEditor.create(path.join(dir, 'scene.dub'));
  ed.execute('track add DIA1 dialogue');
  ed.execute('track add AMB ambience');
  return { dir, ed, boom, st };
}

const clipsOf = (ed: SessionEditor) => ed.doc.clips.map((c) => ({ id: c.id, position: c.position, sourceStart: c.sourceStart, length: c.length }));

describe('the command language', () => {
  it('adds, renames, routes and removes tracks', () => {
    const { ed } = setup();
    expect(ed.doc.tracks.map((t) => [t.name, t.kind, t.stem])).toEqual([['DIA1', 'dialogue', 'D'], ['AMB', 'ambience', 'E']]);
    ed.execute('track rename AMB "Room tone"');
    ed.execute('route "room tone" D');
    expect(ed.doc.tracks[1]).toMatchObject({ name: 'Room tone', stem: 'D' });
    ed.execute('track add GUIDE reference');
    expect(ed.doc.tracks[2].stem).toBe('none');
    ed.execute('track remove 3');
    expect(ed.doc.tracks).toHaveLength(2);
  });

  it('imports at a timecode, at the BWF timestamp, and at the start', () => {
    const { ed, boom, st } = setup();
    ed.execute(`import ${boom} DIA1 at 01:00:02:00`);
    ed.execute(`import ${boom} DIA1 at bwf`);
    ed.execute(`import ${st} AMB`);
    expect(clipsOf(ed)).toEqual([
      { id: 'c3', position: 2 * 48000, sourceStart: 0, length: 96000 },
      { id: 'c4', position: 5 * 48000, sourceStart: 0, length: 96000 },
      { id: 'c5', position: 0, sourceStart: 0, length: 48000 },
    ]);
    expect(ed.doc.clips[0]).toMatchObject({ media: 'media/boom.wav', channels: [1], name: 'boom' });
    expect(ed.doc.clips[2].channels).toEqual([1, 2]);
  });

  it('moves, trims, splits and deletes clips', () => {
    const { ed, boom } = setup();
    ed.execute(`import ${boom} DIA1 at 01:00:01:00`);
    const c = ed.doc.clips[0].id;
    ed.execute(`clip move ${c} +10f`); // 10 frames at 25 fps = 19200 samples
    expect(ed.doc.clips[0].position).toBe(48000 + 19200);
    ed.execute(`clip trim ${c} start +0.5s`);
    expect(clipsOf(ed)[0]).toMatchObject({ position: 67200 + 24000, sourceStart: 24000, length: 72000 });
    ed.execute(`clip trim DIA1:1 end -250ms`);
    expect(ed.doc.clips[0].length).toBe(60000);
    ed.execute(`clip split ${c} 01:00:03:00`);
    const [a, b] = clipsOf(ed);
    expect(a).toMatchObject({ position: 91200, length: 144000 - 91200, sourceStart: 24000 });
    expect(b).toMatchObject({ position: 144000, sourceStart: 24000 + 144000 - 91200, length: 60000 - (144000 - 91200) });
    ed.execute(`clip remove DIA1:2`);
    expect(ed.doc.clips).toHaveLength(1);
  });

  it('refuses edits past the media and says which command failed', () => {
    const { ed, boom } = setup();
    ed.execute(`import ${boom} DIA1`);
    expect(() => ed.execute('clip trim c3 end +1s')).toThrow(/would run 48000 samples past the end of media\/boom\.wav/);
    expect(() => ed.execute('clip trim c3 start -1f')).toThrow(/only 0 samples of media exist before its start/);
    expect(() => ed.execute('gain NOPE -3')).toThrow(/^gain: no track "NOPE"/);
    expect(() => ed.execute('clip move c3 soon')).toThrow(/^clip move: "soon" is not a time/);
    expect(() => ed.execute('frobnicate')).toThrow(/unknown command "frobnicate"/);
    expect(() => ed.execute(`import ${boom}.missing DIA1`)).toThrow(/boom\.wav\.missing: file not found/);
    expect(ed.doc.clips[0].length).toBe(96000); // nothing changed
  });

  it('sets gains, pans, fades, mute, solo and bus levels', () => {
    const { ed, boom } = setup();
    ed.execute(`import ${boom} DIA1`);
    ed.execute('gain DIA1 -6');
    ed.execute('gain DIA1 +=1.5');
    ed.execute('pan DIA1 L30');
    ed.execute('pan AMB 100');
    ed.execute('mute AMB');
    ed.execute('solo DIA1 on');
    ed.execute('clip gain c3 -3');
    ed.execute('clip fade c3 in 10f s-curve');
    ed.execute('clip fade c3 out 0.5s');
    ed.execute('bus gain M -2');
    expect(ed.doc.tracks[0]).toMatchObject({ gainDb: -4.5, pan: -0.3, solo: true, mute: false });
    expect(ed.doc.tracks[1]).toMatchObject({ pan: 1, mute: true });
    expect(ed.doc.clips[0]).toMatchObject({ gainDb: -3, fadeIn: { length: 19200, curve: 's-curve' }, fadeOut: { length: 24000, curve: 'equal-power' } });
    expect(ed.doc.buses.find((b) => b.id === 'M')!.gainDb).toBe(-2);
    expect(() => ed.execute('clip fade c3 in 2s')).toThrow(/does not fit/);
  });

  it('adds markers and cues sorted by time', () => {
    const { ed } = setup();
    ed.execute('marker add 01:00:10:00 "Door" slam on cut');
    ed.execute('marker add 01:00:02:00 Intro');
    expect(ed.doc.markers.map((m) => [m.name, m.position, m.note])).toEqual([['Intro', 96000, ''], ['Door', 480000, 'slam on cut']]);
    ed.execute('marker note door "ADR line 4"');
    expect(ed.doc.markers[1].note).toBe('ADR line 4');
  });

  it('undo and redo walk back and forth, at least 1000 steps deep', () => {
    const { ed } = setup();
    const start = structuredClone(ed.doc);
    for (let i = 0; i < 1200; i++) ed.execute(`gain DIA1 ${-(i % 40)}`);
    ed.execute('mute AMB');
    expect(ed.execute('undo').message).toBe('undid mute AMB');
    expect(ed.doc.tracks[1].mute).toBe(false);
    // "gain DIA1 -0" on a track already at 0 changes nothing and leaves no undo entry: 1199 gains
    expect(ed.undoDepth).toBe(2 + 1199);
    ed.execute('undo 1199');
    expect(ed.doc.tracks[0].gainDb).toBe(0);
    ed.execute('undo 2'); // the two track adds
    expect(ed.doc).toEqual({ ...start, tracks: [], nextId: 1 });
    ed.execute('redo 3');
    expect(ed.doc.tracks[0].gainDb).toBe(-1);
    expect(ed.execute('redo 5000').message).toMatch(/^redid/);
    expect(ed.doc.tracks[1].mute).toBe(true);
  });

  it('a gesture is one undo step', () => {
    const { ed } = setup();
    for (let i = 0; i < 10; i++) ed.dispatch({ type: 'track.gain', track: 't1', db: 1, relative: true }, { gesture: 'fader' });
    expect(ed.doc.tracks[0].gainDb).toBe(10);
    ed.undo();
    expect(ed.doc.tracks[0].gainDb).toBe(0);
  });

  it('saves, tracks unsaved edits, and quits like vim', () => {
    const { ed, dir } = setup();
    expect(ed.dirty).toBe(true);
    expect(() => ed.execute('q')).toThrow(/unsaved edits/);
    expect(ed.execute('w').message).toMatch(/^saved /);
    expect(ed.dirty).toBe(false);
    ed.execute('mute DIA1');
    expect(ed.dirty).toBe(true);
    ed.execute('undo');
    expect(ed.dirty).toBe(false);
    expect(ed.execute('q').quit).toBe(true);
    ed.execute('mute DIA1');
    expect(ed.execute('wq')).toMatchObject({ quit: true });
    expect(loadSessionFile(path.join(dir, 'scene.dub')).tracks[0].mute).toBe(true);
  });

  it('opens a session whose media is missing, with those clips offline', () => {
    const { ed, boom, dir } = setup();
    ed.execute(`import ${boom} DIA1`);
    ed.save();
    fs.rmSync(boom);
    const again = SessionEditor.open(path.join(dir, 'scene.dub'));
    const off = again.media.offlineClips(again.doc);
    expect(off).toHaveLength(1);
    expect(off[0].reason).toMatch(/boom\.wav: file not found/);
  });
});

describe('cue points', () => {
  it('import … cues brings a file’s cue points in as markers, in one undo step', () => {
    const dir = tmpDir();
    const file = path.join(dir, 'rx.wav');
    fs.copyFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'izotoperx_cues_test.wav'), file);
    const ed = SessionEditor.create(path.join(dir, 's.dub'));
    ed.execute('track add FX sfx');
    const r = ed.execute(`import ${file} FX at 01:00:01:00 cues`);
    expect(r.message).toMatch(/with \d+ cue markers?/);
    expect(ed.doc.markers.length).toBeGreaterThan(0);
    expect(ed.doc.markers[0]).toMatchObject({ name: 'Marker 1', position: 48000 + 1000, note: 'rx' });
    ed.execute('undo');
    expect(ed.doc.markers).toHaveLength(0);
    expect(ed.doc.clips).toHaveLength(0);
  });
});
