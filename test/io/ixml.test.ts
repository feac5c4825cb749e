import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIxml } from '../../src/io/ixml.js';
import { probeWav } from '../../src/io/wav-reader.js';
import { SessionEditor } from '../../src/session/editor.js';
import { tmpDir } from '../helpers/wav-bytes.js';

const fixture = (f: string) => path.join(import.meta.dirname, '..', 'fixtures', f);

describe('iXML', () => {
  it('reads scene, take, tape, timecode rate and channel names from a Sound Devices file', () => {
    const info = probeWav(fixture('A101_3.WAV'));
    expect(parseIxml(info.ixml, info.channels)).toMatchObject({
      scene: 'A101', take: '3', tape: '18Y12M31', timecodeRate: '24000/1001', timecodeFlag: 'NDF', trackNames: ['MKH516 A', 'Boom'],
    });
  });
  it('maps names by INTERLEAVE_INDEX, not CHANNEL_INDEX', () => {
    const x = `<BWFXML><TRACK_LIST><TRACK><CHANNEL_INDEX>3</CHANNEL_INDEX><INTERLEAVE_INDEX>1</INTERLEAVE_INDEX><NAME>Lav 2</NAME></TRACK>
      <TRACK><CHANNEL_INDEX>1</CHANNEL_INDEX><INTERLEAVE_INDEX>2</INTERLEAVE_INDEX><NAME>Boom</NAME></TRACK></TRACK_LIST></BWFXML>`;
    expect(parseIxml(x, 2).trackNames).toEqual(['Lav 2', 'Boom']);
  });
  it('a malformed or absent document gives what it can, never an exception', () => {
    expect(parseIxml('<BWFXML><SCENE>12</SCENE><TRACK_LIST>', 2).trackNames).toEqual([]);
    expect(parseIxml(undefined, 2)).toEqual({ trackNames: [] });
  });
  it('import FILE * puts each channel of a poly-WAV on its own track, named from iXML, in one undo step', () => {
    const dir = tmpDir();
    const file = path.join(dir, 'A101_3.WAV');
    fs.copyFileSync(fixture('A101_3.WAV'), file);
    const ed = SessionEditor.create(path.join(dir, 's.dub'), { frameRate: '23.976', start: '12:40:00:00' });
    ed.execute('track add Boom dialogue');
    const r = ed.execute(`import ${file} * at bwf kind pfx`);
    expect(r.message).toMatch(/2 channel\(s\) on MKH516 A, Boom at 12:40:14:00/);
    expect(ed.doc.tracks.map((t) => [t.name, t.kind])).toEqual([['Boom', 'dialogue'], ['MKH516 A', 'pfx']]);
    expect(ed.doc.clips.map((c) => [ed.doc.tracks.find((t) => t.id === c.track)!.name, c.channels])).toEqual([['MKH516 A', [1]], ['Boom', [2]]]);
    ed.execute('undo');
    expect(ed.doc.clips).toHaveLength(0);
    expect(ed.doc.tracks.map((t) => t.name)).toEqual(['Boom']);
  });
});
