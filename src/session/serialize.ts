// Stable, diff-friendly JSON for sessions: keys in schema order, one track / clip / bus /
// marker per line, so the same document always gives the same bytes and `git diff` shows
// each edit as the lines of the objects it touched.
import { KEY_ORDER, type Session } from './schema.js';

type Obj = Record<string, unknown>;

function ordered(obj: Obj, keys: string[]): string {
  const parts: string[] = [];
  for (const k of keys) {
    if (obj[k] === undefined) continue;
    parts.push(`${JSON.stringify(k)}: ${value(k, obj[k])}`);
  }
  return `{ ${parts.join(', ')} }`;
}

/** Nested objects (fades, EQ bands, dynamics) keep their schema's key order too. */
function value(key: string, v: unknown): string {
  const keys = KEY_ORDER.nested[key];
  if (!keys || v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map((x) => ordered(x as Obj, keys)).join(', ')}]`;
  return ordered(v as Obj, keys);
}

function list(items: Obj[], keys: string[]): string {
  if (items.length === 0) return '[]';
  return `[\n${items.map((it) => `    ${ordered(it, keys)}`).join(',\n')}\n  ]`;
}

export function serializeSession(doc: Session): string {
  const lists: Record<string, [Obj[], string[]]> = {
    tracks: [doc.tracks as Obj[], KEY_ORDER.track],
    clips: [doc.clips as Obj[], KEY_ORDER.clip],
    buses: [doc.buses as Obj[], KEY_ORDER.bus],
    markers: [doc.markers as Obj[], KEY_ORDER.marker],
  };
  const lines: string[] = [];
  for (const k of KEY_ORDER.session) {
    if ((doc as Obj)[k] === undefined) continue;
    const value = lists[k] ? list(lists[k][0], lists[k][1]) : JSON.stringify((doc as Obj)[k]);
    lines.push(`  ${JSON.stringify(k)}: ${value}`);
  }
  return `{\n${lines.join(',\n')}\n}\n`;
}
