// Entry point of the engine process (forked by engine-client). Owns the render loop and the
// output stream; its stdout/stderr are captured by the parent (PortAudio prints to fd 1).
import { Engine } from './engine.js';
import { MonitorServer } from './monitor.js';
import { listDevices, PortAudioSink } from './portaudio.js';
import type { FromEngine, ToEngine } from './protocol.js';
import { NullSink, type Sink } from './sink.js';

let engine: Engine | null = null;
let sink: Sink | null = null;
let statusTimer: NodeJS.Timeout | null = null;
let monitor: MonitorServer | null = null;

function send(msg: FromEngine): void {
  if (process.connected) process.send!(msg);
}

async function openSink(init: { sampleRate: number; blockSize: number; deviceId?: number; noDevice?: boolean }): Promise<Sink> {
  if (init.noDevice) return new NullSink({ kind: 'null', name: 'null sink', reason: 'no device requested' }, init.sampleRate, init.blockSize);
  try {
    return await PortAudioSink.open({
      sampleRate: init.sampleRate, blockSize: init.blockSize, deviceId: init.deviceId,
      onError: (message) => send({ t: 'error', message }),
    });
  } catch (e) {
    return new NullSink({ kind: 'null', name: 'null sink', reason: (e as Error).message }, init.sampleRate, init.blockSize);
  }
}

async function handle(msg: ToEngine): Promise<void> {
  switch (msg.t) {
    case 'init': {
      const { init } = msg;
      engine = new Engine({ blockSize: init.blockSize, sampleRate: init.sampleRate });
      sink = await openSink(init);
      engine.setLatency(sink.latencyFrames);
      const e = engine;
      send({ t: 'ready', sink: sink.info, latencyFrames: sink.latencyFrames });
      if (init.monitor) {
        monitor = new MonitorServer({ sampleRate: init.sampleRate, blockSize: init.blockSize, port: init.monitorPort });
        try {
          const port = await monitor.start(init.monitorBind);
          const m = monitor;
          e.onBlock = (out, position, jump) => m.push(out, position, jump);
          send({ t: 'monitor', url: m.url, tunnel: m.tunnelHint, port });
        } catch (err) {
          send({ t: 'error', message: `remote monitor not started: ${(err as Error).message}` });
          monitor = null;
        }
      }
      sink.start((out) => e.pull(out));
      const rate = init.statusRate ?? 30;
      let quiet = 0;
      statusTimer = setInterval(() => {
        if (sink instanceof NullSink) e.late = sink.lateBlocks;
        const snap = e.snapshot();
        // Idle and silent: a status every half second is enough.
        const idle = !snap.rolling && snap.transport !== 'locating';
        if (idle && ++quiet % Math.max(1, Math.round(rate / 2)) !== 0) return;
        send({ t: 'status', snap });
      }, 1000 / rate);
      return;
    }
    case 'session':
      try {
        engine?.setSession(msg.doc, msg.baseDir);
      } catch (e) {
        send({ t: 'error', message: (e as Error).message });
      }
      return;
    case 'play':
      engine?.play();
      return;
    case 'stop':
      engine?.stop();
      return;
    case 'toggle':
      engine?.toggle();
      return;
    case 'locate':
      engine?.locate(msg.position);
      return;
    case 'loop':
      engine?.setLoop(msg.loop);
      return;
    case 'devices':
      try {
        send({ t: 'devices', rows: await listDevices() });
      } catch (e) {
        send({ t: 'devices', rows: [], error: (e as Error).message });
      }
      return;
    case 'quit':
      await shutdown(0);
  }
}

async function shutdown(code: number): Promise<void> {
  if (statusTimer) clearInterval(statusTimer);
  await sink?.close();
  await monitor?.close();
  engine?.close();
  process.exit(code);
}

process.on('message', (m) => {
  handle(m as ToEngine).catch((e) => send({ t: 'error', message: (e as Error).message }));
});
process.on('disconnect', () => void shutdown(0));
