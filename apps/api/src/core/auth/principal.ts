/** Who is calling, resolved once per request from its credential. Roles are never part of it. */
export interface UserPrincipal {
  kind: 'user';
  userId: string;
  sessionId: string;
}

export type Principal = UserPrincipal;
