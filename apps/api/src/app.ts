import 'reflect-metadata';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import express from 'express';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { Config } from './config';
import { systemClock, type Clock } from './core/clock';
import { openDatabase } from './core/db/data-source';
import { databaseUnavailablePlugin, ErrorCode, formatError } from './core/errors';
import { RevocationPoller } from './core/revocation-poller';
import { createLogger } from './core/logger';
import { httpLogger } from './core/http-logger';
import { securityHeaders } from './core/security-headers';
import { serveWebApp } from './core/web-app';
import { createMailer } from './core/mail';
import { RateLimits } from './core/rate-limit';
import { closeRedis, connectRedisPair } from './core/redis';
import { healthCheck } from './core/health';
import { PortalMetrics } from './core/metrics';
import { createLive } from './core/live';
import { Gate } from './gate/gate';
import { HttpTransport } from './gate/http';
import { graphqlOverWebSocket } from './gate/ws';
import { httpErrorHandler, sendError } from './gate/respond';
import { buildGraphQLSchema } from './schema';
import { v1Routes } from './v1/v1.routes';
import { v1FastPath } from './v1/v1.fast';
import { auditExportRoutes } from './modules/audit/audit-export';
import { secretScanningRoutes } from './v1/secret-scanning';
import { createServices, type Services } from './services';

export interface PortalOptions {
  clock?: Clock;
  logger?: Logger;
}

export interface Portal {
  config: Config;
  httpServer: http.Server;
  logger: Logger;
  dataSource: DataSource;
  services: Services;
  /** Starts listening; resolves with the base URL. */
  listen(): Promise<string>;
  /** Stops taking requests, finishes those in flight, closes websockets, Redis and the database. */
  stop(): Promise<void>;
}

/**
 * Builds the whole portal without listening yet: the database (migrated), Redis, mail, the
 * services, and one request pipeline (gate/) behind two transports, HTTP and graphql-ws.
 */
export async function createPortal(config: Config, options: PortalOptions = {}): Promise<Portal> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  const { dataSource, applied } = await openDatabase(config.database);
  if (applied > 0) logger.info({ applied }, 'database migrations applied');
  // Redis must answer at start, like the database (the start stops with one line otherwise).
  const pair = config.redisUrl
    ? await connectRedisPair(config.redisUrl, logger).catch(async (error: unknown) => {
        await dataSource.destroy();
        throw error;
      })
    : undefined;
  const redis = pair?.commands;
  const redisSubscriber = pair?.subscriber;
  const mailer = createMailer({
    smtpUrl: config.smtpUrl,
    from: config.mailFrom,
    dataDir: config.dataDir,
    logger,
  });
  const closeAll = async () => {
    mailer.close();
    // While Redis is away a quit would wait for it: closeRedis drops the connection instead.
    for (const client of [redisSubscriber, redis]) await closeRedis(client);
    if (dataSource.isInitialized) await dataSource.destroy();
  };
  try {
    const live = createLive(
      redis && redisSubscriber
        ? { publisher: redis, subscriber: redisSubscriber, prefix: `${config.redisPrefix}live:` }
        : undefined,
    );
    const limits = new RateLimits(redis, config.redisPrefix);
    const services = createServices({
      config,
      dataSource,
      clock,
      mailer,
      limits,
      logger,
      live,
      redis,
    });
    const schema = await buildGraphQLSchema();
    const poller = redisSubscriber
      ? new RevocationPoller({
          dataSource,
          deliver: (revocation) => services.revocations.deliver(revocation),
          pubSubUp: () => redisSubscriber.status === 'ready',
          clock,
          logger,
        })
      : undefined;

    const app = express();
    app.disable('x-powered-by');
    app.set('trust proxy', config.trustProxy);
    // GET /metrics is answered in front of Express (core/metrics.ts), which times the rest.
    const metrics = new PortalMetrics(config.serviceTokens, logger);
    // POST /v1/keys/verify and /v1/usage in their plain case: a node:http listener in front of
    // Express (v1/v1.fast.ts); everything else, and every other case of those two, goes on to it.
    // POST /graphql in its plain case, likewise (gate/http.ts): the same steps without Express.
    // (Set below, once the transport exists; the server takes no request before listen().)
    let graphqlFront: http.RequestListener = app;
    const httpServer = http.createServer(
      metrics.front(
        v1FastPath({ config, services, clock, logger }, (req, res) => graphqlFront(req, res)),
      ),
    );
    // Idle keep-alive connections stay open 65 s (Node's default is 5 s), longer than the idle
    // time of load balancers (60 s) and of clients such as the SDK: a client that reuses a
    // connection just as the server closes it gets ECONNRESET (seen in CI around the 5 s mark).
    // server.close() still ends idle connections at once.
    httpServer.keepAliveTimeout = 65_000;
    httpServer.headersTimeout = 66_000;
    const format = formatError(logger, config.nodeEnv === 'development');
    const gate = new Gate(schema, services, config, limits);
    gate.observer = metrics.operationEnded;
    const ws = graphqlOverWebSocket({
      httpServer,
      gate,
      schema,
      services,
      config,
      logger,
      clock,
      format,
    });
    metrics.watch({
      dataSource,
      redis: pair,
      usage: services.usageRecorder,
      keyCache: services.apiKeyAuth.verifier.cacheStats,
      ws,
    });
    const graphql = new HttpTransport(gate, schema, services, config, format, [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      databaseUnavailablePlugin(),
    ]);
    graphqlFront = graphql.front(app, logger);

    // The provider's services call /v1 once per partner request: before the log and the rest.
    app.use('/v1/secret-scanning', secretScanningRoutes({ config, services, logger }));
    app.use('/v1', v1Routes({ config, services, clock, logger }));
    app.use(securityHeaders(config));
    app.use(httpLogger(logger));
    // /healthz: 200 while the database answers (Redis down shows in the body); /readyz: 503
    // when the database or a configured Redis is down, for a load balancer.
    const health = healthCheck({ dataSource, redis, logger });
    app.get('/healthz', (_req, res, next) => {
      health().then(({ liveness, body }) => void res.status(liveness).json(body), next);
    });
    app.get('/readyz', (_req, res, next) => {
      health().then(({ readiness, body }) => void res.status(readiness).json(body), next);
    });
    app.use('/api/teams', auditExportRoutes({ gate, services }));
    app.use('/graphql', ...graphql.handlers());
    serveWebApp(app, config, logger);
    app.use((_req, res) => sendError(res, 404, ErrorCode.NOT_FOUND, 'Not found.'));
    app.use(httpErrorHandler(config.limits.bodyBytes));

    let stopping: Promise<void> | undefined;
    return {
      config,
      httpServer,
      logger,
      dataSource,
      services,
      async listen() {
        await graphql.start();
        services.apiKeyAuth.start();
        services.usageRecorder.start();
        services.foreignTicks?.start();
        poller?.start();
        services.jobs.start();
        await new Promise<void>((resolve, reject) => {
          httpServer.once('error', reject);
          httpServer.listen(config.port, config.host, () => resolve());
        });
        const { port } = httpServer.address() as AddressInfo;
        return `http://${config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host}:${port}`;
      },
      stop() {
        stopping ??= (async () => {
          await ws.dispose();
          await graphql.stop();
          if (httpServer.listening)
            await new Promise<void>((resolve) => httpServer.close(() => resolve()));
          await services.jobs.stop();
          await services.apiKeyAuth.stop();
          poller?.stop();
          services.foreignTicks?.stop();
          await services.usageRecorder.stop();
          await services.keyLimits.close();
          await closeAll();
        })();
        return stopping;
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
