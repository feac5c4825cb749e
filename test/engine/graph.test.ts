import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DirectFeed } from '../../src/engine/direct-feed.js';
import { createBlockOutput, renderBlock, type BlockOutput } from '../../src/engine/graph.js';
import { compilePlan, inheritGains, type RenderPlan } from '../../src/engine/plan.js';
import { SessionEditor } from '../../src/session/editor.js';
import { quantize24, sine, tmpDir, writeFloatSignal24 } from '../helpers/wav-bytes.js';

const N = 48000;
const tone = quantize24(sine(1000, 0.5, N));
const low = quantize24(sine(110, 0.25, N));

function session() {
  const dir = tmpDir();
  fs.mkdirSync(path.join(dir, 'media'));
  const a = writeFloatSignal24(path.join(dir, 'media'), 'tone.wav', [tone]);
  const b = writeFloatSignal24(path.join(dir, 'media'), 'low.wav', [low, tone]);
  const ed = SessionEditor.create(path.join(dir, 's.dub'));
  ed.execute('track add DIA dialogue');
  ed.execute('track add MUS music');
  ed.execute('track add FX sfx');
  ed.execute('track add GUIDE reference');
  return { ed, a, b };
}

/** Renders [from, to) block by block and returns the outputs concatenated. */
function render(ed: SessionEditor, from: number, to: number, blockSize: number, plan?: RenderPlan) {
  const p = plan ?? compilePlan(ed.doc, ed.media, { blockSize });
  const feed = new DirectFeed();
  feed.setPlan(p);
  const out = createBlockOutput(blockSize);
  const len = to - from;
  const res = { master: [new Float32Array(len), new Float32Array(len)], stems: [0, 1, 2].map(() => [new Float32Array(len), new Float32Array(len)]), ref: [new Float32Array(len), new Float32Array(len)] };
  for (let pos = from; pos < to; pos += blockSize) {
    const n = Math.min(blockSize, to - pos);
    renderBlock(p, feed, pos, n, out);
    copy(out, res, pos - from, n);
  }
  feed.close();
  return res;
}

function copy(out: BlockOutput, res: ReturnType<typeof render>, at: number, n: number) {
  for (let c = 0; c < 2; c++) {
    res.master[c].set(out.master[c].subarray(0, n), at);
    res.ref[c].set(out.reference[c].subarray(0, n), at);
    for (let s = 0; s < 3; s++) res.stems[s][c].set(out.stems[s][c].subarray(0, n), at);
  }
}

function expectClose(actual: Float32Array, expected: (i: number) => number, tol = 1e-6) {
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected(i)));
  expect(worst).toBeLessThan(tol);
}

describe('mix graph', () => {
  it('a mono clip through clip gain, fader and constant-power pan lands on its stem', () => {
    const { ed, a } = session();
    ed.execute(`import ${a} DIA at 01:00:00:10`); // 10 frames = 19200 samples
    ed.execute('clip gain c5 -6');
    ed.execute('gain DIA -3');
    ed.execute('pan DIA L50');
    const r = render(ed, 0, 19200 + N, 512);
    const g = 10 ** (-9 / 20);
    const ang = ((-0.5 + 1) * Math.PI) / 4;
    const x = (i: number) => (i < 19200 ? 0 : tone[i - 19200]);
    expectClose(r.stems[0][0], (i) => x(i) * g * Math.cos(ang));
    expectClose(r.stems[0][1], (i) => x(i) * g * Math.sin(ang));
    expectClose(r.master[0], (i) => x(i) * g * Math.cos(ang));
    expect(r.stems[1][0].every((v) => v === 0)).toBe(true);
  });

  it('centre pan is -3 dB on each side', () => {
    const { ed, a } = session();
    ed.execute(`import ${a} DIA`);
    const r = render(ed, 0, 1000, 512);
    expectClose(r.master[0], (i) => tone[i] * Math.SQRT1_2);
    expectClose(r.master[1], (i) => tone[i] * Math.SQRT1_2);
  });

  it('stems sum to the master, and the M&E is what it should be', () => {
    const { ed, a, b } = session();
    ed.execute(`import ${a} DIA`);
    ed.execute(`import ${b} MUS at 01:00:00:05`);
    ed.execute(`import ${a} FX at 01:00:00:12`);
    ed.execute('bus gain M -4');
    ed.execute('bus gain master -1');
    const r = render(ed, 0, N + 24000, 512);
    for (let c = 0; c < 2; c++) {
      expectClose(r.master[c], (i) => r.stems[0][c][i] + r.stems[1][c][i] + r.stems[2][c][i], 1e-7);
    }
    // music: a stereo clip (balance at centre is unity), then the M bus and the master fader
    const gm = 10 ** (-5 / 20);
    expectClose(r.stems[1][0], (i) => (i >= 9600 && i < 9600 + N ? low[i - 9600] * gm : 0));
    expectClose(r.stems[1][1], (i) => (i >= 9600 && i < 9600 + N ? tone[i - 9600] * gm : 0));
  });

  it('solo in place silences the other tracks; mute silences a track', () => {
    const { ed, a, b } = session();
    ed.execute(`import ${a} DIA`);
    ed.execute(`import ${b} MUS`);
    ed.execute('solo MUS');
    let r = render(ed, 0, 2048, 512);
    expect(r.stems[0][0].every((v) => v === 0)).toBe(true);
    expect(r.stems[1][0].some((v) => v !== 0)).toBe(true);
    ed.execute('solo MUS off');
    ed.execute('mute MUS');
    r = render(ed, 0, 2048, 512);
    expect(r.stems[1][0].every((v) => v === 0)).toBe(true);
    expect(r.stems[0][0].some((v) => v !== 0)).toBe(true);
  });

  it('a reference track is heard on the monitor bus, never in a stem or the master', () => {
    const { ed, a } = session();
    ed.execute(`import ${a} GUIDE`);
    const r = render(ed, 0, 2048, 512);
    expect(r.master[0].every((v) => v === 0)).toBe(true);
    expectClose(r.ref[0], (i) => tone[i] * Math.SQRT1_2);
  });

  it('fades follow their curves sample by sample', () => {
    const { ed, a } = session();
    ed.execute(`import ${a} DIA`);
    ed.execute('clip fade c5 in 1000 linear');
    ed.execute('clip fade c5 out 2000 equal-power');
    ed.execute('pan DIA L100');
    const r = render(ed, 0, N, 512);
    expectClose(r.master[0], (i) => {
      let g = 1;
      if (i < 1000) g *= i / 1000;
      if (i >= N - 2000) g *= Math.sin((((N - i) / 2000) * Math.PI) / 2);
      return tone[i] * g;
    });
  });

  it('renders the same samples whatever the block size', () => {
    const { ed, a, b } = session();
    ed.execute(`import ${a} DIA at 01:00:00:03`);
    ed.execute(`import ${b} MUS at 01:00:00:07`);
    ed.execute('clip fade c5 in 333 s-curve');
    const x = render(ed, 0, N + 20000, 512);
    const y = render(ed, 0, N + 20000, 4096);
    const z = render(ed, 0, N + 20000, 97);
    expect(y.master[0]).toEqual(x.master[0]);
    expect(z.master[1]).toEqual(x.master[1]);
  });

  it('a plan swap ramps from the old gains to the new across one block: no step', () => {
    const { ed, a } = session();
    ed.execute(`import ${a} DIA`);
    const blockSize = 256;
    const before = compilePlan(ed.doc, ed.media, { blockSize });
    const feed = new DirectFeed();
    feed.setPlan(before);
    const out = createBlockOutput(blockSize);
    renderBlock(before, feed, 0, blockSize, out);
    ed.execute('mute DIA');
    const after = compilePlan(ed.doc, ed.media, { blockSize });
    inheritGains(after, before);
    feed.setPlan(after);
    renderBlock(after, feed, blockSize, blockSize, out);
    const g0 = Math.SQRT1_2;
    for (let i = 0; i < blockSize; i++) {
      const g = g0 + ((0 - g0) * (i + 1)) / blockSize;
      expect(out.master[0][i]).toBeCloseTo(tone[blockSize + i] * g, 6);
    }
    renderBlock(after, feed, 2 * blockSize, blockSize, out);
    expect(out.master[0].every((v) => v === 0)).toBe(true);
    feed.close();
  });

  it('offline clips are left out of the plan and reported', () => {
    const { ed, a } = session();
    ed.execute(`import ${a} DIA`);
    fs.rmSync(a);
    ed.media.refresh();
    const plan = compilePlan(ed.doc, ed.media, { blockSize: 512 });
    expect(plan.offline).toEqual([{ clip: 'c5', reason: expect.stringMatching(/tone\.wav: file not found/) }]);
    expect(plan.tracks[0].clips).toHaveLength(0);
  });
});
