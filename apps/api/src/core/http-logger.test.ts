import type { AddressInfo } from 'node:net';
import express from 'express';
import { createLogger } from './logger';
import { httpLogger, redactUrl } from './http-logger';

describe('redactUrl', () => {
  it.each([
    ['/', '/'],
    ['/teams/t_1/keys', '/teams/t_1/keys'],
    ['/reset-password?token=abc123', '/reset-password?token=[REDACTED]'],
    ['/login?redirect=%2Fteams&x=1', '/login?redirect=[REDACTED]&x=[REDACTED]'],
    ['/invitations/inv_SECRET', '/invitations/[REDACTED]'],
    ['/invitations/inv_SECRET/', '/invitations/[REDACTED]/'],
    ['/invitations/inv_SECRET?from=mail', '/invitations/[REDACTED]?from=[REDACTED]'],
    // The router matches case-insensitively, and a segment may arrive percent-encoded.
    ['/Invitations/inv_SECRET', '/Invitations/[REDACTED]'],
    ['/%69nvitations/inv_SECRET', '/%69nvitations/[REDACTED]'],
    ['//invitations/inv_SECRET', '//invitations/[REDACTED]'],
    ['/reset-password/SECRET', '/reset-password/[REDACTED]'],
    ['/invitations', '/invitations'],
    ['/invitations/', '/invitations/'],
    [
      '/graphql?query={viewer{user{id}}}&variables={"token":"x"}',
      '/graphql?query=[REDACTED]&variables=[REDACTED]',
    ],
    ['/x?SECRETONLY', '/x?[REDACTED]'],
    ['/x?a=1&&b=', '/x?a=[REDACTED]&&b=[REDACTED]'],
    ['/x#fragment-secret', '/x'],
    ['/%E0%A4%A/invitations/s', '/%E0%A4%A/invitations/[REDACTED]'],
  ])('%s → %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it('is idempotent (a redacted URL is redacted again unchanged)', () => {
    const once = redactUrl('/invitations/abc?token=def');
    expect(redactUrl(once)).toBe(once);
  });
});

describe('httpLogger over real HTTP', () => {
  async function serve(): Promise<{ url: string; lines: string[]; close(): Promise<void> }> {
    const lines: string[] = [];
    const app = express();
    app.use(httpLogger(createLogger('info', { write: (line: string) => void lines.push(line) })));
    app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
    app.get('/readyz', (_req, res) => void res.json({ status: 'ok' }));
    app.get('/boom', (_req, res) => void res.status(500).end());
    app.use((_req, res) => void res.send('page'));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      lines,
      close: () => new Promise((resolve) => server.close(() => resolve())),
    };
  }

  it('logs the request with its URL redacted and no credential header', async () => {
    const s = await serve();
    try {
      const res = await fetch(`${s.url}/invitations/inv_TOPSECRET?token=QUERYSECRET`, {
        headers: {
          authorization: 'Bearer HEADERSECRET',
          'x-api-key': 'KEYSECRET',
          cookie: 'sid=COOKIESECRET',
          referer: 'http://elsewhere/?token=REFERERSECRET',
          'x-request-id': 'req-42',
        },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-request-id')).toBe('req-42');
      await new Promise((r) => setTimeout(r, 20));
      const log = s.lines.join('');
      for (const secret of [
        'TOPSECRET',
        'QUERYSECRET',
        'HEADERSECRET',
        'KEYSECRET',
        'COOKIESECRET',
        'REFERERSECRET',
      ])
        expect(log).not.toContain(secret);
      const entry = JSON.parse(s.lines[0]!) as {
        req: { id: string; url: string };
        res: { statusCode: number };
      };
      expect(entry.req).toMatchObject({
        id: 'req-42',
        url: '/invitations/[REDACTED]?token=[REDACTED]',
      });
      expect(entry.res.statusCode).toBe(200);
    } finally {
      await s.close();
    }
  });

  it('gives a new request id when the given one is not a plain id, skips /healthz and /readyz, logs 5xx as errors', async () => {
    const s = await serve();
    try {
      const res = await fetch(`${s.url}/healthz`, {
        headers: { 'x-request-id': 'not a plain id!' },
      });
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      await (await fetch(`${s.url}/readyz`)).arrayBuffer();
      await fetch(`${s.url}/boom`);
      await new Promise((r) => setTimeout(r, 20));
      expect(s.lines).toHaveLength(1);
      expect(JSON.parse(s.lines[0]!)).toMatchObject({ level: 50, req: { url: '/boom' } });
    } finally {
      await s.close();
    }
  });
});
