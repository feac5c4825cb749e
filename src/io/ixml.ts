// iXML production metadata (the recorder's own words): scene, take, tape, timecode rate, and a
// name per channel. Channels are mapped by INTERLEAVE_INDEX — the position in the file — not by
// CHANNEL_INDEX, which is the recorder's input number and can differ. Parsed with
// fast-xml-parser; a malformed document yields what could be read, never an exception.
import { XMLParser } from 'fast-xml-parser';

export interface IxmlInfo {
  project?: string;
  scene?: string;
  take?: string;
  tape?: string;
  note?: string;
  /** e.g. "24000/1001" */
  timecodeRate?: string;
  /** "DF" or "NDF" */
  timecodeFlag?: string;
  /** channel names by 0-based position in the file (INTERLEAVE_INDEX - 1) */
  trackNames: string[];
}

const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true, isArray: (name) => name === 'TRACK' });

const str = (v: unknown) => (v === undefined || v === null || v === '' ? undefined : String(v));

export function parseIxml(text: string | undefined, channels: number): IxmlInfo {
  const out: IxmlInfo = { trackNames: [] };
  if (!text) return out;
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(text) as Record<string, unknown>;
  } catch {
    return out;
  }
  const root = (doc.BWFXML ?? doc.bwfxml ?? {}) as Record<string, unknown>;
  out.project = str(root.PROJECT);
  out.scene = str(root.SCENE);
  out.take = str(root.TAKE);
  out.tape = str(root.TAPE);
  out.note = str(root.NOTE);
  const speed = (root.SPEED ?? {}) as Record<string, unknown>;
  out.timecodeRate = str(speed.TIMECODE_RATE);
  out.timecodeFlag = str(speed.TIMECODE_FLAG);
  const tracks = (((root.TRACK_LIST ?? {}) as Record<string, unknown>).TRACK ?? []) as Record<string, unknown>[];
  for (const t of tracks) {
    const idx = Number(t.INTERLEAVE_INDEX ?? t.CHANNEL_INDEX);
    const name = str(t.NAME);
    if (Number.isInteger(idx) && idx >= 1 && idx <= channels && name) out.trackNames[idx - 1] = name;
  }
  return out;
}
