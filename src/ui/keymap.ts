// The keymap is data: commands, their default keys, and one matcher. The `?` help overlay
// renders this same table; no component compares raw input itself.
import type { Key } from 'ink';

export type UiCommand =
  | 'transport.toggle' | 'track.next' | 'track.prev'
  | 'playhead.back' | 'playhead.forward' | 'playhead.backSecond' | 'playhead.forwardSecond'
  | 'playhead.start' | 'playhead.end' | 'marker.next' | 'marker.prev' | 'marker.add'
  | 'track.mute' | 'track.solo' | 'track.gainUp' | 'track.gainDown' | 'track.panLeft' | 'track.panRight'
  | 'loop.in' | 'loop.out' | 'loop.toggle' | 'goto'
  | 'undo' | 'redo' | 'panel.next' | 'commandLine' | 'help' | 'quit' | 'cue.jump' | 'inspector' | 'monitor.follow';

export interface Binding {
  command: UiCommand;
  keys: string[];
  help: string;
  group: 'Transport' | 'Tracks' | 'Edit' | 'View';
}

export const KEYMAP: Binding[] = [
  { command: 'transport.toggle', keys: ['space'], help: 'play / stop', group: 'Transport' },
  { command: 'playhead.back', keys: ['h', 'left'], help: 'playhead back one frame', group: 'Transport' },
  { command: 'playhead.forward', keys: ['l', 'right'], help: 'playhead forward one frame', group: 'Transport' },
  { command: 'playhead.backSecond', keys: ['H', 'shift-left'], help: 'playhead back one second', group: 'Transport' },
  { command: 'playhead.forwardSecond', keys: ['L', 'shift-right'], help: 'playhead forward one second', group: 'Transport' },
  { command: 'playhead.start', keys: ['0', 'home'], help: 'go to the session start', group: 'Transport' },
  { command: 'playhead.end', keys: ['$', 'end'], help: 'go to the end of the last clip', group: 'Transport' },
  { command: 'marker.prev', keys: ['p'], help: 'previous marker', group: 'Transport' },
  { command: 'marker.next', keys: ['n'], help: 'next marker', group: 'Transport' },
  { command: 'goto', keys: ['g'], help: 'go to a timecode', group: 'Transport' },
  { command: 'loop.in', keys: ['['], help: 'loop in at the playhead', group: 'Transport' },
  { command: 'loop.out', keys: [']'], help: 'loop out at the playhead', group: 'Transport' },
  { command: 'loop.toggle', keys: ['o'], help: 'loop on / off', group: 'Transport' },
  { command: 'track.next', keys: ['j', 'down'], help: 'next track (or cue)', group: 'Tracks' },
  { command: 'track.prev', keys: ['k', 'up'], help: 'previous track (or cue)', group: 'Tracks' },
  { command: 'track.mute', keys: ['m'], help: 'mute the track', group: 'Tracks' },
  { command: 'track.solo', keys: ['s'], help: 'solo the track (in place)', group: 'Tracks' },
  { command: 'track.gainUp', keys: ['+', '='], help: 'fader +0.5 dB', group: 'Tracks' },
  { command: 'track.gainDown', keys: ['-', '_'], help: 'fader -0.5 dB', group: 'Tracks' },
  { command: 'track.panLeft', keys: ['<', ','], help: 'pan left 5', group: 'Tracks' },
  { command: 'track.panRight', keys: ['>', '.'], help: 'pan right 5', group: 'Tracks' },
  { command: 'marker.add', keys: ['M'], help: 'add a marker at the playhead', group: 'Edit' },
  { command: 'undo', keys: ['u'], help: 'undo', group: 'Edit' },
  { command: 'redo', keys: ['ctrl-r'], help: 'redo', group: 'Edit' },
  { command: 'commandLine', keys: [':'], help: 'command line (:w save, :q quit, :help)', group: 'Edit' },
  { command: 'panel.next', keys: ['tab'], help: 'switch between tracks and cues', group: 'View' },
  { command: 'inspector', keys: ['i'], help: 'track inspector: EQ and dynamics', group: 'View' },
  { command: 'cue.jump', keys: ['enter'], help: 'jump to the selected cue', group: 'View' },
  { command: 'monitor.follow', keys: ['F'], help: 'remote monitor: show what the listener hears (latency-offset)', group: 'View' },
  { command: 'help', keys: ['?'], help: 'this help', group: 'View' },
  { command: 'quit', keys: ['q'], help: 'quit (asks about unsaved edits)', group: 'View' },
];

/** The name of a key press in the keymap's spelling. */
export function keyName(input: string, key: Key): string {
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return key.shift ? 'shift-left' : 'left';
  if (key.rightArrow) return key.shift ? 'shift-right' : 'right';
  if (key.tab) return 'tab';
  if (key.return) return 'enter';
  if (key.escape) return 'escape';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.ctrl && input) return `ctrl-${input.toLowerCase()}`;
  if (input === ' ') return 'space';
  return input;
}

const INDEX = new Map<string, UiCommand>();
for (const b of KEYMAP) for (const k of b.keys) INDEX.set(k, b.command);

export function matchKey(input: string, key: Key): UiCommand | undefined {
  return INDEX.get(keyName(input, key));
}
