import {
  randomBytes,
  scrypt as scryptCallback,
  timingSafeEqual,
  type ScryptOptions,
} from 'node:crypto';

const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCallback(password, salt, keylen, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );

interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/**
 * OWASP Password Storage Cheat Sheet's scrypt minimum (N=2^17, r=8, p=1: 128 MiB per hash). The
 * parameters travel with each hash, so raising them later upgrades old hashes at the next log-in.
 */
export const SCRYPT_PARAMS: Readonly<ScryptParams> = { N: 2 ** 17, r: 8, p: 1 };
const KEY_LENGTH = 32;
/** Stored hashes never ask for more than this (a corrupt or hostile row must not exhaust memory). */
const MAX_N = 2 ** 20;

/**
 * OpenSSL needs 128·r·(N+2) bytes for V plus 128·r·p for B, a little over 128·N·r: Node's maxmem
 * (32 MiB by default) must cover all of it or the call fails with "memory limit exceeded".
 */
const maxmem = ({ N, r, p }: ScryptParams) => 128 * r * (N + 2 + p) + 1024 * 1024;

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

/** `scrypt$N$r$p$salt$key`, base64url parts. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEY_LENGTH, {
    ...SCRYPT_PARAMS,
    maxmem: maxmem(SCRYPT_PARAMS),
  });
  return [
    'scrypt',
    SCRYPT_PARAMS.N,
    SCRYPT_PARAMS.r,
    SCRYPT_PARAMS.p,
    salt.toString('base64url'),
    key.toString('base64url'),
  ].join('$');
}

function parse(stored: string) {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !key) return null;
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  const valid =
    Number.isInteger(params.N) &&
    params.N > 1 &&
    params.N <= MAX_N &&
    (params.N & (params.N - 1)) === 0 &&
    Number.isInteger(params.r) &&
    params.r >= 1 &&
    params.r <= 32 &&
    Number.isInteger(params.p) &&
    params.p >= 1 &&
    params.p <= 16;
  return valid ? { params, salt, key } : null;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const expected = Buffer.from(parsed.key, 'base64url');
  if (expected.length < 16) return false;
  const actual = await scrypt(password, Buffer.from(parsed.salt, 'base64url'), expected.length, {
    ...parsed.params,
    maxmem: maxmem(parsed.params),
  });
  return timingSafeEqual(actual, expected);
}

/** True when a stored hash was made with other parameters than today's: rehash it after a successful check. */
export function needsRehash(stored: string): boolean {
  const parsed = parse(stored);
  return (
    !parsed ||
    parsed.params.N !== SCRYPT_PARAMS.N ||
    parsed.params.r !== SCRYPT_PARAMS.r ||
    parsed.params.p !== SCRYPT_PARAMS.p
  );
}

/** A hash of a random password: verifying against it costs what a real check costs, so unknown emails take as long. */
let decoy: Promise<string> | undefined;
export const decoyHash = (): Promise<string> =>
  (decoy ??= hashPassword(randomBytes(16).toString('hex')));
