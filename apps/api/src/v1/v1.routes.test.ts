import type { KeyRecord, LimitState, Verification } from '@partner-portal/keys';
import { verifyAnswer, verifyAnswerJson } from './v1.routes';

/**
 * The verify endpoint writes its answer from pre-serialised parts (verifyAnswerJson); it must be
 * the text JSON.stringify gives for the contract's object (verifyAnswer), byte for byte, for every
 * kind of outcome, and the part kept per key must follow the key record it was made for.
 */
const key = (fields: Partial<KeyRecord> = {}): KeyRecord =>
  Object.freeze({
    id: '6f1c2d3e-4b5a-4c6d-8e7f-0123456789ab',
    teamId: '0b9f8ac8-d271-475d-a0cd-4077fb9f1603',
    environment: 'PRODUCTION',
    expiresAt: null,
    revokedAt: null,
    rateLimitPerMinute: 600,
    monthlyRequestLimit: 100_000,
    ...fields,
  });

const limits = (state: Partial<LimitState>): LimitState => ({
  perMinute: null,
  monthly: null,
  headers: {},
  ...state,
});

const minute = { limit: 600, remaining: 599, resetSeconds: 42 };
const month = { limit: 100_000, remaining: 99_000, resetSeconds: 1_234_567 };

const outcomes: Array<[string, Verification]> = [
  [
    'valid, both limits',
    { valid: true, key: key(), limits: limits({ perMinute: minute, monthly: month }) },
  ],
  [
    'valid, no limits',
    {
      valid: true,
      key: key({ rateLimitPerMinute: null, monthlyRequestLimit: null }),
      limits: limits({}),
    },
  ],
  ['valid, per minute only', { valid: true, key: key(), limits: limits({ perMinute: minute }) }],
  ['valid, monthly only', { valid: true, key: key(), limits: limits({ monthly: month }) }],
  [
    'valid, expiring development key',
    {
      valid: true,
      key: key({ environment: 'DEVELOPMENT', expiresAt: new Date('2027-02-03T04:05:06.789Z') }),
      limits: limits({ perMinute: { limit: 1, remaining: 0, resetSeconds: 1 } }),
    },
  ],
  [
    'valid, fields that JSON must escape',
    { valid: true, key: key({ id: 'a"b\\c\u2028', teamId: 'é\n' }), limits: limits({}) },
  ],
  ['malformed', { valid: false, code: 'MALFORMED' }],
  ['not found', { valid: false, code: 'NOT_FOUND' }],
  ['revoked', { valid: false, code: 'REVOKED', key: key() }],
  ['expired', { valid: false, code: 'EXPIRED', key: key() }],
  ['wrong environment', { valid: false, code: 'WRONG_ENVIRONMENT', key: key() }],
  [
    'rate limited',
    {
      valid: false,
      code: 'RATE_LIMITED',
      key: key(),
      retryAfterSeconds: 7,
      limits: limits({ perMinute: { ...minute, remaining: 0 } }),
    },
  ],
  [
    'quota exceeded',
    {
      valid: false,
      code: 'QUOTA_EXCEEDED',
      key: key(),
      retryAfterSeconds: 99,
      limits: limits({ monthly: { ...month, remaining: 0 } }),
    },
  ],
  ['unknown keys from one address', { valid: false, code: 'RATE_LIMITED', retryAfterSeconds: 30 }],
];

describe('verifyAnswerJson', () => {
  it.each(outcomes)(
    '%s: the text JSON.stringify gives for the contract answer',
    (_name, outcome) => {
      const json = verifyAnswerJson(outcome);
      expect(json).toBe(JSON.stringify(verifyAnswer(outcome)));
      // And again, from the part kept for the key.
      expect(verifyAnswerJson(outcome)).toBe(json);
    },
  );

  it('follows the key record: a new record of the same key (expiry changed) gets its own text', () => {
    const before = key();
    const after = key({ expiresAt: new Date('2030-01-01T00:00:00.000Z') });
    const answer = (k: KeyRecord) =>
      JSON.parse(verifyAnswerJson({ valid: true, key: k, limits: limits({}) })) as {
        expiresAt: string | null;
      };
    expect(answer(before).expiresAt).toBeNull();
    expect(answer(after).expiresAt).toBe('2030-01-01T00:00:00.000Z');
    expect(answer(before).expiresAt).toBeNull();
  });

  it('writes the numbers of each request, not those of the first', () => {
    const k = key();
    const texts = [999, 998, 997].map((remaining) =>
      verifyAnswerJson({
        valid: true,
        key: k,
        limits: limits({ perMinute: { limit: 1000, remaining, resetSeconds: 60 } }),
      }),
    );
    expect(
      texts.map((t) => (JSON.parse(t) as { ratelimit: { remaining: number } }).ratelimit.remaining),
    ).toEqual([999, 998, 997]);
  });
});
