import { createRoute } from '@tanstack/react-router';
import { prefetchQuery } from '../../apollo/prefetch';
import { Dashboard } from '../../features/auth/components/dashboard';
import { MyTeamsQuery } from '../../features/teams/operations';
import { authedRoute } from '../_authed';

export const dashboardRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/',
  // The dashboard lists the viewer's teams: refreshed on each visit.
  loader: ({ context }) => prefetchQuery(context.client, MyTeamsQuery, {}),
  component: Dashboard,
});
