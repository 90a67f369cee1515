import { Button, Card, Group, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@apollo/client/react';
import { useDisclosure, useDocumentTitle } from '@mantine/hooks';
import { IconUserPlus } from '@tabler/icons-react';
import { QueryError } from '../../../components/query-error';
import { useViewer } from '../../auth/hooks/use-viewer';
import { useTeam } from '../../teams/hooks/use-teams';
import { canManageMembers } from '../../teams/roles';
import { TeamMembersQuery } from '../operations';
import { InvitationsList } from './invitations-list';
import { InviteMemberModal } from './invite-member-modal';
import { MembersTable } from './members-table';

function TableSkeleton() {
  return (
    <Stack gap="sm" aria-busy="true" aria-label="Loading members">
      {[0, 1, 2].map((i) => (
        <Skeleton key={i} h={36} />
      ))}
    </Stack>
  );
}

export function MembersPage({ teamId }: { teamId: string }) {
  const { team } = useTeam(teamId);
  const { user } = useViewer();
  const { data, error, refetch } = useQuery(TeamMembersQuery, { variables: { teamId } });
  const [inviting, { open, close }] = useDisclosure(false);
  useDocumentTitle(team ? `Members · ${team.name} · Partner Portal` : 'Members · Partner Portal');

  const teamName = team?.name ?? '';
  const viewerRole = data?.team?.viewerRole ?? team?.viewerRole ?? null;
  const canManage = canManageMembers(viewerRole);

  return (
    <Stack gap="lg">
      <Card withBorder radius="lg" padding="lg">
        <Group justify="space-between" mb="md">
          <div>
            <Title order={2} fz="lg">
              Members
            </Title>
            <Text fz="sm" c="dimmed">
              {data?.team
                ? `${data.team.members.length} ${data.team.members.length === 1 ? 'person' : 'people'} in ${teamName}`
                : 'People in this team'}
            </Text>
          </div>
          {canManage ? (
            <Button leftSection={<IconUserPlus size={16} />} onClick={open}>
              Invite member
            </Button>
          ) : null}
        </Group>
        {data?.team ? (
          <MembersTable
            teamId={teamId}
            teamName={teamName}
            members={data.team.members}
            viewerRole={viewerRole}
            viewerId={user?.id ?? null}
          />
        ) : error ? (
          <QueryError error={error} title="We could not load the members" onRetry={refetch} />
        ) : (
          <TableSkeleton />
        )}
      </Card>

      <Card withBorder radius="lg" padding="lg">
        <Title order={2} fz="lg" mb={4}>
          Pending invitations
        </Title>
        <Text fz="sm" c="dimmed" mb="md">
          {canManage
            ? 'Invitations waiting for an answer. Resend one to give it a fresh expiry.'
            : 'Invitations waiting for an answer. Owners and admins manage them.'}
        </Text>
        {data?.team ? (
          <InvitationsList
            teamId={teamId}
            invitations={data.team.invitations}
            canManage={canManage}
          />
        ) : error ? null : (
          <TableSkeleton />
        )}
      </Card>

      {canManage ? (
        <InviteMemberModal
          teamId={teamId}
          teamName={teamName}
          viewerRole={viewerRole}
          opened={inviting}
          onClose={close}
        />
      ) : null}
    </Stack>
  );
}
