import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { KeyLimits, type LimitVerdict } from './limits';
import { systemClock } from './ports';

/**
 * Requests of one key checked at the same moment (with Redis they are taken together, in one
 * command per window): each gets its own place in the count, exactly as one at a time would.
 * In process memory always; in Redis when the run has REDIS_URL.
 */
const redisUrl = process.env.REDIS_URL;
const stores: Array<[string, () => Redis | undefined]> = [['in process memory', () => undefined]];
if (redisUrl) stores.push(['in Redis', () => new Redis(redisUrl)]);

describe.each(stores)('KeyLimits %s', (_name, connect) => {
  let redis: Redis | undefined;
  beforeAll(async () => {
    redis = connect();
    // Until the connection is ready the limiter counts in memory (its insurance): wait for it.
    await redis?.ping();
  });
  afterAll(async () => {
    await redis?.quit();
  });

  const limitsFor = (alreadyThisMonth = 0) =>
    new KeyLimits({
      redis,
      prefix: `pp-limits-test-${randomBytes(4).toString('hex')}:`,
      clock: systemClock,
      store: { requestsSince: () => Promise.resolve(alreadyThisMonth) },
      recorder: { unwrittenFor: () => 0 },
    });

  const remaining = (verdicts: LimitVerdict[], window: 'perMinute' | 'monthly') =>
    verdicts.map((v) => v[window]?.remaining).sort((a, b) => a! - b!);

  it('lets exactly the per-minute limit through when requests arrive together, each with its own remaining', async () => {
    const limits = limitsFor();
    const key = { id: 'minute-key', rateLimitPerMinute: 10, monthlyRequestLimit: null };
    const verdicts = await Promise.all(Array.from({ length: 15 }, () => limits.check(key)));
    const allowed = verdicts.filter((v) => v.allowed);
    expect(allowed).toHaveLength(10);
    expect(remaining(allowed, 'perMinute')).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const refused = verdicts.filter((v) => !v.allowed);
    expect(refused.map((v) => v.code)).toEqual(Array(5).fill('RATE_LIMITED'));
    expect(refused.every((v) => v.headers['Retry-After'] !== undefined)).toBe(true);
    // The next request, later, is still refused: the 15 were all counted.
    expect(await limits.check(key)).toMatchObject({ allowed: false, code: 'RATE_LIMITED' });
  });

  it('counts the month from what is stored, and refuses past the quota, when requests arrive together', async () => {
    const limits = limitsFor(20);
    const key = { id: 'month-key', rateLimitPerMinute: null, monthlyRequestLimit: 25 };
    const verdicts = await Promise.all(Array.from({ length: 8 }, () => limits.check(key)));
    expect(verdicts.filter((v) => v.allowed)).toHaveLength(5);
    expect(remaining(verdicts, 'monthly')).toEqual([0, 0, 0, 0, 1, 2, 3, 4]);
    expect(verdicts.filter((v) => !v.allowed).map((v) => v.code)).toEqual(
      Array(3).fill('QUOTA_EXCEEDED'),
    );
    // A second burst, in a later turn: nothing left.
    const later = await Promise.all(Array.from({ length: 3 }, () => limits.check(key)));
    expect(later.map((v) => v.allowed)).toEqual([false, false, false]);
  });
});
