// The shared ring between the render loop and the monitor worker.
import { describe, expect, it } from 'vitest';
import { BlockRingReader, BlockRingWriter, createBlockRing, RING_DISCONTINUITY, RING_SILENT } from '../../src/engine/block-ring.js';

describe('block ring', () => {
  it('hands every block over in order, with its position and flags', async () => {
    const ring = createBlockRing(4, 8);
    const w = new BlockRingWriter(ring);
    const r = new BlockRingReader(ring);
    const got: [number, number, number][] = [];
    const done = r.run((out, position, flags) => {
      got.push([out[0], position, flags]);
      if (got.length === 5) w.stop();
    });
    for (let i = 0; i < 5; i++) {
      w.write(new Float32Array(4).fill(i), i * 512, i === 3 ? RING_SILENT : 0);
      await new Promise((res) => setImmediate(res));
    }
    await done;
    expect(got).toEqual([[0, 0, 0], [1, 512, 0], [2, 1024, 0], [3, 1536, RING_SILENT], [4, 2048, 0]]);
  });

  it('a reader that falls a ring behind skips to the newest blocks and marks the jump', async () => {
    const ring = createBlockRing(2, 8);
    const w = new BlockRingWriter(ring);
    const r = new BlockRingReader(ring);
    // the writer never waits: 20 blocks before the reader runs at all
    for (let i = 0; i < 20; i++) w.write(new Float32Array(2).fill(i), i, 0);
    const got: [number, number][] = [];
    const done = r.run((out, _p, flags) => {
      got.push([out[0], flags]);
      if (out[0] === 19) w.stop();
    });
    await done;
    expect(got.map((g) => g[0])).toEqual([14, 15, 16, 17, 18, 19]);
    expect(got[0][1]).toBe(RING_DISCONTINUITY);
    expect(got.slice(1).every((g) => g[1] === 0)).toBe(true);
    expect(r.skipped).toBe(14);
  });

  it('refuses a slot count that is not a power of two', () => {
    expect(() => createBlockRing(2, 12)).toThrow(/power of two/);
  });
});
