// The listener's jitter buffer: pre-roll, dropouts, and clock drift between mixer and laptop.
import { describe, expect, it } from 'vitest';
import { ListenPlayer } from '../../src/engine/listen-player.js';

const RATE = 48000;
const BLOCK = 512;

/**
 * Plays `seconds` of a sine through the player: the network delivers in 20 ms bursts at the
 * mixer's clock, `ppm` faster than the sound card pulls. Returns what was played and the fill.
 */
function run(seconds: number, ppm: number) {
  const p = new ListenPlayer(RATE);
  const out = new Float32Array(BLOCK * 2);
  const played = new Float32Array(seconds * RATE + BLOCK);
  let n = 0;
  const fills: number[] = [];
  let sent = 0;
  let t = 0; // sound-card time in frames
  const step = (2 * Math.PI * 440) / RATE;
  while (t < seconds * RATE) {
    // frames the mixer has produced by now, in 960-frame bursts
    const due = Math.floor(((t * (1 + ppm * 1e-6)) / 960)) * 960 + 960;
    while (sent < due) {
      p.put(Math.sin(sent * step) * 0.5, -Math.sin(sent * step) * 0.5, sent);
      sent++;
    }
    p.pull(out);
    for (let i = 0; i < BLOCK; i++) played[n++] = out[2 * i];
    t += BLOCK;
    if (t > RATE * 10) fills.push(p.buffered());
  }
  return { p, played: played.subarray(0, n), fills, step };
}

describe('listen player', () => {
  it('with matching clocks, plays every frame exactly as it arrived, after the pre-roll', () => {
    const { p, played, step } = run(20, 0);
    expect(p.dropouts).toBe(0);
    expect(p.driftFrames).toBe(0);
    const first = played.findIndex((v) => v !== 0);
    // the first frame played is frame 1 (frame 0 is sin 0 = 0)
    let wrong = 0;
    for (let i = 0; i < 48000 * 15; i++) if (played[first + i] !== Math.fround(Math.sin((i + 1) * step) * 0.5)) wrong++;
    expect(wrong).toBe(0);
  });

  for (const ppm of [150, -150]) {
    it(`keeps its fill steady when the mixer's clock runs ${ppm > 0 ? 'fast' : 'slow'} by ${Math.abs(ppm)} ppm, without clicks`, () => {
      const { p, played, fills, step } = run(600, ppm);
      expect(p.dropouts).toBe(0);
      // 150 ppm of ten minutes is 4320 frames (90 ms) of drift: most of it taken out
      expect(Math.sign(p.driftFrames)).toBe(Math.sign(ppm));
      expect(Math.abs(p.driftFrames)).toBeGreaterThan(3000);
      // the fill ends near the pre-roll (4800 frames) instead of 4320 frames off
      const late = fills.slice(-Math.round((RATE * 60) / BLOCK));
      expect(Math.max(...late)).toBeLessThan(4800 + 0.02 * RATE + 1500);
      expect(Math.min(...late)).toBeGreaterThan(4800 - 0.02 * RATE - 1500);
      // no step bigger than the sine's own largest step (plus a little): the edits are smooth
      const maxStep = 0.5 * step * 1.05;
      let worst = 0;
      const first = played.findIndex((v) => v !== 0);
      for (let i = first + 1; i < played.length; i++) worst = Math.max(worst, Math.abs(played[i] - played[i - 1]));
      expect(worst).toBeLessThan(maxStep);
    });
  }

  it('a dropout grows the pre-roll by 50 ms, up to half a second', () => {
    const p = new ListenPlayer(RATE);
    const out = new Float32Array(BLOCK * 2);
    for (let k = 0; k < 12; k++) {
      while (p.buffered() < p.preroll) p.put(0.1, 0.1, 0);
      p.pull(out); // starts
      const before = p.dropouts;
      while (p.dropouts === before) p.pull(out); // plays until it starves: a dropout
    }
    expect(p.dropouts).toBe(12);
    expect(p.preroll).toBe(RATE * 0.5);
  });
});
