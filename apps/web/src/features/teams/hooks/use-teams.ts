import { useQuery } from '@apollo/client/react';
import { MyTeamsQuery, TeamQuery } from '../operations';

/** The viewer's memberships, sorted by team name. */
export function useMyTeams() {
  const { data, loading, error, refetch } = useQuery(MyTeamsQuery);
  const memberships = [...(data?.viewer?.memberships ?? [])].sort((a, b) =>
    a.team.name.localeCompare(b.team.name),
  );
  return { memberships, loaded: Boolean(data?.viewer), loading, error, refetch };
}

/** The team the layout route has loaded (cache-first: no extra request). */
export function useTeam(teamId: string) {
  const { data, loading, error, refetch } = useQuery(TeamQuery, { variables: { id: teamId } });
  return { team: data?.team ?? null, loaded: data !== undefined, loading, error, refetch };
}
