import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** Header names as sent, in order (duplicates kept). */
  names: string[];
  bytes: number;
  sha256: string;
}

export interface TestUpstream {
  name: string;
  url: string;
  seen: SeenRequest[];
  server: Server;
  close(): Promise<void>;
}

/**
 * A real upstream for the gateway: it tells who it is, records what it received, and knows a few
 * paths: `/echo` streams the request body back as it arrives (chunked, hashing it on the side),
 * `/status/<code>` answers that status, `/slow/<ms>` answers after a pause.
 */
export async function startUpstream(name: string): Promise<TestUpstream> {
  const seen: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const hash = createHash('sha256');
    let bytes = 0;
    const entry = (): SeenRequest => ({
      method: req.method!,
      url: req.url!,
      headers: req.headers,
      names: req.rawHeaders.filter((_, i) => i % 2 === 0).map((h) => h.toLowerCase()),
      bytes,
      sha256: hash.digest('hex'),
    });
    const path = new URL(req.url!, 'http://upstream').pathname;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      hash.update(chunk);
    });
    if (path === '/echo') {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'x-upstream': name });
      req.pipe(res);
      req.on('end', () => seen.push(entry()));
      return;
    }
    req.on('end', () => {
      seen.push(entry());
      const status = /^\/status\/(\d{3})$/.exec(path);
      if (status) {
        const code = Number(status[1]);
        res.writeHead(code, { 'x-upstream': name, ...(code === 301 ? { location: '/' } : {}) });
        return res.end(code === 204 ? undefined : `status ${code}`);
      }
      const slow = /^\/slow\/(\d+)$/.exec(path);
      const answer = () => {
        res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': name });
        res.end(JSON.stringify({ upstream: name, path }));
      };
      if (slow) setTimeout(answer, Number(slow[1]));
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    name,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
