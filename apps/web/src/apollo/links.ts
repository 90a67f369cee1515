import { ApolloLink, HttpLink } from '@apollo/client';
import { ErrorLink } from '@apollo/client/link/error';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { OperationTypeNode } from 'graphql';
import { createClient, type Client as WsClient } from 'graphql-ws';
import { hasErrorCode } from './errors';
import { authorizationHeader, getToken } from './token-storage';

/** Same origin as the SPA: the api serves both (and Vite proxies /graphql in dev). */
export function graphqlUrls(location: Pick<Location, 'protocol' | 'host'> = window.location) {
  const wsProtocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return {
    http: `${location.protocol}//${location.host}/graphql`,
    ws: `${wsProtocol}//${location.host}/graphql`,
  };
}

/** Operations that deal with credentials themselves: an UNAUTHENTICATED answer is theirs to show. */
const SELF_HANDLED_OPERATIONS = new Set([
  'LogIn',
  'SignUp',
  'LogOut',
  'RequestPasswordReset',
  'ResetPassword',
  'Viewer',
]);

interface AuthContext {
  /** The token this operation was sent with (null when signed out). */
  sentToken?: string | null;
}

export interface Links {
  link: ApolloLink;
  wsClient: WsClient;
}

/**
 * http for queries and mutations, graphql-ws for subscriptions, both carrying the session token.
 * `onUnauthenticated` runs when the server refuses the token the app still holds
 * (expired or ended session).
 */
export function createLinks(onUnauthenticated: () => void): Links {
  const urls = graphqlUrls();

  const authLink = new ApolloLink((operation, forward) => {
    const token = getToken();
    operation.setContext(({ headers }: { headers?: Record<string, string> }) => {
      const authorization = authorizationHeader(token);
      return {
        sentToken: token,
        headers: authorization ? { ...headers, authorization } : { ...headers },
      };
    });
    return forward(operation);
  });

  const errorLink = new ErrorLink(({ error, operation }) => {
    // The api refuses a bad session with HTTP 401 (a ServerError carrying the GraphQL body)
    // or, over 200, as a GraphQL error: hasErrorCode reads both.
    if (!hasErrorCode(error, 'UNAUTHENTICATED')) return;
    if (SELF_HANDLED_OPERATIONS.has(operation.operationName ?? '')) return;
    const { sentToken } = operation.getContext() as AuthContext;
    // Only when the refused token is still the current one (not after a logout or a new login).
    if (sentToken && sentToken === getToken()) onUnauthenticated();
  });

  const httpLink = new HttpLink({ uri: urls.http });

  const wsClient = createClient({
    url: urls.ws,
    lazy: true,
    connectionParams: () => {
      const authorization = authorizationHeader(getToken());
      return authorization ? { authorization } : {};
    },
  });
  const wsLink = new GraphQLWsLink(wsClient);

  const transport = ApolloLink.split(
    (operation) => operation.operationType === OperationTypeNode.SUBSCRIPTION,
    wsLink,
    ApolloLink.from([authLink, httpLink]),
  );

  return { link: ApolloLink.from([errorLink, transport]), wsClient };
}
