import { createServer, type Server } from 'node:net';
import { freePort } from '../../src/bench/spawn';
import { runPortal } from './portal';
import { record } from './record';

/**
 * A start that cannot go on stops with exit code 1 and one line on stderr that says why: no
 * stack trace, no retry loop, no half-started server.
 */
async function failedStart(env: Record<string, string>, port?: number) {
  const started = Date.now();
  const portal = await runPortal({ env, port, waitForHealth: false });
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([
    portal.exited,
    new Promise<'still running'>((resolve) => {
      timer = setTimeout(() => resolve('still running'), 20_000);
    }),
  ]);
  clearTimeout(timer);
  if (code === 'still running') await portal.kill();
  const lines = portal
    .stderr()
    .split('\n')
    .filter((line) => line.trim() !== '');
  return { code, lines, ms: Date.now() - started };
}

it('refuses to start when Redis does not answer: exit 1 and one line', async () => {
  const port = await freePort(); // nothing listens there
  const result = await failedStart({
    REDIS_URL: `redis://:a-redis-password@127.0.0.1:${port}`,
  });
  record(
    'start',
    `Redis unreachable at start: exit ${result.code} in ${result.ms} ms`,
    result.lines,
  );
  expect(result.code).toBe(1);
  expect(result.lines).toEqual([
    expect.stringMatching(
      new RegExp(
        `^Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port} does not answer: .*ECONNREFUSED`,
      ),
    ),
  ]);
  expect(result.lines[0]).not.toContain('a-redis-password');
});

it('refuses to start when the database does not answer: exit 1 and one line', async () => {
  const port = await freePort();
  const result = await failedStart({
    DATABASE_URL: `mysql://root:secret@127.0.0.1:${port}/portal`,
  });
  record('start', `database unreachable at start: exit ${result.code}`, result.lines);
  expect(result.code).toBe(1);
  expect(result.lines).toEqual([
    expect.stringMatching(
      new RegExp(
        `^Database at mysql://root:\\*\\*\\*@127\\.0\\.0\\.1:${port}/portal does not answer: `,
      ),
    ),
  ]);
});

it('says in one line that the port is in use', async () => {
  const port = await freePort();
  const blocker: Server = createServer();
  await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
  try {
    const result = await failedStart({}, port);
    record('start', `port in use: exit ${result.code}`, result.lines);
    expect(result.code).toBe(1);
    expect(result.lines).toEqual([expect.stringMatching(new RegExp(`^Port ${port} is in use: `))]);
  } finally {
    await new Promise((resolve) => blocker.close(resolve));
  }
});

it('refuses to start in production without SMTP_URL unless MAIL_OUTBOX=true', async () => {
  const result = await failedStart({ MAIL_OUTBOX: '' });
  record('start', `production without SMTP_URL: exit ${result.code}`, result.lines);
  expect(result.code).toBe(1);
  expect(result.lines).toEqual([
    expect.stringMatching(
      /^Configuration error: SMTP_URL is required when NODE_ENV=production \(or set MAIL_OUTBOX=true/,
    ),
  ]);
  // Asked for explicitly, the outbox is fine.
  const portal = await runPortal({ env: { MAIL_OUTBOX: 'true' } });
  expect(await portal.stop()).toBe(0);
});
