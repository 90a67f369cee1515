import 'reflect-metadata';
import cluster from 'node:cluster';
import { createPortal } from './app';
import { runPrimary } from './cluster';
import { ConfigError, loadConfig, type Config } from './config';
import { flushLogs } from './core/logger';

/** Reads the configuration, starts the portal on one port, and shuts it down cleanly on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(`Configuration error: ${error.message}`);
    throw error;
  }
  // WEB_CONCURRENCY > 1: this process only forks and watches the workers (cluster.ts).
  if (config.webConcurrency > 1 && cluster.isPrimary) return runPrimary(config);
  const portal = await createPortal(config);
  let url: string;
  try {
    url = await portal.listen();
  } catch (error) {
    // Nothing was served yet: exit without waiting for a stop.
    const code = (error as { code?: unknown }).code;
    if (code === 'EADDRINUSE') fail(`Port ${config.port} is in use: ${(error as Error).message}`);
    if (code === 'EACCES')
      fail(`Port ${config.port} cannot be used by this user: ${(error as Error).message}`);
    throw error;
  }
  portal.logger.info(
    {
      url,
      database: config.database.type,
      redis: Boolean(config.redisUrl),
      mail: config.smtpUrl ? 'smtp' : 'outbox',
    },
    'partner portal listening',
  );
  if (process.stdout.isTTY || config.nodeEnv !== 'production')
    console.log(`\n  Partner Portal is running at ${url}\n`);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    portal.logger.info({ signal }, 'shutting down: finishing requests in flight');
    const force = setTimeout(() => {
      portal.logger.error('shutdown took longer than 15 s; exiting');
      process.exit(1);
    }, 15_000);
    force.unref();
    portal
      .stop()
      .then(() => {
        portal.logger.info('stopped');
        // Let pino write its last lines before the process ends.
        portal.logger.flush(() => process.exit(0));
      })
      .catch((error: unknown) => {
        portal.logger.error({ err: error }, 'error while shutting down');
        void flushLogs(portal.logger).then(() => process.exit(1));
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/** A start that cannot go on says why in one line (no stack trace) and exits with 1. */
function fail(line: string): never {
  console.error(line);
  process.exit(1);
}

main().catch((error: unknown) => {
  // Redis or the database not answering name themselves ("Redis at … does not answer: …").
  if (error instanceof Error && /^(RedisUnavailable|DatabaseUnavailable)$/.test(error.name))
    fail(error.message);
  fail(`Failed to start: ${error instanceof Error ? error.message : String(error)}`);
});
