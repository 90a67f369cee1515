import { useApolloClient, useMutation } from '@apollo/client/react';
import { useNavigate } from '@tanstack/react-router';
import { useCallback } from 'react';
import { MyTeamsQuery } from '../../teams/operations';
import { AcceptInvitationMutation } from '../operations';

/**
 * Joins the team: the viewer's teams are refetched, the team's page opens, and the now
 * stale preview (still PENDING in the cache) is dropped.
 */
export function useAcceptInvitation(token: string) {
  const client = useApolloClient();
  const navigate = useNavigate();
  const [mutate, { loading }] = useMutation(AcceptInvitationMutation, {
    refetchQueries: [{ query: MyTeamsQuery }],
    awaitRefetchQueries: true,
  });
  const accept = useCallback(async () => {
    const { data } = await mutate({ variables: { token } });
    const membership = data?.acceptInvitation;
    if (!membership) return null;
    await navigate({ to: '/teams/$teamId/members', params: { teamId: membership.team.id } });
    client.cache.evict({ id: 'ROOT_QUERY', fieldName: 'invitationPreview', args: { token } });
    client.cache.gc();
    return membership;
  }, [client, mutate, navigate, token]);
  return { accept, loading };
}
