import { randomBytes } from 'node:crypto';
import { RateLimits, describeWait } from './rate-limit';
import { createRedis } from './redis';

const rule = () => ({
  name: `t-${randomBytes(4).toString('hex')}`,
  points: 3,
  durationSeconds: 60,
});

describe('RateLimits in memory', () => {
  it('allows the limit, then tells how long to wait', async () => {
    const limits = new RateLimits(undefined);
    const r = rule();
    expect(await limits.hit(r, 'k')).toBe(0);
    expect(await limits.hit(r, 'k')).toBe(0);
    expect(await limits.blockedFor(r, 'k')).toBe(0);
    expect(await limits.hit(r, 'k')).toBe(0);
    expect(await limits.blockedFor(r, 'k')).toBeGreaterThan(0);
    expect(await limits.hit(r, 'k')).toBeGreaterThan(50);
    expect(await limits.hit(r, 'other key')).toBe(0);
    await limits.reset(r, 'k');
    expect(await limits.blockedFor(r, 'k')).toBe(0);
  });

  it('refuses with RATE_LIMITED and the wait once over the limit', async () => {
    const limits = new RateLimits(undefined);
    const r = { ...rule(), points: 1 };
    await limits.enforce(r, 'k', 'Slow down.');
    await expect(limits.enforce(r, 'k', 'Slow down.')).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      message: expect.stringMatching(/^Slow down\. Try again in \d+ seconds\.$/),
      extensions: { retryAfterSeconds: expect.any(Number) },
    });
  });
});

// Several API processes share one count through Redis; CI's MariaDB run sets REDIS_URL.
(process.env.REDIS_URL ? describe : describe.skip)('RateLimits in Redis', () => {
  let a: ReturnType<typeof createRedis>;
  let b: ReturnType<typeof createRedis>;
  beforeAll(async () => {
    a = createRedis(process.env.REDIS_URL!);
    b = createRedis(process.env.REDIS_URL!);
    // As the portal does at start (connectRedis): counting begins once Redis is ready; before
    // that, each process counts alone (the in-memory fallback for a Redis that is away).
    for (const client of [a, b])
      if (client.status !== 'ready')
        await new Promise<void>((resolve) => client.once('ready', () => resolve()));
  });
  afterAll(async () => {
    await a.quit();
    await b.quit();
  });

  it('shares one count between two processes', async () => {
    const prefix = `pp-test-${randomBytes(4).toString('hex')}:`;
    const first = new RateLimits(a, prefix);
    const second = new RateLimits(b, prefix);
    const r = rule();
    expect(await first.hit(r, 'k')).toBe(0);
    expect(await second.hit(r, 'k')).toBe(0);
    expect(await first.hit(r, 'k')).toBe(0);
    expect(await second.hit(r, 'k')).toBeGreaterThan(0);
  });
});

it('describes waits in words', () => {
  expect(describeWait(1)).toBe('1 second');
  expect(describeWait(45)).toBe('45 seconds');
  expect(describeWait(600)).toBe('10 minutes');
});
