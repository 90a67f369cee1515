/**
 * The measured servers, in a process of their own (the load generator must not share their event
 * loop): the same JSON answer bare, behind the middleware, and behind the middleware without usage
 * reports (to tell the check's cost from the reports'). Sends its URLs to the parent over IPC and,
 * on 'stop', closes, flushes the reports and sends the client's stats.
 *
 * The one copy: `pnpm bench` here and figure 4 of `pnpm bench:gateway` (apps/gateway/bench) both
 * fork it (PORTAL_URL, SERVICE_TOKEN in the environment).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPortalClient, withPartnerAuth } from '../src';

/** The small JSON document every server of both benches answers (apps/gateway/bench's upstream too). */
const BODY = JSON.stringify({ hello: 'partner', items: [1, 2, 3] });

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
  const servers = {
    bare: http.createServer((_req, res) => answer(res)),
    sdk: http.createServer(withPartnerAuth(client, (_req, res) => answer(res))),
    sdkNoReports: http.createServer(
      withPartnerAuth(client, (_req, res) => answer(res), { reportUsage: false }),
    ),
  };
  const urls = {
    bare: await listen(servers.bare),
    sdk: await listen(servers.sdk),
    sdkNoReports: await listen(servers.sdkNoReports),
  };
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
