import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DirectFeed } from '../../src/engine/direct-feed.js';
import { createBlockOutput, renderBlock } from '../../src/engine/graph.js';
import { compilePlan } from '../../src/engine/plan.js';
import { SessionEditor } from '../../src/session/editor.js';
import { tmpDir, writeFloatSignal24 } from '../helpers/wav-bytes.js';

const N = 48000;

/** Left channel of the mix over [from, to), the track hard left so L = signal × gains. */
function renderLeft(ed: SessionEditor, from: number, to: number): Float32Array {
  const plan = compilePlan(ed.doc, ed.media, { blockSize: 512 });
  const feed = new DirectFeed();
  feed.setPlan(plan);
  const out = createBlockOutput(512);
  const res = new Float32Array(to - from);
  for (let p = from; p < to; p += 512) {
    const n = Math.min(512, to - p);
    renderBlock(plan, feed, p, n, out);
    res.set(out.master[0].subarray(0, n), p - from);
  }
  feed.close();
  return res;
}

/** Two clips cut at 1 s on one track, from files of constant 0.5 or silence. */
function cut(leftLoud: boolean) {
  const dir = tmpDir();
  fs.mkdirSync(path.join(dir, 'media'));
  const half = new Float32Array(N * 2).fill(0.5);
  const zero = new Float32Array(N * 2);
  const a = writeFloatSignal24(path.join(dir, 'media'), 'a.wav', [leftLoud ? half : zero]);
  const b = writeFloatSignal24(path.join(dir, 'media'), 'b.wav', [leftLoud ? zero : half]);
  const ed = SessionEditor.create(path.join(dir, 's.dub'));
  ed.execute('track add D dialogue');
  ed.execute('pan D L100');
  ed.execute(`import ${a} D`);
  ed.execute(`clip trim c2 end ${N}`);
  ed.execute(`import ${b} D at ${N}`);
  ed.execute(`clip trim c3 start +${N / 2}`); // the right clip starts half a second into its file: handles
  ed.execute(`clip move c3 ${N}`);
  return ed;
}

describe('crossfades', () => {
  for (const law of ['power', 'gain'] as const) {
    it(`a ${law} crossfade: the two fades are exact complements${law === 'power' ? ' in power' : ''}`, () => {
      const L = 4800;
      const gains = [true, false].map((leftLoud) => {
        const ed = cut(leftLoud);
        ed.execute(`clip xfade c2 c3 ${L} ${law}`);
        const [a, b] = ed.doc.clips;
        expect([a.position, a.length]).toEqual([0, N + L / 2]); // runs on by half the fade
        expect([b.position, b.sourceStart]).toEqual([N - L / 2, N / 2 - L / 2]); // starts half earlier
        return renderLeft(ed, N - L / 2, N + L / 2).map((v) => v / 0.5);
      });
      const [out, inn] = gains;
      for (let i = 0; i < L; i++) {
        const sum = law === 'power' ? out[i] ** 2 + inn[i] ** 2 : out[i] + inn[i];
        expect(Math.abs(sum - 1)).toBeLessThan(2e-6);
      }
      expect(inn[0]).toBe(0);
      expect(out[0]).toBeCloseTo(1, 6);
    });
  }
  it('refuses a crossfade the media cannot cover, and clips that do not meet', () => {
    const ed = cut(true);
    expect(() => ed.execute(`clip xfade c2 c3 ${N * 2}`)).toThrow(/handle|past the end/);
    ed.execute('clip move c3 +1f');
    expect(() => ed.execute('clip xfade c2 c3 10f')).toThrow(/do not meet/);
  });
});
