import { createLogger } from './logger';

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
