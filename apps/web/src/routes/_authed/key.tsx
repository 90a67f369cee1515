import { createRoute, redirect } from '@tanstack/react-router';
import { teamRoute } from './teams';

/**
 * /teams/$teamId/keys/$keyId: a key's own address (the portal's mails link to it, e.g. the
 * compromised-key report); its page is the key's usage page, which also lists its incidents.
 */
export const keyRoute = createRoute({
  getParentRoute: () => teamRoute,
  path: 'keys/$keyId',
  beforeLoad: ({ params }) => {
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- the router's redirect API
    throw redirect({ to: '/teams/$teamId/keys/$keyId/usage', params, replace: true });
  },
});
