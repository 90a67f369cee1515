import type { ApolloClient } from '@apollo/client';
import { redirect } from '@tanstack/react-router';
import { fetchViewer } from '../features/auth/session';
import { safeRedirect } from '../features/auth/validation';

export interface RedirectSearch {
  redirect?: string;
  /** Prefills the email field (e.g. from an invitation). */
  email?: string;
}

export function validateRedirectSearch(search: Record<string, unknown>): RedirectSearch {
  const target = safeRedirect(search.redirect);
  const email = typeof search.email === 'string' ? search.email.trim().slice(0, 320) : '';
  return { ...(target ? { redirect: target } : {}), ...(email ? { email } : {}) };
}

/** /login and /signup are for signed-out visitors: a signed-in one goes on to the app. */
export async function redirectSignedIn(client: ApolloClient, search: RedirectSearch) {
  const user = await fetchViewer(client);
  if (user) {
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- the router's redirect API
    throw redirect({ href: search.redirect ?? '/', replace: true });
  }
}
