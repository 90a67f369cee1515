import { useApolloClient, useMutation } from '@apollo/client/react';
import { useNavigate } from '@tanstack/react-router';
import { useCallback } from 'react';
import { forgetTeam } from '../cache';
import {
  CreateTeamMutation,
  DeleteTeamMutation,
  LeaveTeamMutation,
  MyTeamsQuery,
  UpdateTeamMutation,
} from '../operations';

export interface TeamInput {
  name: string;
  description: string;
}

/** Creates a team; the viewer's team list is refetched before the promise resolves. */
export function useCreateTeam() {
  const [mutate, { loading }] = useMutation(CreateTeamMutation, {
    refetchQueries: [{ query: MyTeamsQuery }],
    awaitRefetchQueries: true,
  });
  const createTeam = useCallback(
    async (input: TeamInput) => {
      const { data } = await mutate({
        variables: { input: { name: input.name.trim(), description: input.description.trim() } },
      });
      return data?.createTeam ?? null;
    },
    [mutate],
  );
  return { createTeam, loading };
}

/** Renames a team; the answer updates the normalized Team everywhere. */
export function useUpdateTeam(teamId: string) {
  const [mutate, { loading }] = useMutation(UpdateTeamMutation);
  const updateTeam = useCallback(
    async (input: TeamInput) => {
      const { data } = await mutate({
        variables: {
          id: teamId,
          input: { name: input.name.trim(), description: input.description.trim() },
        },
      });
      return data?.updateTeam ?? null;
    },
    [mutate, teamId],
  );
  return { updateTeam, loading };
}

/**
 * Deleting or leaving a team: once the server agrees, go to the dashboard first (so no team page
 * re-queries what is being evicted), then forget the team.
 */
function useGoneFromTeam() {
  const client = useApolloClient();
  const navigate = useNavigate();
  return useCallback(
    async (teamId: string) => {
      await navigate({ to: '/' });
      forgetTeam(client.cache, teamId);
    },
    [client, navigate],
  );
}

export function useDeleteTeam(teamId: string) {
  const [mutate, { loading }] = useMutation(DeleteTeamMutation);
  const gone = useGoneFromTeam();
  const deleteTeam = useCallback(async () => {
    await mutate({ variables: { id: teamId } });
    await gone(teamId);
  }, [mutate, gone, teamId]);
  return { deleteTeam, loading };
}

export function useLeaveTeam(teamId: string) {
  const [mutate, { loading }] = useMutation(LeaveTeamMutation);
  const gone = useGoneFromTeam();
  const leaveTeam = useCallback(async () => {
    await mutate({ variables: { teamId } });
    await gone(teamId);
  }, [mutate, gone, teamId]);
  return { leaveTeam, loading };
}
