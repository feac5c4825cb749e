// Broadcast Wave `bext` chunk (EBU Tech 3285): a fixed 602-byte layout followed by the coding
// history. Parsed and built by hand: the layout is fixed offsets, and the writer must produce
// it inside a header it streams (wavefile needs the whole file in memory to do either).

export interface Bext {
  description: string;
  originator: string;
  originatorReference: string;
  originationDate: string;
  originationTime: string;
  /** samples since midnight at the file's sample rate */
  timeReference: number;
  version: number;
  codingHistory: string;
  /** version 2 loudness fields, when set: LUFS, LU, dBTP */
  loudness?: { integrated: number | null; range: number | null; truePeak: number | null; momentaryMax: number | null; shortTermMax: number | null };
}

export const BEXT_FIXED_SIZE = 602;

function text(buf: Buffer, start: number, length: number): string {
  const end = Math.min(buf.length, start + length);
  let stop = start;
  while (stop < end && buf[stop] !== 0) stop++;
  return buf.toString('latin1', start, stop).trim();
}

export function parseBext(buf: Buffer): Bext {
  const u32 = (o: number) => (buf.length >= o + 4 ? buf.readUInt32LE(o) : 0);
  return {
    description: text(buf, 0, 256),
    originator: text(buf, 256, 32),
    originatorReference: text(buf, 288, 32),
    originationDate: text(buf, 320, 10),
    originationTime: text(buf, 330, 8),
    timeReference: u32(338) + u32(342) * 0x100000000,
    version: buf.length >= 348 ? buf.readUInt16LE(346) : 0,
    codingHistory: buf.length > BEXT_FIXED_SIZE ? text(buf, BEXT_FIXED_SIZE, buf.length - BEXT_FIXED_SIZE) : '',
    loudness: buf.length >= 422 && buf.readUInt16LE(346) >= 2 ? parseLoudness(buf) : undefined,
  };
}

function parseLoudness(buf: Buffer): Bext['loudness'] {
  const v = (o: number) => {
    const x = buf.readInt16LE(o);
    return x === 0x7fff ? null : x / 100;
  };
  return { integrated: v(412), range: v(414), truePeak: v(416), momentaryMax: v(418), shortTermMax: v(420) };
}

export function buildBext(b: Partial<Bext> & { timeReference: number }): Buffer {
  const history = b.codingHistory ? `${b.codingHistory}\r\n` : '';
  const size = BEXT_FIXED_SIZE + history.length;
  const buf = Buffer.alloc(size + (size & 1));
  const put = (s: string | undefined, at: number, max: number) => buf.write((s ?? '').slice(0, max), at, max, 'latin1');
  put(b.description, 0, 256);
  put(b.originator, 256, 32);
  put(b.originatorReference, 288, 32);
  put(b.originationDate, 320, 10);
  put(b.originationTime, 330, 8);
  const tr = Math.max(0, Math.round(b.timeReference));
  buf.writeUInt32LE(tr % 0x100000000, 338);
  buf.writeUInt32LE(Math.floor(tr / 0x100000000), 342);
  buf.writeUInt16LE(b.version ?? 1, 346);
  if (history) buf.write(history, BEXT_FIXED_SIZE, 'latin1');
  return buf.subarray(0, size);
}
