// Ogg pages (RFC 3533) and the Opus identification and comment headers (RFC 7845), for the
// remote monitor's /stream.opus. Written here because the npm registry has no maintained Ogg
// muxer for Node (the packages there bind a 2013 libogg natively or only record in browsers);
// the format is small and fully specified.

const CRC_TABLE = (() => {
  // CRC-32 as Ogg defines it: polynomial 0x04c11db7, MSB first, initial value 0, no final xor
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let k = 0; k < 8; k++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    t[i] = r >>> 0;
  }
  return t;
})();

export function oggCrc(buf: Uint8Array): number {
  let crc = 0;
  for (let i = 0; i < buf.length; i++) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ buf[i]) & 0xff]) >>> 0;
  return crc >>> 0;
}

export const OGG_BOS = 0x02;
export const OGG_EOS = 0x04;

/**
 * One page holding whole packets (each under 255 × 255 bytes, as Opus packets always are).
 * `granule` is the sample position at the end of the last packet (RFC 7845: at 48 kHz).
 */
export function oggPage(packets: Uint8Array[], granule: bigint, serial: number, sequence: number, headerType = 0): Buffer {
  const lacing: number[] = [];
  let body = 0;
  for (const p of packets) {
    for (let left = p.length; ; left -= 255) {
      lacing.push(Math.min(255, left));
      if (left < 255) break;
    }
    body += p.length;
  }
  if (lacing.length > 255) throw new Error('Ogg page: more than 255 lacing values');
  const page = Buffer.alloc(27 + lacing.length + body);
  page.write('OggS', 0, 'latin1');
  page[4] = 0; // stream structure version
  page[5] = headerType;
  page.writeBigInt64LE(granule, 6);
  page.writeUInt32LE(serial >>> 0, 14);
  page.writeUInt32LE(sequence >>> 0, 18);
  page[26] = lacing.length;
  let o = 27;
  for (const l of lacing) page[o++] = l;
  for (const p of packets) {
    page.set(p, o);
    o += p.length;
  }
  page.writeUInt32LE(oggCrc(page), 22); // computed with the CRC field still zero
  return page;
}

/** The OpusHead identification header (RFC 7845 §5.1), channel mapping family 0. */
export function opusHead(channels: number, preSkip: number, inputRate: number): Buffer {
  const h = Buffer.alloc(19);
  h.write('OpusHead', 0, 'latin1');
  h[8] = 1; // version
  h[9] = channels;
  h.writeUInt16LE(preSkip, 10);
  h.writeUInt32LE(inputRate, 12);
  h.writeInt16LE(0, 16); // output gain
  h[18] = 0; // mapping family: mono or stereo
  return h;
}

/** The OpusTags comment header (RFC 7845 §5.2). */
export function opusTags(vendor: string, comments: string[] = []): Buffer {
  const v = Buffer.from(vendor, 'utf8');
  const cs = comments.map((c) => Buffer.from(c, 'utf8'));
  const h = Buffer.alloc(8 + 4 + v.length + 4 + cs.reduce((a, c) => a + 4 + c.length, 0));
  h.write('OpusTags', 0, 'latin1');
  let o = 8;
  h.writeUInt32LE(v.length, o);
  h.set(v, o + 4);
  o += 4 + v.length;
  h.writeUInt32LE(cs.length, o);
  o += 4;
  for (const c of cs) {
    h.writeUInt32LE(c.length, o);
    h.set(c, o + 4);
    o += 4 + c.length;
  }
  return h;
}
