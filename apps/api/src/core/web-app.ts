import { existsSync } from 'node:fs';
import path from 'node:path';
import express from 'express';
import type { Logger } from 'pino';
import type { Config } from '../config';

/**
 * The built web app: its files (cached for an hour), and index.html, never cached, for every
 * other GET so that client-side routes load. A missing file under /assets/ is passed on to the
 * 404 answer instead: a stale page asking for a chunk of an older build must see an error, not
 * an HTML page parsed as a script. Mount it after the API routes and before the 404 handler.
 */
export function serveWebApp(app: express.Express, config: Config, logger: Logger): void {
  const index = path.join(config.webDist, 'index.html');
  if (!existsSync(index)) {
    logger.warn(
      { webDist: config.webDist },
      'the web app is not built; only the API is served (run `pnpm build`)',
    );
    return;
  }
  app.use(express.static(config.webDist, { index: false, maxAge: '1h' }));
  app.use((req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const p = req.path.toLowerCase();
    if (p === '/assets' || p.startsWith('/assets/')) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
}
