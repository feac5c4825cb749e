// Headless command runs (`dubstage run`): apply lines of the command language in order, stop
// at the first error with the line and the reason, and save only when every line succeeded.
import { SessionEditor } from './editor.js';

export interface ScriptLine {
  text: string;
  /** where it came from, for error messages: "-c #2" or "edit.txt:14" */
  origin: string;
}

export interface RunResult {
  messages: string[];
  saved: boolean;
}

export class ScriptError extends Error {
  constructor(
    readonly origin: string,
    readonly line: string,
    readonly reason: string,
  ) {
    super(`${origin}: ${line}\n  ${reason}`);
    this.name = 'ScriptError';
  }
}

/** Lines of a script file: one command a line; blank lines and # comments are skipped. */
export function scriptLines(text: string, file: string): ScriptLine[] {
  const out: ScriptLine[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const t = raw.trim();
    if (t && !t.startsWith('#')) out.push({ text: t, origin: `${file}:${i + 1}` });
  });
  return out;
}

export async function runScript(editor: SessionEditor, lines: ScriptLine[], opts: { save: boolean; onProgress?: (m: string) => void }): Promise<RunResult> {
  const messages: string[] = [];
  for (const l of lines) {
    try {
      const r = await editor.run(l.text, opts.onProgress);
      messages.push(r.message);
      if (r.quit) return { messages, saved: /^saved /.test(r.message) };
    } catch (e) {
      throw new ScriptError(l.origin, l.text, (e as Error).message);
    }
  }
  if (opts.save && editor.dirty) {
    messages.push(editor.save());
    return { messages, saved: true };
  }
  return { messages, saved: false };
}
