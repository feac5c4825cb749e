import fs from 'node:fs';
import path from 'node:path';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EngineClient } from '../../src/engine/engine-client.js';
import { SessionEditor } from '../../src/session/editor.js';
import { App } from '../../src/ui/App.js';
import { quantize24, sine, tmpDir, writeFloatSignal24 } from '../helpers/wav-bytes.js';

const clients: EngineClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

function setup(monitor = false) {
  const dir = tmpDir();
  fs.mkdirSync(path.join(dir, 'media'));
  const a = writeFloatSignal24(path.join(dir, 'media'), 'line.wav', [quantize24(sine(300, 0.5, 48000 * 4))]);
  const ed = SessionEditor.create(path.join(dir, 'scene.dub'), { name: 'Scene 7' });
  ed.execute('track add "DIA 1" dialogue');
  ed.execute('track add FX sfx');
  ed.execute(`import ${a} "DIA 1" at 01:00:01:00`);
  ed.execute('marker add 01:00:02:00 "Door" slam');
  ed.execute('marker add 01:00:03:00 "Line 2"');
  ed.save();
  const engine = new EngineClient({ sampleRate: 48000, blockSize: 512, noDevice: true, monitor, monitorPort: 0 }, { logDir: path.join(dir, 'log') });
  clients.push(engine);
  engine.start();
  let quit = 0;
  const app = render(<App editor={ed} engine={engine} columns={100} rows={30} onQuit={() => quit++} />);
  current = app;
  return { ed, engine, app, quits: () => quit, dir };
}

const row = (frame: string, name: string) => frame.split('\n').find((l) => l.includes(name)) ?? '';
let current: ReturnType<typeof render> | null = null;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Waits until the screen has settled: no new frame for 40 ms (at most 2 s, for a loaded CI box). */
async function tick(): Promise<void> {
  await sleep(30);
  const t0 = Date.now();
  let seen = current?.frames.length ?? 0;
  while (Date.now() - t0 < 2000) {
    await sleep(40);
    const now = current?.frames.length ?? 0;
    if (now === seen) return;
    seen = now;
  }
}

describe('the mixer screen', () => {
  it('shows the session, its tracks, buses, cues, timecode and the null sink', async () => {
    const { app } = setup();
    await vi.waitFor(() => expect(app.lastFrame()).toContain('NO DEVICE'), { timeout: 10000 });
    const f = app.lastFrame()!;
    expect(f).toContain('Scene 7');
    expect(f).toContain('01:00:00:00');
    expect(row(f, 'DIA 1')).toMatch(/dial D\s+0\.0\s+C ms/);
    expect(f).toMatch(/Dialogue.*L .* R /);
    expect(f).toContain('Master');
    expect(f).toContain('01:00:02:00  Door — slam');
    expect(f).toContain('▏line');
  });

  it('keys mute, solo, change gain and pan, and undo', async () => {
    const { app, ed } = setup();
    await tick();
    app.stdin.write('m');
    await tick();
    expect(row(app.lastFrame()!, 'DIA 1')).toContain(' Ms ');
    app.stdin.write('s');
    await tick();
    expect(row(app.lastFrame()!, 'DIA 1')).toContain(' MS ');
    app.stdin.write('j');
    for (let i = 0; i < 4; i++) {
      app.stdin.write('+');
      await tick();
    }
    app.stdin.write('>');
    await tick();
    expect(row(app.lastFrame()!, 'FX')).toMatch(/\+2\.0\s+R5/);
    expect(ed.doc.tracks[1].gainDb).toBe(2);
    app.stdin.write('u'); // the pan
    await tick();
    app.stdin.write('u'); // four + presses: one gesture, one undo
    await tick();
    expect(row(app.lastFrame()!, 'FX')).toMatch(/ 0\.0\s+C/);
    app.stdin.write('\x12'); // Ctrl-R
    await tick();
    expect(ed.doc.tracks[1].gainDb).toBe(2);
  });

  it('plays, meters move, the playhead runs, and stops', async () => {
    const { app } = setup();
    await vi.waitFor(() => expect(app.lastFrame()).toContain('NO DEVICE'), { timeout: 10000 });
    app.stdin.write('g');
    await tick();
    for (const ch of '01:00:01:00') app.stdin.write(ch);
    app.stdin.write('\r');
    await vi.waitFor(() => expect(app.lastFrame()).toContain('01:00:01:00 ■ STOP'), { timeout: 5000 });
    app.stdin.write(' ');
    await vi.waitFor(() => expect(app.lastFrame()).toContain('▶ PLAY'), { timeout: 5000 });
    await vi.waitFor(() => expect(row(app.lastFrame()!, 'DIA 1')).toContain('█'), { timeout: 5000 });
    await vi.waitFor(() => expect(app.lastFrame()).toMatch(/01:00:0[2-4]:\d\d ▶ PLAY/), { timeout: 5000 });
    app.stdin.write(' ');
    await vi.waitFor(() => expect(app.lastFrame()).toContain('■ STOP'), { timeout: 5000 });
  });

  it('the command line runs the command language, and Enter on a cue jumps to it', async () => {
    const { app, ed } = setup();
    await tick();
    app.stdin.write(':');
    await tick();
    for (const ch of 'gain FX -7.5') app.stdin.write(ch);
    await tick();
    expect(app.lastFrame()).toContain(':gain FX -7.5█');
    app.stdin.write('\r');
    await tick();
    expect(ed.doc.tracks[1].gainDb).toBe(-7.5);
    app.stdin.write(':');
    for (const ch of 'gain NOPE 1') app.stdin.write(ch);
    app.stdin.write('\r');
    await tick();
    expect(app.lastFrame()).toContain('error: gain: no track "NOPE"');
    app.stdin.write('\t');
    await tick();
    app.stdin.write('j');
    await tick();
    app.stdin.write('\r');
    await vi.waitFor(() => expect(app.lastFrame()).toContain('01:00:03:00 ■ STOP'), { timeout: 5000 });
  });

  it('q asks before losing unsaved edits; :w saves', async () => {
    const { app, quits, ed, dir } = setup();
    await tick();
    app.stdin.write('m');
    await tick();
    app.stdin.write('q');
    await tick();
    expect(app.lastFrame()).toContain('Unsaved edits. Save before quitting?');
    app.stdin.write('\x1b');
    await tick();
    expect(quits()).toBe(0);
    app.stdin.write(':');
    app.stdin.write('w');
    app.stdin.write('\r');
    await tick();
    expect(ed.dirty).toBe(false);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'scene.dub'), 'utf8')).tracks[0].mute).toBe(true);
    app.stdin.write('q');
    await tick();
    expect(quits()).toBe(1);
  });

  it('? shows the keymap', async () => {
    const { app } = setup();
    await tick();
    app.stdin.write('?');
    await tick();
    expect(app.lastFrame()).toContain('play / stop');
    expect(app.lastFrame()).toContain('loop in at the playhead');
    app.stdin.write('?');
    await tick();
    expect(app.lastFrame()).toContain('DIA 1');
  });

  it('keys that arrive in one read (a fast typist over SSH) are all taken: :monitor and Enter show the monitor page', async () => {
    const { app, engine } = setup(true);
    await vi.waitFor(() => expect(app.lastFrame()).toMatch(/mon 0/), { timeout: 10000 });
    expect(app.lastFrame()).toMatch(/ssh -L \d+:127\.0\.0\.1:\d+ /);
    app.stdin.write(':monitor\r');
    await tick();
    const page = app.lastFrame()!;
    expect(page).toContain('Remote monitor — 24-bit PCM WAV');
    // the URL on a line of its own, whole, so it can be copied
    expect(page.split('\n')).toContain(engine.getSnapshot().monitor!.url);
    expect(page).toMatch(/playhead and meters follow the listener \(F toggles\)/);
    app.stdin.write('\x1b');
    await tick();
    app.stdin.write('F');
    await vi.waitFor(() => expect(engine.getSnapshot().monitorStatus?.follow).toBe(false), { timeout: 5000 });
    expect(app.lastFrame()).toContain("showing the engine's own playhead and meters");
  });
});

