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

  const turn = () => new Promise((resolve) => setImmediate(resolve));

  it("counts a busy key's requests in order, one per turn of the event loop, up to exactly its limit", async () => {
    const limits = limitsFor();
    const key = { id: 'busy-key', rateLimitPerMinute: 30, monthlyRequestLimit: 1000 };
    const verdicts: Array<Promise<LimitVerdict>> = [];
    // One request per turn of the event loop, as a busy gateway sees them.
    for (let i = 0; i < 40; i++) {
      verdicts.push(limits.check(key));
      await turn();
    }
    const all = await Promise.all(verdicts);
    expect(all.filter((v) => v.allowed)).toHaveLength(30);
    const left = all.map((v) => v.perMinute!.remaining);
    expect(left).toEqual([
      ...Array.from({ length: 30 }, (_, i) => 29 - i),
      ...Array<number>(10).fill(0),
    ]);
    expect(all.map((v) => v.monthly!.remaining)).toEqual(
      Array.from({ length: 40 }, (_, i) => 999 - i),
    );
  });

  it('starts a new count when the month turns, and its headers and reset follow the new month', async () => {
    let now = new Date(Date.UTC(2031, 0, 31, 23, 59, 58));
    const limits = new KeyLimits({
      redis,
      prefix: `pp-limits-test-${randomBytes(4).toString('hex')}:`,
      clock: { now: () => now },
      store: { requestsSince: () => Promise.resolve(0) },
      recorder: { unwrittenFor: () => 0 },
    });
    const key = { id: 'turning-key', rateLimitPerMinute: null, monthlyRequestLimit: 2 };
    expect((await limits.check(key)).headers).toEqual({
      'RateLimit-Limit': '2',
      'RateLimit-Remaining': '1',
      'RateLimit-Reset': '2',
    });
    expect(await limits.check(key)).toMatchObject({ allowed: true, monthly: { remaining: 0 } });
    expect(await limits.check(key)).toMatchObject({ allowed: false, code: 'QUOTA_EXCEEDED' });
    now = new Date(Date.UTC(2031, 1, 1, 0, 0, 1));
    const february = await limits.check(key);
    expect(february).toMatchObject({ allowed: true, monthly: { limit: 2, remaining: 1 } });
    // Reset at 1 March, 00:00 UTC: 27 days, 23:59:59 from now.
    expect(february.headers['RateLimit-Reset']).toBe(String(28 * 86_400 - 1));
    // Back in January (a clock set back): January's count, still exhausted.
    now = new Date(Date.UTC(2031, 0, 31, 23, 59, 59));
    expect(await limits.check(key)).toMatchObject({ allowed: false, code: 'QUOTA_EXCEEDED' });
    await limits.close();
  });

  it('gives the RateLimit-* headers of the per-minute window when a key has both', async () => {
    const limits = limitsFor(100);
    const key = { id: 'both-key', rateLimitPerMinute: 10, monthlyRequestLimit: 1_000 };
    const verdict = await limits.check(key);
    expect(verdict).toMatchObject({
      allowed: true,
      perMinute: { limit: 10, remaining: 9 },
      monthly: { limit: 1_000, remaining: 899 },
    });
    expect(verdict.headers).toEqual({
      'RateLimit-Limit': '10',
      'RateLimit-Remaining': '9',
      'RateLimit-Reset': String(verdict.perMinute!.resetSeconds),
    });
    await limits.close();
  });
});

/** With Redis only: what the processes sharing it see of each other. */
(redisUrl ? describe : describe.skip)('KeyLimits with a busy key in Redis', () => {
  let redis: Redis | undefined;
  beforeAll(async () => {
    redis = new Redis(redisUrl!);
    await redis.ping();
  });
  afterAll(async () => {
    await redis?.quit();
  });
  const turn = () => new Promise((resolve) => setImmediate(resolve));
  const freshPrefix = () => `pp-limits-test-${randomBytes(4).toString('hex')}:`;
  /** A process's limits on the shared Redis (each test its own prefix). */
  const limitsOn = (prefix: string, client = redis!) =>
    new KeyLimits({
      redis: client,
      prefix,
      clock: systemClock,
      store: { requestsSince: () => Promise.resolve(0) },
      recorder: { unwrittenFor: () => 0 },
    });

  it('answers a busy key far from its limits at once, and counts those requests in Redis with its next take', async () => {
    const prefix = freshPrefix();
    const limits = limitsOn(prefix);
    const key = { id: 'fast-key', rateLimitPerMinute: 100, monthlyRequestLimit: null };
    // The first request waits for Redis: nothing is known of the key yet.
    const first = limits.checkNow(key);
    expect(first).toBeInstanceOf(Promise);
    expect((await first).perMinute!.remaining).toBe(99);
    const answers: Array<LimitVerdict | Promise<LimitVerdict>> = [];
    for (let i = 0; i < 95; i++) {
      answers.push(limits.checkNow(key));
      await turn();
    }
    // At once while a tenth of the window is left (a tenth of what is left between two takes);
    // past it, each waits for Redis. In order, each with its own place.
    const atOnce = answers.filter((a) => !(a instanceof Promise)) as LimitVerdict[];
    // How many depends on the machine's speed (the budget follows the key's rate here).
    expect(atOnce.length).toBeGreaterThan(0);
    expect(atOnce.every((v) => v.perMinute!.remaining >= 10)).toBe(true);
    const all = await Promise.all(answers.map((a) => Promise.resolve(a)));
    expect(all.map((v) => v.perMinute!.remaining)).toEqual(
      Array.from({ length: 95 }, (_, i) => 98 - i),
    );
    expect(all.at(-1)!.perMinute!.remaining).toBe(4);
    // Every request, answered at once or not, is in Redis's counter.
    expect(await redis!.get(`${prefix}key-minute:fast-key`)).toBe('96');
  });

  it('sends the counts that passed at once when it closes', async () => {
    const prefix = freshPrefix();
    const limits = limitsOn(prefix);
    const key = { id: 'closing-key', rateLimitPerMinute: 10_000, monthlyRequestLimit: null };
    const answers: Array<LimitVerdict | Promise<LimitVerdict>> = [];
    for (let i = 0; i < 51; i++) {
      answers.push(limits.checkNow(key));
      await turn();
    }
    // At once: the counts that passed at once are sent, and the takes waited for.
    await limits.close();
    expect(await redis!.get(`${prefix}key-minute:closing-key`)).toBe('51');
    const all = await Promise.all(answers.map((a) => Promise.resolve(a)));
    expect(all.every((v) => v.allowed)).toBe(true);
  });

  it('lets two processes that share a busy key pass its limit by a few requests at most', async () => {
    const prefix = freshPrefix();
    const other = new Redis(redisUrl!);
    await other.ping();
    const processes = [redis!, other].map((client) => limitsOn(prefix, client));
    const key = { id: 'shared-key', rateLimitPerMinute: 200, monthlyRequestLimit: null };
    const verdicts: Array<Promise<LimitVerdict>> = [];
    for (let i = 0; i < 300; i++) {
      verdicts.push(processes[i % 2]!.check(key));
      if (i % 3 === 0) await turn();
    }
    const all = await Promise.all(verdicts);
    await Promise.all(processes.map((limits) => limits.close()));
    await other.quit();
    // Each sees the other's latest counts a sync late: together they may pass the limit by what
    // the other passed at once meanwhile (its budget: a tenth of what was left, at most).
    const allowed = all.filter((v) => v.allowed).length;
    expect(allowed).toBeGreaterThanOrEqual(200);
    expect(allowed).toBeLessThanOrEqual(220);
    expect(await redis!.get(`${prefix}key-minute:shared-key`)).toBe('300');
  });
});
