import { Button, Group, Table, Text } from '@mantine/core';
import { IconMailForward, IconX } from '@tabler/icons-react';
import { useState } from 'react';
import { ConfirmModal } from '../../../components/confirm-modal';
import { RelativeTime } from '../../../components/relative-time';
import type { InvitationFieldsFragment } from '../../../gql/graphql';
import { notifyError, notifySuccess } from '../../../lib/notify';
import { RoleBadge } from '../../teams/components/role-badge';
import { useResendInvitation, useRevokeInvitation } from '../hooks/use-member-mutations';

export function InvitationsList({
  teamId,
  invitations,
  canManage,
}: {
  teamId: string;
  invitations: readonly InvitationFieldsFragment[];
  canManage: boolean;
}) {
  const { resend } = useResendInvitation();
  const { revoke, loading: revoking } = useRevokeInvitation(teamId);
  const [resendingId, setResendingId] = useState<string | null>(null);
  const [toRevoke, setToRevoke] = useState<InvitationFieldsFragment | null>(null);

  if (invitations.length === 0) {
    return (
      <Text c="dimmed" fz="sm" data-testid="no-invitations">
        No pending invitations.
      </Text>
    );
  }

  const handleResend = async (invitation: InvitationFieldsFragment) => {
    setResendingId(invitation.id);
    try {
      await resend(invitation.id);
      notifySuccess('Invitation resent', `We emailed ${invitation.email} a fresh link.`);
    } catch (error) {
      notifyError(`Could not resend the invitation to ${invitation.email}`, error);
    } finally {
      setResendingId(null);
    }
  };

  const confirmRevoke = async () => {
    if (!toRevoke) return;
    const invitation = toRevoke;
    try {
      await revoke(invitation.id);
      notifySuccess('Invitation revoked', `The link sent to ${invitation.email} no longer works.`);
      setToRevoke(null);
    } catch (error) {
      notifyError(`Could not revoke the invitation to ${invitation.email}`, error);
    }
  };

  return (
    <>
      <Table.ScrollContainer minWidth={640}>
        <Table verticalSpacing="sm" data-testid="invitations-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Email</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>Invited by</Table.Th>
              <Table.Th>Expires</Table.Th>
              {canManage ? <Table.Th>Actions</Table.Th> : null}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {invitations.map((invitation) => (
              <Table.Tr key={invitation.id} data-testid="invitation-row">
                <Table.Td>
                  <Text fz="sm" fw={500}>
                    {invitation.email}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <RoleBadge role={invitation.role} />
                </Table.Td>
                <Table.Td>
                  <Text fz="sm">{invitation.invitedBy?.name ?? 'A former member'}</Text>
                </Table.Td>
                <Table.Td>
                  <RelativeTime value={invitation.expiresAt} />
                </Table.Td>
                {canManage ? (
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Button
                        size="xs"
                        variant="light"
                        leftSection={<IconMailForward size={14} />}
                        loading={resendingId === invitation.id}
                        onClick={() => void handleResend(invitation)}
                        aria-label={`Resend the invitation to ${invitation.email}`}
                      >
                        Resend
                      </Button>
                      <Button
                        size="xs"
                        variant="subtle"
                        color="red"
                        leftSection={<IconX size={14} />}
                        onClick={() => setToRevoke(invitation)}
                        aria-label={`Revoke the invitation to ${invitation.email}`}
                      >
                        Revoke
                      </Button>
                    </Group>
                  </Table.Td>
                ) : null}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <ConfirmModal
        opened={toRevoke !== null}
        title="Revoke invitation"
        confirmLabel="Revoke invitation"
        loading={revoking}
        onConfirm={confirmRevoke}
        onClose={() => setToRevoke(null)}
      >
        Revoke the invitation sent to <b>{toRevoke?.email}</b>? The link in their email will stop
        working.
      </ConfirmModal>
    </>
  );
}
