import { randomInt } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * `ppk_<env>_<32 random base62><6 base62 CRC32>`, after GitHub's token format: the prefix names
 * the environment (and lets secret scanners find keys), 32 base62 characters carry ~190 bits
 * from the system CSPRNG, and the checksum lets a scanner or the server reject a mistyped or
 * made-up string without any look-up.
 */
export type KeyEnvironment = 'DEVELOPMENT' | 'PRODUCTION';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const RANDOM_LENGTH = 32;
const CHECKSUM_LENGTH = 6;
const PREFIX: Record<KeyEnvironment, string> = {
  DEVELOPMENT: 'ppk_test_',
  PRODUCTION: 'ppk_live_',
};
const FORMAT = /^ppk_(test|live)_([0-9A-Za-z]{32})([0-9A-Za-z]{6})$/;

/** Characters of the random part shown in `start`. */
const START_RANDOM = 4;

export const looksLikeApiKey = (value: string): boolean => value.startsWith('ppk_');

function base62(value: number, width: number): string {
  let out = '';
  let rest = value;
  for (let i = 0; i < width; i++) {
    out = ALPHABET[rest % 62]! + out;
    rest = Math.floor(rest / 62);
  }
  return out;
}

export const checksum = (body: string): string => base62(crc32(body), CHECKSUM_LENGTH);

export function generateApiKey(environment: KeyEnvironment): { secret: string; start: string } {
  let random = '';
  for (let i = 0; i < RANDOM_LENGTH; i++) random += ALPHABET[randomInt(62)];
  const body = `${PREFIX[environment]}${random}`;
  return {
    secret: `${body}${checksum(body)}`,
    start: `${PREFIX[environment]}${random.slice(0, START_RANDOM)}`,
  };
}

/** The environment a well-formed key names, or null when its shape or checksum is wrong. */
export function parseApiKey(value: string): KeyEnvironment | null {
  const match = FORMAT.exec(value);
  if (!match) return null;
  const body = value.slice(0, value.length - CHECKSUM_LENGTH);
  if (checksum(body) !== match[3]) return null;
  return match[1] === 'live' ? 'PRODUCTION' : 'DEVELOPMENT';
}
