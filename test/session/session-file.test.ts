import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { newSession } from '../../src/session/schema.js';
import { serializeSession } from '../../src/session/serialize.js';
import { loadSessionFile, saveSessionFile, SessionFileError } from '../../src/session/session-file.js';
import { SessionEditor } from '../../src/session/editor.js';
import { tmpDir } from '../helpers/wav-bytes.js';

function sample() {
  const ed = SessionEditor.create(path.join(tmpDir(), 's.dub'));
  ed.execute('track add "DIA 1" dialogue');
  ed.execute('track add MX music');
  ed.dispatch({ type: 'clip.add', track: 't1', media: 'media/a.wav', channels: [1], sourceStart: 0, position: 48000, length: 96000, name: 'a' });
  ed.execute('marker add 01:00:02:00 "Scene 12" door slam');
  return ed;
}

function loadError(file: string): SessionFileError {
  try {
    loadSessionFile(file);
  } catch (e) {
    expect(e).toBeInstanceOf(SessionFileError);
    return e as SessionFileError;
  }
  throw new Error('expected the load to fail');
}

describe('saved JSON', () => {
  it('is stable: same document, same bytes; keys in schema order; one object per line', () => {
    const ed = sample();
    const a = serializeSession(ed.doc);
    const shuffled = JSON.parse(a);
    const reordered = Object.fromEntries(Object.entries(shuffled).reverse());
    reordered.clips = shuffled.clips.map((c: object) => Object.fromEntries(Object.entries(c).reverse()));
    expect(serializeSession(reordered as typeof ed.doc)).toBe(a);
    expect(a.split('\n').filter((l) => l.includes('"media"'))).toHaveLength(1);
    expect(a.indexOf('"format"')).toBeLessThan(a.indexOf('"tracks"'));
    expect(JSON.parse(a)).toEqual(ed.doc);
  });
  it('a gain change is a one-line diff', () => {
    const ed = sample();
    const before = serializeSession(ed.doc).split('\n');
    ed.execute('gain MX -6');
    const after = serializeSession(ed.doc).split('\n');
    const changed = after.filter((l, i) => l !== before[i]);
    expect(changed).toHaveLength(1);
    expect(changed[0]).toContain('"gainDb": -6');
  });
});

describe('loading refuses bad documents with the JSON path and leaves the file alone', () => {
  const dir = tmpDir();
  const good = serializeSession(sample().doc);
  const cases: [string, (d: any) => void, RegExp][] = [
    ['gain out of range', (d) => (d.tracks[1].gainDb = 99), /tracks\[1\]\.gainDb: .*24/],
    ['wrong type', (d) => (d.clips[0].position = '48000'), /clips\[0\]\.position: .*number/],
    ['fractional samples', (d) => (d.clips[0].length = 10.5), /clips\[0\]\.length: must be a whole number/],
    ['unknown kind', (d) => (d.tracks[0].kind = 'dialog'), /tracks\[0\]\.kind/],
    ['clip on a missing track', (d) => (d.clips[0].track = 't9'), /clips\[0\]\.track: no track with id "t9"/],
    ['bad start timecode', (d) => (d.start = '25:00:00:00'), /start: timecode .* out of range/],
    ['duplicate id', (d) => (d.tracks[1].id = 't1'), /tracks\[1\]\.id: id "t1" is used twice/],
    ['missing field', (d) => delete d.sampleRate, /sampleRate/],
  ];
  for (const [what, mutate, msg] of cases) {
    it(what, () => {
      const doc = JSON.parse(good);
      mutate(doc);
      const f = path.join(dir, `${what.replace(/ /g, '_')}.dub`);
      const text = JSON.stringify(doc);
      fs.writeFileSync(f, text);
      const e = loadError(f);
      expect(e.message).toMatch(msg);
      expect(e.message.startsWith(f)).toBe(true);
      expect(fs.readFileSync(f, 'utf8')).toBe(text);
    });
  }
  it('invalid JSON names the line and column', () => {
    const f = path.join(dir, 'broken.dub');
    fs.writeFileSync(f, good.replace('"tracks": [', '"tracks": [,'));
    expect(loadError(f).message).toMatch(/broken\.dub: invalid JSON at line \d+, column \d+/);
  });
  it('not a session at all', () => {
    const f = path.join(dir, 'other.json');
    fs.writeFileSync(f, '{"name": "package"}');
    expect(loadError(f).message).toMatch(/not a dubstage session/);
  });
  it('a missing file', () => {
    expect(loadError(path.join(dir, 'nope.dub')).message).toMatch(/nope\.dub: session file not found/);
  });
});

describe('atomic save', () => {
  it('keeps the previous version as .bak and leaves no temp files', () => {
    const dir = tmpDir();
    const f = path.join(dir, 'a.dub');
    const doc = newSession('a');
    saveSessionFile(f, doc);
    const first = fs.readFileSync(f, 'utf8');
    saveSessionFile(f, { ...doc, name: 'b' });
    expect(fs.readFileSync(`${f}.bak`, 'utf8')).toBe(first);
    expect(loadSessionFile(f).name).toBe('b');
    expect(fs.readdirSync(dir).sort()).toEqual(['a.dub', 'a.dub.bak']);
  });
  it('a save that fails leaves the old file as it was', () => {
    const dir = tmpDir();
    const f = path.join(dir, 'a.dub');
    saveSessionFile(f, newSession('a'));
    const before = fs.readFileSync(f, 'utf8');
    expect(() => saveSessionFile(f, { ...newSession('a'), sampleRate: -1 })).toThrow(/sampleRate/);
    // The folder cannot take the temp file: the write fails before anything is renamed.
    fs.mkdirSync(path.join(dir, 'sub'));
    const g = path.join(dir, 'sub', 'x.dub');
    saveSessionFile(g, newSession('x'));
    const gBefore = fs.readFileSync(g, 'utf8');
    fs.rmSync(path.join(dir, 'sub'), { recursive: true });
    expect(() => saveSessionFile(g, newSession('y'))).toThrow(/ENOENT/);
    expect(fs.readFileSync(f, 'utf8')).toBe(before);
    expect(gBefore).toContain('"x"');
    expect(fs.readdirSync(dir).sort()).toEqual(['a.dub']);
  });
});
