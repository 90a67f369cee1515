import { ApolloClient, InMemoryCache } from '@apollo/client';
import { typePolicies } from './type-policies';
import { createLinks } from './links';
import { getToken, onTokenChange } from './token-storage';

let sessionExpiredHandler: (() => void) | null = null;

/** The app registers what to do when the server no longer accepts the session. */
export function setSessionExpiredHandler(handler: () => void): void {
  sessionExpiredHandler = handler;
}

export function createApolloClient(): ApolloClient {
  const { link, wsClient } = createLinks(() => {
    // Defer: never navigate from inside the link chain.
    setTimeout(() => sessionExpiredHandler?.(), 0);
  });

  // A new credential means a new graphql-ws connection (connection_init carries it).
  let current = getToken();
  onTokenChange((token) => {
    if (token !== current) {
      current = token;
      wsClient.terminate();
    }
  });

  return new ApolloClient({
    link,
    cache: new InMemoryCache({ typePolicies }),
  });
}
