import type { ApolloClient } from '@apollo/client';
import { createRouter } from '@tanstack/react-router';
import { NotFoundPage } from './components/not-found-page';
import { PageLoader } from './components/page-loader';
import { RouteError } from './components/route-error';
import { routeTree } from './routes/route-tree';

export function createAppRouter(client: ApolloClient) {
  return createRouter({
    routeTree,
    context: { client },
    defaultPendingComponent: PageLoader,
    defaultErrorComponent: RouteError,
    defaultNotFoundComponent: NotFoundPage,
    defaultPendingMs: 300,
    scrollRestoration: true,
  });
}

export type AppRouter = ReturnType<typeof createAppRouter>;

declare module '@tanstack/react-router' {
  interface Register {
    router: AppRouter;
  }
}
