import { PRODUCTS } from './upstream';

/**
 * Light, varied traffic through the gateway, so the portal's usage charts have something to show:
 * a few requests a second over both keys and every endpoint, with the 404s, 4xx, 5xx, slow answers
 * (504 from the gateway) and 401s (a revoked key, a mistyped one) that real partners produce, and
 * now and then a burst on the development key past its per-minute limit (429).
 */

export interface TrafficKeys {
  production: string;
  development: string;
  /** A key revoked in the portal: refused with 401 and counted in its usage. */
  revoked: string;
}

export interface TrafficOptions {
  gatewayUrl: string;
  keys: TrafficKeys;
  /** Requests per second on average. */
  rate?: number;
  /** Every this many ms, a burst on the development key (to reach its per-minute limit). */
  burstEveryMs?: number;
  burstSize?: number;
  /** Called every `reportEveryMs` with the statuses seen since the last call. */
  onReport?: (counts: Map<number | 'failed', number>, periodMs: number) => void;
  reportEveryMs?: number;
  random?: () => number;
}

export interface Traffic {
  /** Stops sending and waits for the requests in flight to end (they are aborted). */
  stop(): Promise<void>;
  /** Every status seen since the start. */
  totals(): Map<number | 'failed', number>;
}

interface Call {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  key: string | null;
}

/** At most this many requests in flight (slow answers pile up otherwise). */
const MAX_IN_FLIGHT = 24;

export function startTraffic(options: TrafficOptions): Traffic {
  const random = options.random ?? Math.random;
  const rate = options.rate ?? 3;
  const controller = new AbortController();
  const inFlight = new Set<Promise<void>>();
  const totals = new Map<number | 'failed', number>();
  let period = new Map<number | 'failed', number>();
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

  /** A mistyped key: the right shape with a broken checksum (401 without any look-up). */
  const mistyped = (key: string) => key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');

  function nextCall(): Call {
    const roll = random();
    const key =
      roll < 0.72
        ? options.keys.production
        : roll < 0.92
          ? options.keys.development
          : roll < 0.96
            ? options.keys.revoked
            : roll < 0.985
              ? mistyped(options.keys.production)
              : null;
    const what = random();
    if (what < 0.3)
      return { method: 'GET', path: `/v1/products?limit=${1 + Math.floor(random() * 6)}`, key };
    if (what < 0.52) return { method: 'GET', path: `/v1/products/${pick(PRODUCTS).id}`, key };
    if (what < 0.6)
      return {
        method: 'GET',
        path: `/v1/products/${pick(['acme-9000', 'dehydrated-boulders', 'earthquake-pills'])}`,
        key,
      };
    if (what < 0.75) {
      const valid = random() < 0.85;
      return {
        method: 'POST',
        path: '/v1/orders',
        body: valid
          ? { productId: pick(PRODUCTS).id, quantity: 1 + Math.floor(random() * 3) }
          : { productId: 'anvil', quantity: 0 },
        key,
      };
    }
    if (what < 0.97) return { method: 'GET', path: '/v1/status', key };
    return {
      method: 'GET',
      path: pick(['/v2/products', '/v1/customers', '/v1/orders/ord_1']),
      key,
    };
  }

  function count(status: number | 'failed') {
    totals.set(status, (totals.get(status) ?? 0) + 1);
    period.set(status, (period.get(status) ?? 0) + 1);
  }

  function send(call: Call): void {
    if (controller.signal.aborted || inFlight.size >= MAX_IN_FLIGHT) return;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (call.key) {
      // Both ways the contract accepts a key, so both show up in the gateway's path.
      if (random() < 0.75) headers.authorization = `Bearer ${call.key}`;
      else headers['x-api-key'] = call.key;
    }
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    const request = fetch(new URL(call.path, options.gatewayUrl), {
      method: call.method,
      headers,
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      signal: controller.signal,
    })
      .then(async (res) => {
        await res.arrayBuffer();
        count(res.status);
      })
      .catch(() => {
        if (!controller.signal.aborted) count('failed');
      })
      .finally(() => inFlight.delete(request));
    inFlight.add(request);
  }

  // A Poisson-ish stream: each tick sends one request with the chance that gives `rate` per second.
  const tickMs = 100;
  const ticker = setInterval(() => {
    if (random() < (rate * tickMs) / 1000) send(nextCall());
  }, tickMs);

  const burstSize = options.burstSize ?? 0;
  const burst = () => {
    for (let i = 0; i < burstSize; i++)
      send({ method: 'GET', path: '/v1/products', key: options.keys.development });
  };
  const burstEveryMs = options.burstEveryMs ?? 45_000;
  // The first one early, so the 429s show within the newcomer's first minute.
  const firstBurst = burstSize > 0 ? setTimeout(burst, burstEveryMs / 2) : undefined;
  const burster = burstSize > 0 ? setInterval(burst, burstEveryMs) : undefined;

  let lastReport = Date.now();
  const reporter = options.onReport
    ? setInterval(() => {
        const now = Date.now();
        options.onReport!(period, now - lastReport);
        period = new Map();
        lastReport = now;
      }, options.reportEveryMs ?? 30_000)
    : undefined;

  // The first request at once, so the first counts land before the newcomer opens the portal.
  send({ method: 'GET', path: '/v1/products', key: options.keys.production });

  return {
    async stop() {
      clearInterval(ticker);
      clearTimeout(firstBurst);
      clearInterval(burster);
      if (reporter) clearInterval(reporter);
      controller.abort();
      await Promise.allSettled([...inFlight]);
    },
    totals: () => new Map(totals),
  };
}

/** `200×61 201×9 404×8 503×5`: statuses in order, for one line of output. */
export function formatCounts(counts: Map<number | 'failed', number>): string {
  return [...counts.entries()]
    .sort(([a], [b]) => (a === 'failed' ? 1 : b === 'failed' ? -1 : a - b))
    .map(([status, n]) => `${status}×${n}`)
    .join(' ');
}
