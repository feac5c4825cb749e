// A session open for editing: the document, its undo history, its media pool and its file.
// Text commands and command objects both land here; the TUI, `dubstage run` and tests share it.
import fs from 'node:fs';
import path from 'node:path';
import { findOffset } from '../dsp/xcorr.js';
import { parseIxml } from '../io/ixml.js';
import { readCuePoints } from '../io/wav-cues.js';
import { probeWav, readMono } from '../io/wav-reader.js';
import { clockOf, helpText, parseCommand, type Action } from './command-line.js';
import { applyCommand, CommandError, describeCommand, type Command } from './commands.js';
import { History } from './history.js';
import { MediaPool } from './media.js';
import { newSession, SessionSchema, type Session } from './schema.js';
import { formatJsonPath, loadSessionFile, saveSessionFile } from './session-file.js';
import type { TimeSpec } from './time-spec.js';

export interface ExecResult {
  message: string;
  quit?: boolean;
}

export class SessionEditor {
  readonly media: MediaPool;
  private history: History<Session>;
  private listeners = new Set<() => void>();

  private constructor(
    readonly file: string,
    doc: Session,
  ) {
    this.history = new History(doc);
    this.media = new MediaPool(path.dirname(path.resolve(file)));
  }

  static open(file: string): SessionEditor {
    return new SessionEditor(file, loadSessionFile(file));
  }

  /** A new, unsaved session (nothing is written until `save`). */
  static create(file: string, opts: Parameters<typeof newSession>[1] & { name?: string } = {}): SessionEditor {
    const name = opts.name ?? path.basename(file).replace(/\.[^.]+$/, '');
    const ed = new SessionEditor(file, newSession(name, opts));
    return ed;
  }

  static openOrCreate(file: string): SessionEditor {
    return fs.existsSync(file) ? SessionEditor.open(file) : SessionEditor.create(file);
  }

  get doc(): Session {
    return this.history.current;
  }

  get dirty(): boolean {
    return this.history.dirty || !fs.existsSync(this.file);
  }

  get canUndo(): boolean {
    return this.history.canUndo;
  }

  get canRedo(): boolean {
    return this.history.canRedo;
  }

  get undoDepth(): number {
    return this.history.undoDepth;
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private emit(): void {
    for (const fn of this.listeners) fn();
  }

  /** Applies one edit as one undo step (or merged into the current gesture). */
  dispatch(cmd: Command, opts: { gesture?: string } = {}): void {
    const ctx = { mediaFrames: (m: string) => this.media.frames(m) };
    const label = describeCommand(cmd, this.doc);
    this.history.apply(label, (d) => applyCommand(d, cmd, ctx), {
      gesture: opts.gesture,
      validate: (next) => {
        const r = SessionSchema.safeParse(next);
        if (!r.success) {
          const i = r.error.issues[0];
          throw new CommandError(`the edit would make ${formatJsonPath(i.path)} invalid: ${i.message}`);
        }
      },
    });
    this.emit();
  }

  /** Replaces the whole document as one undoable step (autosave recovery). */
  replaceDocument(next: Session, label: string): void {
    this.history.apply(label, () => next, {
      validate: (doc) => {
        const r = SessionSchema.safeParse(doc);
        if (!r.success) throw new CommandError(`${label}: ${r.error.issues[0].message}`);
      },
    });
    this.emit();
  }

  endGesture(): void {
    this.history.endGesture();
  }

  undo(count = 1): string {
    const labels: string[] = [];
    for (let i = 0; i < count; i++) {
      const e = this.history.undo();
      if (!e) break;
      labels.push(e.label);
    }
    if (labels.length) this.emit();
    return labels.length ? `undid ${labels.join(', ')}` : 'nothing to undo';
  }

  redo(count = 1): string {
    const labels: string[] = [];
    for (let i = 0; i < count; i++) {
      const e = this.history.redo();
      if (!e) break;
      labels.push(e.label);
    }
    if (labels.length) this.emit();
    return labels.length ? `redid ${labels.join(', ')}` : 'nothing to redo';
  }

  /**
   * Saves atomically. As in vim, `save(OTHER)` writes a copy (media paths rebased onto the
   * copy's folder) and goes on editing this file.
   */
  save(to?: string): string {
    if (to && path.resolve(to) !== path.resolve(this.file)) {
      const dir = path.dirname(path.resolve(to));
      const copy = {
        ...this.doc,
        clips: this.doc.clips.map((c) => ({ ...c, media: path.relative(dir, this.media.resolve(c.media)).split(path.sep).join('/') })),
      };
      saveSessionFile(to, copy);
      return `wrote a copy to ${to}`;
    }
    saveSessionFile(this.file, this.doc);
    this.history.markSaved();
    this.emit();
    return `saved ${this.file}`;
  }

  /** Builds the clip.add command that places a WAV file on a track. */
  importCommand(given: string, track: string, at: TimeSpec | 'bwf' | undefined, channels?: number[], name?: string): Command {
    const file = this.locate(given);
    const info = probeWav(file);
    const doc = this.doc;
    if (info.sampleRate !== doc.sampleRate) {
      throw new CommandError(`${file} is ${info.sampleRate} Hz and the session is ${doc.sampleRate} Hz: it needs converting (run the import through SessionEditor.run, as the mixer and dubstage run do)`);
    }
    let chans = channels;
    if (!chans) {
      if (info.channels === 1) chans = [1];
      else if (info.channels === 2) chans = [1, 2];
      else throw new CommandError(`${file} has ${info.channels} channels: choose one or two with ch (e.g. ch 1 or ch 1,2)`);
    }
    const bad = chans.find((c) => c > info.channels);
    if (bad) throw new CommandError(`${file} has ${info.channels} channel(s); there is no channel ${bad}`);
    let position = 0;
    if (at === 'bwf') {
      if (!info.bext) throw new CommandError(`${file} has no bext chunk, so no BWF timestamp`);
      const clock = clockOf(doc);
      position = info.bext.timeReference - clock.startSamples;
      if (position < 0) {
        throw new CommandError(`${file} starts at ${clock.positionToTimecode(position)}, before the session start ${doc.start}`);
      }
    } else if (at) position = at.samples;
    const base = path.basename(file).replace(/\.[^.]+$/, '');
    return {
      type: 'clip.add', track, media: this.media.refFor(file), channels: chans, sourceStart: 0, position,
      length: info.frames, name: name ?? (channels ? `${base} ch${chans.join('+')}` : base),
    };
  }

  /**
   * Runs one line like `execute`, and also does the slow parts that `execute` refuses: an import
   * of media at another sample rate is converted first (into converted/ next to the session,
   * cached) and the copy is placed as if it had been the file given.
   */
  async run(line: string, onProgress?: (message: string) => void): Promise<ExecResult> {
    const action = parseCommand(line, this.doc);
    if (action.kind === 'import') {
      const given = this.locate(action.file);
      const info = probeWav(given);
      if (info.sampleRate !== this.doc.sampleRate) {
        const { convertSampleRate, convertedPath, isConverted } = await import('../engine/convert-rate.js');
        const dst = convertedPath(this.media.baseDir, given, this.doc.sampleRate);
        if (!isConverted(given, dst, this.doc.sampleRate)) {
          let last = -1;
          await convertSampleRate(given, dst, this.doc.sampleRate, {
            onProgress: (done, total) => {
              const pct = Math.floor((100 * done) / total);
              const bar = `${'█'.repeat(Math.round(pct / 5))}${'░'.repeat(20 - Math.round(pct / 5))}`;
              if (pct !== last && onProgress) onProgress(`converting ${path.basename(given)} ${info.sampleRate} → ${this.doc.sampleRate} Hz ${bar} ${pct}%`);
              last = pct;
            },
          });
        }
        const base = path.basename(given).replace(/\.[^.]+$/, '');
        return this.applyImport({ ...action, file: dst, name: action.name ?? base }, `${action.file} (converted from ${info.sampleRate} Hz)`);
      }
    }
    return this.execute(line);
  }

  /** A relative path is taken from the working folder, or else from the session's folder. */
  private locate(given: string): string {
    const besideSession = this.media.resolve(given);
    return path.isAbsolute(given) || fs.existsSync(given) || !fs.existsSync(besideSession) ? given : besideSession;
  }

  /**
   * A poly-WAV on one track per channel: tracks named from iXML (by INTERLEAVE_INDEX), made
   * when missing, each clip using its channel; all of it one undo step.
   */
  private applyPolyImport(action: Extract<Action, { kind: 'import' }>, shownAs: string): ExecResult {
    const file = this.locate(action.file);
    const info = probeWav(file);
    const names = parseIxml(info.ixml, info.channels).trackNames;
    const base = path.basename(file).replace(/\.[^.]+$/, '');
    const gesture = `import:${this.history.revision}`;
    this.endGesture();
    const placed: string[] = [];
    for (let ch = 1; ch <= info.channels; ch++) {
      const trackName = names[ch - 1] ?? `${base} ch${ch}`;
      let t = this.doc.tracks.find((x) => x.name.toLowerCase() === trackName.toLowerCase());
      if (!t) {
        this.dispatch({ type: 'track.add', name: trackName, kind: action.trackKind ?? 'dialogue' }, { gesture });
        t = this.doc.tracks[this.doc.tracks.length - 1];
      }
      const cmd = this.importCommand(file, t.id, action.at, [ch], `${base} ${trackName}`);
      this.dispatch(cmd, { gesture });
      placed.push(trackName);
    }
    this.endGesture();
    const first = this.doc.clips[this.doc.clips.length - 1];
    return { message: `imported ${shownAs}: ${info.channels} channel(s) on ${placed.join(', ')} at ${clockOf(this.doc).positionToTimecode(first.position)}` };
  }

  /** Places an import (and its cue markers) as one undo step. */
  private applyImport(action: Extract<Action, { kind: 'import' }>, shownAs: string): ExecResult {
    if (action.track === '*') return this.applyPolyImport(action, shownAs);
    const cmd = this.importCommand(action.file, action.track, action.at, action.channels, action.name);
    // The clip and its cue markers are one undo step.
    const gesture = `import:${this.history.revision}`;
    this.endGesture();
    this.dispatch(cmd, { gesture });
    const clip = this.doc.clips[this.doc.clips.length - 1];
    let added = 0;
    if (action.cues && cmd.type === 'clip.add') {
      for (const cue of readCuePoints(probeWav(this.media.resolve(clip.media)))) {
        if (cue.frame < clip.sourceStart || cue.frame >= clip.sourceStart + clip.length) continue;
        this.dispatch({ type: 'marker.add', position: clip.position + cue.frame - clip.sourceStart, name: cue.label, note: clip.name }, { gesture });
        added++;
      }
    }
    this.endGesture();
    const markers = action.cues ? ` with ${added} cue marker${added === 1 ? '' : 's'}` : '';
    return { message: `imported ${shownAs} as ${clip.id} at ${clockOf(this.doc).positionToTimecode(clip.position)}${markers}` };
  }

  /**
   * Field-recorder expansion: every other channel of the take — the other channels of a
   * poly-WAV, or the sibling mono files of a split recording (same scene, take and timecode) —
   * goes on a track of its own, named from iXML, with the clip's edit, gain and fades. One undo
   * step.
   */
  private expandClip(clipId: string): ExecResult {
    const clip = this.doc.clips.find((c) => c.id === clipId)!;
    const file = this.media.resolve(clip.media);
    const info = probeWav(file);
    const x = parseIxml(info.ixml, info.channels);
    const sources: { file: string; channel: number; name: string; shift: number }[] = [];
    if (info.channels > 1) {
      for (let ch = 1; ch <= info.channels; ch++) {
        if (clip.channels.includes(ch)) continue;
        sources.push({ file, channel: ch, name: x.trackNames[ch - 1] ?? `ch${ch}`, shift: 0 });
      }
    } else {
      // split mono files: the same scene / take and timecode, in the same folder
      const dir = path.dirname(file);
      const tr = info.bext?.timeReference;
      for (const f of fs.readdirSync(dir).sort()) {
        const p = path.join(dir, f);
        if (p === file || !/\.wav$/i.test(f)) continue;
        try {
          const other = probeWav(p);
          const ox = parseIxml(other.ixml, other.channels);
          const sameTake = x.scene && x.take && ox.scene === x.scene && ox.take === x.take;
          if (!sameTake || other.sampleRate !== info.sampleRate || other.bext?.timeReference === undefined || tr === undefined) continue;
          for (let ch = 1; ch <= other.channels; ch++) {
            sources.push({ file: p, channel: ch, name: ox.trackNames[ch - 1] ?? f.replace(/\.[^.]+$/, ''), shift: other.bext.timeReference - tr });
          }
        } catch {
          /* an unreadable neighbour is not part of the take */
        }
      }
    }
    if (sources.length === 0) throw new CommandError(`expand: ${clip.media} has no other channels, and no sibling files of the same scene and take were found`);
    const source = this.doc.tracks.find((t) => t.id === clip.track)!;
    const gesture = `expand:${this.history.revision}`;
    this.endGesture();
    const made: string[] = [];
    for (const s of sources) {
      let t = this.doc.tracks.find((x) => x.name.toLowerCase() === s.name.toLowerCase() && x.id !== source.id);
      if (!t) {
        let name = s.name;
        if (this.doc.tracks.some((x) => x.name.toLowerCase() === name.toLowerCase())) name = `${name} (${source.name})`;
        this.dispatch({ type: 'track.add', name, kind: source.kind, stem: source.stem }, { gesture });
        t = this.doc.tracks[this.doc.tracks.length - 1];
      }
      const sourceStart = clip.sourceStart - s.shift;
      if (sourceStart < 0) continue; // the sibling started later than this edit: nothing to place
      this.dispatch({
        type: 'clip.add', track: t.id, media: this.media.refFor(s.file), channels: [s.channel], sourceStart,
        position: clip.position, length: clip.length, name: `${clip.name} ${s.name}`,
      }, { gesture });
      const added = this.doc.clips[this.doc.clips.length - 1];
      if (clip.gainDb) this.dispatch({ type: 'clip.gain', clip: added.id, db: clip.gainDb }, { gesture });
      if (clip.fadeIn.length) this.dispatch({ type: 'clip.fade', clip: added.id, which: 'in', length: clip.fadeIn.length, curve: clip.fadeIn.curve }, { gesture });
      if (clip.fadeOut.length) this.dispatch({ type: 'clip.fade', clip: added.id, which: 'out', length: clip.fadeOut.length, curve: clip.fadeOut.curve }, { gesture });
      made.push(t.name);
    }
    this.endGesture();
    return { message: `expanded ${clip.id} onto ${made.join(', ')}` };
  }

  /** Moves a clip so its audio lines up with a reference clip's (waveform cross-correlation). */
  private syncClip(clipId: string, refId: string): ExecResult {
    const clip = this.doc.clips.find((c) => c.id === clipId)!;
    const ref = this.doc.clips.find((c) => c.id === refId)!;
    const refAudio = readMono(this.media.resolve(ref.media));
    const probe = readMono(this.media.resolve(clip.media));
    if (refAudio.sampleRate !== probe.sampleRate) throw new CommandError('sync: the two clips are at different sample rates');
    const r = findOffset(refAudio.samples, probe.samples, { sampleRate: refAudio.sampleRate });
    if (r.offset === null) throw new CommandError(`sync: no match between ${clip.id} and ${ref.id} (confidence ${r.confidence.toFixed(2)}); the clip is left where it was`);
    const position = ref.position + r.offset + clip.sourceStart - ref.sourceStart;
    if (position < 0) throw new CommandError(`sync: ${clip.id} would start ${-position} samples before the session start`);
    this.dispatch({ type: 'clip.move', clip: clip.id, position });
    return { message: `synced ${clip.id} to ${ref.id} at ${clockOf(this.doc).positionToTimecode(position)} (confidence ${r.confidence.toFixed(2)})` };
  }

  /** Runs one line of the command language. Throws ParseError / CommandError with a message. */
  execute(line: string): ExecResult {
    const action: Action = parseCommand(line, this.doc);
    switch (action.kind) {
      case 'edit': {
        this.dispatch(action.command);
        return { message: describeCommand(action.command, this.doc) };
      }
      case 'import':
        return this.applyImport(action, action.file);
      case 'undo':
        return { message: this.undo(action.count) };
      case 'redo':
        return { message: this.redo(action.count) };
      case 'save':
        return { message: this.save(action.path) };
      case 'quit': {
        if (action.save) return { message: this.save(), quit: true };
        if (this.dirty && !action.force) throw new CommandError('unsaved edits (:w to save, :q! to quit without saving)');
        return { message: 'bye', quit: true };
      }
      case 'help':
        return { message: helpText(action.topic) };
      case 'sync':
        return this.syncClip(action.clip, action.ref);
      case 'expand':
        return this.expandClip(action.clip);
    }
  }
}
