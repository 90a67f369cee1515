import { createRoute, redirect } from '@tanstack/react-router';
import { prefetchQuery } from '../../apollo/prefetch';
import { ActivityPage } from '../../features/activity/components/activity-page';
import { AUDIT_PAGE_SIZE, TeamAuditLogQuery } from '../../features/activity/operations';
import { ApiKeysPage } from '../../features/api-keys/components/api-keys-page';
import { isEnvironment, isKeyStatus } from '../../features/api-keys/labels';
import { TeamApiKeysQuery } from '../../features/api-keys/operations';
import { MembersPage } from '../../features/members/components/members-page';
import { TeamMembersQuery } from '../../features/members/operations';
import { TeamLayout } from '../../features/teams/components/team-layout';
import { TeamSettings } from '../../features/teams/components/team-settings';
import { TeamQuery } from '../../features/teams/operations';
import { authedRoute } from '../_authed';

/** /teams/$teamId: the team's header and tabs; the layout shows "not found" for non-members. */
export const teamRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: 'teams/$teamId',
  loader: ({ context, params }) => {
    prefetchQuery(context.client, TeamQuery, { id: params.teamId });
  },
  component: function TeamRouteLayout() {
    const { teamId } = teamRoute.useParams();
    return <TeamLayout key={teamId} teamId={teamId} />;
  },
});

export const teamIndexRoute = createRoute({
  getParentRoute: () => teamRoute,
  path: '/',
  beforeLoad: ({ params }) => {
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- the router's redirect API
    throw redirect({ to: '/teams/$teamId/members', params, replace: true });
  },
});

export const teamMembersRoute = createRoute({
  getParentRoute: () => teamRoute,
  path: 'members',
  loader: ({ context, params }) => {
    prefetchQuery(context.client, TeamMembersQuery, { teamId: params.teamId });
  },
  component: function TeamMembersRoute() {
    const { teamId } = teamMembersRoute.useParams();
    return <MembersPage teamId={teamId} />;
  },
});

export interface ApiKeysSearch {
  /** Environment filter: development | production. */
  env?: string;
  /** Status filter: active | expired | revoked. */
  status?: string;
  /** Opens the create dialog with this environment (links from the dashboard's checklist). */
  create?: string;
}

function searchEnum<T extends string>(value: unknown, is: (v: unknown) => v is T): T | undefined {
  const upper = typeof value === 'string' ? value.toUpperCase() : undefined;
  return is(upper) ? upper : undefined;
}

export const teamKeysRoute = createRoute({
  getParentRoute: () => teamRoute,
  path: 'keys',
  validateSearch: (search: Record<string, unknown>): ApiKeysSearch => {
    const env = searchEnum(search.env, isEnvironment);
    const status = searchEnum(search.status, isKeyStatus);
    const create = searchEnum(search.create, isEnvironment);
    return {
      ...(env ? { env: env.toLowerCase() } : {}),
      ...(status ? { status: status.toLowerCase() } : {}),
      ...(create ? { create: create.toLowerCase() } : {}),
    };
  },
  loaderDeps: ({ search }) => ({ env: search.env, status: search.status }),
  loader: ({ context, params, deps }) => {
    const environment = searchEnum(deps.env, isEnvironment);
    const status = searchEnum(deps.status, isKeyStatus);
    prefetchQuery(context.client, TeamApiKeysQuery, {
      teamId: params.teamId,
      ...(environment ? { environment } : {}),
      ...(status ? { status } : {}),
    });
  },
  component: function TeamKeysRoute() {
    const { teamId } = teamKeysRoute.useParams();
    const search = teamKeysRoute.useSearch();
    const environment = searchEnum(search.env, isEnvironment);
    const status = searchEnum(search.status, isKeyStatus);
    return (
      <ApiKeysPage
        teamId={teamId}
        filters={{
          ...(environment ? { environment } : {}),
          ...(status ? { status } : {}),
        }}
        createEnvironment={searchEnum(search.create, isEnvironment)}
      />
    );
  },
});

export const teamSettingsRoute = createRoute({
  getParentRoute: () => teamRoute,
  path: 'settings',
  component: function TeamSettingsRoute() {
    const { teamId } = teamSettingsRoute.useParams();
    return <TeamSettings teamId={teamId} />;
  },
});

export interface ActivitySearch {
  /** Only this member's actions (a user id). */
  actor?: string;
}

export const teamActivityRoute = createRoute({
  getParentRoute: () => teamRoute,
  path: 'activity',
  validateSearch: (search: Record<string, unknown>): ActivitySearch =>
    typeof search.actor === 'string' && search.actor ? { actor: search.actor } : {},
  loaderDeps: ({ search }) => ({ actor: search.actor }),
  loader: ({ context, params, deps }) => {
    prefetchQuery(context.client, TeamAuditLogQuery, {
      teamId: params.teamId,
      first: AUDIT_PAGE_SIZE,
      ...(deps.actor ? { actorId: deps.actor } : {}),
    });
    prefetchQuery(context.client, TeamMembersQuery, { teamId: params.teamId }, 'cache-first');
  },
  component: function TeamActivityRoute() {
    const { teamId } = teamActivityRoute.useParams();
    const { actor } = teamActivityRoute.useSearch();
    return <ActivityPage teamId={teamId} actorId={actor} />;
  },
});
