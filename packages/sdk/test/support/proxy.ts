/**
 * A tiny HTTP proxy in front of the real portal, to see how many requests reach it (the cache's
 * proof) and to play the portal's faults: down (the connection is cut), failing (500) or slow;
 * or a portal older than the usage events' "count" (`noCount`: such events are rejected as that
 * portal rejected a field it did not know, the rest go on to the real portal).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type ProxyMode = 'pass' | 'down' | 'error' | 'slow' | 'noCount';

type UsageEvent = {
  keyId: string;
  status: number;
  latencyMs?: number;
  at?: string | number;
  count?: number;
};
type UsageAnswer = { accepted: number; rejected: { index: number; reason: string }[] };

export interface Proxy {
  url: string;
  /** Requests that reached the portal, per path. */
  hits: Record<string, number>;
  /** Sizes of the usage batches the portal answered 200. */
  batches: number[];
  /** The usage events of those batches (in noCount mode, those the portal saw). */
  events: UsageEvent[];
  mode: ProxyMode;
  slowMs: number;
  reset(): void;
  close(): Promise<void>;
}

/** Events as the contract counts them: one per request (`count` copies, without the field). */
export const expand = (sent: UsageEvent[]) =>
  sent.flatMap(({ count, ...e }) => Array.from({ length: count ?? 1 }, () => e));

export async function startProxy(target: string): Promise<Proxy> {
  const proxy: Proxy = {
    url: '',
    hits: {},
    batches: [],
    events: [],
    mode: 'pass',
    slowMs: 1000,
    reset() {
      this.hits = {};
      this.batches = [];
      this.events = [];
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (proxy.mode === 'down') return req.socket.destroy();
      if (proxy.mode === 'error') {
        res.writeHead(500, { 'content-type': 'application/json' });
        return res.end('{"error":"boom"}');
      }
      const forward = () => {
        const path = req.url ?? '/';
        proxy.hits[path] = (proxy.hits[path] ?? 0) + 1;
        let body = Buffer.concat(chunks);
        const headers = { ...req.headers, host: new URL(target).host };
        // noCount: the events with "count" are the old portal's rejections; the others go on.
        const oldPortal = proxy.mode === 'noCount' && path === '/v1/usage';
        const refused: UsageAnswer['rejected'] = [];
        const passed: number[] = [];
        if (oldPortal) {
          const { events } = JSON.parse(body.toString()) as { events: UsageEvent[] };
          events.forEach((e, index) => {
            if ('count' in e) refused.push({ index, reason: 'Unknown field "count".' });
            else passed.push(index);
          });
          body = Buffer.from(JSON.stringify({ events: passed.map((i) => events[i]) }));
          headers['content-length'] = String(body.length);
        }
        const upstream = http.request(`${target}${path}`, { method: req.method, headers }, (up) => {
          if (path === '/v1/usage' && up.statusCode === 200) {
            const { events } = JSON.parse(body.toString()) as { events: UsageEvent[] };
            proxy.batches.push(events.length);
            proxy.events.push(...events);
          }
          if (!oldPortal || up.statusCode !== 200) {
            res.writeHead(up.statusCode ?? 502, up.headers);
            return up.pipe(res);
          }
          const answer: Buffer[] = [];
          up.on('data', (c: Buffer) => answer.push(c));
          up.on('end', () => {
            const a = JSON.parse(Buffer.concat(answer).toString()) as UsageAnswer;
            const rejected = [
              ...refused,
              ...a.rejected.map((r) => ({ ...r, index: passed[r.index] ?? r.index })),
            ].sort((x, y) => x.index - y.index);
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ ...a, rejected }));
          });
        });
        upstream.on('error', () => res.destroy());
        upstream.end(body);
      };
      if (proxy.mode === 'slow') setTimeout(forward, proxy.slowMs);
      else forward();
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}
