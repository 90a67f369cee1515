import type { ApolloClient, OperationVariables } from '@apollo/client';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';

/**
 * Starts a query from a route loader without waiting for it: the page renders at once (with its
 * skeleton) and its `useQuery` shares the request in flight. `network-only` keeps what a visit
 * shows fresh; failures are the page's to show, not the loader's.
 */
export function prefetchQuery<TData, TVariables extends OperationVariables>(
  client: ApolloClient,
  query: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
  fetchPolicy: 'network-only' | 'cache-first' = 'network-only',
): void {
  client
    .query<TData, TVariables>({ query, variables, fetchPolicy } as ApolloClient.QueryOptions<
      TData,
      TVariables
    >)
    .catch(() => undefined);
}
