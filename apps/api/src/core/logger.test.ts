import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger, flushLogs, logDestination } from './logger';

function capture() {
  const lines: string[] = [];
  const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
  return { logger, text: () => lines.join('') };
}

describe('createLogger redaction', () => {
  it('censors credentials wherever a log object carries them', () => {
    const { logger, text } = capture();
    logger.info(
      {
        req: { headers: { authorization: 'Bearer S1', 'x-api-key': 'S2', cookie: 'S3' } },
        input: { password: 'S4', newPassword: 'S5', token: 'S6', secret: 'S7' },
        variables: { anything: 'S8' },
        connectionParams: { authorization: 'S9' },
        ws: { connectionParams: { 'x-api-key': 'S10' } },
        keep: 'visible',
      },
      'a request',
    );
    const out = text();
    for (const s of ['S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7', 'S8', 'S9', 'S10'])
      expect(out).not.toMatch(new RegExp(`"${s}"|${s}[^0-9]`));
    expect(out).toContain('visible');
    expect(out).toContain('[redacted]');
  });

  it('logs any url field with its tokens replaced, not censored whole', () => {
    const { logger, text } = capture();
    logger.info(
      { url: '/invitations/INVSECRET', req: { url: '/reset-password?token=RESET' } },
      'x',
    );
    const entry = JSON.parse(text()) as { url: string; req: { url: string } };
    expect(entry.url).toBe('/invitations/[REDACTED]');
    expect(entry.req.url).toBe('/reset-password?token=[REDACTED]');
  });

  it('adds nothing to log objects without those fields', () => {
    const { logger, text } = capture();
    logger.info({ a: 1 }, 'plain');
    const entry = JSON.parse(text()) as Record<string, unknown>;
    expect(Object.keys(entry).sort()).toEqual(['a', 'level', 'msg', 'service', 'time']);
  });
});

describe('the default destination', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'pp-log-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gathers lines instead of writing each, and flushLogs writes every one', async () => {
    const file = path.join(dir, 'out.log');
    const destination = logDestination(file);
    await new Promise((resolve) => destination.once('ready', resolve));
    const logger = createLogger('info', destination);
    for (let i = 0; i < 3; i++) logger.info({ i }, 'a request');
    await new Promise((resolve) => setImmediate(resolve));
    expect(readFileSync(file, 'utf8')).toBe('');
    await flushLogs(logger);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { i: number }).i)).toEqual([0, 1, 2]);
    destination.end();
  });

  it('writes a quiet process’s lines within a moment, without a flush', async () => {
    const file = path.join(dir, 'out.log');
    const destination = logDestination(file);
    await new Promise((resolve) => destination.once('ready', resolve));
    createLogger('info', destination).info('listening');
    const deadline = Date.now() + 2_000;
    while (!readFileSync(file, 'utf8').includes('listening') && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(readFileSync(file, 'utf8')).toContain('listening');
    destination.end();
  });

  // A process that ends abruptly (process.exit, an uncaught error) still writes every line.
  it.each([
    ['process.exit(1)', 'process.exit(1);'],
    ['an uncaught error', "throw new Error('boom');"],
  ])('loses no line on %s', (_label, ending) => {
    const script = `
      const fs = require('node:fs');
      const swc = require(${JSON.stringify(require.resolve('@swc/core'))});
      require.extensions['.ts'] = (m, filename) => m._compile(swc.transformSync(fs.readFileSync(filename, 'utf8'), {
        filename, jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' },
      }).code, filename);
      const { createLogger } = require(${JSON.stringify(path.join(__dirname, 'logger.ts'))});
      const logger = createLogger('info');
      for (let i = 0; i < 500; i++) logger.info({ i }, 'line');
      ${ending}
    `;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(run.status).toBe(1);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(500);
    expect((JSON.parse(lines[499]!) as { i: number }).i).toBe(499);
  });
});
