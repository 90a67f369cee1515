import { Group, Skeleton, Stack, Tabs, Text, Title } from '@mantine/core';
import {
  IconChartBar,
  IconHistory,
  IconKey,
  IconSettings,
  IconShieldLock,
  IconUsers,
} from '@tabler/icons-react';
import { Outlet, useNavigate, useRouterState } from '@tanstack/react-router';
import { hasErrorCode } from '../../../apollo/errors';
import { QueryError } from '../../../components/query-error';
import { useTeam } from '../hooks/use-teams';
import { GuidelinesGate } from './guidelines-gate';
import { RoleBadge } from './role-badge';
import { TeamNotFound } from './team-not-found';

const TABS = [
  { value: 'members', label: 'Members', icon: IconUsers },
  { value: 'keys', label: 'API keys', icon: IconKey },
  { value: 'usage', label: 'Usage', icon: IconChartBar },
  { value: 'activity', label: 'Activity', icon: IconHistory },
  { value: 'security', label: 'Security', icon: IconShieldLock },
  { value: 'settings', label: 'Settings', icon: IconSettings },
] as const;

type TabValue = (typeof TABS)[number]['value'];

function isTab(value: string | null | undefined): value is TabValue {
  return TABS.some((t) => t.value === value);
}

/** Team name header and tabs around the team pages. */
export function TeamLayout({ teamId }: { teamId: string }) {
  const { team, loaded, error, refetch } = useTeam(teamId);
  const navigate = useNavigate();
  const segment = useRouterState({
    select: (state) => state.location.pathname.split('/').filter(Boolean)[2],
  });

  if (!team) {
    if ((loaded && !error) || hasErrorCode(error, 'NOT_FOUND')) return <TeamNotFound />;
    if (error) {
      return <QueryError error={error} title="We could not load this team" onRetry={refetch} />;
    }
    return (
      <Stack gap="lg" aria-busy="true" aria-label="Loading the team">
        <Skeleton h={34} w="45%" />
        <Skeleton h={16} w="70%" />
        <Skeleton h={36} w="100%" />
        <Skeleton h={220} w="100%" radius="lg" />
      </Stack>
    );
  }

  return (
    <Stack gap="lg">
      <div>
        <Group gap="sm" align="center">
          <Title order={1} fz={30} data-testid="team-name">
            {team.name}
          </Title>
          {team.viewerRole ? <RoleBadge role={team.viewerRole} size="lg" /> : null}
        </Group>
        {team.description ? (
          <Text c="dimmed" mt={4} maw={720}>
            {team.description}
          </Text>
        ) : null}
      </div>
      <Tabs
        value={isTab(segment) ? segment : 'members'}
        onChange={(value) => {
          if (isTab(value)) {
            void navigate({ to: `/teams/$teamId/${value}`, params: { teamId } });
          }
        }}
        keepMounted={false}
      >
        <Tabs.List>
          {TABS.map(({ value, label, icon: Icon }) => (
            <Tabs.Tab key={value} value={value} leftSection={<Icon size={16} />}>
              {label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      <Outlet />
      <GuidelinesGate teamId={teamId} teamName={team.name} />
    </Stack>
  );
}
