// Entry point of the engine process (forked by engine-client). Owns the render loop and the
// output stream; its stdout/stderr are captured by the parent (PortAudio prints to fd 1).
import { Engine } from './engine.js';
import { MonitorThread } from './monitor-thread.js';
import { SnapshotHistory } from './snapshot-history.js';
import { listDevices, PortAudioSink } from './portaudio.js';
import type { FromEngine, ToEngine } from './protocol.js';
import { NullSink, type Sink } from './sink.js';

let engine: Engine | null = null;
let sink: Sink | null = null;
let statusTimer: NodeJS.Timeout | null = null;
let monitor: MonitorThread | null = null;
/** offset the status by the remote listener's latency (on by default: see EngineInit) */
let follow = true;
const history = new SnapshotHistory(4000);

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
      // with no speakers here, the remote listener is what the editor hears: follow it
      follow = sink instanceof NullSink;
      const e = engine;
      send({ t: 'ready', sink: sink.info, latencyFrames: sink.latencyFrames });
      if (init.monitor) {
        try {
          monitor = await MonitorThread.start(
            { sampleRate: init.sampleRate, blockSize: init.blockSize, port: init.monitorPort, format: init.monitorFormat, bitrate: init.monitorBitrate, token: init.monitorToken },
            init.monitorBind,
            (message) => send({ t: 'error', message: `remote monitor stopped: ${message}` }),
          );
          const m = monitor;
          const masterLatency = () => e.masterLatency;
          e.onBlock = (out, position, jump, silent) => m.write(out, position - masterLatency(), jump, silent);
          send({ t: 'monitor', url: m.url, tunnel: m.tunnel, port: m.port, notice: m.notice });
        } catch (err) {
          send({ t: 'error', message: `remote monitor not started: ${(err as Error).message}` });
          monitor = null;
        }
      }
      sink.start((out) => e.pull(out));
      const rate = init.statusRate ?? 30;
      const latency = sink.latencyFrames;
      let quiet = 0;
      let lastBytes = 0;
      let lastAt = performance.now();
      statusTimer = setInterval(() => {
        if (sink instanceof NullSink) e.late = sink.lateBlocks;
        const now = performance.now();
        const snap = e.snapshot();
        // kept only for following a remote listener
        if (monitor) history.push(now, snap);
        // Idle and silent: a status every half second is enough.
        const idle = !snap.rolling && snap.transport !== 'locating';
        if (idle && ++quiet % Math.max(1, Math.round(rate / 2)) !== 0) return;
        if (!monitor) {
          send({ t: 'status', snap });
          return;
        }
        const st = monitor.stats;
        const lagMs = st.lagFrames < 0 ? -1 : Math.round((st.lagFrames / init.sampleRate) * 1000);
        const bytesPerSecond = Math.round(((st.bytes - lastBytes) * 1000) / Math.max(1, now - lastAt));
        lastBytes = st.bytes;
        lastAt = now;
        const following = follow && lagMs >= 0 && snap.rolling;
        let shown = snap;
        if (following) {
          // What the listener hears now was rendered lagMs ago: show that moment's meters, and
          // the playhead where the listener is (the snapshot already allows for the local sink).
          const then = history.at(now - lagMs) ?? snap;
          shown = { ...then, position: Math.max(0, snap.position + latency - st.lagFrames), transport: snap.transport, rolling: snap.rolling, loop: snap.loop };
        }
        send({ t: 'status', snap: shown, monitor: { listeners: st.listeners, dropped: st.dropped, lagMs, follow, following, bytesPerSecond } });
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
    case 'follow':
      follow = msg.on;
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
