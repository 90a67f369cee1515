import { createRoute } from '@tanstack/react-router';
import { Dashboard } from '../../features/auth/components/dashboard';
import { authedRoute } from '../_authed';

export const dashboardRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/',
  component: Dashboard,
});
