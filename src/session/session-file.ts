// Loading and saving session files. A bad document is refused with the JSON path of the bad
// field and why; the file on disk is never touched by a failed load or a failed save.
import fs from 'node:fs';
import { parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';
import type { z } from 'zod';
import { writeFileAtomic } from '../io/atomic-file.js';
import { SessionSchema, SESSION_FORMAT, type Session } from './schema.js';
import { serializeSession } from './serialize.js';

export class SessionFileError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
    readonly jsonPath?: string,
  ) {
    super(`${file}: ${jsonPath ? `${jsonPath}: ` : ''}${problem}`);
    this.name = 'SessionFileError';
  }
}

export function formatJsonPath(path: PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out ? '.' : ''}${String(p)}`;
  return out || '(document)';
}

function lineCol(text: string, pos: number): string {
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  return `line ${line}, column ${pos - before.lastIndexOf('\n')}`;
}

/** Parses and validates session JSON text. */
export function parseSession(text: string, file: string): Session {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    // JSON.parse on Node 20 does not say where; jsonc-parser's scanner does.
    const errors: ParseError[] = [];
    parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
    const where = errors.length ? ` at ${lineCol(text, errors[0].offset)} (${printParseErrorCode(errors[0].error)})` : '';
    throw new SessionFileError(file, `invalid JSON${where}: ${(e as Error).message.split('\n')[0]}`);
  }
  if (typeof raw !== 'object' || raw === null || (raw as { format?: unknown }).format !== SESSION_FORMAT) {
    throw new SessionFileError(file, `not a dubstage session (expected "format": "${SESSION_FORMAT}")`);
  }
  const result = SessionSchema.safeParse(raw);
  if (!result.success) {
    const issue = (result.error as z.ZodError).issues[0];
    const more = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more problems)` : '';
    throw new SessionFileError(file, `${issue.message}${more}`, formatJsonPath(issue.path));
  }
  return result.data;
}

export function loadSessionFile(file: string): Session {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new SessionFileError(file, err.code === 'ENOENT' ? 'session file not found' : err.message);
  }
  return parseSession(text, file);
}

/** Atomic save; the previous version is kept as FILE.bak. */
export function saveSessionFile(file: string, doc: Session): void {
  const text = serializeSession(doc);
  // Validate what is about to be written: a document that cannot be loaded back is never saved.
  parseSession(text, file);
  writeFileAtomic(file, text, { backup: true });
}
