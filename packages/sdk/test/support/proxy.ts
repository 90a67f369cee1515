/**
 * A tiny HTTP proxy in front of the real portal, to see how many requests reach it (the cache's
 * proof) and to play the portal's faults: down (the connection is cut), failing (500) or slow.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type ProxyMode = 'pass' | 'down' | 'error' | 'slow';

export interface Proxy {
  url: string;
  /** Requests that reached the portal, per path. */
  hits: Record<string, number>;
  /** Sizes of the usage batches the portal answered 200. */
  batches: number[];
  /** The usage events of those batches. */
  events: { keyId: string; status: number; latencyMs?: number; at?: string | number }[];
  mode: ProxyMode;
  slowMs: number;
  reset(): void;
  close(): Promise<void>;
}

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
        const body = Buffer.concat(chunks);
        const upstream = http.request(
          `${target}${path}`,
          { method: req.method, headers: { ...req.headers, host: new URL(target).host } },
          (up) => {
            if (path === '/v1/usage' && up.statusCode === 200) {
              const { events } = JSON.parse(body.toString()) as { events: Proxy['events'] };
              proxy.batches.push(events.length);
              proxy.events.push(...events);
            }
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
          },
        );
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
