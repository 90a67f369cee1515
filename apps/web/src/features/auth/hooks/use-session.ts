import { useApolloClient } from '@apollo/client/react';
import { useRouter } from '@tanstack/react-router';
import { useCallback } from 'react';
import { setToken } from '../../../apollo/token-storage';
import { startSession, type SessionUser } from '../session';
import { safeRedirect } from '../validation';

/** Begin and end sessions, then move the user to the right page. */
export function useSession() {
  const client = useApolloClient();
  const router = useRouter();

  const signIn = useCallback(
    async (payload: { token: string; user: SessionUser }, redirectTo?: string) => {
      await startSession(client, payload);
      await router.navigate({ href: safeRedirect(redirectTo) ?? '/', replace: true });
    },
    [client, router],
  );

  const signOut = useCallback(
    async (options: { redirect?: string; email?: string } = {}) => {
      setToken(null);
      await router.navigate({
        to: '/login',
        search: {
          ...(options.redirect ? { redirect: options.redirect } : {}),
          ...(options.email ? { email: options.email } : {}),
        },
      });
      // Cleared after leaving the signed-in pages so nothing renders half-empty.
      await client.clearStore();
    },
    [client, router],
  );

  return { signIn, signOut };
}
