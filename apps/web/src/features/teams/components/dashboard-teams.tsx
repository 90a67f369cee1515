import {
  Button,
  Card,
  Group,
  Modal,
  SimpleGrid,
  Skeleton,
  Stack,
  Text,
  ThemeIcon,
  Title,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconArrowRight, IconPlus, IconUsersGroup } from '@tabler/icons-react';
import { ButtonLink } from '../../../components/links';
import { QueryError } from '../../../components/query-error';
import { useMyTeams } from '../hooks/use-teams';
import { CreateTeamForm } from './create-team-form';
import { RoleBadge } from './role-badge';

function CreateFirstTeam() {
  return (
    <Card withBorder radius="lg" padding="xl" data-testid="create-first-team">
      <Group align="flex-start" wrap="nowrap" gap="md" mb="lg">
        <ThemeIcon
          size={48}
          radius="md"
          variant="gradient"
          gradient={{ from: 'indigo', to: 'cyan' }}
        >
          <IconUsersGroup size={26} />
        </ThemeIcon>
        <div>
          <Title order={2} fz="xl">
            Create your team
          </Title>
          <Text c="dimmed" fz="sm" mt={4}>
            A team holds your company&apos;s colleagues, its API keys and, soon, their usage. You
            will be its owner and can invite others as admins or members.
          </Text>
        </div>
      </Group>
      <CreateTeamForm submitLabel="Create team" />
    </Card>
  );
}

export function DashboardTeams() {
  const { memberships, loaded, error, refetch } = useMyTeams();
  const [creating, { open, close }] = useDisclosure(false);

  if (!loaded) {
    if (error) {
      return <QueryError error={error} title="We could not load your teams" onRetry={refetch} />;
    }
    return (
      <Stack gap="md" aria-busy="true" aria-label="Loading your teams">
        <Skeleton h={28} w="40%" />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Skeleton h={120} radius="lg" />
          <Skeleton h={120} radius="lg" />
        </SimpleGrid>
      </Stack>
    );
  }

  if (memberships.length === 0) return <CreateFirstTeam />;

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={2} fz="xl">
          Your teams
        </Title>
        <Button variant="light" leftSection={<IconPlus size={16} />} onClick={open}>
          Create another team
        </Button>
      </Group>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
        {memberships.map((m) => (
          <Card
            key={m.id}
            withBorder
            radius="lg"
            padding="lg"
            data-testid="team-card"
            style={{ display: 'flex', flexDirection: 'column' }}
          >
            <Group justify="space-between" wrap="nowrap" align="flex-start" mb={6}>
              <Text fw={700} fz="lg" lineClamp={1}>
                {m.team.name}
              </Text>
              <RoleBadge role={m.role} />
            </Group>
            <Text c="dimmed" fz="sm" lineClamp={2} style={{ flex: 1 }}>
              {m.team.description || 'No description yet.'}
            </Text>
            <Group justify="flex-end" mt="md">
              <ButtonLink
                to="/teams/$teamId/members"
                params={{ teamId: m.team.id }}
                variant="subtle"
                rightSection={<IconArrowRight size={16} />}
                aria-label={`Open ${m.team.name}`}
              >
                Open team
              </ButtonLink>
            </Group>
          </Card>
        ))}
      </SimpleGrid>
      <Modal opened={creating} onClose={close} title="Create a team" centered>
        <CreateTeamForm submitLabel="Create team" onCancel={close} autoFocus />
      </Modal>
    </Stack>
  );
}
