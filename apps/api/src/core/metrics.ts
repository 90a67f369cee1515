import cluster from 'node:cluster';
import type http from 'node:http';
import type { OperationTypeNode } from 'graphql';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  AggregatorRegistry,
  Counter,
  Gauge,
  Registry,
  collectDefaultMetrics,
  type Metric,
} from 'prom-client';
import type { DataSource } from 'typeorm';
import { serviceTokenChecker } from './auth/service-tokens';
import { redisState } from './redis';

/**
 * GET /metrics in Prometheus text, for the provider's monitoring, answered only to a service token
 * (SERVICE_TOKENS, the /v1/ check). Served on the portal's port in front of Express (no logging,
 * no security middleware, no router), so a scrape costs what it reads and nothing more.
 *
 * One registry per portal, never prom-client's global one: two portals in one process (the
 * tests) keep their own counts. In a worker of `WEB_CONCURRENCY` (cluster.ts), a scrape answers
 * for every worker: the worker asks the primary, which sums the workers' registries
 * (prom-client's AggregatorRegistry).
 *
 * What it costs per request: an HTTP request's route, status and duration, and a GraphQL
 * operation's type, status and duration (from the gate's ticket), each counted in plain objects
 * (RequestTally: two map look-ups, increments and a bucket search). Everything else (sockets, pool,
 * Redis, usage buffer, key cache) is read at scrape time.
 */

/** What the scrape reads, wired once the portal's parts exist. */
export interface MetricSources {
  dataSource: DataSource;
  /** The two Redis connections, when Redis is configured. */
  redis: { commands: Redis; subscriber: Redis } | undefined;
  usage: {
    readonly pendingCells: number;
    readonly flushLagSeconds: number;
    readonly dropped: number;
  };
  keyCache: { readonly hits: number; readonly misses: number };
  ws: { readonly connections: number; readonly subscriptions: number };
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Messages between a worker and the primary (cluster.ts answers them). */
export const METRICS_REQUEST = 'portal:metrics';
export const METRICS_ANSWER = 'portal:metrics:text';

export class PortalMetrics {
  readonly registry = new Registry();
  private sources: MetricSources | undefined;
  private readonly isAllowed: (authorization: string | undefined) => string;
  private readonly http: RequestTally;
  private readonly operations: RequestTally;

  constructor(
    serviceTokens: readonly string[],
    private readonly logger: Logger,
  ) {
    this.isAllowed = serviceTokenChecker(serviceTokens);
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.http = new RequestTally(this.registry, 'route', {
      name: 'portal_http_requests_total',
      help: 'HTTP requests answered, by route (/graphql, /v1/..., /healthz, /readyz, /metrics, other) and status.',
      durationName: 'portal_http_request_duration_seconds',
      durationHelp: 'Time from the request to the last byte of its answer, by route.',
    });
    this.operations = new RequestTally(this.registry, 'type', {
      name: 'portal_graphql_operations_total',
      help: 'GraphQL operations (HTTP and graphql-ws) by type (query, mutation, subscription; unknown: refused before its document was read) and the status its caller got.',
      durationName: 'portal_graphql_operation_duration_seconds',
      durationHelp:
        'Time from an operation entering the gate to its answer (a subscription: until it is established), by type.',
    });

    const read = <T>(pick: (sources: MetricSources) => T, fallback: T): T =>
      this.sources ? pick(this.sources) : fallback;
    new Gauge({
      name: 'portal_websocket_connections',
      help: 'Open graphql-ws sockets (past connection_init).',
      registers,
      collect() {
        this.set(read((s) => s.ws.connections, 0));
      },
    });
    new Gauge({
      name: 'portal_graphql_subscriptions',
      help: 'Subscriptions streaming on those sockets.',
      registers,
      collect() {
        this.set(read((s) => s.ws.subscriptions, 0));
      },
    });
    new Gauge({
      name: 'portal_usage_buffer_cells',
      help: 'Usage counts (key x minute x status cells) waiting to be written.',
      registers,
      collect() {
        this.set(read((s) => s.usage.pendingCells, 0));
      },
    });
    new Gauge({
      name: 'portal_usage_flush_lag_seconds',
      help: 'Seconds since every counted request was last written to the usage store (0 while nothing waits; above 1 s: writes are late or failing).',
      registers,
      aggregator: 'max',
      collect() {
        this.set(read((s) => s.usage.flushLagSeconds, 0));
      },
    });
    new Gauge({
      name: 'portal_usage_dropped_requests',
      help: 'Requests not counted since start because the usage buffer was full during a store outage.',
      registers,
      collect() {
        this.set(read((s) => s.usage.dropped, 0));
      },
    });
    new Counter({
      name: 'portal_key_cache_hits_total',
      help: 'Presented API keys answered from the verifier cache (a key, or a hash known to be unknown).',
      registers,
      collect() {
        this.reset();
        this.inc(read((s) => s.keyCache.hits, 0));
      },
    });
    new Counter({
      name: 'portal_key_cache_misses_total',
      help: 'Presented API keys looked up in the database.',
      registers,
      collect() {
        this.reset();
        this.inc(read((s) => s.keyCache.misses, 0));
      },
    });
    new Gauge({
      name: 'portal_db_pool_connections',
      help: 'Database connections by state: all (open), free (idle), queued (requests waiting for one). SQLite: one connection.',
      labelNames: ['state'],
      registers,
      collect() {
        const pool = read((s) => poolOf(s.dataSource), undefined);
        if (!pool) return;
        this.set({ state: 'all' }, pool.all);
        this.set({ state: 'free' }, pool.free);
        this.set({ state: 'queued' }, pool.queued);
      },
    });
    new Gauge({
      name: 'portal_db_pool_max',
      help: 'The most connections the pool opens (SQLite: 1).',
      registers,
      collect() {
        const pool = read((s) => poolOf(s.dataSource), undefined);
        if (pool) this.set(pool.max);
      },
    });
    new Gauge({
      name: 'portal_redis_configured',
      help: '1 when REDIS_URL is set (limits, ticks and revocations shared between processes).',
      registers,
      aggregator: 'max',
      collect() {
        this.set(read((s) => (s.redis ? 1 : 0), 0));
      },
    });
    new Gauge({
      name: 'portal_redis_state',
      help: "Each Redis connection's state, one series per state set to 1 (connected, reconnecting, down).",
      labelNames: ['connection', 'state'],
      registers,
      collect() {
        const redis = read((s) => s.redis, undefined);
        if (!redis) return;
        for (const [connection, client] of Object.entries(redis)) {
          const now = redisState(client);
          for (const state of ['connected', 'reconnecting', 'down'] as const)
            this.set({ connection, state }, state === now ? 1 : 0);
        }
      },
    });

    // A worker answers the primary's requests for its registry (AggregatorRegistry's listener).
    if (cluster.isWorker) {
      new AggregatorRegistry();
      AggregatorRegistry.setRegistries([this.registry]);
    }
  }

  /** The parts a scrape reads, once they exist. */
  watch(sources: MetricSources): void {
    this.sources = sources;
  }

  /** The gate's observer: one GraphQL operation ended (see Gate.observer). */
  readonly operationEnded = (
    type: OperationTypeNode | undefined,
    status: number,
    latencyMs: number,
  ): void => {
    this.operations.record(type ?? 'unknown', status, latencyMs / 1000);
  };

  /**
   * The server's request listener: GET /metrics is answered here, every other request goes to
   * `next` (Express) and is timed until its answer is written. In a cluster worker, every answer
   * carries `X-Portal-Worker: <worker id>` (which process answered, for probes and tests).
   */
  front(next: http.RequestListener): http.RequestListener {
    // Several workers (WEB_CONCURRENCY): each answer names its worker (1..N), never a pid or host.
    const worker = cluster.isWorker && cluster.worker ? String(cluster.worker.id) : undefined;
    return (req, res) => {
      if (worker) res.setHeader('X-Portal-Worker', worker);
      const route = routeOf(req.url ?? '/');
      const startedAt = performance.now();
      // 'finish' comes once per answer: `on`, not `once`, spares a wrapper and its removal per request.
      res.on('finish', () =>
        this.http.record(route, res.statusCode, (performance.now() - startedAt) / 1000),
      );
      if (route === '/metrics') return void this.serve(req, res);
      next(req, res);
    };
  }

  private async serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET');
      return answer(res, 405, 'BAD_USER_INPUT', 'Use GET.');
    }
    const presented = this.isAllowed(req.headers.authorization);
    if (presented !== 'valid') {
      this.logger.warn(
        {
          path: '/metrics',
          remoteAddress: req.socket.remoteAddress,
          presented: presented !== 'missing',
        },
        'metrics: refused a request without a valid service token',
      );
      res.setHeader('WWW-Authenticate', 'Bearer');
      return answer(
        res,
        401,
        'UNAUTHENTICATED',
        'Send a service token: Authorization: Bearer <token>.',
      );
    }
    try {
      const text = await this.text();
      res.statusCode = 200;
      res.setHeader('Content-Type', this.registry.contentType);
      res.end(req.method === 'HEAD' ? undefined : text);
    } catch (error) {
      this.logger.error({ err: error }, 'metrics: could not collect');
      answer(
        res,
        500,
        'INTERNAL_SERVER_ERROR',
        'Something went wrong on our side. Please try again.',
      );
    }
  }

  /** This process's metrics, or in a cluster worker the sum over every worker (asked of the primary). */
  text(): Promise<string> {
    if (!cluster.isWorker || !process.send) return this.registry.metrics();
    return askPrimary().catch((error: unknown) => {
      this.logger.warn({ err: error }, 'metrics: the primary did not answer; this worker only');
      return this.registry.metrics();
    });
  }
}

/**
 * A request counter by (label, status) and a latency histogram by label, counted on the request
 * path in plain objects and shaped into prom-client's metric objects only when scraped (and summed
 * across workers like prom-client's own). prom-client's Counter and Histogram hash their label
 * objects on every call: about 3.6 µs for the pair on this machine, paid twice by every GraphQL
 * request over HTTP; this is a small fraction of that.
 */
/** What prom-client's registry reads from a metric (its `get()`), for the tallies below. */
interface Shaped {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  aggregator: 'sum';
  values: Array<{ labels: Record<string, string | number>; value: number; metricName?: string }>;
}

class RequestTally {
  private readonly counts = new Map<string, Map<number, number>>();
  private readonly latencies = new Map<string, { buckets: number[]; sum: number; count: number }>();

  constructor(
    registry: Registry,
    private readonly label: string,
    names: { name: string; help: string; durationName: string; durationHelp: string },
  ) {
    const counter = {
      name: names.name,
      help: names.help,
      type: 'counter',
      aggregator: 'sum',
      get: () => Promise.resolve(this.countsMetric(names.name, names.help)),
      reset: () => this.counts.clear(),
    };
    const histogram = {
      name: names.durationName,
      help: names.durationHelp,
      type: 'histogram',
      aggregator: 'sum',
      get: () => Promise.resolve(this.latencyMetric(names.durationName, names.durationHelp)),
      reset: () => this.latencies.clear(),
    };
    registry.registerMetric(counter as unknown as Metric);
    registry.registerMetric(histogram as unknown as Metric);
  }

  record(value: string, status: number, seconds: number): void {
    let byStatus = this.counts.get(value);
    if (!byStatus) this.counts.set(value, (byStatus = new Map<number, number>()));
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    let latency = this.latencies.get(value);
    if (!latency) {
      latency = {
        buckets: new Array<number>(LATENCY_BUCKETS.length + 1).fill(0),
        sum: 0,
        count: 0,
      };
      this.latencies.set(value, latency);
    }
    let i = 0;
    while (i < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[i]!) i++;
    latency.buckets[i]! += 1;
    latency.sum += seconds;
    latency.count += 1;
  }

  private countsMetric(name: string, help: string): Shaped {
    const values: Shaped['values'] = [];
    for (const [value, byStatus] of this.counts)
      for (const [status, n] of byStatus)
        values.push({ labels: { [this.label]: value, status: String(status) }, value: n });
    return { name, help, type: 'counter', aggregator: 'sum', values };
  }

  private latencyMetric(name: string, help: string): Shaped {
    const values: Shaped['values'] = [];
    for (const [value, { buckets, sum, count }] of this.latencies) {
      let cumulative = 0;
      LATENCY_BUCKETS.forEach((le, i) => {
        cumulative += buckets[i]!;
        values.push({
          labels: { le, [this.label]: value },
          value: cumulative,
          metricName: `${name}_bucket`,
        });
      });
      values.push({
        labels: { le: '+Inf', [this.label]: value },
        value: count,
        metricName: `${name}_bucket`,
      });
      values.push({ labels: { [this.label]: value }, value: sum, metricName: `${name}_sum` });
      values.push({ labels: { [this.label]: value }, value: count, metricName: `${name}_count` });
    }
    return { name, help, type: 'histogram', aggregator: 'sum', values };
  }
}

let asked = 0;

function askPrimary(): Promise<string> {
  const id = ++asked;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      process.off('message', onMessage);
      reject(new Error('no answer within 5 s'));
    }, 5_000);
    const onMessage = (message: unknown) => {
      const m = message as { type?: unknown; id?: unknown; text?: unknown; error?: unknown };
      if (m.type !== METRICS_ANSWER || m.id !== id) return;
      clearTimeout(timer);
      process.off('message', onMessage);
      if (typeof m.text === 'string') resolve(m.text);
      else reject(new Error(typeof m.error === 'string' ? m.error : 'no metrics'));
    };
    process.on('message', onMessage);
    process.send!({ type: METRICS_REQUEST, id });
  });
}

/** A bounded set of route labels (paths are never labels: a scanner would make them unbounded). */
const ROUTES = new Set(['/graphql', '/healthz', '/readyz', '/metrics']);

function routeOf(url: string): string {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  if (ROUTES.has(path)) return path;
  if (path.startsWith('/v1/')) {
    if (path === '/v1/keys/verify' || path === '/v1/usage') return path;
    return path.startsWith('/v1/secret-scanning/') ? '/v1/secret-scanning' : '/v1/other';
  }
  return 'other';
}

interface Pool {
  all: number;
  free: number;
  queued: number;
  max: number;
}

/** mysql2's pool as TypeORM holds it (its queues have a length); SQLite is one connection. */
function poolOf(dataSource: DataSource): Pool | undefined {
  if (!dataSource.isInitialized) return undefined;
  if (dataSource.options.type !== 'mysql' && dataSource.options.type !== 'mariadb')
    return { all: 1, free: 1, queued: 0, max: 1 };
  const pool = (
    dataSource.driver as unknown as {
      pool?: {
        _allConnections?: { length: number };
        _freeConnections?: { length: number };
        _connectionQueue?: { length: number };
        config?: { connectionLimit?: number };
      };
    }
  ).pool;
  if (!pool) return undefined;
  return {
    all: pool._allConnections?.length ?? 0,
    free: pool._freeConnections?.length ?? 0,
    queued: pool._connectionQueue?.length ?? 0,
    max: pool.config?.connectionLimit ?? 0,
  };
}

function answer(res: http.ServerResponse, status: number, code: string, message: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify({ error: { code, message } }));
}
