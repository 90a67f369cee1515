/** Who is calling, resolved once per request from its credential. Roles are never part of it. */
export interface UserPrincipal {
  kind: 'user';
  userId: string;
  sessionId: string;
}

/** An API key: acts for its own team only, and only reads. */
export interface ApiKeyPrincipal {
  kind: 'apiKey';
  keyId: string;
  teamId: string;
  environment: string;
  rateLimitPerMinute: number | null;
  monthlyRequestLimit: number | null;
}

export type Principal = UserPrincipal | ApiKeyPrincipal;
