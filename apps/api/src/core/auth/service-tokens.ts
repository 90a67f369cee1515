import { hash } from 'node:crypto';

/** What an `Authorization` header said about a service token. */
export type ServiceTokenCheck = 'valid' | 'missing' | 'invalid';

/**
 * The one check of the provider's service tokens (`SERVICE_TOKENS`), for the /v1/ endpoints and
 * GET /metrics: `Authorization: Bearer <token>`. Both sides are hashed first, so every comparison
 * is of two 32-byte digests in constant time whatever the lengths, and every token is compared (no
 * early exit that would tell which position matched). With no tokens configured nothing is valid.
 */
export function serviceTokenChecker(
  tokens: readonly string[],
): (authorization: string | undefined) => ServiceTokenCheck {
  const digests = tokens.map(digest);
  return (authorization) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) return 'missing';
    const presented = digest(match[1]!);
    let ok = false;
    for (const known of digests) ok = sameDigest(presented, known) || ok;
    return ok ? 'valid' : 'invalid';
  };
}

// The one-shot digest as hex: no Hash object per request (the /v1 fast path pays this on every
// call), and no Buffer either (crypto.hash's 'buffer' output cost about 3 µs more than 'hex').
const digest = (value: string): string => hash('sha256', value, 'hex');

/**
 * Two 64-character hex digests compared in constant time, as crypto.timingSafeEqual compares
 * buffers: every character is read and the differences are OR-ed together, no early exit.
 */
function sameDigest(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < 64; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
