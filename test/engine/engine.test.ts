import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { renderSession } from '../../src/engine/offline-render.js';
import { WavReader } from '../../src/io/wav-reader.js';
import { SessionEditor } from '../../src/session/editor.js';
import { quantize24, sine, tmpDir, writeFloatSignal24 } from '../helpers/wav-bytes.js';

const BLOCK = 512;

function scene() {
  const dir = tmpDir();
  fs.mkdirSync(path.join(dir, 'media'));
  const a = writeFloatSignal24(path.join(dir, 'media'), 'a.wav', [quantize24(sine(440, 0.4, 48000 * 3))]);
  const b = writeFloatSignal24(path.join(dir, 'media'), 'b.wav', [quantize24(sine(220, 0.3, 48000 * 2)), quantize24(sine(330, 0.3, 48000 * 2))]);
  const ed = SessionEditor.create(path.join(dir, 's.dub'));
  ed.execute('track add D dialogue');
  ed.execute('track add M music');
  ed.execute(`import ${a} D at 01:00:00:05`);
  ed.execute(`import ${b} M at 01:00:01:00`);
  ed.execute('clip fade c3 in 10f');
  ed.execute('pan D L40');
  return { dir, ed };
}

/** Drives the engine block by block; between blocks the disk reads are allowed to land. */
async function play(engine: Engine, blocks: number, onBlock?: (i: number) => void): Promise<Float32Array[]> {
  const out = new Float32Array(BLOCK * 2);
  const left = new Float32Array(blocks * BLOCK);
  const right = new Float32Array(blocks * BLOCK);
  engine.play();
  for (let i = 0; i < blocks; ) {
    await engine.whenStreamed();
    const rolling = engine.transport === 'rolling' || (engine.transport === 'locating');
    engine.pull(out);
    if (engine.transport === 'rolling' && rolling) {
      for (let k = 0; k < BLOCK; k++) {
        left[i * BLOCK + k] = out[2 * k];
        right[i * BLOCK + k] = out[2 * k + 1];
      }
      onBlock?.(i);
      i++;
    }
  }
  return [left, right];
}

function readFloat(file: string, frames: number) {
  const r = WavReader.open(file);
  const out = [new Float32Array(frames), new Float32Array(frames)];
  r.readFrames(0, frames, [0, 1], out);
  r.close();
  return out;
}

describe('real-time engine', () => {
  it('plays the same samples as the offline render, block for block', async () => {
    const { dir, ed } = scene();
    const blocks = Math.ceil((48000 * 3 + 9600) / BLOCK);
    const engine = new Engine({ blockSize: BLOCK, sampleRate: 48000, aheadFrames: 48000 });
    engine.setSession(ed.doc, ed.media.baseDir);
    const [l, r] = await play(engine, blocks);
    expect(engine.underruns).toBe(0);
    engine.close();
    await renderSession(ed.doc, ed.media, { outDir: path.join(dir, 'out'), encoding: 'float32', blockSize: BLOCK });
    const [ol, or] = readFloat(path.join(dir, 'out', 's_MIX.wav'), blocks * BLOCK);
    expect(l).toEqual(ol);
    expect(r).toEqual(or);
  });

  it('with a stem soloed, plays that stem as the render prints it; the master meter still reads the master', async () => {
    const { dir, ed } = scene();
    ed.execute('bus solo M');
    expect(ed.doc.buses.find((b) => b.id === 'M')!.solo).toBe(true);
    const blocks = Math.ceil((48000 * 3 + 9600) / BLOCK);
    const engine = new Engine({ blockSize: BLOCK, sampleRate: 48000, aheadFrames: 48000 });
    engine.setSession(ed.doc, ed.media.baseDir);
    const [l, r] = await play(engine, blocks);
    const snap = engine.snapshot();
    engine.close();
    await renderSession(ed.doc, ed.media, { outDir: path.join(dir, 'out'), encoding: 'float32', blockSize: BLOCK });
    const [ml, mr] = readFloat(path.join(dir, 'out', 's_MX.wav'), blocks * BLOCK);
    expect(l).toEqual(ml);
    expect(r).toEqual(mr);
    // the render is not changed by a monitoring solo: the mix still has the dialogue
    const [mixL] = readFloat(path.join(dir, 'out', 's_MIX.wav'), blocks * BLOCK);
    expect(mixL.some((v, i) => Math.abs(v - ml[i]) > 0.01)).toBe(true);
    const master = snap.buses.find((b) => b.id === 'master')!;
    const music = snap.buses.find((b) => b.id === 'M')!;
    expect(master.left.peak).toBeGreaterThan(music.left.peak + 1); // the dialogue (panned left) is in it
    ed.execute('bus solo M off');
    expect(ed.doc.buses.find((b) => b.id === 'M')!.solo).toBeUndefined();
    expect(() => ed.execute('bus solo master')).toThrow(/solo is for a stem/);
  });

  it('counts an underrun and plays silence when the disk has not delivered', async () => {
    const { ed } = scene();
    const engine = new Engine({ blockSize: BLOCK, sampleRate: 48000, aheadFrames: 48000 });
    engine.setSession(ed.doc, ed.media.baseDir);
    const out = new Float32Array(BLOCK * 2);
    engine.play();
    await engine.whenStreamed();
    engine.pull(out); // locating -> rolling
    expect(engine.transport).toBe('rolling');
    // Pull 200 blocks (2.1 s) without letting any read land: the 1 s windows run dry.
    let under = 0;
    for (let i = 0; i < 200; i++) {
      engine.pull(out);
      under = engine.underruns;
    }
    expect(under).toBeGreaterThan(0);
    const before = engine.underruns;
    engine.pull(out);
    expect(out.every((v) => v === 0)).toBe(true);
    expect(engine.underruns).toBe(before + 2); // both tracks' clips, at 2.1 s
    // Once the reads land, playback goes on from where the playhead is.
    await engine.whenStreamed();
    const settled = engine.underruns;
    engine.pull(out);
    expect(engine.underruns).toBe(settled);
    expect(out.some((v) => v !== 0)).toBe(true);
    engine.close();
  });

  it('locates in quick succession while rolling keep rolling, from the last target; toggle during one stops', async () => {
    const { ed } = scene();
    const engine = new Engine({ blockSize: BLOCK, sampleRate: 48000, aheadFrames: 48000 });
    engine.setSession(ed.doc, ed.media.baseDir);
    const out = new Float32Array(BLOCK * 2);
    const settle = async () => {
      for (let i = 0; i < 20 && engine.transport !== 'rolling' && engine.transport !== 'stopped'; i++) {
        await engine.whenStreamed();
        engine.pull(out);
      }
    };
    const heard: number[] = [];
    engine.onBlock = (_o, position, jump, silent) => {
      if (!silent && jump) heard.push(position);
    };
    engine.play();
    await settle();
    expect(engine.transport).toBe('rolling');
    // three nudges before the engine renders another block (keys typed ahead over SSH)
    engine.locate(48000);
    engine.locate(52000);
    engine.locate(56000);
    expect(engine.transport).toBe('stopping'); // declicking first
    await settle();
    expect(engine.transport).toBe('rolling');
    expect(heard).toEqual([0, 56000]); // the start, then the last target only
    engine.onBlock = null;
    // a locate during the declick of a plain stop stays stopped
    engine.stop();
    engine.locate(10000);
    await settle();
    expect(engine.transport).toBe('stopped');
    expect(engine.playhead).toBe(10000);
    // space right after a locate while rolling stops
    engine.play();
    await settle();
    engine.locate(20000);
    engine.toggle();
    await settle();
    expect(engine.transport).toBe('stopped');
    expect(engine.playhead).toBe(20000);
    engine.close();
  });

  it('an edit while playing ramps in within one block, with no step at the swap', async () => {
    const { ed } = scene();
    const engine = new Engine({ blockSize: BLOCK, sampleRate: 48000, aheadFrames: 48000 });
    engine.setSession(ed.doc, ed.media.baseDir);
    const [l] = await play(engine, 200, (i) => {
      if (i === 100) {
        ed.execute('mute D');
        engine.setSession(ed.doc, ed.media.baseDir);
      }
    });
    // block 101 ramps the dialogue out; from block 102 only music is left on the left side
    let maxStep = 0;
    for (let k = 101 * BLOCK; k < 102 * BLOCK; k++) maxStep = Math.max(maxStep, Math.abs(l[k] - l[k - 1]));
    expect(maxStep).toBeLessThan(0.05); // a 440 Hz sine at 0.4 moves at most 0.023 a sample
    const withoutD = await (async () => {
      ed.execute('undo');
      ed.execute('mute D on');
      const e2 = new Engine({ blockSize: BLOCK, sampleRate: 48000, aheadFrames: 48000 });
      e2.setSession(ed.doc, ed.media.baseDir);
      const [x] = await play(e2, 200);
      e2.close();
      return x;
    })();
    expect(l.subarray(102 * BLOCK)).toEqual(withoutD.subarray(102 * BLOCK));
    engine.close();
  });

  it('locates, loops and stops with a declick', async () => {
    const { ed } = scene();
    const engine = new Engine({ blockSize: BLOCK, sampleRate: 48000, aheadFrames: 48000 });
    engine.setSession(ed.doc, ed.media.baseDir);
    engine.setLoop({ start: 48000, end: 48000 + 20 * BLOCK });
    engine.locate(48000);
    await engine.whenStreamed();
    const out = new Float32Array(BLOCK * 2);
    engine.pull(out);
    expect(engine.transport).toBe('stopped');
    expect(engine.playhead).toBe(48000);
    engine.play();
    const positions: number[] = [];
    for (let i = 0; i < 45; i++) {
      await engine.whenStreamed();
      engine.pull(out);
      positions.push(engine.playhead);
    }
    expect(Math.max(...positions)).toBeLessThanOrEqual(48000 + 20 * BLOCK);
    expect(positions.filter((p) => p === 48000 + BLOCK).length).toBeGreaterThanOrEqual(2); // wrapped
    engine.stop();
    engine.pull(out);
    expect(engine.transport).toBe('stopped');
    // the declick block fades to zero
    expect(Math.abs(out[2 * (BLOCK - 1)])).toBeLessThan(0.01);
    engine.close();
  });
});
