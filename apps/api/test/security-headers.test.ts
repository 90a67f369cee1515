import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startPortal, type TestPortal } from './harness';

/** The Content-Security-Policy header as directive → sources. */
function parseCsp(header: string | null): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of (header ?? '').split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives.set(name, sources);
  }
  return directives;
}

let webDist: string;
const ASSET = 'assets/index-abc123.js';

beforeAll(() => {
  // A stand-in for the built web app: an index page and one hashed asset.
  webDist = mkdtempSync(path.join(tmpdir(), 'pp-web-'));
  mkdirSync(path.join(webDist, 'assets'));
  writeFileSync(
    path.join(webDist, 'index.html'),
    `<!doctype html><title>Partner Portal</title><script type="module" src="/${ASSET}"></script>`,
  );
  writeFileSync(path.join(webDist, ASSET), 'console.log("app");');
});
afterAll(() => rmSync(webDist, { recursive: true, force: true }));

describe('on http', () => {
  let t: TestPortal;
  beforeAll(async () => {
    t = await startPortal({ WEB_DIST: webDist });
  });
  afterAll(() => t.stop());

  it('serves the web app under a strict Content-Security-Policy', async () => {
    const res = await fetch(`${t.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = parseCsp(res.headers.get('content-security-policy'));
    expect(Object.fromEntries(csp)).toMatchObject({
      'default-src': ["'self'"],
      'script-src': ["'self'"],
      'script-src-attr': ["'none'"],
      'img-src': ["'self'", 'data:'],
      'object-src': ["'none'"],
      'base-uri': ["'none'"],
      'form-action': ["'self'"],
      'frame-ancestors': ["'none'"],
    });
    // No inline script and no eval, whatever else styles need.
    for (const [name, sources] of csp) {
      if (name.startsWith('script-src') || name === 'default-src') {
        expect(sources).not.toContain("'unsafe-inline'");
        expect(sources).not.toContain("'unsafe-eval'");
      }
    }
    expect(csp.get('connect-src')).toEqual(["'self'", 'ws://portal.test']);
    expect(csp.has('upgrade-insecure-requests')).toBe(false);
  });

  it.each(['/', '/reset-password?token=x', `/${ASSET}`, '/healthz', '/nowhere/at/all'])(
    'sends the browser protections with %s',
    async (target) => {
      const res = await fetch(`${t.url}${target}`, {
        method: target === '/nowhere/at/all' ? 'POST' : 'GET',
      });
      await res.arrayBuffer();
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      // PUBLIC_URL is http: HSTS would be meaningless there.
      expect(res.headers.get('strict-transport-security')).toBeNull();
      expect(res.headers.get('x-powered-by')).toBeNull();
    },
  );

  it('sends them with GraphQL answers too', async () => {
    const res = await t.gql(`{ __typename }`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('answers client-side routes with index.html, never cached', async () => {
    for (const route of ['/', '/login', '/teams/t_1/keys', '/invitations/abc']) {
      const res = await fetch(`${t.url}${route}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toContain('<title>Partner Portal</title>');
    }
  });

  it('serves assets, and a missing one is 404, not the index page', async () => {
    const asset = await fetch(`${t.url}/${ASSET}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toMatch(/max-age=3600/);
    expect(await asset.text()).toContain('console.log');

    for (const missing of [
      '/assets/index-old999.js',
      '/assets/',
      '/ASSETS/gone.css',
      '/assets/x/y.js',
    ]) {
      const res = await fetch(`${t.url}${missing}`);
      const body = await res.text();
      expect({ missing, status: res.status }).toEqual({ missing, status: 404 });
      expect(res.headers.get('content-type') ?? '').not.toMatch(/text\/html/);
      expect(body).not.toContain('<title>Partner Portal</title>');
    }
  });
});

describe('on https', () => {
  let t: TestPortal;
  beforeAll(async () => {
    t = await startPortal({ WEB_DIST: webDist, PUBLIC_URL: 'https://portal.test' });
  });
  afterAll(() => t.stop());

  it('adds HSTS, a secure socket origin and upgrade-insecure-requests', async () => {
    const res = await fetch(`${t.url}/`);
    expect(res.headers.get('strict-transport-security')).toBe(
      'max-age=31536000; includeSubDomains',
    );
    const csp = parseCsp(res.headers.get('content-security-policy'));
    expect(csp.get('connect-src')).toEqual(["'self'", 'wss://portal.test']);
    expect(csp.has('upgrade-insecure-requests')).toBe(true);
  });
});
