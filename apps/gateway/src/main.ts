import { ConfigError, loadConfig, type GatewayConfig } from './config';
import { createGateway } from './gateway';
import { createKeyCheck, StartError } from './keys-core';
import { createLogger } from './logger';

/** Reads the configuration, starts the gateway, and shuts it down cleanly on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let config: GatewayConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError)
      fail(error.problems.map((problem) => `Configuration error: ${problem}`).join('\n'));
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const keys = await createKeyCheck(config, logger);
  const gateway = createGateway(config, { keys, logger });
  let url: string;
  try {
    url = await gateway.listen();
  } catch (error) {
    await keys.stop().catch(() => {});
    const code = (error as { code?: unknown }).code;
    if (code === 'EADDRINUSE') fail(`Port ${config.port} is in use: ${(error as Error).message}`);
    if (code === 'EACCES')
      fail(`Port ${config.port} cannot be used by this user: ${(error as Error).message}`);
    throw error;
  }
  logger.info(
    {
      url,
      upstream: config.upstreamUrl.origin,
      sandbox: config.sandboxUpstreamUrl?.origin ?? null,
      database: config.databaseUrl.startsWith('sqlite:') ? 'sqlite' : 'mysql',
      redis: Boolean(config.redisUrl),
    },
    'gateway listening',
  );
  if (!config.sandboxUpstreamUrl)
    logger.warn('no SANDBOX_UPSTREAM_URL: DEVELOPMENT keys are refused with 403');

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing requests in flight');
    // The gateway's own deadline cuts requests off first; this one guards a stuck flush.
    const force = setTimeout(() => {
      logger.error('shutdown did not finish in time; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs + 10_000);
    force.unref();
    gateway
      .stop()
      .then(() => {
        logger.info('stopped');
        logger.flush(() => process.exit(0));
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'error while shutting down');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/** A start that cannot go on says why, one line per problem (no stack trace), and exits with 1. */
function fail(lines: string): never {
  console.error(lines);
  process.exit(1);
}

main().catch((error: unknown) => {
  // The database or Redis not answering, or not the portal's, name themselves in one line.
  if (error instanceof StartError) fail(error.message);
  fail(`Failed to start: ${error instanceof Error ? error.message : String(error)}`);
});
