import { describe, expect, it } from 'vitest';
import { OGG_BOS, oggCrc, oggPage, opusHead, opusTags } from '../../src/io/ogg-page.js';

describe('Ogg pages', () => {
  it('computes the Ogg CRC (CRC-32/CKSUM before its final inversion)', () => {
    // the catalogued check value of CRC-32/CKSUM over "123456789" is 0x765e7680
    expect(oggCrc(Buffer.from('123456789', 'latin1'))).toBe(~0x765e7680 >>> 0);
  });

  it('lays out a page: capture pattern, granule, serial, sequence, lacing, CRC over the whole page', () => {
    const big = Buffer.alloc(600, 7); // 255 + 255 + 90: three lacing values
    const small = Buffer.alloc(255, 1); // exactly 255: a terminating 0 follows
    const page = oggPage([big, small], 1920n, 0xdeadbeef, 5, OGG_BOS);
    expect(page.toString('latin1', 0, 4)).toBe('OggS');
    expect(page[5]).toBe(OGG_BOS);
    expect(page.readBigInt64LE(6)).toBe(1920n);
    expect(page.readUInt32LE(14)).toBe(0xdeadbeef);
    expect(page.readUInt32LE(18)).toBe(5);
    expect([...page.subarray(26, 27 + page[26])]).toEqual([5, 255, 255, 90, 255, 0]);
    expect(page.length).toBe(27 + 5 + 855);
    const crc = page.readUInt32LE(22);
    page.writeUInt32LE(0, 22);
    expect(oggCrc(page)).toBe(crc);
  });

  it('writes OpusHead and OpusTags as RFC 7845 defines them', () => {
    const h = opusHead(2, 312, 48000);
    expect(h.toString('latin1', 0, 8)).toBe('OpusHead');
    expect([h[8], h[9], h.readUInt16LE(10), h.readUInt32LE(12), h.readInt16LE(16), h[18]]).toEqual([1, 2, 312, 48000, 0, 0]);
    const t = opusTags('dubstage', ['TITLE=reel 1']);
    expect(t.toString('latin1', 0, 8)).toBe('OpusTags');
    expect(t.readUInt32LE(8)).toBe(8);
    expect(t.toString('utf8', 12, 20)).toBe('dubstage');
    expect(t.readUInt32LE(20)).toBe(1);
    expect(t.readUInt32LE(24)).toBe(12);
    expect(t.toString('utf8', 28)).toBe('TITLE=reel 1');
  });
});
