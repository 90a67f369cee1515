import type { ApolloClient } from '@apollo/client';
import { redirect } from '@tanstack/react-router';
import { fetchViewer } from '../features/auth/session';
import { safeRedirect } from '../features/auth/validation';

export interface RedirectSearch {
  redirect?: string;
}

export function validateRedirectSearch(search: Record<string, unknown>): RedirectSearch {
  const target = safeRedirect(search.redirect);
  return target ? { redirect: target } : {};
}

/** /login and /signup are for signed-out visitors: a signed-in one goes on to the app. */
export async function redirectSignedIn(client: ApolloClient, search: RedirectSearch) {
  const user = await fetchViewer(client);
  if (user) {
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- the router's redirect API
    throw redirect({ href: search.redirect ?? '/', replace: true });
  }
}
