import { createRoute } from '@tanstack/react-router';
import { prefetchQuery } from '../../apollo/prefetch';
import { IncidentPage } from '../../features/security/components/incident-page';
import { SecurityPage } from '../../features/security/components/security-page';
import { TeamIncidentsQuery, TeamSecurityQuery } from '../../features/security/operations';
import { teamRoute } from './teams';

/** /teams/$teamId/security: the access review, incidents and usage alerts. */
export const teamSecurityRoute = createRoute({
  getParentRoute: () => teamRoute,
  path: 'security',
  loader: ({ context, params }) => {
    prefetchQuery(context.client, TeamSecurityQuery, { teamId: params.teamId });
  },
  component: function TeamSecurityRoute() {
    const { teamId } = teamSecurityRoute.useParams();
    return <SecurityPage teamId={teamId} />;
  },
});

/** /teams/$teamId/security/incidents/$incidentId: a compromised key's follow-up steps. */
export const incidentRoute = createRoute({
  getParentRoute: () => teamRoute,
  path: 'security/incidents/$incidentId',
  loader: ({ context, params }) => {
    prefetchQuery(context.client, TeamIncidentsQuery, { teamId: params.teamId });
  },
  component: function IncidentRoute() {
    const { teamId, incidentId } = incidentRoute.useParams();
    return <IncidentPage key={incidentId} teamId={teamId} incidentId={incidentId} />;
  },
});
