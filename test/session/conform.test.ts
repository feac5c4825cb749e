import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEdl } from '../../src/io/edl.js';
import { conform, scanMedia } from '../../src/session/conform.js';
import { SessionEditor } from '../../src/session/editor.js';
import { chunk, fmtChunk, bextChunk, pcmData, tmpDir, writeWav } from '../helpers/wav-bytes.js';

const SR = 48000;
const tcSamples = (h: number, m: number, s: number) => ((h * 60 + m) * 60 + s) * SR;

function production(dir: string, name: string, startSamples: number, seconds: number, channels: number, ixml?: string) {
  const frames = Array.from({ length: seconds * SR }, (_, i) => Array.from({ length: channels }, (_, c) => ((i * (c + 3)) % 2000) - 1000));
  const chunks = [bextChunk(startSamples, name), fmtChunk({ channels, rate: SR, bits: 16 }), chunk('data', pcmData(frames, 16))];
  if (ixml) chunks.splice(1, 0, chunk('iXML', Buffer.from(ixml)));
  return writeWav(dir, name, chunks);
}

const ixml = (scene: string, take: string, tape: string) =>
  `<BWFXML><SCENE>${scene}</SCENE><TAKE>${take}</TAKE><TAPE>${tape}</TAPE><TRACK_LIST><TRACK><INTERLEAVE_INDEX>1</INTERLEAVE_INDEX><NAME>Boom</NAME></TRACK><TRACK><INTERLEAVE_INDEX>2</INTERLEAVE_INDEX><NAME>Lav</NAME></TRACK></TRACK_LIST></BWFXML>`;

const EDL = `TITLE: REEL 1
FCM: NON-DROP FRAME

001  DAY1     AA    C        01:00:11:00 01:00:13:00 01:00:00:00 01:00:02:00
* FROM CLIP NAME:  SC12_T1
002  DAY2     A     C        01:00:12:00 01:00:14:00 01:00:02:00 01:00:04:00
003  XX       A     C        01:00:12:00 01:00:13:00 01:00:04:00 01:00:05:00
004  ZZ       A     C        01:00:31:00 01:00:32:00 01:00:05:00 01:00:06:00
005  ZZ       A     C        01:00:32:00 01:00:32:00 01:00:06:00 01:00:06:00
005  DAY1     A     D    010 01:00:15:00 01:00:16:00 01:00:06:00 01:00:07:00
* FROM CLIP NAME:  SC14_T1
* TO CLIP NAME:  SC12_T1
006  SC12_T1  A     C        01:00:11:00 01:00:12:00 01:00:07:00 01:00:08:00
M2   SC12_T1       050.0                01:00:11:00
007  QQ       A     C        02:00:00:00 02:00:01:00 01:00:08:00 01:00:09:00
`;

function setup() {
  const dir = tmpDir();
  const media = path.join(dir, 'media');
  fs.mkdirSync(media);
  production(media, 'SC12_T1.WAV', tcSamples(1, 0, 10), 10, 2, ixml('12', '1', 'DAY1'));
  production(media, 'SC12_T2.WAV', tcSamples(1, 0, 10), 10, 2, ixml('12', '2', 'DAY2')); // the same timecode, next day
  production(media, 'SC14_T1.WAV', tcSamples(1, 0, 30), 5, 1);
  fs.writeFileSync(path.join(dir, 'reel1.edl'), EDL);
  return { dir, media };
}

describe('conform', () => {
  it('links each event by name and timecode, never by timecode alone when it is ambiguous', () => {
    const { dir, media } = setup();
    const edl = parseEdl(EDL, { fps: '25' });
    const { files } = scanMedia([media], edl.rate);
    const { editor, report } = conform({ edl, media: files, sessionFile: path.join(dir, 'r.dub'), handles: 12 });
    const by = (n: number) => report.find((r) => r.event === n && r.status !== 'skipped')!;
    expect(by(1)).toMatchObject({ status: 'matched', file: expect.stringMatching(/SC12_T1/), matchedBy: expect.stringMatching(/clip name/), offset: SR });
    expect(by(2)).toMatchObject({ status: 'matched', file: expect.stringMatching(/SC12_T2/), matchedBy: 'reel/tape', offset: 2 * SR });
    expect(by(3)).toMatchObject({ status: 'ambiguous', candidates: [expect.stringMatching(/SC12_T1/), expect.stringMatching(/SC12_T2/)] });
    expect(by(4)).toMatchObject({ status: 'matched', file: expect.stringMatching(/SC14_T1/), matchedBy: 'timecode only' });
    expect(by(5)).toMatchObject({ status: 'matched', file: expect.stringMatching(/SC12_T1/), clipName: 'SC12_T1' });
    expect(by(6)).toMatchObject({ status: 'speed-change' });
    expect(by(7)).toMatchObject({ status: 'unmatched', reason: expect.stringMatching(/no file matches/) });
    expect(report.filter((r) => r.status === 'skipped')).toHaveLength(1);
    const doc = editor.doc;
    expect(doc.start).toBe('01:00:00:00');
    expect(doc.tracks.map((t) => t.name)).toEqual(['A1', 'A2']);
    // event 1 on both channels, from the file's channels 1 and 2, a second into the file
    const e1 = doc.clips.filter((c) => c.position === 0);
    expect(e1.map((c) => [c.channels, c.sourceStart, c.length])).toEqual([[[1], SR, 2 * SR], [[2], SR, 2 * SR]]);
    // the dissolve at 01:00:06:00: the outgoing clip runs on 10 frames, both fade over them
    const out = doc.clips.find((c) => c.position === 5 * SR)!;
    const inc = doc.clips.find((c) => c.position === 6 * SR)!;
    expect(out.length).toBe(SR + 10 * 1920);
    expect(out.fadeOut).toEqual({ length: 10 * 1920, curve: 'equal-power' });
    expect(inc.fadeIn).toEqual({ length: 10 * 1920, curve: 'equal-power' });
    // handles: event 1 has a second before and seven after in a 10 s file
    expect(by(1).handles).toEqual({ before: 25, after: 7 * 25 });
  });

  it('dubstage conform writes the session and reports every event', () => {
    const { dir, media } = setup();
    const cli = path.resolve(import.meta.dirname, '..', '..', 'bin', 'dubstage.js');
    const out = JSON.parse(execFileSync(process.execPath, [cli, 'conform', path.join(dir, 'reel1.edl'), '--media', media, '--fps', '25', '--session', path.join(dir, 'reel1.dub'), '--json'], { encoding: 'utf8' }));
    expect(out.events.map((e: { status: string }) => e.status)).toEqual(['matched', 'matched', 'ambiguous', 'matched', 'skipped', 'matched', 'speed-change', 'unmatched']);
    expect(fs.existsSync(path.join(dir, 'reel1.dub'))).toBe(true);
    const text = execFileSync(process.execPath, [cli, 'conform', path.join(dir, 'reel1.edl'), '--media', media, '--fps', '25', '--session', path.join(dir, 'again.dub')], { encoding: 'utf8' });
    expect(text).toMatch(/4 matched, 1 ambiguous, 1 unmatched, 1 speed changes flagged/);
    expect(text).toMatch(/candidate: .*SC12_T2\.WAV/);
  });
});

describe('field-recorder expansion', () => {
  it('expand puts the other channels of a poly-WAV on their own tracks with the same edit and fades', () => {
    const { dir, media } = setup();
    const edl = parseEdl(EDL, { fps: '25' });
    const { editor } = conform({ edl, media: scanMedia([media], edl.rate).files, sessionFile: path.join(dir, 'r.dub') });
    const c = editor.doc.clips.find((x) => x.position === 2 * SR)!; // event 2 on A1: SC12_T2 channel 1
    editor.dispatch({ type: 'clip.fade', clip: c.id, which: 'in', length: 480, curve: 's-curve' });
    const r = editor.execute(`expand ${c.id}`);
    expect(r.message).toMatch(/onto Lav/);
    const lav = editor.doc.tracks.find((t) => t.name === 'Lav')!;
    const added = editor.doc.clips.find((x) => x.track === lav.id)!;
    expect(added).toMatchObject({ channels: [2], position: c.position, sourceStart: c.sourceStart, length: c.length, fadeIn: { length: 480, curve: 's-curve' } });
    editor.execute('undo');
    expect(editor.doc.tracks.some((t) => t.name === 'Lav')).toBe(false);
  });
  it('finds the sibling mono files of a split recording by scene, take and timecode', () => {
    const dir = tmpDir();
    const x = (name: string) => `<BWFXML><SCENE>7</SCENE><TAKE>2</TAKE><TRACK_LIST><TRACK><INTERLEAVE_INDEX>1</INTERLEAVE_INDEX><NAME>${name}</NAME></TRACK></TRACK_LIST></BWFXML>`;
    production(dir, 'T2_1.WAV', tcSamples(1, 0, 0), 3, 1, x('Boom'));
    production(dir, 'T2_2.WAV', tcSamples(1, 0, 0), 3, 1, x('Lav 1'));
    production(dir, 'T2_3.WAV', tcSamples(1, 0, 0), 3, 1, x('Lav 2'));
    production(dir, 'OTHER.WAV', tcSamples(1, 0, 0), 3, 1, ixml('8', '1', 'D1'));
    const ed = SessionEditor.create(path.join(dir, 's.dub'), { frameRate: '25' });
    ed.execute('track add Boom dialogue');
    ed.execute(`import ${path.join(dir, 'T2_1.WAV')} Boom at bwf`);
    ed.execute('clip trim c2 start +1s');
    expect(ed.execute('expand c2').message).toBe('expanded c2 onto Lav 1, Lav 2');
    expect(ed.doc.clips.map((c) => [c.media, c.position, c.sourceStart])).toEqual([
      ['T2_1.WAV', SR, SR], ['T2_2.WAV', SR, SR], ['T2_3.WAV', SR, SR],
    ]);
  });
});
