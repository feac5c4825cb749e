// Presentational panels of the mixer screen: props in, text out. State lives in App.
import { Box, Text } from 'ink';
import type { EngineSnapshot, MeterReading } from '../engine/engine.js';
import type { SinkInfo } from '../engine/sink.js';
import type { Marker, Session, Track } from '../session/schema.js';
import type { TimelineClock } from '../session/timecode.js';
import { fit, formatDb, formatPan } from './format.js';
import { KEYMAP } from './keymap.js';
import { Meter } from './Meter.js';
import { markerStrip, trackStrip, type TimelineView } from './timeline.js';

const SILENT: MeterReading = { peak: -120, rms: -120 };

export interface HeaderProps {
  name: string;
  timecode: string;
  transport: string;
  loop: string;
  sink: SinkInfo | null;
  underruns: number;
  dirty: boolean;
  width: number;
}

export function Header(p: HeaderProps) {
  const out = p.sink ? (p.sink.kind === 'null' ? 'NO DEVICE (null sink)' : p.sink.name) : 'starting engine…';
  const state = p.transport === 'rolling' ? '▶ PLAY' : p.transport === 'locating' ? '… LOCATE' : '■ STOP';
  return (
    <Box width={p.width}>
      <Text bold>{fit(`${p.name}${p.dirty ? ' [+]' : ''}`, Math.max(8, p.width - 62))}</Text>
      <Text> </Text>
      <Text bold color="cyan">{p.timecode}</Text>
      <Text> </Text>
      <Text color={p.transport === 'rolling' ? 'green' : 'white'}>{fit(state, 9)}</Text>
      <Text color={p.loop === 'off' ? 'gray' : 'magenta'}>{fit(`loop ${p.loop}`, 10)}</Text>
      <Text color={p.sink?.kind === 'null' ? 'yellow' : 'gray'}>{fit(` out: ${out}`, 22)}</Text>
      <Text color={p.underruns ? 'red' : 'gray'}>{fit(` xrun ${p.underruns}`, 9)}</Text>
    </Box>
  );
}

export interface TrackRowsProps {
  doc: Session;
  tracks: Track[];
  firstIndex: number;
  selected: number;
  focused: boolean;
  meters: Map<string, MeterReading>;
  view: TimelineView;
  playheadCol: number;
  offline: Set<string>;
  nameWidth: number;
  meterWidth: number;
}

export function TrackRows(p: TrackRowsProps) {
  return (
    <Box flexDirection="column">
      {p.tracks.map((t, i) => {
        const idx = p.firstIndex + i;
        const sel = idx === p.selected;
        const m = p.meters.get(t.id) ?? SILENT;
        const strip = trackStrip(p.doc.clips.filter((c) => c.track === t.id), p.view, p.offline);
        return (
          <Box key={t.id}>
            <Text inverse={sel && p.focused} color={sel ? 'cyan' : undefined}>{fit(`${sel ? '›' : ' '}${t.name}`, p.nameWidth)}</Text>
            <Text color="gray">{fit(t.kind.slice(0, 4), 5)}</Text>
            <Text>{fit(t.stem === 'none' ? '-' : t.stem, 2)}</Text>
            <Text>{formatDb(t.gainDb)} </Text>
            <Text>{formatPan(t.pan)} </Text>
            <Text color={t.mute ? 'yellow' : 'gray'} bold={t.mute}>{t.mute ? 'M' : 'm'}</Text>
            <Text color={t.solo ? 'green' : 'gray'} bold={t.solo}>{t.solo ? 'S' : 's'} </Text>
            <Meter rms={m.rms} peak={m.peak} width={p.meterWidth} />
            <Text color="gray">│</Text>
            <TimelineText strip={strip} col={p.playheadCol} />
          </Box>
        );
      })}
    </Box>
  );
}

function TimelineText({ strip, col }: { strip: string; col: number }) {
  if (col < 0) return <Text color="blue">{strip}</Text>;
  return (
    <Text>
      <Text color="blue">{strip.slice(0, col)}</Text>
      <Text color="red" inverse>{strip[col] === ' ' ? '│' : strip[col]}</Text>
      <Text color="blue">{strip.slice(col + 1)}</Text>
    </Text>
  );
}

export function MarkerRow(p: { markers: Marker[]; view: TimelineView; indent: number; playheadCol: number }) {
  return (
    <Box>
      <Text color="gray">{fit('markers', p.indent)}</Text>
      <Text color="gray">│</Text>
      <TimelineText strip={markerStrip(p.markers, p.view)} col={p.playheadCol} />
    </Box>
  );
}

export function BusRows(p: { snap: EngineSnapshot | null; doc: Session; meterWidth: number; labelWidth: number }) {
  return (
    <Box flexDirection="column">
      {p.doc.buses.map((b) => {
        const m = p.snap?.buses.find((x) => x.id === b.id);
        return (
          <Box key={b.id}>
            <Text bold={b.id === 'master'}>{fit(` ${b.name}`, p.labelWidth)}</Text>
            <Text>{formatDb(b.gainDb)} </Text>
            <Text color={b.mute ? 'yellow' : 'gray'}>{b.mute ? 'M ' : '  '}</Text>
            <Text color="gray">L </Text>
            <Meter rms={m?.left.rms ?? -120} peak={m?.left.peak ?? -120} width={p.meterWidth} />
            <Text color="gray"> R </Text>
            <Meter rms={m?.right.rms ?? -120} peak={m?.right.peak ?? -120} width={p.meterWidth} />
            <Text color="gray">{` ${formatDb(Math.max(m?.left.peak ?? -120, m?.right.peak ?? -120)).trim()} pk`}</Text>
          </Box>
        );
      })}
    </Box>
  );
}

export function CuePanel(p: { markers: Marker[]; clock: TimelineClock; selected: number; focused: boolean; rows: number; width: number }) {
  const first = Math.max(0, Math.min(p.selected - Math.floor(p.rows / 2), p.markers.length - p.rows));
  const shown = p.markers.slice(first, first + p.rows);
  return (
    <Box flexDirection="column">
      <Text color={p.focused ? 'cyan' : 'gray'} bold={p.focused}>{fit(`Cues (${p.markers.length})${p.focused ? '  ↑↓ select · Enter jump' : '  Tab to select'}`, p.width)}</Text>
      {shown.length === 0 ? <Text color="gray"> no markers yet — M adds one at the playhead</Text> : null}
      {shown.map((m, i) => {
        const sel = first + i === p.selected;
        return (
          <Text key={m.id} inverse={sel && p.focused}>
            {fit(` ${p.clock.positionToTimecode(m.position)}  ${m.name}${m.note ? ` — ${m.note}` : ''}`, p.width)}
          </Text>
        );
      })}
    </Box>
  );
}

export function HelpOverlay({ width }: { width: number }) {
  // Two columns so the whole table fits an 80×24 terminal.
  const groups = ['Transport', 'Tracks', 'Edit', 'View'] as const;
  const col = (gs: readonly (typeof groups)[number][]) => (
    <Box flexDirection="column" width={Math.floor(Math.min(width, 100) / 2) - 2}>
      {gs.map((g) => (
        <Box key={g} flexDirection="column">
          <Text color="cyan">{g}</Text>
          {KEYMAP.filter((b) => b.group === g).map((b) => (
            <Text key={b.command}>{fit(` ${fit(b.keys.join(' '), 13)}${b.help}`, Math.floor(Math.min(width, 100) / 2) - 2)}</Text>
          ))}
        </Box>
      ))}
    </Box>
  );
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1} width={Math.min(width, 100)}>
      <Text bold>dubstage keys — Esc or ? closes · :help lists the commands</Text>
      <Box>
        {col(['Transport'])}
        {col(['Tracks', 'Edit', 'View'])}
      </Box>
    </Box>
  );
}
