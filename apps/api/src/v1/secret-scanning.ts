import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { isDatabaseUnavailable } from '../core/errors';
import type { Services } from '../services';

/**
 * `POST /v1/secret-scanning/verify`: the secret-scanning partner format code hosts use (GitHub's
 * partner programme; shared/contract/README.md). A code host that finds a string matching our key
 * pattern in public code posts it here; the raw body is signed with the host's ECDSA P-256 key
 * (SHA-256, base64 DER in `Github-Public-Key-Signature`, its id in `Github-Public-Key-Identifier`),
 * checked against `SECRET_SCANNING_KEYS` before anything is read. No service token. A real key
 * is revoked at once and becomes a KeyIncident (source SECRET_SCANNING, foundAt = the url); the
 * answer labels each token true_positive or false_positive. Unset keys: 404.
 */

/** A trusted public key of a code host. */
export interface ScanningKey {
  id: string;
  key: KeyObject;
  isCurrent: boolean;
}

/** Bounds: the whole body, the tokens in one report, and each field. */
export const SCANNING_BODY_LIMIT = 1024 * 1024;
export const SCANNING_TOKENS_MAX = 1000;
const TOKEN_MAX = 256;
const FIELD_MAX = 2048;
const KEY_ID_MAX = 256;

/**
 * Reads `SECRET_SCANNING_KEYS` (a path to, or the text of, `{"public_keys": [{"key_identifier",
 * "key" (PEM), "is_current"}]}`, as GitHub serves it at
 * https://api.github.com/meta/public_keys/secret_scanning). Every problem is one line.
 */
export function loadScanningKeys(value: string): { keys: ScanningKey[]; problems: string[] } {
  const problems: string[] = [];
  const name = 'SECRET_SCANNING_KEYS';
  let text = value;
  if (!value.trimStart().startsWith('{')) {
    if (!existsSync(value))
      return {
        keys: [],
        problems: [`${name}: no file at ${value} (give a path or the JSON itself)`],
      };
    try {
      text = readFileSync(value, 'utf8');
    } catch (error) {
      return { keys: [], problems: [`${name}: cannot read ${value}: ${(error as Error).message}`] };
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { keys: [], problems: [`${name}: not valid JSON`] };
  }
  const list = (parsed as { public_keys?: unknown } | null)?.public_keys;
  if (!Array.isArray(list) || list.length === 0)
    return {
      keys: [],
      problems: [`${name}: must be {"public_keys": [...]} with at least one key`],
    };
  const keys: ScanningKey[] = [];
  list.forEach((entry: unknown, i) => {
    const where = `${name}: public_keys[${i}]`;
    if (typeof entry !== 'object' || entry === null) {
      problems.push(`${where} must be an object`);
      return;
    }
    const { key_identifier: id, key, is_current: isCurrent } = entry as Record<string, unknown>;
    let ok = true;
    if (typeof id !== 'string' || id.length === 0 || id.length > KEY_ID_MAX) {
      problems.push(`${where}.key_identifier must be a string of 1 to ${KEY_ID_MAX} characters`);
      ok = false;
    } else if (keys.some((k) => k.id === id)) {
      problems.push(`${where}.key_identifier ${id} appears twice`);
      ok = false;
    }
    if (isCurrent !== undefined && typeof isCurrent !== 'boolean') {
      problems.push(`${where}.is_current must be true or false`);
      ok = false;
    }
    let publicKey: KeyObject | undefined;
    if (typeof key !== 'string') problems.push(`${where}.key must be a PEM public key`);
    else
      try {
        publicKey = createPublicKey(key);
        const curve = publicKey.asymmetricKeyDetails?.namedCurve;
        if (publicKey.asymmetricKeyType !== 'ec' || curve !== 'prime256v1') {
          problems.push(`${where}.key must be an ECDSA P-256 public key`);
          publicKey = undefined;
        }
      } catch {
        problems.push(`${where}.key is not a PEM public key`);
      }
    if (ok && publicKey)
      keys.push({ id: id as string, key: publicKey, isCurrent: isCurrent === true });
  });
  return { keys: problems.length > 0 ? [] : keys, problems };
}

export interface SecretScanningDeps {
  config: Config;
  services: Services;
  logger: Logger;
}

interface Finding {
  token: string;
  type: string | null;
  url: string | null;
  source: string | null;
}

export function secretScanningRoutes({ config, services, logger }: SecretScanningDeps): Router {
  const router = express.Router();
  const keys = config.secretScanningKeys;
  if (keys.length === 0) {
    router.use((_req, res) => reply(res, 404, error('NOT_FOUND', 'Not found.')));
    return router;
  }
  router.post(
    '/verify',
    express.raw({ type: () => true, limit: SCANNING_BODY_LIMIT }),
    (req: Request, res: Response, next) => {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const signer = signedBy(keys, req, body);
      if (!signer) {
        logger.warn(
          {
            remoteAddress: req.socket.remoteAddress,
            keyId: header(req, 'github-public-key-identifier')?.slice(0, 100),
          },
          'secret scanning: refused a report without a valid signature',
        );
        return reply(res, 401, error('UNAUTHENTICATED', 'The signature is missing or not valid.'));
      }
      const findings = parseFindings(body);
      if (typeof findings === 'string') return reply(res, 400, error('BAD_USER_INPUT', findings));
      void (async () => {
        const answer = [];
        let revealed = 0;
        for (const finding of findings) {
          const label =
            finding.token.length > TOKEN_MAX
              ? 'false_positive'
              : await services.keyIncidents.reportLeak(finding.token, finding.url);
          if (label === 'true_positive') revealed++;
          answer.push({
            token_hash: createHash('sha256').update(finding.token).digest('hex'),
            token_type: finding.type,
            label,
            url: finding.url,
          });
        }
        logger.info(
          { keyId: signer, tokens: findings.length, truePositives: revealed },
          'secret scanning: report handled',
        );
        reply(res, 200, answer);
      })().catch(next);
    },
  );
  router.all('/verify', (_req, res) => {
    res.setHeader('Allow', 'POST');
    reply(res, 405, error('BAD_USER_INPUT', 'Use POST with the signed JSON body.'));
  });
  router.use((_req, res) => reply(res, 404, error('NOT_FOUND', 'Not found.')));
  router.use(
    (err: { type?: string; status?: number }, _req: Request, res: Response, _next: () => void) => {
      if (err.type === 'entity.too.large')
        return reply(
          res,
          413,
          error('BAD_USER_INPUT', `The body is larger than ${SCANNING_BODY_LIMIT} bytes.`),
        );
      if (typeof err.status === 'number' && err.status >= 400 && err.status < 500)
        return reply(res, 400, error('BAD_USER_INPUT', 'The request could not be read.'));
      if (isDatabaseUnavailable(err))
        return reply(res, 503, error('INTERNAL_SERVER_ERROR', 'Try again shortly.'));
      logger.error({ err }, 'secret scanning: failed');
      reply(res, 500, error('INTERNAL_SERVER_ERROR', 'Something went wrong on our side.'));
    },
  );
  return router;
}

const header = (req: Request, name: string): string | undefined => {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
};

/** The id of the trusted key whose signature of the raw body checks out, or null. */
function signedBy(keys: readonly ScanningKey[], req: Request, body: Buffer): string | null {
  const id = header(req, 'github-public-key-identifier');
  const signature = header(req, 'github-public-key-signature');
  if (!id || !signature || signature.length > 1024) return null;
  const trusted = keys.find((k) => k.id === id);
  if (!trusted) return null;
  try {
    const ok = verify(
      'sha256',
      body,
      { key: trusted.key, dsaEncoding: 'der' },
      Buffer.from(signature, 'base64'),
    );
    return ok ? trusted.id : null;
  } catch {
    return null;
  }
}

const optionalString = (value: unknown): string | null | undefined =>
  value === undefined || value === null
    ? null
    : typeof value === 'string'
      ? value.slice(0, FIELD_MAX)
      : undefined;

/** `[{token, type, url, source}]`, bounded; a message when it is not that. */
function parseFindings(body: Buffer): Finding[] | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return 'The body is not valid JSON.';
  }
  if (!Array.isArray(parsed)) return 'Send a JSON array of {token, type, url, source}.';
  if (parsed.length > SCANNING_TOKENS_MAX)
    return `Send at most ${SCANNING_TOKENS_MAX} tokens per request.`;
  const findings: Finding[] = [];
  for (const [i, item] of parsed.entries()) {
    if (typeof item !== 'object' || item === null) return `Item ${i} is not an object.`;
    const { token, type, url, source } = item as Record<string, unknown>;
    if (typeof token !== 'string') return `Item ${i} has no token.`;
    const fields = {
      type: optionalString(type),
      url: optionalString(url),
      source: optionalString(source),
    };
    if (fields.type === undefined || fields.url === undefined || fields.source === undefined)
      return `Item ${i}: type, url and source must be strings.`;
    findings.push({ token, type: fields.type, url: fields.url, source: fields.source });
  }
  return findings;
}

const error = (code: string, message: string) => ({ error: { code, message } });

function reply(res: Response, status: number, body: unknown): void {
  if (res.headersSent) return;
  res.status(status).setHeader('Cache-Control', 'no-store').json(body);
}
