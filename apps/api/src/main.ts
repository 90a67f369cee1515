import 'reflect-metadata';
import { createPortal } from './app';
import { ConfigError, loadConfig } from './config';

/** Reads the configuration, starts the portal on one port, and shuts it down cleanly on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Configuration error: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const portal = await createPortal(config);
  const url = await portal.listen();
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
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(`Failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
