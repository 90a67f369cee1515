import type { ApolloClient } from '@apollo/client';
import { hasErrorCode } from '../../apollo/errors';
import { getToken, setToken } from '../../apollo/token-storage';
import type { UserFieldsFragment } from '../../gql/graphql';
import { ViewerQuery } from './operations';

export type SessionUser = UserFieldsFragment;

/**
 * The signed-in user, or null. Cache-first: after the first answer, guards cost nothing.
 * A token the server no longer accepts is dropped.
 */
export async function fetchViewer(client: ApolloClient): Promise<SessionUser | null> {
  if (!getToken()) return null;
  try {
    const { data } = await client.query({ query: ViewerQuery, fetchPolicy: 'cache-first' });
    const user = data?.viewer?.user ?? null;
    if (!user) setToken(null);
    return user;
  } catch (error) {
    if (hasErrorCode(error, 'UNAUTHENTICATED')) {
      setToken(null);
      await client.clearStore();
      return null;
    }
    throw error;
  }
}

/** Stores a fresh session (signUp, logIn, resetPassword) and primes the cache with its user. */
export async function startSession(
  client: ApolloClient,
  payload: { token: string; user: SessionUser },
): Promise<void> {
  setToken(payload.token);
  await client.clearStore();
  client.writeQuery({
    query: ViewerQuery,
    data: { viewer: { __typename: 'Viewer', user: payload.user } },
  });
}
