import { ActionIcon, Badge, Button, Group, Select, Table, Text, Tooltip } from '@mantine/core';
import { IconDoorExit, IconUserMinus } from '@tabler/icons-react';
import { useState } from 'react';
import { ConfirmModal } from '../../../components/confirm-modal';
import { Day, RelativeTimeOr } from '../../../components/relative-time';
import type { MemberFieldsFragment, Role } from '../../../gql/graphql';
import { notifyError, notifySuccess } from '../../../lib/notify';
import { RoleBadge } from '../../teams/components/role-badge';
import { useLeaveTeam } from '../../teams/hooks/use-team-mutations';
import { assignableRoles, canRemoveMember, ROLE_LABELS } from '../../teams/roles';
import { useChangeMemberRole } from '../hooks/use-member-mutations';
import { OffboardMemberModal } from './offboard-member-modal';

const ROLE_ORDER: Record<Role, number> = { OWNER: 0, ADMIN: 1, MEMBER: 2 };

function RoleCell({
  member,
  viewerRole,
}: {
  member: MemberFieldsFragment;
  viewerRole: Role | null;
}) {
  const { changeRole, loading } = useChangeMemberRole();
  const options = assignableRoles(viewerRole, member.role);
  if (options.length === 0) return <RoleBadge role={member.role} />;
  return (
    <Select
      size="xs"
      w={120}
      aria-label={`Role of ${member.user.name}`}
      data={options.map((role) => ({ value: role, label: ROLE_LABELS[role] }))}
      value={member.role}
      allowDeselect={false}
      disabled={loading}
      comboboxProps={{ withinPortal: true }}
      onChange={(value) => {
        const role = value;
        if (!role || role === member.role) return;
        changeRole(member.id, role).then(
          () =>
            notifySuccess(
              'Role changed',
              `${member.user.name} is now ${role === 'MEMBER' ? 'a' : 'an'} ${ROLE_LABELS[role]}.`,
            ),
          (error: unknown) => notifyError(`Could not change ${member.user.name}'s role`, error),
        );
      }}
    />
  );
}

export function MembersTable({
  teamId,
  teamName,
  members,
  viewerRole,
  viewerId,
}: {
  teamId: string;
  teamName: string;
  members: readonly MemberFieldsFragment[];
  viewerRole: Role | null;
  viewerId: string | null;
}) {
  const [removing, setRemoving] = useState<MemberFieldsFragment | null>(null);
  const [leaving, setLeaving] = useState(false);
  const { leaveTeam, loading: leaveLoading } = useLeaveTeam(teamId);

  const sorted = [...members].sort(
    (a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.user.name.localeCompare(b.user.name),
  );

  const confirmLeave = async () => {
    try {
      await leaveTeam();
      notifySuccess('You left the team', `You are no longer a member of ${teamName}.`);
    } catch (error) {
      notifyError('Could not leave the team', error);
      setLeaving(false);
    }
  };

  return (
    <>
      <Table.ScrollContainer minWidth={720}>
        <Table verticalSpacing="sm" highlightOnHover data-testid="members-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Email</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>Joined</Table.Th>
              <Table.Th>Last active</Table.Th>
              <Table.Th w={60}>
                <Text span fz="sm" style={{ position: 'absolute', left: -9999 }}>
                  Actions
                </Text>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {sorted.map((member) => {
              const isSelf = member.user.id === viewerId;
              return (
                <Table.Tr key={member.id} data-testid="member-row" data-email={member.user.email}>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      <Text fz="sm" fw={500}>
                        {member.user.name}
                      </Text>
                      {isSelf ? (
                        <Badge size="xs" variant="outline" color="gray">
                          you
                        </Badge>
                      ) : null}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Text fz="sm" c="dimmed">
                      {member.user.email}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <RoleCell member={member} viewerRole={viewerRole} />
                  </Table.Td>
                  <Table.Td>
                    <Day value={member.joinedAt} />
                  </Table.Td>
                  <Table.Td>
                    <RelativeTimeOr value={member.lastActiveAt} fallback="Never" />
                  </Table.Td>
                  <Table.Td>
                    {isSelf ? (
                      <Button
                        size="xs"
                        variant="subtle"
                        color="red"
                        leftSection={<IconDoorExit size={14} />}
                        onClick={() => setLeaving(true)}
                      >
                        Leave team
                      </Button>
                    ) : canRemoveMember(viewerRole, member.role) ? (
                      <Tooltip label={`Remove ${member.user.name}`} withArrow>
                        <ActionIcon
                          variant="subtle"
                          color="red"
                          aria-label={`Remove ${member.user.name}`}
                          onClick={() => setRemoving(member)}
                        >
                          <IconUserMinus size={18} />
                        </ActionIcon>
                      </Tooltip>
                    ) : null}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>

      {removing ? (
        <OffboardMemberModal
          membership={removing}
          teamId={teamId}
          opened
          onClose={() => setRemoving(null)}
        />
      ) : null}

      <ConfirmModal
        opened={leaving}
        title="Leave team"
        confirmLabel="Leave team"
        loading={leaveLoading}
        onConfirm={confirmLeave}
        onClose={() => setLeaving(false)}
      >
        Leave <b>{teamName}</b>? You will need a new invitation to come back.
      </ConfirmModal>
    </>
  );
}
