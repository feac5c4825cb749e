// Presentational panels of the mixer screen: props in, text out. State lives in App.
import chalk from 'chalk';
import { Box, Text } from 'ink';
import { memo } from 'react';
import type { LoudnessReading, MeterReading } from '../engine/engine.js';
import type { MonitorStatus } from '../engine/protocol.js';
import type { SinkInfo } from '../engine/sink.js';
import type { Clip, EqBand, Marker, Session, Track } from '../session/schema.js';
import type { TimelineClock } from '../session/timecode.js';
import { fit, formatDb, formatPan } from './format.js';
import { KEYMAP } from './keymap.js';
import { meterString } from './meter-string.js';
import { markerStrip, trackStrip, type TimelineView } from './timeline.js';

const SILENT: MeterReading = { peak: -120, rms: -120 };

export interface HeaderProps {
  name: string;
  timecode: string;
  transport: string;
  loop: string;
  sink: SinkInfo | null;
  /** clip reads that came back empty (disk too slow) */
  underruns: number;
  /** blocks the output wanted too late (the engine process was starved) */
  late: number;
  dirty: boolean;
  width: number;
  /** the remote monitor: listeners, and their latency when one reports it */
  monitor?: MonitorStatus | null;
}

/** `mon 2 ▸182ms`: listeners, and (▸) the status follows their latency, or (·) does not. */
export function monitorText(m: MonitorStatus): string {
  return ` mon ${m.listeners}${m.lagMs >= 0 ? `${m.following ? ' ▸' : ' ·'}${m.lagMs}ms` : ''}`;
}

export function Header(p: HeaderProps) {
  const out = p.sink ? (p.sink.kind === 'null' ? 'NO DEVICE (null sink)' : p.sink.name) : 'starting engine…';
  const state = p.transport === 'rolling' ? '▶ PLAY' : p.transport === 'locating' ? '… LOCATE' : '■ STOP';
  const xruns = p.underruns + p.late;
  const xrun = ` xrun ${xruns}${p.underruns ? ` disk ${p.underruns}` : ''}${p.late ? ` late ${p.late}` : ''}`;
  const mon = p.monitor ? monitorText(p.monitor) : '';
  const nameWidth = Math.max(8, p.width - 11 - 2 - 9 - 10 - 22 - xrun.length - mon.length);
  return (
    <Box width={p.width}>
      <Text bold>{fit(`${p.name}${p.dirty ? ' [+]' : ''}`, nameWidth)}</Text>
      <Text> </Text>
      <Text bold color="cyan">{p.timecode}</Text>
      <Text> </Text>
      <Text color={p.transport === 'rolling' ? 'green' : 'white'}>{fit(state, 9)}</Text>
      <Text color={p.loop === 'off' ? 'gray' : 'magenta'}>{fit(`loop ${p.loop}`, 10)}</Text>
      <Text color={p.sink?.kind === 'null' ? 'yellow' : 'gray'}>{fit(` out: ${out}`, 22)}</Text>
      <Text color={xruns ? 'red' : 'gray'}>{xrun}</Text>
      {mon ? <Text color={p.monitor?.following ? 'cyan' : 'gray'}>{mon}</Text> : null}
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

/** The timeline strip with the playhead column marked, as one coloured string. */
function timelineString(strip: string, col: number): string {
  if (col < 0) return chalk.blue(strip);
  return chalk.blue(strip.slice(0, col)) + chalk.red.inverse(strip[col] === ' ' ? '│' : strip[col]) + chalk.blue(strip.slice(col + 1));
}

interface TrackRowProps {
  track: Track;
  selected: boolean;
  focused: boolean;
  peak: number;
  rms: number;
  strip: string;
  playheadCol: number;
  nameWidth: number;
  meterWidth: number;
}

/** One track as a single line of text: re-rendered only when one of its props changes. */
const TrackRow = memo(function TrackRow(p: TrackRowProps) {
  const t = p.track;
  const name = `${fit(`${p.selected ? '›' : ' '}${t.name}`, p.nameWidth - 1)} `;
  const line =
    (p.selected && p.focused ? chalk.cyan.inverse(name) : p.selected ? chalk.cyan(name) : name) +
    chalk.gray(fit(t.kind.slice(0, 4), 5)) +
    fit(t.stem === 'none' ? '-' : t.stem, 2) +
    `${formatDb(t.gainDb)} ${formatPan(t.pan)} ` +
    (t.mute ? chalk.yellow.bold('M') : chalk.gray('m')) +
    (t.solo ? chalk.green.bold('S') : chalk.gray('s')) +
    ' ' +
    meterString(p.rms, p.peak, p.meterWidth) +
    chalk.gray('│') +
    timelineString(p.strip, p.playheadCol);
  return <Text wrap="truncate">{line}</Text>;
});

export function TrackRows(p: TrackRowsProps) {
  const byTrack = new Map<string, Clip[]>();
  for (const c of p.doc.clips) {
    const list = byTrack.get(c.track);
    if (list) list.push(c);
    else byTrack.set(c.track, [c]);
  }
  return (
    <Box flexDirection="column">
      {p.tracks.map((t, i) => {
        const m = p.meters.get(t.id) ?? SILENT;
        return (
          <TrackRow
            key={t.id} track={t} selected={p.firstIndex + i === p.selected} focused={p.focused}
            peak={Math.round(m.peak * 2) / 2} rms={Math.round(m.rms * 2) / 2}
            strip={trackStrip(byTrack.get(t.id) ?? [], p.view, p.offline)} playheadCol={p.playheadCol}
            nameWidth={p.nameWidth} meterWidth={p.meterWidth}
          />
        );
      })}
    </Box>
  );
}

export function MarkerRow(p: { markers: Marker[]; view: TimelineView; indent: number; playheadCol: number }) {
  return <Text wrap="truncate">{chalk.gray(fit('markers', p.indent)) + chalk.gray('│') + timelineString(markerStrip(p.markers, p.view), p.playheadCol)}</Text>;
}

const lufs = (v: number | null) => (v === null || !Number.isFinite(v) || v < -99 ? '  -- ' : v.toFixed(1).padStart(5));

export function BusRows(p: { meters: Map<string, MeterReading>; loudness: LoudnessReading[]; doc: Session; meterWidth: number; labelWidth: number; limiterGr: number }) {
  return (
    <Box flexDirection="column">
      {p.doc.buses.map((b) => {
        const l = p.meters.get(`${b.id}:L`) ?? SILENT;
        const r = p.meters.get(`${b.id}:R`) ?? SILENT;
        const lo = p.loudness.find((x) => x.id === b.id);
        const label = fit(` ${b.name}`, p.labelWidth);
        const peakLabel = 'TP';
        const gr = b.id === 'master' && p.limiterGr > 0.05 ? chalk.magenta(` GR ${p.limiterGr.toFixed(1)}`) : '';
        const line =
          (b.id === 'master' ? chalk.bold(label) : label) +
          `${formatDb(b.gainDb)} ` +
          (b.mute ? chalk.yellow('M') : ' ') + (b.solo ? chalk.green('S') : ' ') +
          chalk.gray('L ') + meterString(l.rms, l.peak, p.meterWidth) +
          chalk.gray(' R ') + meterString(r.rms, r.peak, p.meterWidth) +
          chalk.gray(` M${lufs(lo?.momentary ?? null)} S${lufs(lo?.shortTerm ?? null)} I${lufs(lo?.integrated ?? null)} ${peakLabel}${lufs(lo?.peak ?? null)}`) + gr;
        return <Text key={b.id} wrap="truncate">{line}</Text>;
      })}
    </Box>
  );
}

function describeEq(bands: EqBand[] | undefined): string {
  if (!bands?.length) return 'flat';
  return bands
    .map((b) => {
      const f = b.freq >= 1000 ? `${+(b.freq / 1000).toFixed(2)}k` : `${b.freq}`;
      const off = b.on ? '' : ' (off)';
      if (b.type === 'hpf' || b.type === 'lpf') return `${b.type} ${f}/${b.slope}${off}`;
      if (b.type === 'notch') return `notch ${f} q${+b.q.toFixed(2)}${off}`;
      return `${b.type} ${f} ${b.gainDb > 0 ? '+' : ''}${b.gainDb} q${+b.q.toFixed(2)}${off}`;
    })
    .join(' · ');
}

/** The selected track's strip, in the words of the commands that set it. */
export function InspectorPanel(p: { track: Track | undefined; reduction: number; rows: number; width: number }) {
  const t = p.track;
  if (!t) return <Text color="gray">no track</Text>;
  const dyn: string[] = [];
  if (t.gate) dyn.push(`gate ${t.gate.threshold} range ${t.gate.range}${t.gate.on ? '' : ' (off)'}`);
  if (t.comp) dyn.push(`comp ${t.comp.threshold} ${t.comp.ratio}:1 knee ${t.comp.knee} attack ${t.comp.attack} release ${t.comp.release}${t.comp.makeup ? ` makeup ${t.comp.makeup}` : ''}${t.comp.sidechainHpf ? ` sc ${t.comp.sidechainHpf}` : ''}`);
  if (t.deess) dyn.push(`deess ${t.deess.freq} ${t.deess.threshold} ratio ${t.deess.ratio}`);
  const lines = [
    chalk.cyan(`Inspector: ${t.name}`) + chalk.gray(`  (${t.kind} → ${t.stem}; i closes; set with :eq :comp :gate :deess)`),
    ` EQ   ${describeEq(t.eq)}`,
    ` Dyn  ${dyn.length ? dyn.join(' · ') : 'none'}${p.reduction > 0.05 ? chalk.magenta(`  GR ${p.reduction.toFixed(1)} dB`) : ''}`,
  ];
  return (
    <Box flexDirection="column">
      {lines.map((l, i) => (
        <Text key={i} wrap="truncate">{l}</Text>
      ))}
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
