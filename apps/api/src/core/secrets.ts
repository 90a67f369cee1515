import { createHash, randomBytes, randomUUID } from 'node:crypto';

export const newId = (): string => randomUUID();

/** 256 bits from the system's CSPRNG, URL-safe; for links mailed to people. */
export const randomToken = (): string => randomBytes(32).toString('base64url');

/** What is stored instead of a token: its SHA-256, hex. */
export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');
