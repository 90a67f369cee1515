// The parts that need no portal: the key format, the key's place in a request, the refusals'
// statuses and headers, and the client's checks of its options and of the portal's answers.
import { crc32 as zlibCrc32 } from 'node:zlib';
import { crc32, parseKey } from '../src/key-format';
import { performance } from 'node:perf_hooks';
import { keyFromHeaders, wallClockAt } from '../src/middleware';
import { rateLimitHeaders, refusalBody, refusalOf } from '../src/refusals';
import { wellFormedKey } from './support/keys';
import { freePort } from './support/portal';
import { createPortalClient, parseVerifyResult, PortalError, VERIFY_REFUSAL_CODES } from '../src';

const makeKey = wellFormedKey;

describe('key format', () => {
  it('computes the same CRC-32 as zlib', () => {
    for (const text of ['', 'abc', 'ppk_live_0123456789abcdefABCDEF0123456789', 'é∂ƒ']) {
      expect(crc32(text)).toBe(zlibCrc32(text));
    }
  });

  it('accepts well-formed keys and names their environment', () => {
    for (let i = 0; i < 50; i++) {
      expect(parseKey(makeKey('ppk_live_'))).toBe('PRODUCTION');
      expect(parseKey(makeKey('ppk_test_'))).toBe('DEVELOPMENT');
    }
  });

  it('refuses a wrong checksum, a changed character, a wrong prefix or length', () => {
    const key = makeKey('ppk_live_');
    const last = key.at(-1) === 'a' ? 'b' : 'a';
    expect(parseKey(key.slice(0, -1) + last)).toBeNull();
    const middle = key[20] === 'a' ? 'b' : 'a';
    expect(parseKey(key.slice(0, 20) + middle + key.slice(21))).toBeNull();
    expect(parseKey(key.replace('ppk_live_', 'ppk_prod_'))).toBeNull();
    expect(parseKey(key + 'x')).toBeNull();
    expect(parseKey('')).toBeNull();
    expect(parseKey('Bearer ' + key)).toBeNull();
  });
});

describe('keyFromHeaders', () => {
  const key = 'ppk_live_x';
  it.each([
    [{ authorization: `Bearer ${key}` }, key],
    [{ authorization: `bearer   ${key} ` }, key],
    [{ 'x-api-key': ` ${key} ` }, key],
    [{ 'x-api-key': [key, 'other'] as unknown as string }, key],
    [{ authorization: `Bearer ${key}`, 'x-api-key': key }, key],
    [{ authorization: `Bearer ${key}`, 'x-api-key': 'other' }, null],
    [{ authorization: 'Basic dXNlcjpwYXNz', 'x-api-key': key }, key],
    [{ authorization: 'Basic dXNlcjpwYXNz' }, undefined],
    [{ authorization: 'Bearer' }, undefined],
    [{ authorization: 'Bearer a b' }, undefined],
    // The usual spelling is read without the regular expression; every other goes through it.
    [{ authorization: `Bearer\t${key}` }, key],
    [{ authorization: `BEARER ${key}\t` }, key],
    [{ authorization: 'Bearer kéy' }, 'kéy'],
    [{ authorization: `Bearer ${key}\u00a0` }, undefined],
    [{ authorization: `Bearer ${key} x` }, undefined],
    [{ authorization: 'Bearerx' }, undefined],
    [{ authorization: `Bearer_${key}` }, undefined],
    [{ 'x-api-key': '  ' }, undefined],
    [{}, undefined],
  ])('%j → %s', (headers, expected) => {
    expect(keyFromHeaders(headers)).toBe(expected);
  });
});

describe('refusals (the gateway’s statuses and headers)', () => {
  it.each(['MALFORMED', 'NOT_FOUND', 'REVOKED', 'EXPIRED'] as const)(
    '%s is 401 UNAUTHENTICATED',
    (code) => {
      const r = refusalOf({ valid: false, code });
      expect(r.status).toBe(401);
      expect(r.code).toBe('UNAUTHENTICATED');
      expect(r.headers['WWW-Authenticate']).toBe('Bearer');
      expect(JSON.parse(refusalBody(r))).toEqual({
        error: { code: 'UNAUTHENTICATED', message: expect.any(String) },
      });
    },
  );

  it('WRONG_ENVIRONMENT is 403 FORBIDDEN', () => {
    expect(refusalOf({ valid: false, code: 'WRONG_ENVIRONMENT', keyId: 'k' })).toMatchObject({
      status: 403,
      code: 'FORBIDDEN',
    });
  });

  it.each(['RATE_LIMITED', 'QUOTA_EXCEEDED'] as const)(
    '%s is 429 with Retry-After and RateLimit-*',
    (code) => {
      const r = refusalOf({ valid: false, code, keyId: 'k', retryAfterSeconds: 42.2 });
      expect(r).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
      expect(r.headers).toEqual({
        'Retry-After': '43',
        'RateLimit-Remaining': '0',
        'RateLimit-Reset': '43',
      });
    },
  );

  it('RateLimit-* of a valid key: the per-minute window wins over the month', () => {
    const valid = {
      valid: true as const,
      keyId: 'k',
      teamId: 't',
      environment: 'PRODUCTION' as const,
      expiresAt: null,
      ratelimit: { limit: 10, remaining: 7, resetSeconds: 31 },
      monthly: { limit: 1000, remaining: 900 },
    };
    expect(rateLimitHeaders(valid)).toEqual({
      'RateLimit-Limit': '10',
      'RateLimit-Remaining': '7',
      'RateLimit-Reset': '31',
    });
    const monthOnly = { ...valid, ratelimit: null };
    expect(rateLimitHeaders(monthOnly, new Date('2026-01-31T23:59:00Z'))).toEqual({
      'RateLimit-Limit': '1000',
      'RateLimit-Remaining': '900',
      'RateLimit-Reset': '60',
    });
    expect(rateLimitHeaders({ ...valid, ratelimit: null, monthly: null })).toEqual({});
  });
});

describe('createPortalClient', () => {
  it('refuses a client without a URL or a service token', () => {
    expect(() => createPortalClient({ url: 'portal.local', serviceToken: 'x' })).toThrow(TypeError);
    expect(() => createPortalClient({ url: 'http://portal.local', serviceToken: '' })).toThrow(
      TypeError,
    );
  });

  it('answers MALFORMED for a string that is not a key, without a request', async () => {
    const client = createPortalClient({ url: 'http://127.0.0.1:9', serviceToken: 'x'.repeat(32) });
    await expect(client.verifyKey('not-a-key')).resolves.toEqual({
      valid: false,
      code: 'MALFORMED',
    });
    expect(client.stats()).toMatchObject({ localAnswers: 1, portalRequests: 0 });
  });

  it('a portal that cannot be reached is a PortalError PORTAL_UNREACHABLE', async () => {
    const client = createPortalClient({
      url: `http://127.0.0.1:${await freePort()}`,
      serviceToken: 'x'.repeat(32),
    });
    const error = await client.verifyKey(makeKey('ppk_live_')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortalError);
    expect(error).toMatchObject({ code: 'PORTAL_UNREACHABLE', status: undefined, retryable: true });
  });
});

describe('parseVerifyResult', () => {
  it('takes every refusal code of the contract', () => {
    for (const code of VERIFY_REFUSAL_CODES)
      expect(parseVerifyResult({ valid: false, code })).toEqual({ valid: false, code });
  });

  it('fills absent limits with null', () => {
    expect(
      parseVerifyResult({ valid: true, keyId: 'k', teamId: 't', environment: 'PRODUCTION' }),
    ).toEqual({
      valid: true,
      keyId: 'k',
      teamId: 't',
      environment: 'PRODUCTION',
      expiresAt: null,
      ratelimit: null,
      monthly: null,
    });
  });

  it.each([null, 'x', {}, { valid: true }, { valid: false, code: 'NOPE' }, { valid: 'yes' }])(
    'refuses %j as PORTAL_ERROR',
    (value) => {
      let thrown: unknown;
      try {
        parseVerifyResult(value);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toMatchObject({ name: 'PortalError', code: 'PORTAL_ERROR' });
    },
  );
});

describe("a report's time", () => {
  it('is within a millisecond of what Date.now() names, from a performance.now() reading', () => {
    for (let i = 0; i < 50; i++) {
      const before = Date.now();
      const at = wallClockAt(performance.now());
      const after = Date.now();
      // The wall and monotonic clocks drift apart a little between the once-a-second checks (CI
      // once saw `after + 1`): a report's minute is what matters, never its millisecond.
      expect(at).toBeGreaterThanOrEqual(before - 1);
      expect(at).toBeLessThanOrEqual(after + 1);
    }
  });

  it('follows the wall clock when it steps (checked once a second)', () => {
    const start = performance.now();
    const wall = Date.now();
    const now = jest.spyOn(Date, 'now');
    try {
      // The wall clock stepped 5 s ahead: within the second the offset may stay, after it it moves.
      now.mockReturnValue(wall + 5000 + 1001);
      expect(wallClockAt(start + 1001)).toBe(wall + 5000 + 1001);
      expect(wallClockAt(start + 1500)).toBe(wall + 5000 + 1500);
      now.mockReturnValue(wall + 1000 + 2501);
      expect(wallClockAt(start + 2501)).toBe(wall + 1000 + 2501);
    } finally {
      now.mockRestore();
    }
  });
});
