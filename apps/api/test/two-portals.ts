import { databaseUrlOf, startPortal, type TestClock, type TestPortal } from './harness';
import { TestSmtpServer } from './smtp';

export interface TwoPortals {
  a: TestPortal;
  b: TestPortal;
  smtp: TestSmtpServer;
}

/**
 * Two processes of one deployment (scheduled jobs): `b` shares `a`'s database and Redis prefix,
 * both read `clock` and mail to one test SMTP server. `env` is both processes' (give them one
 * JWT_SECRET so a session of one is valid on the other).
 */
export async function startTwoPortals(
  env: Record<string, string>,
  clock: TestClock,
): Promise<TwoPortals> {
  const smtp = new TestSmtpServer();
  const shared = { ...env, SMTP_URL: await smtp.start() };
  const a = await startPortal(shared, { clock });
  const b = await startPortal(
    { ...shared, DATABASE_URL: databaseUrlOf(a), REDIS_KEY_PREFIX: a.portal.config.redisPrefix },
    { clock },
  );
  return { a, b, smtp };
}

/** Stops what `startTwoPortals` started (whatever of it did start). */
export async function stopTwoPortals(portals: Partial<TwoPortals>): Promise<void> {
  await portals.b?.stop();
  await portals.a?.stop();
  await portals.smtp?.stop();
}
