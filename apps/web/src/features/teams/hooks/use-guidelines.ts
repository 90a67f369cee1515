import { useMutation, useQuery } from '@apollo/client/react';
import { useCallback } from 'react';
import {
  AcknowledgeTeamGuidelinesMutation,
  TeamGuidelinesQuery,
  UpdateTeamGuidelinesMutation,
} from '../guidelines-operations';

/**
 * The team's guidelines (null: none written) and whether the viewer still has to read them:
 * there are guidelines, and the viewer's membership has not acknowledged them since they last
 * changed. The acknowledgement is stored on the server, so it holds on every device.
 */
export function useTeamGuidelines(teamId: string) {
  const { data, loading, error, refetch } = useQuery(TeamGuidelinesQuery, {
    variables: { teamId },
  });
  const team = data?.team ?? null;
  const guidelines = team?.guidelines?.trim() ? team.guidelines : null;
  const membership = data?.viewer?.memberships.find((m) => m.team.id === teamId) ?? null;
  const acknowledgedAt = membership?.guidelinesAcknowledgedAt ?? null;
  const updatedAt = team?.guidelinesUpdatedAt ?? null;
  const unread =
    guidelines !== null &&
    membership !== null &&
    (acknowledgedAt === null ||
      (updatedAt !== null && Date.parse(acknowledgedAt) < Date.parse(updatedAt)));
  return {
    guidelines,
    updatedAt,
    viewerRole: team?.viewerRole ?? null,
    acknowledgedAt,
    unread,
    loaded: data !== undefined,
    loading,
    error,
    refetch,
  };
}

/** Saves the guidelines (an empty text removes them); the answer updates the cached Team. */
export function useUpdateTeamGuidelines(teamId: string) {
  const [mutate, { loading }] = useMutation(UpdateTeamGuidelinesMutation);
  const save = useCallback(
    async (guidelines: string) => {
      const { data } = await mutate({ variables: { id: teamId, guidelines } });
      return data?.updateTeam ?? null;
    },
    [mutate, teamId],
  );
  return { save, loading };
}

/** "I have read them": the membership's acknowledgement comes back into the cache. */
export function useAcknowledgeTeamGuidelines(teamId: string) {
  const [mutate, { loading }] = useMutation(AcknowledgeTeamGuidelinesMutation);
  const acknowledge = useCallback(async () => {
    const { data } = await mutate({ variables: { teamId } });
    return data?.acknowledgeTeamGuidelines ?? null;
  }, [mutate, teamId]);
  return { acknowledge, loading };
}
