// End to end in a real pseudo-terminal: `dubstage SESSION` under node-pty, the screen read
// through a headless xterm, keys sent as bytes.
import fs from 'node:fs';
import path from 'node:path';
import xterm from '@xterm/headless';
import * as pty from 'node-pty';
import { describe, expect, it, vi } from 'vitest';
import { ensureDemoMedia } from '../../src/demo/generate-demo.js';
import { tmpDir } from '../helpers/wav-bytes.js';

const root = path.resolve(import.meta.dirname, '..', '..');

function screen(term: xterm.Terminal): string {
  const b = term.buffer.active;
  const lines: string[] = [];
  for (let i = 0; i < term.rows; i++) lines.push(b.getLine(b.viewportY + i)?.translateToString(true) ?? '');
  return lines.join('\n');
}

describe('dubstage in a terminal', () => {
  it('opens the demo scene, plays, mutes, saves and quits, restoring the terminal', async () => {
    const dir = tmpDir();
    fs.copyFileSync(path.join(root, 'sessions', 'demo', 'demo.dub'), path.join(dir, 'demo.dub'));
    await ensureDemoMedia(dir);
    const env = { ...process.env, HOME: dir, TERM: 'xterm-256color' } as Record<string, string>;
    delete env.CI; // Ink prints only the final frame under CI=true
    const term = new xterm.Terminal({ cols: 100, rows: 30, allowProposedApi: true });
    const p = pty.spawn(process.execPath, [path.join(root, 'bin', 'dubstage.js'), path.join(dir, 'demo.dub'), '--no-device'], {
      name: 'xterm-256color', cols: 100, rows: 30, cwd: dir, env,
    });
    let exit: number | null = null;
    p.onData((d) => term.write(d));
    p.onExit((e) => {
      exit = e.exitCode;
    });
    const waitFor = (text: string | RegExp, timeout = 10000) =>
      vi.waitFor(() => expect(screen(term)).toMatch(text), { timeout, interval: 50 });
    try {
      await waitFor('Scene 12 - Kitchen, night');
      expect(term.buffer.active.type).toBe('alternate');
      await waitFor('NO DEVICE');
      // a frame may be half written when the screen is read: wait for each thing to show
      await waitFor('DIA Sarah');
      await waitFor('01:00:06:10  Door slam');
      p.write(' ');
      await waitFor('▶ PLAY');
      await waitFor(/01:00:0[1-9]:\d\d ▶ PLAY/);
      p.write('m');
      await waitFor(/›DIA Sarah .* Ms /);
      p.write(' ');
      await waitFor('■ STOP');
      p.write(':');
      await waitFor(/^:█/m);
      p.write('w\r');
      await waitFor(/saved .*demo\.dub/);
      expect(JSON.parse(fs.readFileSync(path.join(dir, 'demo.dub'), 'utf8')).tracks[0].mute).toBe(true);
      p.write('q');
      await vi.waitFor(() => expect(exit).toBe(0), { timeout: 10000 });
      await new Promise((r) => setTimeout(r, 100));
      expect(term.buffer.active.type).toBe('normal');
    } finally {
      if (exit === null) p.kill();
    }
  });

  it('hang-up writes an autosave, and the next start offers to recover it', async () => {
    const dir = tmpDir();
    fs.copyFileSync(path.join(root, 'sessions', 'demo', 'demo.dub'), path.join(dir, 'demo.dub'));
    await ensureDemoMedia(dir);
    const env = { ...process.env, HOME: dir, TERM: 'xterm-256color' } as Record<string, string>;
    delete env.CI;
    const start = () => {
      const term = new xterm.Terminal({ cols: 100, rows: 30, allowProposedApi: true });
      const p = pty.spawn(process.execPath, [path.join(root, 'bin', 'dubstage.js'), path.join(dir, 'demo.dub'), '--no-device'], { name: 'xterm-256color', cols: 100, rows: 30, cwd: dir, env });
      const state = { exit: null as number | null };
      p.onData((d) => term.write(d));
      p.onExit((e) => {
        state.exit = e.exitCode;
      });
      return { term, p, state };
    };
    const a = start();
    await vi.waitFor(() => expect(screen(a.term)).toContain('DIA Tom'), { timeout: 10000 });
    a.p.write('j');
    a.p.write('s');
    await vi.waitFor(() => expect(screen(a.term)).toMatch(/›DIA Tom .* mS /), { timeout: 5000 });
    a.p.kill('SIGHUP');
    await vi.waitFor(() => expect(a.state.exit).toBe(0), { timeout: 10000 });
    const auto = path.join(dir, 'demo.dub.autosave');
    expect(JSON.parse(fs.readFileSync(auto, 'utf8')).tracks[1].solo).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'demo.dub'), 'utf8')).tracks[1].solo).toBe(false);
    const b = start();
    try {
      await vi.waitFor(() => expect(screen(b.term)).toContain('Recover it?'), { timeout: 10000 });
      b.p.write('y');
      await vi.waitFor(() => expect(screen(b.term)).toMatch(/›DIA Sarah[\s\S]*DIA Tom .* mS /), { timeout: 5000 });
      await vi.waitFor(() => expect(screen(b.term)).toContain('[+]'), { timeout: 5000 });
    } finally {
      b.p.kill('SIGKILL');
    }
  });
});
