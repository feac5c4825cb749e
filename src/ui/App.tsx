// The mixer screen. Session and engine are plain stores read with useSyncExternalStore; one
// key handler routes keys by priority (modal prompts first, then the keymap).
import { Box, Text, useInput, type Key } from 'ink';
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { EngineView } from '../engine/engine-client.js';
import type { EngineSnapshot, LoopRange, MeterReading } from '../engine/engine.js';
import { PeakHold } from '../dsp/meter.js';
import { clockOf } from '../session/command-line.js';
import type { SessionEditor } from '../session/editor.js';
import type { Session } from '../session/schema.js';
import { parseTime } from '../session/time-spec.js';
import { fit } from './format.js';
import { matchKey, type UiCommand } from './keymap.js';
import { BusRows, CuePanel, Header, HelpOverlay, InspectorPanel, MarkerRow, TrackRows } from './panels.js';
import { monitorHelp } from './monitor-help.js';
import { columnOf, viewAround } from './timeline.js';

/** What the UI needs from the engine (EngineClient provides it). */
export interface EngineHandle {
  subscribe(fn: () => void): () => void;
  getSnapshot(): EngineView;
  setSession(doc: Session, baseDir: string): void;
  toggle(): void;
  play(): void;
  stop(): void;
  locate(position: number): void;
  setLoop(loop: LoopRange | null): void;
  clearMessage(): void;
  /** offset the playhead and meters by the remote listener's latency */
  follow(on: boolean): void;
  readonly logFile: string;
}

export interface AppProps {
  editor: SessionEditor;
  engine: EngineHandle;
  columns: number;
  rows: number;
  onQuit: () => void;
  /** a question to ask before anything else (autosave recovery) */
  initialPrompt?: { text: string; onYes: () => void };
  notice?: string;
}

type Mode =
  | { kind: 'normal' }
  | { kind: 'help' }
  | { kind: 'text'; text: string }
  | { kind: 'command'; text: string; prefix: string }
  | { kind: 'confirm'; text: string; onYes: () => void; onNo?: () => void };

/**
 * State that key handlers read through a ref: keys typed faster than React re-renders (a
 * paste, key repeat over SSH) must see the state the previous key left, not the last render's.
 */
function useRefState<T>(initial: T): [T, (next: T | ((prev: T) => T)) => void, { current: T }] {
  const [value, setValue] = useState(initial);
  const ref = useRef(value);
  const set = (next: T | ((prev: T) => T)) => {
    ref.current = typeof next === 'function' ? (next as (prev: T) => T)(ref.current) : next;
    setValue(ref.current);
  };
  return [value, set, ref];
}

/**
 * Meter readings with each peak held for a moment and then falling, per track and per bus
 * side ("D:L"). Display state, kept by the UI; the engine sends the latest readings only.
 */
function heldMeters(holds: Map<string, PeakHold>, snap: EngineSnapshot | null): Map<string, MeterReading> {
  const out = new Map<string, MeterReading>();
  if (!snap) return out;
  const now = Date.now();
  const hold = (key: string, m: MeterReading): MeterReading => {
    let h = holds.get(key);
    if (!h) holds.set(key, (h = new PeakHold()));
    return { rms: m.rms, peak: h.update(m.peak, now, 1000 / 15) };
  };
  for (const t of snap.tracks) out.set(t.id, hold(t.id, t.meter));
  for (const b of snap.buses) {
    out.set(`${b.id}:L`, hold(`${b.id}:L`, b.left));
    out.set(`${b.id}:R`, hold(`${b.id}:R`, b.right));
  }
  return out;
}

function useEditorDoc(editor: SessionEditor) {
  const subscribe = useMemo(() => (fn: () => void) => editor.subscribe(fn), [editor]);
  return useSyncExternalStore(subscribe, () => editor.doc);
}

export function App({ editor, engine, columns, rows, onQuit, initialPrompt, notice }: AppProps) {
  const doc = useEditorDoc(editor);
  const ev = useSyncExternalStore(engine.subscribe, engine.getSnapshot);
  const [selected, setSelected, selectedRef] = useRefState(0);
  const [cue, setCue, cueRef] = useRefState(0);
  const [panel, setPanel, panelRef] = useRefState<'tracks' | 'cues'>('tracks');
  const [mode, setMode, modeRef] = useRefState<Mode>(initialPrompt ? { kind: 'confirm', text: initialPrompt.text, onYes: initialPrompt.onYes } : { kind: 'normal' });
  const [status, setStatus] = useState(notice ?? 'Press ? for keys, : for commands, space to play');
  const [loopIn, setLoopIn] = useState<number | null>(null);
  const [loopOut, setLoopOut] = useState<number | null>(null);
  const [loopOn, setLoopOn] = useState(false);
  const [inspector, setInspector] = useState(false);
  const lastCommand = useRef<string>('');
  const holds = useRef(new Map<string, PeakHold>());
  const gestureTimer = useRef<NodeJS.Timeout | null>(null);
  const clock = useMemo(() => clockOf(doc), [doc.frameRate, doc.sampleRate, doc.start]);
  const baseDir = editor.media.baseDir;

  // Every document change goes to the engine, which compiles and swaps the plan.
  useEffect(() => {
    engine.setSession(doc, baseDir);
  }, [doc, engine, baseDir]);

  useEffect(() => {
    if (ev.message) setStatus(ev.message);
  }, [ev.message]);

  useEffect(() => {
    if (!ev.monitor) return;
    if (ev.monitor.notice) return setStatus(`monitor: ${ev.monitor.notice} — :monitor for the URL`);
    // the URL when it fits whole; otherwise :monitor shows it on a line of its own
    const full = `monitor: on the laptop ${ev.monitor.tunnel}  then play ${ev.monitor.url}`;
    setStatus(full.length <= columns ? full : `monitor: ${ev.monitor.tunnel} on the laptop · :monitor for the URL`);
  }, [ev.monitor?.url]);

  useEffect(() => {
    if (ev.sink?.kind === 'null' && ev.sink.reason && ev.sink.reason !== 'no device requested' && !ev.monitor) {
      setStatus(`no audio device (${ev.sink.reason}): playing to the null sink — meters and playhead still run`);
    }
  }, [ev.sink]);

  const snap = ev.snap;
  const position = snap?.position ?? 0;
  const sessionEnd = useMemo(() => doc.clips.reduce((m, c) => Math.max(m, c.position + c.length), 0), [doc.clips]);
  const currentTrack = () => editor.doc.tracks[Math.min(selectedRef.current, editor.doc.tracks.length - 1)];

  const loop: LoopRange | null = loopOn && loopIn !== null && loopOut !== null && loopOut > loopIn ? { start: loopIn, end: loopOut } : null;
  useEffect(() => {
    engine.setLoop(loop);
  }, [loop?.start, loop?.end]);

  function edit(line: string) {
    try {
      editor.execute(line);
    } catch (e) {
      setStatus(`error: ${(e as Error).message}`);
    }
  }

  /** Repeated presses of the same key within a moment are one undo step. */
  function gestureEdit(key: string, run: () => void) {
    if (lastCommand.current !== key) editor.endGesture();
    lastCommand.current = key;
    run();
    if (gestureTimer.current) clearTimeout(gestureTimer.current);
    gestureTimer.current = setTimeout(() => {
      editor.endGesture();
      lastCommand.current = '';
    }, 800);
  }

  function quote(name: string) {
    return `"${name.replace(/"/g, '\\"')}"`;
  }

  function requestQuit() {
    if (!editor.dirty) return onQuit();
    setMode({
      kind: 'confirm',
      text: 'Unsaved edits. Save before quitting? y = save and quit · n = quit without saving · Esc = stay',
      onYes: () => {
        try {
          editor.save();
          onQuit();
        } catch (e) {
          setStatus(`error: ${(e as Error).message}`);
        }
      },
      onNo: () => onQuit(),
    });
  }

  async function runCommandLine(text: string, prefix: string) {
    const line = prefix === 'goto ' ? `goto ${text}` : text.trim();
    if (!line) return;
    const [verb, ...rest] = line.split(/\s+/);
    try {
      if (verb === 'goto' || verb === 'locate') {
        const spec = parseTime(rest.join(' '), clock);
        engine.locate(spec.relative ? position + spec.samples : spec.samples);
        setStatus(`at ${clock.positionToTimecode(spec.relative ? position + spec.samples : spec.samples)}`);
        return;
      }
      if (verb === 'play') return engine.play();
      if (verb === 'stop') return engine.stop();
      if (verb === 'q' || verb === 'quit') return requestQuit();
      if (verb === 'monitor') return setMode({ kind: 'text', text: monitorHelp(engine.getSnapshot()) });
      const r = await editor.run(line, (m) => setStatus(m));
      if (r.quit) return onQuit();
      setStatus(r.message.split('\n')[0]);
      if (r.message.includes('\n')) setMode({ kind: 'text', text: r.message });
    } catch (e) {
      setStatus(`error: ${(e as Error).message}`);
    }
  }

  // Nudges typed faster than the engine reports back build on the last target, not on the
  // position of the last status message.
  const nudge = useRef<{ target: number; at: number } | null>(null);
  function locateBy(samples: number) {
    const recent = nudge.current && Date.now() - nudge.current.at < 400 ? nudge.current.target : null;
    const target = Math.max(0, (recent ?? engine.getSnapshot().snap?.position ?? position) + samples);
    nudge.current = { target, at: Date.now() };
    engine.locate(target);
  }

  function run(cmd: UiCommand) {
    switch (cmd) {
      case 'monitor.follow': {
        const m = engine.getSnapshot().monitorStatus;
        if (!m) return setStatus('no remote monitor: start the mixer with --monitor');
        engine.follow(!m.follow);
        return setStatus(m.follow ? 'showing the engine\'s own playhead and meters' : `showing what the remote listener hears${m.lagMs >= 0 ? ` (${m.lagMs} ms behind)` : ' once one reports its latency'}`);
      }
      case 'transport.toggle':
        return engine.toggle();
      case 'playhead.back':
        return locateBy(-Math.round(clock.samplesPerFrame));
      case 'playhead.forward':
        return locateBy(Math.round(clock.samplesPerFrame));
      case 'playhead.backSecond':
        return locateBy(-doc.sampleRate);
      case 'playhead.forwardSecond':
        return locateBy(doc.sampleRate);
      case 'playhead.start':
        return engine.locate(0);
      case 'playhead.end':
        return engine.locate(sessionEnd);
      case 'marker.next': {
        const m = doc.markers.find((x) => x.position > position + 1);
        if (m) engine.locate(m.position);
        return;
      }
      case 'marker.prev': {
        const before = doc.markers.filter((x) => x.position < position - doc.sampleRate / 4);
        engine.locate(before.length ? before[before.length - 1].position : 0);
        return;
      }
      case 'marker.add':
        return edit(`marker add ${position} "Marker ${doc.markers.length + 1}"`);
      case 'goto':
        return setMode({ kind: 'command', text: '', prefix: 'goto ' });
      case 'loop.in':
        setLoopIn(position);
        setLoopOn(true);
        return setStatus(`loop in ${clock.positionToTimecode(position)}`);
      case 'loop.out':
        setLoopOut(position);
        setLoopOn(true);
        return setStatus(`loop out ${clock.positionToTimecode(position)}`);
      case 'loop.toggle':
        return setLoopOn((v) => !v);
      case 'track.next':
        if (panelRef.current === 'cues') return setCue((c) => Math.min(doc.markers.length - 1, c + 1));
        return setSelected((s) => Math.min(doc.tracks.length - 1, s + 1));
      case 'track.prev':
        if (panelRef.current === 'cues') return setCue((c) => Math.max(0, c - 1));
        return setSelected((s) => Math.max(0, s - 1));
      case 'panel.next':
        return setPanel((p) => (p === 'tracks' ? 'cues' : 'tracks'));
      case 'cue.jump': {
        const m = doc.markers[cueRef.current];
        if (panelRef.current === 'cues' && m) {
          engine.locate(m.position);
          setStatus(`cue ${m.name} at ${clock.positionToTimecode(m.position)}`);
        }
        return;
      }
      case 'undo':
        return setStatus(editor.undo());
      case 'redo':
        return setStatus(editor.redo());
      case 'commandLine':
        return setMode({ kind: 'command', text: '', prefix: '' });
      case 'help':
        return setMode({ kind: 'help' });
      case 'inspector':
        return setInspector((v) => !v);
      case 'quit':
        return requestQuit();
    }
    const track = currentTrack();
    if (!track) return;
    const t = quote(track.name);
    switch (cmd) {
      case 'track.mute':
        return edit(`mute ${t}`);
      case 'track.solo':
        return edit(`solo ${t}`);
      case 'track.gainUp':
        return gestureEdit(`gain:${track.id}`, () => editor.dispatch({ type: 'track.gain', track: track.id, db: 0.5, relative: true }, { gesture: `gain:${track.id}` }));
      case 'track.gainDown':
        return gestureEdit(`gain:${track.id}`, () => editor.dispatch({ type: 'track.gain', track: track.id, db: -0.5, relative: true }, { gesture: `gain:${track.id}` }));
      case 'track.panLeft':
        return gestureEdit(`pan:${track.id}`, () => editor.dispatch({ type: 'track.pan', track: track.id, pan: -0.05, relative: true }, { gesture: `pan:${track.id}` }));
      case 'track.panRight':
        return gestureEdit(`pan:${track.id}`, () => editor.dispatch({ type: 'track.pan', track: track.id, pan: 0.05, relative: true }, { gesture: `pan:${track.id}` }));
    }
  }

  useInput((input, key) => {
    // Keys typed quickly over a slow link (or pasted) can arrive in one read, ':w' and Enter
    // included: take them one at a time, each in the mode the one before left.
    if (input.length > 1 && !key.ctrl && !key.meta && !input.includes('\x1b') && !/[\x00-\x09\x0b\x0c\x0e-\x1f]/.test(input)) {
      for (const ch of input) {
        const enter = ch === '\r' || ch === '\n';
        handleKey(enter ? '' : ch, { ...key, return: enter, shift: ch !== ch.toLowerCase() });
      }
      return;
    }
    handleKey(input, key);
  });

  function handleKey(input: string, key: Key) {
    if (key.ctrl && input === 'c') return requestQuit();
    const mode = modeRef.current;
    if (mode.kind === 'confirm') {
      if (input === 'y' || input === 'Y' || key.return) {
        setMode({ kind: 'normal' });
        mode.onYes();
      } else if (input === 'n' || input === 'N') {
        setMode({ kind: 'normal' });
        mode.onNo?.();
      } else if (key.escape) setMode({ kind: 'normal' });
      return;
    }
    if (mode.kind === 'help' || mode.kind === 'text') {
      if (key.escape || key.return || input === '?' || input === 'q') setMode({ kind: 'normal' });
      return;
    }
    if (mode.kind === 'command') {
      if (key.escape) return setMode({ kind: 'normal' });
      if (key.return) {
        setMode({ kind: 'normal' });
        void runCommandLine(mode.text, mode.prefix);
        return;
      }
      if (key.backspace || key.delete) return setMode({ ...mode, text: mode.text.slice(0, -1) });
      if (input && !key.ctrl && !key.meta) {
        // Typed fast (or pasted), text and Enter can arrive in one chunk.
        const nl = input.search(/[\r\n]/);
        if (nl < 0) return setMode({ ...mode, text: mode.text + input });
        setMode({ kind: 'normal' });
        void runCommandLine(mode.text + input.slice(0, nl), mode.prefix);
        return;
      }
      return;
    }
    const cmd = matchKey(input, key);
    if (cmd) {
      engine.clearMessage();
      run(cmd);
    }
  }

  // Layout: header, column titles, tracks, markers, buses, cues, status: root is rows-1 high.
  const width = Math.max(60, columns);
  const nameWidth = Math.max(8, Math.min(16, Math.floor(width / 8)));
  const meterWidth = Math.max(6, Math.min(20, Math.floor(width / 7)));
  const fixedLeft = nameWidth + 5 + 2 + 6 + 4 + 3 + meterWidth + 1;
  const timelineWidth = Math.max(10, width - fixedLeft - 1);
  const view = viewAround(position, timelineWidth, Math.round(doc.sampleRate / 4));
  const playheadCol = columnOf(view, position);
  const height = Math.max(10, rows - 1);
  const cueRows = Math.max(2, Math.min(5, doc.markers.length || 1));
  const trackRows = Math.max(1, height - (1 + 1 + 1 + doc.buses.length + 1 + cueRows + 1 + 1));
  const firstTrack = Math.max(0, Math.min(selected - Math.floor(trackRows / 2), doc.tracks.length - trackRows));
  const offline = new Set((snap?.offline ?? []).map((o) => o.clip));
  const meters = heldMeters(holds.current, snap);
  const loopText = loop ? `${clock.positionToTimecode(loop.start).slice(3)}-${clock.positionToTimecode(loop.end).slice(3)}` : loopIn !== null || loopOut !== null ? 'set' : 'off';

  if (mode.kind === 'text') {
    return (
      <Box flexDirection="column" height={height}>
        {mode.text.split('\n').slice(0, height - 1).map((l, i) => (
          <Text key={i} wrap="truncate">{l}</Text>
        ))}
        <Text color="gray">Esc or Enter closes</Text>
      </Box>
    );
  }

  if (mode.kind === 'help') {
    return (
      <Box flexDirection="column" height={height}>
        <HelpOverlay width={width} />
      </Box>
    );
  }

  return (
    <Box flexDirection="column" height={height} width={width}>
      <Header
        name={doc.output === '5.1' ? `${doc.name} · 5.1` : doc.name} timecode={clock.positionToTimecode(position)} transport={snap?.transport ?? 'stopped'}
        loop={loopText} sink={ev.sink} underruns={snap?.underruns ?? 0} late={snap?.late ?? 0} dirty={editor.dirty} width={width}
        monitor={ev.monitorStatus}
      />
      <Text color="gray">{fit(`${fit(' track', nameWidth)}kind st gain  pan MS ${fit('level', meterWidth)}│ timeline (${fit(clock.positionToTimecode(view.start), 11)})`, width)}</Text>
      <TrackRows
        doc={doc} tracks={doc.tracks.slice(firstTrack, firstTrack + trackRows)} firstIndex={firstTrack} selected={selected}
        focused={panel === 'tracks'} meters={meters} view={view} playheadCol={playheadCol} offline={offline}
        nameWidth={nameWidth} meterWidth={meterWidth}
      />
      <MarkerRow markers={doc.markers} view={view} indent={fixedLeft} playheadCol={playheadCol} />
      <BusRows
        meters={meters} loudness={snap?.loudness ?? []} doc={doc} labelWidth={11} limiterGr={snap?.masterReduction ?? 0}
        meterWidth={Math.max(4, Math.floor((width - 60) / 2))}
      />
      {inspector ? (
        <InspectorPanel track={doc.tracks[Math.min(selected, doc.tracks.length - 1)]} reduction={snap?.reduction[doc.tracks[selected]?.id ?? ''] ?? 0} rows={cueRows} width={width} />
      ) : (
        <CuePanel markers={doc.markers} clock={clock} selected={cue} focused={panel === 'cues'} rows={cueRows} width={width} />
      )}
      <Box flexGrow={1} />
      {mode.kind === 'command' ? (
        <Text>{fit(`${mode.prefix ? 'go to: ' : ':'}${mode.text}█`, width)}</Text>
      ) : mode.kind === 'confirm' ? (
        <Text color="yellow" bold>{fit(mode.text, width)}</Text>
      ) : (
        <Text color={status.startsWith('error') ? 'red' : 'gray'}>{fit(status, width)}</Text>
      )}
    </Box>
  );
}
