import { PortalError } from './errors';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface TransportOptions {
  url: string;
  serviceToken: string;
  timeoutMs: number;
  fetch: FetchLike;
}

/** POSTs JSON to a /v1/ endpoint; every failure becomes a PortalError with a code and status. */
export class Transport {
  private readonly base: string;
  private readonly authorization: string;

  constructor(private readonly options: TransportOptions) {
    this.base = options.url.replace(/\/+$/, '');
    this.authorization = `Bearer ${options.serviceToken}`;
  }

  async post(path: string, body: unknown): Promise<unknown> {
    let res: Response;
    let text: string;
    try {
      // The signal also covers reading the body: a portal that stalls mid-answer times out too.
      res = await this.options.fetch(this.base + path, {
        method: 'POST',
        headers: { authorization: this.authorization, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      text = await res.text();
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
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } } | null)?.cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

function excerpt(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
