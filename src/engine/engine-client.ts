// The UI's handle on the engine process: forks it with stdout/stderr captured to a log file,
// sends it the session and transport commands, and keeps the latest status as a plain store
// (subscribe / getSnapshot, for useSyncExternalStore). If the engine dies, the client says so,
// starts a new one, and restores the session and the playhead; the UI and its edits live on.
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Session } from '../session/schema.js';
import type { EngineSnapshot, LoopRange } from './engine.js';
import type { DeviceRow } from './portaudio.js';
import type { EngineInit, FromEngine, MonitorStatus, ToEngine } from './protocol.js';
import type { SinkInfo } from './sink.js';

export interface EngineView {
  connected: boolean;
  sink: SinkInfo | null;
  latencyFrames: number;
  snap: EngineSnapshot | null;
  /** the latest error or notice from the engine, for the status line */
  message: string;
  restarts: number;
  /** the remote monitor's stream URL and the ssh line to reach it, when serving */
  monitor: { url: string; tunnel: string; notice?: string } | null;
  /** the remote monitor's listeners and their latency, with each status */
  monitorStatus: MonitorStatus | null;
}

export function defaultLogDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'dubstage');
}

/**
 * The engine's entry point, compiled. Under the test runner this module runs from src/ as
 * TypeScript; the engine process always runs the built JavaScript (npm test builds first).
 */
const ENGINE_MAIN = import.meta.url.endsWith('.ts')
  ? new URL('../../dist/src/engine/engine-main.js', import.meta.url)
  : new URL('./engine-main.js', import.meta.url);

/**
 * Lists PortAudio's devices from a short-lived engine process (naudiodon prints to fd 1 when it
 * loads, which must not reach a --json consumer).
 */
export function queryDevices(opts: { env?: NodeJS.ProcessEnv; logDir?: string } = {}): Promise<{ rows: DeviceRow[]; error?: string }> {
  const dir = opts.logDir ?? defaultLogDir();
  fs.mkdirSync(dir, { recursive: true });
  const log = fs.openSync(path.join(dir, 'engine.log'), 'a');
  const child = fork(ENGINE_MAIN, [], { stdio: ['ignore', log, log, 'ipc'], cwd: dir, env: opts.env ?? process.env });
  return new Promise((resolve, reject) => {
    child.on('message', (m: FromEngine) => {
      if (m.t === 'devices') {
        resolve({ rows: m.rows, error: m.error });
        child.send({ t: 'quit' });
      }
    });
    child.on('exit', (code) => {
      fs.closeSync(log);
      reject(new Error(`the engine process exited (${code}) before listing devices; see ${path.join(dir, 'engine.log')}`));
    });
    child.send({ t: 'devices' } satisfies ToEngine);
  });
}

export class EngineClient {
  private child: ChildProcess | null = null;
  private view: EngineView = { connected: false, sink: null, latencyFrames: 0, snap: null, message: '', restarts: 0, monitor: null, monitorStatus: null };
  private following: boolean | null = null;
  private listeners = new Set<() => void>();
  private doc: { doc: Session; baseDir: string } | null = null;
  private loop: LoopRange | null = null;
  private closing = false;
  readonly logFile: string;
  private log: fs.WriteStream;

  private readonly env: NodeJS.ProcessEnv;

  constructor(
    private readonly init: EngineInit,
    opts: { logDir?: string; env?: NodeJS.ProcessEnv } = {},
  ) {
    this.env = opts.env ?? process.env;
    const dir = opts.logDir ?? defaultLogDir();
    fs.mkdirSync(dir, { recursive: true });
    this.logFile = path.join(dir, 'engine.log');
    this.log = fs.createWriteStream(this.logFile, { flags: 'a' });
  }

  start(): void {
    this.log.write(`--- engine start ${new Date().toISOString()} ---\n`);
    const child = fork(ENGINE_MAIN, [], {
      // PortAudio and ALSA print to fd 1 and 2; naudiodon's crash handler writes crash.log in
      // the working folder: all of it goes to the log folder, never to the user's screen.
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      cwd: path.dirname(this.logFile),
      env: this.env,
    });
    child.stdout!.pipe(this.log, { end: false });
    child.stderr!.pipe(this.log, { end: false });
    child.on('message', (m) => this.onMessage(m as FromEngine));
    child.on('exit', (code, signal) => this.onExit(child, code, signal));
    this.child = child;
    this.send({ t: 'init', init: this.init });
    if (this.doc) this.send({ t: 'session', ...this.doc });
    if (this.loop) this.send({ t: 'loop', loop: this.loop });
    if (this.following !== null) this.send({ t: 'follow', on: this.following });
  }

  /** Offset the playhead and meters by the remote listener's latency, or show the engine's own. */
  follow(on: boolean): void {
    this.following = on;
    this.send({ t: 'follow', on });
  }

  private onMessage(m: FromEngine): void {
    switch (m.t) {
      case 'ready':
        this.update({ connected: true, sink: m.sink, latencyFrames: m.latencyFrames });
        return;
      case 'status':
        this.update({ snap: m.snap, monitorStatus: m.monitor ?? null });
        return;
      case 'error':
        this.log.write(`error: ${m.message}\n`);
        this.update({ message: m.message });
        return;
      case 'monitor':
        // a restarted engine serves on the same port (the listener's tunnel stays valid)
        this.init.monitorPort = m.port;
        this.update({ monitor: { url: m.url, tunnel: m.tunnel, notice: m.notice } });
        return;
      case 'devices':
        return; // answered by queryDevices' own process
    }
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child) return;
    this.child = null;
    if (this.closing) return;
    const why = signal ? `signal ${signal}` : `exit code ${code}`;
    this.log.write(`engine died (${why})\n`);
    const position = this.view.snap?.position ?? 0;
    this.update({ connected: false, monitor: null, monitorStatus: null, message: `audio engine crashed (${why}); restarting — see ${this.logFile}`, restarts: this.view.restarts + 1 });
    setTimeout(() => {
      if (this.closing) return;
      this.start();
      this.locate(position);
    }, 300);
  }

  private update(patch: Partial<EngineView>): void {
    this.view = { ...this.view, ...patch };
    for (const l of this.listeners) l();
  }

  private send(msg: ToEngine): void {
    if (this.child?.connected) this.child.send(msg);
  }

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  getSnapshot = (): EngineView => this.view;

  setSession(doc: Session, baseDir: string): void {
    this.doc = { doc, baseDir };
    this.send({ t: 'session', doc, baseDir });
  }

  play(): void {
    this.send({ t: 'play' });
  }

  stop(): void {
    this.send({ t: 'stop' });
  }

  toggle(): void {
    this.send({ t: 'toggle' });
  }

  locate(position: number): void {
    this.send({ t: 'locate', position });
  }

  setLoop(loop: LoopRange | null): void {
    this.loop = loop;
    this.send({ t: 'loop', loop });
  }

  clearMessage(): void {
    if (this.view.message) this.update({ message: '' });
  }

  /** Kills the engine process the hard way (tests of crash recovery). */
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.child?.kill(signal);
  }

  async close(): Promise<void> {
    this.closing = true;
    const child = this.child;
    if (child && child.exitCode === null) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          child.kill('SIGKILL');
          resolve();
        }, 2000);
        child.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
        this.send({ t: 'quit' });
      });
    }
    await new Promise<void>((resolve) => this.log.end(resolve));
  }
}
