import helmet from 'helmet';
import type { RequestHandler } from 'express';
import type { Config } from '../config';

type Directives = Record<string, string[]>;

/**
 * The Content-Security-Policy the built web app runs under. Scripts only from our own origin (no
 * inline script, no eval): an injected script cannot run, which is what keeps the session token in
 * localStorage out of reach. Styles allow 'unsafe-inline' because Mantine writes its CSS variables
 * into <style> elements at run time; CSS cannot read storage or run code.
 */
export function contentSecurityPolicy(config: Config): Directives {
  const publicUrl = new URL(config.publicUrl);
  const https = publicUrl.protocol === 'https:';
  // graphql-ws connects to the same host; CSP3 lets 'self' match ws(s) too, named for older browsers.
  const socketOrigin = `${https ? 'wss' : 'ws'}://${publicUrl.host}`;
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'", socketOrigin],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
    ...(https ? { 'upgrade-insecure-requests': [] } : {}),
  };
}

/**
 * Browser protections for every response (helmet): the CSP above, no framing, no MIME sniffing,
 * no Referer (a reset or invitation link in the address bar must not leak to another site), and
 * HSTS only when the portal is served over https (on http it would be ignored or, behind a proxy
 * that terminates TLS elsewhere, wrong).
 */
export function securityHeaders(config: Config): RequestHandler {
  const https = new URL(config.publicUrl).protocol === 'https:';
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy(config) },
    xFrameOptions: { action: 'deny' },
    xContentTypeOptions: true,
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: https
      ? { maxAge: 365 * 24 * 60 * 60, includeSubDomains: true }
      : false,
  }) as RequestHandler;
}

/**
 * The headers securityHeaders sets on every response, taken once from helmet itself, for a path
 * that answers without Express (gate/http.ts's plain case): the same headers, set from a list.
 */
export function securityHeaderList(config: Config): ReadonlyArray<readonly [string, string]> {
  const list: [string, string][] = [];
  const recorder = {
    setHeader: (name: string, value: unknown) => void list.push([name, String(value)]),
    removeHeader: () => {},
  };
  let done = false;
  securityHeaders(config)({} as never, recorder as never, () => (done = true));
  // helmet answers synchronously; anything else would make this list wrong.
  if (!done) throw new Error('helmet did not set its headers synchronously');
  return list;
}
