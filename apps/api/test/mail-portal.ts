import { startPortal, type TestPortal } from './harness';
import { TestSmtpServer } from './smtp';

/** A test portal that mails to a test SMTP server of its own (SMTP_URL set), with `env` added. */
export async function startMailPortal(
  env: Record<string, string> = {},
): Promise<{ t: TestPortal; smtp: TestSmtpServer }> {
  const smtp = new TestSmtpServer();
  const t = await startPortal({ ...env, SMTP_URL: await smtp.start() });
  return { t, smtp };
}

/** Stops what `startMailPortal` started (whatever of it did start). */
export async function stopMailPortal(t?: TestPortal, smtp?: TestSmtpServer): Promise<void> {
  await t?.stop();
  await smtp?.stop();
}
