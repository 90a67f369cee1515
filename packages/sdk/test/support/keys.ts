import { randomInt } from 'node:crypto';
import { crc32 } from 'node:zlib';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * A key made as the portal makes it (prefix, 32 random base62, base62 CRC-32), with zlib's CRC-32
 * rather than the SDK's: well-formed, and held by no portal (NOT_FOUND).
 */
export function wellFormedKey(prefix: 'ppk_test_' | 'ppk_live_' = 'ppk_live_'): string {
  let random = '';
  for (let i = 0; i < 32; i++) random += ALPHABET[randomInt(62)];
  const body = prefix + random;
  let sum = '';
  let rest = crc32(body);
  for (let i = 0; i < 6; i++) {
    sum = ALPHABET[rest % 62]! + sum;
    rest = Math.floor(rest / 62);
  }
  return body + sum;
}
