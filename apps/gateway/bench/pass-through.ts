/**
 * Bench only, never built into dist/ nor started by `pnpm gateway`: the very same gateway
 * (createGateway, its config, logger, header handling, undici pool and streaming) with a KeyCheck
 * that admits every key without a look-up, limits or counting. The other side of figure 2: what
 * auth + limits + counting cost in the real gateway.
 */
import { loadConfig } from '../src/config';
import { createGateway } from '../src/gateway';
import type { KeyCheck, KeyOutcome } from '../src/key-check';
import { createLogger } from '../src/logger';

const ADMITTED: KeyOutcome = {
  valid: true,
  keyId: 'pass-through',
  teamId: 'pass-through',
  environment: 'PRODUCTION',
  ratelimit: null,
  monthly: null,
  headers: {},
};

const admitAll: KeyCheck = {
  // Synchronous, as the real core answers a warm key: the two sides differ only in what it does.
  verify: () => ADMITTED,
  record: () => {},
  ready: () => Promise.resolve(true),
  start: () => Promise.resolve(),
  stop: () => Promise.resolve(),
};

async function main() {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const gateway = createGateway(config, { keys: admitAll, logger });
  await gateway.listen();
  const stop = () => void gateway.stop().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

void main();
