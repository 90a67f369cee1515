import { createRoute, Outlet, redirect } from '@tanstack/react-router';
import { prefetchQuery } from '../apollo/prefetch';
import { AppShell } from '../components/app-shell';
import { fetchViewer } from '../features/auth/session';
import { MyTeamsQuery } from '../features/teams/operations';
import { rootRoute } from './__root';

/** Pathless layout: every child needs a signed-in user and gets the app shell. */
export const authedRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: '_authed',
  beforeLoad: async ({ context, location }) => {
    const user = await fetchViewer(context.client);
    if (!user) {
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- the router's redirect API
      throw redirect({ to: '/login', search: { redirect: location.href } });
    }
    return { user };
  },
  // The header's team switcher.
  loader: ({ context }) => prefetchQuery(context.client, MyTeamsQuery, {}, 'cache-first'),
  component: AuthedLayout,
});

function AuthedLayout() {
  return (
    <AppShell>
      <Outlet />
    </AppShell>
  );
}
