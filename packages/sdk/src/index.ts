export { createPortalClient, parseVerifyResult } from './client';
export type { PortalClient, PortalClientOptions, PortalClientStats } from './client';
export { ErrorCode, PortalError, isPortalError } from './errors';
export type { PortalErrorCode } from './errors';
export { parseKey } from './key-format';
export {
  createMiddleware as partnerAuth,
  createHandler as withPartnerAuth,
  keyFromHeaders,
} from './middleware';
export type { AuthOptions, Handler, Middleware, Next } from './middleware';
export type { UsageReporterOptions, UsageReporterStats } from './usage-reporter';
export * from './types';
