import http from 'node:http';
import https from 'node:https';
import { PortalError } from './errors';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface TransportOptions {
  url: string;
  serviceToken: string;
  timeoutMs: number;
  /** A fetch of the caller's own; without it, node:http(s) with a keep-alive agent. */
  fetch?: FetchLike;
}

interface Answer {
  status: number;
  text: string;
}

/**
 * POSTs JSON to a /v1/ endpoint; every failure becomes a PortalError with a code and status.
 *
 * By default through node:http(s) and a keep-alive agent of its own rather than the global fetch:
 * the profile of a busy middleware showed undici's fetch (a Request, a body stream, a Response
 * per call) costing more per usage batch than building the batch itself.
 */
export class Transport {
  private readonly base: string;
  private readonly authorization: string;
  private readonly request: typeof http.request;
  private readonly agent: http.Agent;
  private readonly target: { protocol: string; hostname: string; port: string; prefix: string };

  constructor(private readonly options: TransportOptions) {
    this.base = options.url.replace(/\/+$/, '');
    this.authorization = `Bearer ${options.serviceToken}`;
    const url = new URL(this.base);
    const secure = url.protocol === 'https:';
    this.request = secure ? https.request : http.request;
    // Idle connections close after 4 s (undici's default too), before the portal closes them;
    // the agent also follows the portal's `Keep-Alive: timeout=…` hint when it is shorter.
    this.agent = new (secure ? https.Agent : http.Agent)({ keepAlive: true, timeout: 4000 });
    this.target = {
      protocol: url.protocol,
      hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port,
      prefix: url.pathname.replace(/\/+$/, ''),
    };
  }

  post(path: string, body: unknown): Promise<unknown> {
    return this.postJson(path, JSON.stringify(body));
  }

  /** As post, with the body already JSON text. */
  async postJson(path: string, json: string): Promise<unknown> {
    let res: Answer;
    try {
      // The timeout also covers reading the body: a portal that stalls mid-answer times out too.
      res = this.options.fetch ? await this.viaFetch(path, json) : await this.viaHttp(path, json);
    } catch (error) {
      const name = (error as { name?: string } | null)?.name;
      if (name === 'TimeoutError' || name === 'AbortError')
        throw new PortalError(
          'PORTAL_TIMEOUT',
          `The portal did not answer ${path} within ${this.options.timeoutMs} ms.`,
          undefined,
          { cause: error },
        );
      throw new PortalError(
        'PORTAL_UNREACHABLE',
        `The portal could not be reached at ${this.base}: ${describe(error)}.`,
        undefined,
        { cause: error },
      );
    }
    const { text } = res;
    if (res.status === 200) {
      try {
        return JSON.parse(text) as unknown;
      } catch (error) {
        throw new PortalError('PORTAL_ERROR', `The portal's answer to ${path} is not JSON.`, 200, {
          cause: error,
        });
      }
    }
    if (res.status === 401)
      throw new PortalError(
        'SERVICE_TOKEN_REJECTED',
        'The portal refused the service token: check that it is one of the portal’s SERVICE_TOKENS.',
        401,
      );
    if (res.status === 404)
      throw new PortalError(
        'SERVICE_DISABLED',
        `The portal answered 404 for ${path}: it runs without SERVICE_TOKENS, or the URL is not the portal's.`,
        404,
      );
    // 400, 405, 413…: this request will never be taken as it is; 429 and 5xx may pass later.
    if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429)
      throw new PortalError(
        'BAD_REQUEST',
        `The portal refused the request (${res.status}): ${excerpt(text)}`,
        res.status,
      );
    throw new PortalError(
      'PORTAL_ERROR',
      `The portal answered ${res.status} to ${path}: ${excerpt(text)}`,
      res.status,
    );
  }
  private async viaFetch(path: string, json: string): Promise<Answer> {
    const res = await this.options.fetch!(this.base + path, {
      method: 'POST',
      headers: { authorization: this.authorization, 'content-type': 'application/json' },
      body: json,
      signal: AbortSignal.timeout(this.options.timeoutMs),
    });
    return { status: res.status, text: await res.text() };
  }

  private viaHttp(path: string, json: string): Promise<Answer> {
    const { protocol, hostname, port, prefix } = this.target;
    return new Promise<Answer>((resolve, reject) => {
      const req = this.request(
        {
          protocol,
          hostname,
          port,
          path: prefix + path,
          method: 'POST',
          agent: this.agent,
          headers: {
            authorization: this.authorization,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(json),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', fail);
          res.on('close', () => {
            if (!res.complete) fail(new Error('the connection closed before the answer ended'));
          });
          res.on('end', () => {
            clearTimeout(timer);
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
          });
        },
      );
      const timer = setTimeout(() => {
        const error = new Error('timed out');
        error.name = 'TimeoutError';
        req.destroy(error);
      }, this.options.timeoutMs);
      timer.unref();
      function fail(error: Error) {
        clearTimeout(timer);
        reject(error);
      }
      req.on('error', fail);
      req.end(json);
    });
  }
}

function describe(error: unknown): string {
  const e = error as { code?: string; cause?: { code?: string; message?: string } } | null;
  return (
    e?.cause?.code ??
    e?.cause?.message ??
    e?.code ??
    (error instanceof Error ? error.message : String(error))
  );
}
function excerpt(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
