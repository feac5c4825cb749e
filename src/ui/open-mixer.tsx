// `dubstage [SESSION]`: opens the mixer full-screen. Owns the terminal (alternate screen,
// restored on every way out), the engine process, autosave on hang-up, and recovery.
import { newMonitorToken, type MonitorFormat } from '../engine/monitor-wire.js';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { render } from 'ink';
import { useEffect, useState } from 'react';
import { EngineClient } from '../engine/engine-client.js';
import { writeFileAtomic } from '../io/atomic-file.js';
import { SessionEditor } from '../session/editor.js';
import { serializeSession } from '../session/serialize.js';
import { parseSession } from '../session/session-file.js';
import { App } from './App.js';

export interface MixerOptions {
  device?: string;
  noDevice?: boolean;
  blockSize?: number;
  monitor?: boolean;
  monitorPort?: number;
  monitorBind?: string;
  monitorFormat?: MonitorFormat;
  monitorBitrate?: number;
}

const PACKAGE_ROOT = path.resolve(fileURLToPath(import.meta.url), '..', '..', '..', '..');
export const DEMO_SESSION = path.join(PACKAGE_ROOT, 'sessions', 'demo', 'demo.dub');

const ENTER_ALT = '\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J';
const LEAVE_ALT = '\x1b[?25h\x1b[?1049l';

export function autosavePath(file: string): string {
  return `${file}.autosave`;
}

function Root(props: { editor: SessionEditor; engine: EngineClient; onQuit: () => void; prompt?: { text: string; onYes: () => void }; notice?: string }) {
  const [size, setSize] = useState({ columns: process.stdout.columns || 80, rows: process.stdout.rows || 24 });
  useEffect(() => {
    const onResize = () => setSize({ columns: process.stdout.columns || 80, rows: process.stdout.rows || 24 });
    process.stdout.on('resize', onResize);
    return () => {
      process.stdout.off('resize', onResize);
    };
  }, []);
  return <App editor={props.editor} engine={props.engine} columns={size.columns} rows={size.rows} onQuit={props.onQuit} initialPrompt={props.prompt} notice={props.notice} />;
}

export async function openMixer(sessionArg: string | undefined, opts: MixerOptions): Promise<void> {
  let file = sessionArg;
  if (!file) {
    file = DEMO_SESSION;
    const { ensureDemoMedia } = await import('../demo/generate-demo.js');
    await ensureDemoMedia(path.dirname(DEMO_SESSION), (msg) => process.stderr.write(`${msg}\n`));
  }
  const editor = SessionEditor.open(file);
  const blockSize = opts.blockSize ?? 512;
  const deviceId = opts.device !== undefined ? Number(opts.device) : undefined;
  if (deviceId !== undefined && !Number.isInteger(deviceId)) throw new Error(`--device takes a device id (see dubstage devices), not "${opts.device}"`);
  if (opts.monitorBind && !['127.0.0.1', '::1', 'localhost'].includes(opts.monitorBind)) {
    // Anyone who can reach that address and learns the token can listen: say so before it starts.
    process.stderr.write(`dubstage: warning: the monitor stream will listen on ${opts.monitorBind}, not only on this machine; anyone who reaches it with the token can hear the mix\n`);
  }
  const engine = new EngineClient({
    sampleRate: editor.doc.sampleRate, blockSize, deviceId, noDevice: opts.noDevice,
    monitor: opts.monitor, monitorPort: opts.monitorPort, monitorBind: opts.monitorBind,
    monitorFormat: opts.monitorFormat, monitorBitrate: opts.monitorBitrate, monitorToken: newMonitorToken(),
  });
  engine.start();

  // An autosave newer than the session is offered back.
  let prompt: { text: string; onYes: () => void } | undefined;
  const auto = autosavePath(file);
  if (fs.existsSync(auto) && fs.statSync(auto).mtimeMs > fs.statSync(file).mtimeMs) {
    try {
      const recovered = parseSession(fs.readFileSync(auto, 'utf8'), auto);
      prompt = {
        text: `An autosave from ${fs.statSync(auto).mtime.toLocaleString()} is newer than the session. Recover it? y = recover · n = ignore`,
        onYes: () => editor.replaceDocument(recovered, 'recover autosave'),
      };
    } catch {
      /* an unreadable autosave is ignored; the session itself is intact */
    }
  }

  let finished = false;
  const restore = () => {
    if (!finished) process.stdout.write(LEAVE_ALT);
    finished = true;
  };
  const writeAutosave = () => {
    if (editor.dirty) writeFileAtomic(auto, serializeSession(editor.doc));
  };
  const onHangup = (signal: string) => {
    try {
      writeAutosave();
    } finally {
      app.unmount();
      restore();
      void engine.close().finally(() => {
        process.stderr.write(`dubstage: ${signal}: ${editor.dirty ? `unsaved edits kept in ${auto}` : 'nothing unsaved'}\n`);
        process.exit(0);
      });
    }
  };
  process.on('SIGHUP', () => onHangup('SIGHUP'));
  process.on('SIGTERM', () => onHangup('SIGTERM'));
  process.on('uncaughtException', (err) => {
    try {
      writeAutosave();
    } catch {
      /* keep going: the terminal must be restored */
    }
    restore();
    process.stderr.write(`dubstage crashed: ${err.stack ?? err.message}\nunsaved edits (if any) are in ${auto}\n`);
    process.exit(1);
  });

  process.stdout.write(ENTER_ALT);
  let done: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => (done = resolve));
  const notice = `Engine log: ${engine.logFile} · ? keys · : commands · space play`;
  const app = render(<Root editor={editor} engine={engine} onQuit={() => done()} prompt={prompt} notice={notice} />, {
    exitOnCtrlC: false,
    patchConsole: false,
    maxFps: 15,
  });
  await closed;
  app.unmount();
  await engine.close();
  restore();
  if (!editor.dirty && fs.existsSync(auto)) fs.rmSync(auto, { force: true });
  process.exit(0);
}
