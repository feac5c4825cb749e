// The command line itself: what a user types and what comes back.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const cli = path.resolve(import.meta.dirname, '..', 'bin', 'dubstage.js');
const fixture = (name: string) => path.join(import.meta.dirname, 'fixtures', name);
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

describe('dubstage info', () => {
  it('shows the bext timecode at the rate the recorder wrote in iXML, or at --fps', () => {
    const own = run('info', fixture('A101_3.WAV'));
    expect(own.status).toBe(0);
    // 2191661476 samples at 48 kHz is 12:40:14:00 at 23.976 (the file's iXML: 24000/1001 NDF)
    expect(own.stdout).toContain('bext time reference 2191661476 (12:40:14:00 at 23.976 fps)');
    expect(own.stdout).toMatch(/tracks: 1 MKH516 A · 2 Boom/);
    const asked = run('info', fixture('A101_3.WAV'), '--fps', '25');
    expect(asked.stdout).toContain('(12:40:59:15 at 25 fps)');
  });
});

describe('mixer flags', () => {
  it('--monitor takes a format, and says which when it is not one', () => {
    const r = run('--monitor=flac', '--no-device');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--monitor takes pcm24, pcm16 or opus, not "flac"');
    const b = run('--monitor-bitrate', '900', '--monitor=opus');
    expect(b.status).toBe(2);
    expect(b.stderr).toContain('--monitor-bitrate takes kbit/s between 6 and 510');
  });
});
