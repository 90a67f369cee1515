import type { Reference } from '@apollo/client';
import { useMutation } from '@apollo/client/react';
import { useCallback } from 'react';
import type { DepartingMemberKeys, Role } from '../../../gql/graphql';
import {
  ChangeMemberRoleMutation,
  InviteMemberMutation,
  OffboardMemberMutation,
  ResendInvitationMutation,
  RevokeInvitationMutation,
} from '../operations';

/** `invitations` without a status or with PENDING: the lists a new or revoked invitation affects. */
function listsPending(storeFieldName: string): boolean {
  return !storeFieldName.includes('"status"') || storeFieldName.includes('"PENDING"');
}

export interface InviteInput {
  email: string;
  role: Role;
  message: string;
}

export function useInviteMember(teamId: string) {
  const [mutate, { loading }] = useMutation(InviteMemberMutation, {
    update(cache, { data }) {
      const invitation = data?.inviteMember;
      if (!invitation) return;
      cache.modify({
        id: cache.identify({ __typename: 'Team', id: teamId }),
        fields: {
          invitations(
            existing: readonly Reference[] = [],
            { storeFieldName, readField, toReference },
          ) {
            if (!listsPending(storeFieldName)) return existing;
            if (existing.some((ref) => readField('id', ref) === invitation.id)) return existing;
            const ref = toReference(invitation);
            return ref ? [ref, ...existing] : existing;
          },
        },
      });
    },
  });
  const invite = useCallback(
    async (input: InviteInput) => {
      const message = input.message.trim();
      const { data } = await mutate({
        variables: {
          input: {
            teamId,
            email: input.email.trim(),
            role: input.role,
            ...(message ? { message } : {}),
          },
        },
      });
      return data?.inviteMember ?? null;
    },
    [mutate, teamId],
  );
  return { invite, loading };
}

/** A resent invitation comes back with its new expiry: the normalized cache does the rest. */
export function useResendInvitation() {
  const [mutate, { loading }] = useMutation(ResendInvitationMutation);
  const resend = useCallback(
    async (id: string) => (await mutate({ variables: { id } })).data?.resendInvitation ?? null,
    [mutate],
  );
  return { resend, loading };
}

export function useRevokeInvitation(teamId: string) {
  const [mutate, { loading }] = useMutation(RevokeInvitationMutation, {
    update(cache, { data }) {
      const revoked = data?.revokeInvitation;
      if (!revoked) return;
      cache.modify({
        id: cache.identify({ __typename: 'Team', id: teamId }),
        fields: {
          invitations(existing: readonly Reference[] = [], { storeFieldName, readField }) {
            if (!storeFieldName.includes('"PENDING"')) return existing;
            return existing.filter((ref) => readField('id', ref) !== revoked.id);
          },
        },
      });
    },
  });
  const revoke = useCallback(
    async (id: string) => {
      await mutate({ variables: { id } });
    },
    [mutate],
  );
  return { revoke, loading };
}

/** The answer carries the membership's new role and the viewer's role in the team. */
export function useChangeMemberRole() {
  const [mutate, { loading }] = useMutation(ChangeMemberRoleMutation);
  const changeRole = useCallback(
    async (membershipId: string, role: Role) => {
      await mutate({ variables: { membershipId, role } });
    },
    [mutate],
  );
  return { changeRole, loading };
}

/**
 * Removes a member and keeps or revokes the keys they created. The member leaves every cached
 * list; with REVOKE, the team's key lists and those keys' status are refetched where shown.
 */
export function useOffboardMember(teamId: string) {
  const [mutate, { loading }] = useMutation(OffboardMemberMutation);
  const offboard = useCallback(
    async (membershipId: string, keys: DepartingMemberKeys, keyIds: readonly string[]) => {
      await mutate({
        variables: { membershipId, keys },
        update(cache, { data }) {
          if (!data?.offboardMember) return;
          const team = cache.identify({ __typename: 'Team', id: teamId });
          cache.modify({
            id: team,
            fields: {
              members(existing: readonly Reference[] = [], { readField }) {
                return existing.filter((ref) => readField('id', ref) !== membershipId);
              },
            },
          });
          // What the departure changes elsewhere is fetched again by whichever page shows it.
          cache.evict({ id: team, fieldName: 'accessReview' });
          if (keys === 'REVOKE') {
            cache.evict({ id: team, fieldName: 'apiKeys' });
            for (const id of keyIds) {
              const key = cache.identify({ __typename: 'ApiKey', id });
              cache.evict({ id: key, fieldName: 'status' });
              cache.evict({ id: key, fieldName: 'revokedAt' });
              cache.evict({ id: key, fieldName: 'revokedBy' });
            }
          }
          cache.evict({ id: cache.identify({ __typename: 'Membership', id: membershipId }) });
          cache.gc();
        },
      });
    },
    [mutate, teamId],
  );
  return { offboard, loading };
}
