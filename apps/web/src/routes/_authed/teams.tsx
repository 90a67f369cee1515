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
import { KeyUsagePage } from '../../features/usage/components/key-usage-page';
import { TeamUsagePage } from '../../features/usage/components/team-usage-page';
import { KeyUsageQuery, TeamUsageQuery } from '../../features/usage/operations';
import {
  DEFAULT_RANGE,
  isUsageRange,
  monthWindow,
  sparklineWindow,
  usageWindow,
  type UsageRange,
} from '../../features/usage/ranges';
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
      ...sparklineWindow(),
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

export interface UsageSearch {
  /** 1h | 24h | 7d | 30d (24h when absent). */
  range?: UsageRange;
  /** on | off; absent: on for the ranges up to 24 hours. */
  live?: 'on' | 'off';
}

function validateUsageSearch(search: Record<string, unknown>): UsageSearch {
  return {
    ...(isUsageRange(search.range) ? { range: search.range } : {}),
    ...(search.live === 'on' || search.live === 'off' ? { live: search.live } : {}),
  };
}

const liveOf = (live: UsageSearch['live']) => (live === undefined ? undefined : live === 'on');

export const teamUsageRoute = createRoute({
  getParentRoute: () => teamRoute,
  path: 'usage',
  validateSearch: validateUsageSearch,
  loaderDeps: ({ search }) => ({ range: search.range ?? DEFAULT_RANGE }),
  loader: ({ context, params, deps }) => {
    prefetchQuery(context.client, TeamUsageQuery, {
      teamId: params.teamId,
      ...usageWindow(deps.range),
    });
  },
  component: function TeamUsageRoute() {
    const { teamId } = teamUsageRoute.useParams();
    const search = teamUsageRoute.useSearch();
    const range = search.range ?? DEFAULT_RANGE;
    // A new range is a new window: a fresh page (and query).
    return <TeamUsagePage key={range} teamId={teamId} range={range} live={liveOf(search.live)} />;
  },
});

export const keyUsageRoute = createRoute({
  getParentRoute: () => teamRoute,
  path: 'keys/$keyId/usage',
  validateSearch: validateUsageSearch,
  loaderDeps: ({ search }) => ({ range: search.range ?? DEFAULT_RANGE }),
  loader: ({ context, params, deps }) => {
    prefetchQuery(context.client, KeyUsageQuery, {
      keyId: params.keyId,
      ...usageWindow(deps.range),
      ...monthWindow(),
    });
  },
  component: function KeyUsageRoute() {
    const { teamId, keyId } = keyUsageRoute.useParams();
    const search = keyUsageRoute.useSearch();
    const range = search.range ?? DEFAULT_RANGE;
    return (
      <KeyUsagePage
        key={`${keyId}:${range}`}
        teamId={teamId}
        keyId={keyId}
        range={range}
        live={liveOf(search.live)}
      />
    );
  },
});
