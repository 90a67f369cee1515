import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import type { GatewayConfig } from './config';
import {
  clientAddress,
  clientResponseHeaders,
  findKey,
  incomingRequestId,
  upstreamRequestHeaders,
} from './forward-headers';
import type { KeyCheck, KeyOutcome } from './key-check';
import { refusal, sendError, type GatewayError } from './respond';
import { ForwardError, Upstream } from './upstream';

/** The gateway's own paths: nothing under it is forwarded (see README, "Health"). */
export const OWN_PREFIX = '/__gateway/';
export const HEALTH_PATH = `${OWN_PREFIX}healthz`;

/** The headers of every answer the gateway gives, its own or the upstream's. */
type OwnHeaders = { 'x-request-id': string; connection?: 'close' };

/** The status counted for a request whose client left before any answer (nginx's convention). */
export const CLIENT_CLOSED = 499;

export interface Gateway {
  server: Server;
  /** Starts the key core and listens; resolves with the gateway's base URL. */
  listen(): Promise<string>;
  /** Stops accepting, lets requests in flight finish (up to SHUTDOWN_TIMEOUT_MS), flushes counts. */
  stop(): Promise<void>;
}

type GatewayConfigPart = Pick<
  GatewayConfig,
  | 'port'
  | 'host'
  | 'upstreamUrl'
  | 'sandboxUpstreamUrl'
  | 'upstreamTimeoutMs'
  | 'upstreamConnections'
  | 'trustProxy'
  | 'shutdownTimeoutMs'
>;

const MISSING_KEY: GatewayError = {
  status: 401,
  code: 'UNAUTHENTICATED',
  message:
    'An API key is required: send it as "Authorization: Bearer <key>" or "X-API-Key: <key>".',
  headers: { 'WWW-Authenticate': 'Bearer' },
};
const TWO_KEYS: GatewayError = {
  status: 401,
  code: 'UNAUTHENTICATED',
  message: 'This request carries two different API keys: send one.',
  headers: { 'WWW-Authenticate': 'Bearer' },
};
const KEYS_UNAVAILABLE: GatewayError = {
  status: 503,
  code: 'INTERNAL_SERVER_ERROR',
  reason: 'KEYS_UNAVAILABLE',
  message: 'API keys cannot be checked right now. Please try again shortly.',
  headers: { 'Retry-After': '5' },
};
const UNREACHABLE: GatewayError = {
  status: 502,
  code: 'INTERNAL_SERVER_ERROR',
  reason: 'UPSTREAM_UNREACHABLE',
  message: 'The API behind this gateway could not be reached. Please try again shortly.',
};
const TIMEOUT: GatewayError = {
  status: 504,
  code: 'INTERNAL_SERVER_ERROR',
  reason: 'UPSTREAM_TIMEOUT',
  message: 'The API behind this gateway did not answer in time.',
};

/**
 * The gateway: one node:http server in front of the provider's API. Per request: the key is
 * found and checked (limits included) by the key core, refused with the contract's JSON errors or
 * forwarded, streamed, to the upstream of its environment; every request of a known key is counted
 * with the status its client received and its latency.
 */
export function createGateway(
  config: GatewayConfigPart,
  deps: { keys: KeyCheck; logger: Logger },
): Gateway {
  const { keys, logger } = deps;
  const upstreamOptions = {
    timeoutMs: config.upstreamTimeoutMs,
    connections: config.upstreamConnections,
  };
  const production = new Upstream(config.upstreamUrl, upstreamOptions);
  const sandbox = config.sandboxUpstreamUrl
    ? new Upstream(config.sandboxUpstreamUrl, upstreamOptions)
    : undefined;

  /** Without a sandbox, only PRODUCTION keys are valid here. */
  const onlyEnvironment = sandbox ? undefined : ('PRODUCTION' as const);

  let draining = false;
  let inFlight = 0;
  let idle: (() => void) | undefined;

  async function health(res: ServerResponse, own: OwnHeaders): Promise<void> {
    const ok = !draining && (await keys.ready().catch(() => false));
    const body = JSON.stringify({ status: draining ? 'stopping' : ok ? 'ok' : 'unavailable' });
    res.writeHead(ok ? 200 : 503, {
      ...own,
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
    });
    res.end(body);
  }

  async function handle(
    req: IncomingMessage,
    res: ServerResponse,
    own: OwnHeaders,
    started: number,
  ): Promise<void> {
    const requestId = own['x-request-id'];
    const fail = (error: GatewayError) => sendError(res, error, own);
    const url = req.url ?? '/';
    if (url.startsWith(OWN_PREFIX)) {
      if (url === HEALTH_PATH || url.startsWith(`${HEALTH_PATH}?`)) return health(res, own);
      return fail({
        status: 404,
        code: 'NOT_FOUND',
        message: `${OWN_PREFIX} is the gateway's own; there is nothing at this path.`,
      });
    }

    const remote = req.socket.remoteAddress ?? 'unknown';
    const address = clientAddress(remote, req.headers, config.trustProxy);
    let outcome: KeyOutcome | undefined;
    let upstreamName: 'production' | 'sandbox' | undefined = undefined;
    res.once('close', () => {
      const status = res.headersSent ? res.statusCode : CLIENT_CLOSED;
      const latencyMs = performance.now() - started;
      if (outcome && (outcome.valid || outcome.keyId)) keys.record(outcome, status, latencyMs);
      logger.info(
        {
          requestId,
          method: req.method,
          path: url.split('?', 1)[0],
          status,
          latencyMs: Math.round(latencyMs * 10) / 10,
          keyId: outcome?.keyId,
          teamId: outcome?.teamId,
          upstream: upstreamName,
          refused: outcome && !outcome.valid ? outcome.code : undefined,
        },
        'request',
      );
    });

    const found = findKey(req.rawHeaders);
    if ('missing' in found) return fail(MISSING_KEY);
    if ('ambiguous' in found) return fail(TWO_KEYS);

    try {
      // Without a sandbox, DEVELOPMENT keys are refused by the core (WRONG_ENVIRONMENT): they must
      // never reach UPSTREAM_URL. A warm key's verdict comes synchronously: no turn is awaited.
      const verdict = keys.verify(found.key, { address, environment: onlyEnvironment });
      outcome = verdict instanceof Promise ? await verdict : verdict;
    } catch (error) {
      logger.error({ err: error, requestId }, 'could not check an API key');
      return fail(KEYS_UNAVAILABLE);
    }
    if (!outcome.valid) return fail(refusal(outcome));

    const target = outcome.environment === 'DEVELOPMENT' ? sandbox : production;
    if (!target) {
      // The core was asked for PRODUCTION keys only; should it ever let one through, refuse still.
      return fail(refusal({ valid: false, code: 'WRONG_ENVIRONMENT', keyId: outcome.keyId }));
    }
    upstreamName = target === sandbox ? 'sandbox' : 'production';
    if (!url.startsWith('/')) {
      return fail({
        status: 400,
        code: 'INTERNAL_SERVER_ERROR',
        reason: 'BAD_REQUEST_TARGET',
        message: 'Only origin-form request targets (/path?query) are forwarded.',
      });
    }

    const abort = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    // The core's own RateLimit-* strings, as the portal answers them: not made a second time here.
    const limitHeaders = outcome.headers;
    const partner = {
      teamId: outcome.teamId,
      keyId: outcome.keyId,
      environment: outcome.environment,
    };
    const hasBody =
      req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
    try {
      await target.forward(
        {
          method: req.method ?? 'GET',
          path: url,
          headers: upstreamRequestHeaders(req.rawHeaders, {
            remoteAddress: remote,
            clientAddress: address,
            encrypted: Boolean((req.socket as TLSSocket).encrypted),
            trustProxy: config.trustProxy,
            partner,
            requestId,
          }),
          body: hasBody ? req : undefined,
          signal: abort.signal,
          onResponse(statusCode, headers) {
            res.writeHead(statusCode, clientResponseHeaders(headers, limitHeaders, own));
          },
        },
        res,
      );
    } catch (error) {
      const failure = error instanceof ForwardError ? error.failure : 'unreachable';
      if (failure === 'client-gone' || res.headersSent) {
        // Nothing more can be told to this client: its answer is cut off where it stands.
        if (failure !== 'client-gone')
          logger.warn({ err: error, requestId }, 'upstream broke off an answer');
        res.destroy();
        return;
      }
      logger.warn({ err: error, requestId, upstream: upstreamName }, `upstream ${failure}`);
      fail(failure === 'timeout' ? TIMEOUT : UNREACHABLE);
    }
  }

  const server = createServer(
    {
      // Bodies of any size: no whole-request deadline (Node's default cuts uploads at 300 s). The
      // header deadline stays, against clients that never finish their headers.
      requestTimeout: 0,
      keepAliveTimeout: 5_000,
    },
    (req, res) => {
      inFlight++;
      // A client that leaves mid-body makes its request emit an error; the abort handles it.
      req.on('error', () => {});
      res.on('error', () => {});
      res.once('close', () => {
        if (--inFlight === 0) idle?.();
      });
      const started = performance.now();
      // Given to writeHead with the rest of each answer's headers, never set beforehand: a header
      // set on the response first sends writeHead down Node's slow path, one setHeader per header.
      const requestId = incomingRequestId(req.headers) ?? randomUUID();
      // While draining, each answer closes its connection so that keep-alive clients move on.
      const own: OwnHeaders = draining
        ? { 'x-request-id': requestId, connection: 'close' }
        : { 'x-request-id': requestId };
      handle(req, res, own, started).catch((error: unknown) => {
        logger.error({ err: error, requestId }, 'unhandled gateway error');
        sendError(
          res,
          {
            status: 500,
            code: 'INTERNAL_SERVER_ERROR',
            message: 'Something went wrong in the gateway.',
          },
          own,
        );
      });
    },
  );
  // WebSocket and other protocol upgrades are not forwarded (see README).
  server.on('upgrade', (_req, socket) => {
    socket.end(
      'HTTP/1.1 501 Not Implemented\r\nconnection: close\r\ncontent-type: application/json\r\n\r\n' +
        JSON.stringify({
          error: {
            code: 'INTERNAL_SERVER_ERROR',
            reason: 'UPGRADE_NOT_SUPPORTED',
            message: 'Protocol upgrades (WebSocket) are not forwarded by this gateway.',
          },
        }),
    );
  });

  return {
    server,
    async listen() {
      await keys.start();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const { port } = server.address() as AddressInfo;
      const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
      return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    },
    async stop() {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const drained =
        inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => (idle = resolve));
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), config.shutdownTimeoutMs);
      });
      if ((await Promise.race([drained, deadline])) === 'late') {
        logger.warn(
          { inFlight },
          'shutdown: requests still in flight at the deadline; cutting them off',
        );
        server.closeAllConnections();
      }
      clearTimeout(timer);
      // Answers are written; keep-alive connections end as soon as they go idle.
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      server.closeIdleConnections();
      await closed;
      clearInterval(sweep);
      await Promise.all([production.close(), sandbox?.close()]);
      await keys.stop();
    },
  };
}
