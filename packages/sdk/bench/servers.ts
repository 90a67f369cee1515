/**
 * The measured servers, in a process of their own (the load generator must not share their event
 * loop): the same JSON answer bare, behind the middleware, and behind the middleware without usage
 * reports (to tell the check's cost from the reports'). With BENCH_CONTROLS=1, two controls that
 * calibrate the machine rather than measure the SDK: a second bare server (`bareAgain`: what a
 * ratio of two identical servers reads here, the noise floor) and a bare server that busy-waits
 * 1 µs per request (`spin1us`: what one microsecond of work per request costs in this setup).
 * Sends its URLs to the parent over IPC and, on 'stop', closes, flushes the reports and sends the
 * client's stats.
 *
 * The one copy: `pnpm bench` here and figure 4 of `pnpm bench:gateway` (apps/gateway/bench) both
 * fork it (PORTAL_URL, SERVICE_TOKEN in the environment).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createPortalClient, withPartnerAuth } from '../src';

/** The small JSON document every server of both benches answers (apps/gateway/bench's upstream too). */
const BODY = JSON.stringify({ hello: 'partner', items: [1, 2, 3] });

/** Busy-waits `us` microseconds (the spin1us control: work that touches no I/O and no memory). */
function spin(us: number): void {
  const until = performance.now() + us / 1000;
  while (performance.now() < until);
}

const answer = (res: http.ServerResponse) => {
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(BODY),
  });
  res.end(BODY);
};

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function main() {
  const client = createPortalClient({
    url: process.env.PORTAL_URL!,
    serviceToken: process.env.SERVICE_TOKEN!,
  });
  const servers: Record<string, http.Server> = {
    bare: http.createServer((_req, res) => answer(res)),
    sdk: http.createServer(withPartnerAuth(client, (_req, res) => answer(res))),
    sdkNoReports: http.createServer(
      withPartnerAuth(client, (_req, res) => answer(res), { reportUsage: false }),
    ),
  };
  // Only when asked: figure 4 of bench:gateway forks this file too, and its process stays as it was.
  if (process.env.BENCH_CONTROLS) {
    servers.bareAgain = http.createServer((_req, res) => answer(res));
    servers.spin1us = http.createServer((_req, res) => {
      spin(1);
      answer(res);
    });
  }
  const urls: Record<string, string> = {};
  for (const [name, server] of Object.entries(servers)) urls[name] = await listen(server);
  process.send!({ urls });
  process.on('message', (message: string) => {
    if (message !== 'stop') return;
    for (const server of Object.values(servers)) {
      server.close();
      server.closeAllConnections();
    }
    void client
      .close()
      .catch(() => {})
      .then(() => {
        // Exit once the stats are out (an exit, not a kill, so that --cpu-prof writes its profile).
        process.send!({ stats: client.stats() }, () => process.exit(0));
      });
  });
}

void main();
