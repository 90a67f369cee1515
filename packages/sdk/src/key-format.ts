/**
 * The portal's key format, checked before any request to it: `ppk_<test|live>_` + 32 base62
 * characters + a 6-character base62 CRC-32 of what precedes it. A mistyped or made-up string is
 * refused (MALFORMED) without a round trip, as the portal itself does before any look-up.
 */
import type { Environment } from './types';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const FORMAT = /^ppk_(test|live)_[0-9A-Za-z]{32}([0-9A-Za-z]{6})$/;
const CHECKSUM_LENGTH = 6;

// zlib.crc32 only exists from Node 20.15 / 22.2; this table is the same CRC-32 (IEEE).
const TABLE = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(text: string): number {
  let crc = 0xffffffff;
  for (const byte of Buffer.from(text, 'utf8')) crc = TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function base62(value: number, width: number): string {
  let out = '';
  let rest = value;
  for (let i = 0; i < width; i++) {
    out = ALPHABET[rest % 62]! + out;
    rest = Math.floor(rest / 62);
  }
  return out;
}

/** The environment a well-formed key names, or null when its shape or checksum is wrong. */
export function parseKey(value: string): Environment | null {
  const match = FORMAT.exec(value);
  if (!match) return null;
  const body = value.slice(0, value.length - CHECKSUM_LENGTH);
  if (base62(crc32(body), CHECKSUM_LENGTH) !== match[2]) return null;
  return match[1] === 'live' ? 'PRODUCTION' : 'DEVELOPMENT';
}
