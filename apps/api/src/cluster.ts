import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import type { Config } from './config';
import { createLogger } from './core/logger';
import { METRICS_ANSWER, METRICS_REQUEST } from './core/metrics';

/**
 * `WEB_CONCURRENCY=N` (N > 1): this process becomes the primary of N workers behind the same port
 * (node:cluster hands each new connection to the next worker). Each worker runs the whole portal
 * (main.ts); limits, usage ticks and revocations are shared between them through Redis, which is
 * why config.ts refuses N > 1 without REDIS_URL.
 *
 * - The primary never opens the database or Redis. The first worker starts alone and applies
 *   pending migrations; the others are forked once it listens, so no two processes race the
 *   migrations.
 * - SIGTERM/SIGINT: forwarded to every worker, which finishes its requests in flight and stops
 *   (main.ts); the primary exits 0 once all have exited cleanly (1 otherwise, or after 20 s).
 * - A worker that dies unexpectedly is logged and replaced, after a pause that doubles with each
 *   crash in a row (0.5 s up to 30 s); a worker that lived a minute resets the pause.
 * - GET /metrics in a worker answers for all of them: the worker asks here, and the primary sums
 *   the workers' registries (prom-client's AggregatorRegistry).
 */

/** How long the workers have to stop before the primary gives up (each forces its own exit at 15 s). */
const STOP_TIMEOUT_MS = 20_000;
const FIRST_PAUSE_MS = 500;
const LONGEST_PAUSE_MS = 30_000;
/** A worker that lived this long was healthy: the next crash starts the pauses again. */
const HEALTHY_AFTER_MS = 60_000;

export function runPrimary(config: Config): void {
  const logger = createLogger(config.logLevel).child({ role: 'primary', pid: process.pid });
  const size = config.webConcurrency;
  const aggregator = new AggregatorRegistry();
  const startedAt = new Map<Worker, number>();
  /** Workers that listen: one still starting when a stop comes has nothing to finish. */
  const serving = new Set<Worker>();
  let stopping = false;
  let crashesInARow = 0;
  let listening = false;

  const fork = (): Worker => {
    const worker = cluster.fork();
    startedAt.set(worker, Date.now());
    worker.once('listening', () => serving.add(worker));
    worker.on('message', (message: { type?: unknown; id?: unknown }) => {
      if (message?.type !== METRICS_REQUEST) return;
      aggregator.clusterMetrics().then(
        (text) =>
          worker.isConnected() && worker.send({ type: METRICS_ANSWER, id: message.id, text }),
        (error: unknown) =>
          worker.isConnected() &&
          worker.send({ type: METRICS_ANSWER, id: message.id, error: String(error) }),
      );
    });
    return worker;
  };

  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (startedAt.get(worker) ?? Date.now());
    startedAt.delete(worker);
    const wasServing = serving.delete(worker);
    if (stopping) {
      if (code !== 0 && wasServing)
        logger.error({ worker: worker.id, code, signal }, 'worker did not stop cleanly');
      return;
    }
    if (!listening) {
      // The first worker could not start (its own line says why): there is nothing to keep up.
      logger.error({ worker: worker.id, code, signal }, 'the first worker did not start; exiting');
      process.exit(code || 1);
    }
    crashesInARow = lived >= HEALTHY_AFTER_MS ? 1 : crashesInARow + 1;
    const pause = Math.min(FIRST_PAUSE_MS * 2 ** (crashesInARow - 1), LONGEST_PAUSE_MS);
    logger.error(
      { worker: worker.id, workerPid: worker.process.pid, code, signal, restartInMs: pause },
      'worker died unexpectedly; starting another',
    );
    setTimeout(() => {
      if (!stopping) fork();
    }, pause).unref();
  });

  const first = fork();
  first.once('listening', () => {
    listening = true;
    for (let i = 1; i < size; i++) fork();
    logger.info(
      { workers: size, port: config.port },
      `partner portal: ${size} workers behind port ${config.port}`,
    );
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping every worker');
    const force = setTimeout(() => {
      logger.error(`workers still running after ${STOP_TIMEOUT_MS / 1000} s; exiting`);
      process.exit(1);
    }, STOP_TIMEOUT_MS);
    force.unref();
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
    let clean = true;
    void Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (worker.isDead()) return resolve();
            const starting = !serving.has(worker);
            worker.once('exit', (code, exitSignal) => {
              // Ended by the signal itself: only a worker that had not started serving may.
              if (code !== 0 && !(starting && exitSignal === signal)) clean = false;
              resolve();
            });
            worker.process.kill(signal);
          }),
      ),
    ).then(() => {
      logger.info({ workers: workers.length, clean }, 'all workers stopped');
      logger.flush(() => process.exit(clean ? 0 : 1));
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
