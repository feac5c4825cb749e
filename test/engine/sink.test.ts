import { describe, expect, it } from 'vitest';
import { NullSink } from '../../src/engine/sink.js';

describe('null sink', () => {
  it('asks for exactly the blocks the clock says are due', () => {
    let now = 1000;
    const sink = new NullSink({ kind: 'null', name: 'null' }, 48000, 512, () => now);
    let pulls = 0;
    sink.start(() => pulls++, { timer: false });
    expect(sink.tick()).toBe(0);
    now += 10; // 480 frames: not a whole block yet
    expect(sink.tick()).toBe(0);
    now += 1; // 528 frames
    expect(sink.tick()).toBe(1);
    // a timer that fires every 4 ms for two seconds: 93.75 blocks a second
    for (let t = 1012; t <= 2000; t += 4) {
      now = t;
      sink.tick();
    }
    expect(pulls).toBe(93);
    for (let t = 2004; t <= 3000; t += 4) {
      now = t;
      sink.tick();
    }
    expect(pulls).toBe(187);
    expect(sink.lateBlocks).toBe(0);
  });

  it('after a stall it catches up at most 8 blocks and counts the rest as late', () => {
    let now = 0;
    const sink = new NullSink({ kind: 'null', name: 'null' }, 48000, 512, () => now);
    let pulls = 0;
    sink.start(() => pulls++, { timer: false });
    now = 500; // 46 blocks due at once
    expect(sink.tick()).toBe(8);
    expect(sink.lateBlocks).toBe(38);
    now = 510;
    expect(sink.tick()).toBe(1); // keeps real-time pace from there
  });
});
