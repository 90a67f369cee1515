import { useQuery } from '@apollo/client/react';
import {
  Card,
  Group,
  Progress,
  Select,
  SimpleGrid,
  Skeleton,
  Stack,
  Text,
  ThemeIcon,
  Title,
} from '@mantine/core';
import { IconArrowRight, IconCheck } from '@tabler/icons-react';
import { useState, type ReactNode } from 'react';
import { AnchorLink } from '../../../components/links';
import { QueryError } from '../../../components/query-error';
import { recentWindow } from '../../usage/ranges';
import { checklistState } from '../checklists';
import { useMyTeams } from '../hooks/use-teams';
import { GettingStartedQuery } from '../operations';

interface Item {
  id: string;
  label: string;
  done: boolean;
  hint: string;
  /** Where to do it (shown while not done). */
  action?: ReactNode;
}

function StepLink({
  teamId,
  to,
  create,
  children,
}: {
  teamId: string;
  to: 'members' | 'keys' | 'settings' | 'security';
  create?: 'development' | 'production';
  children: string;
}) {
  const label = (
    <>
      {children} <IconArrowRight size={12} />
    </>
  );
  switch (to) {
    case 'members':
      return (
        <AnchorLink to="/teams/$teamId/members" params={{ teamId }} fz="sm">
          {label}
        </AnchorLink>
      );
    case 'settings':
      return (
        <AnchorLink to="/teams/$teamId/settings" params={{ teamId }} fz="sm">
          {label}
        </AnchorLink>
      );
    case 'security':
      return (
        <AnchorLink to="/teams/$teamId/security" params={{ teamId }} fz="sm">
          {label}
        </AnchorLink>
      );
    default:
      return (
        <AnchorLink
          to="/teams/$teamId/keys"
          params={{ teamId }}
          search={create ? { create } : {}}
          fz="sm"
        >
          {label}
        </AnchorLink>
      );
  }
}

function Checklist({ title, items, testId }: { title: string; items: Item[]; testId: string }) {
  const done = items.filter((i) => i.done).length;
  return (
    <Stack gap="sm" data-testid={testId}>
      <Group justify="space-between" align="baseline">
        <Text fw={600}>{title}</Text>
        <Text fz="xs" c="dimmed">
          {done} of {items.length} done
        </Text>
      </Group>
      <Progress value={(done / items.length) * 100} size="sm" color="teal" aria-hidden />
      <Stack gap="sm" component="ul" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
        {items.map((item) => (
          <Group
            key={item.id}
            component="li"
            wrap="nowrap"
            align="flex-start"
            gap="sm"
            data-testid="checklist-item"
            data-item={item.id}
            data-done={item.done}
          >
            <ThemeIcon
              size={22}
              radius="xl"
              color={item.done ? 'teal' : 'gray'}
              variant={item.done ? 'filled' : 'outline'}
              aria-label={item.done ? 'Done' : 'To do'}
            >
              {item.done ? <IconCheck size={14} /> : <span />}
            </ThemeIcon>
            <div style={{ flex: 1 }}>
              <Text
                fz="sm"
                fw={500}
                td={item.done ? 'line-through' : undefined}
                c={item.done ? 'dimmed' : undefined}
              >
                {item.label}
              </Text>
              {item.done ? null : (
                <Text fz="xs" c="dimmed">
                  {item.hint}
                </Text>
              )}
            </div>
            {item.done ? null : item.action}
          </Group>
        ))}
      </Stack>
    </Stack>
  );
}

function Checklists({ teamId }: { teamId: string | null }) {
  // "Recent" usage: the last 30 days, fixed for this visit.
  const [recent] = useState(recentWindow);
  const { data, error, refetch } = useQuery(GettingStartedQuery, {
    variables: { teamId: teamId ?? '', ...recent },
    skip: !teamId,
    fetchPolicy: 'cache-and-network',
  });
  if (teamId && !data?.team) {
    if (error) {
      return <QueryError error={error} title="We could not load your progress" onRetry={refetch} />;
    }
    return (
      <SimpleGrid cols={{ base: 1, sm: 2 }} aria-busy="true" aria-label="Loading your progress">
        <Skeleton h={150} />
        <Skeleton h={150} />
      </SimpleGrid>
    );
  }
  const team = teamId ? (data?.team ?? null) : null;
  const state = checklistState(team);
  const id = team?.id ?? '';
  const later = 'After you create your team.';
  const teamItems: Item[] = [
    {
      id: 'create-team',
      label: 'Create your team',
      done: state.team.created,
      hint: 'Use the form on this page: you become its owner.',
    },
    {
      id: 'invite-members',
      label: 'Invite members',
      done: state.team.invited,
      hint: team ? 'Bring in the colleagues who work on the integration.' : later,
      action: team ? (
        <StepLink teamId={id} to="members">
          Invite
        </StepLink>
      ) : undefined,
    },
    {
      id: 'assign-roles',
      label: 'Assign roles',
      done: state.team.rolesAssigned,
      hint: team ? 'Make someone an admin (or a second owner) to share the work.' : later,
      action: team ? (
        <StepLink teamId={id} to="members">
          Members
        </StepLink>
      ) : undefined,
    },
    {
      id: 'team-guidelines',
      label: 'Set up team guidelines',
      done: state.team.guidelines,
      hint: team
        ? 'Write down how your team handles keys and access; new members read them when they join.'
        : later,
      action: team ? (
        <StepLink teamId={id} to="settings">
          Write
        </StepLink>
      ) : undefined,
    },
  ];
  const keyItems: Item[] = [
    {
      id: 'development-key',
      label: 'Create a development key',
      done: state.keys.development,
      hint: team ? 'A ppk_test_ key to build and test with.' : later,
      action: team ? (
        <StepLink teamId={id} to="keys" create="development">
          Create
        </StepLink>
      ) : undefined,
    },
    {
      id: 'production-key',
      label: 'Create a production key',
      done: state.keys.production,
      hint: team ? 'A separate ppk_live_ key for your live integration.' : later,
      action: team ? (
        <StepLink teamId={id} to="keys" create="production">
          Create
        </StepLink>
      ) : undefined,
    },
    {
      id: 'first-use',
      label: 'First use',
      done: state.keys.firstUse,
      hint: team ? 'Call POST /graphql with your key in the X-API-Key header.' : later,
      action: team ? (
        <StepLink teamId={id} to="keys">
          Your keys
        </StepLink>
      ) : undefined,
    },
    {
      id: 'store-keys',
      label: 'Store keys securely',
      done: state.keys.storedSecurely,
      hint: team
        ? 'Keep each secret in a secrets manager, never in source control; confirm it when the key is shown.'
        : later,
      action: team ? (
        <StepLink teamId={id} to="keys">
          Your keys
        </StepLink>
      ) : undefined,
    },
    {
      id: 'usage-monitoring',
      label: 'Set up usage monitoring',
      done: state.keys.monitoring,
      hint: team
        ? 'Create a usage alert: owners and admins are mailed when quota or errors cross a threshold.'
        : later,
      action: team ? (
        <StepLink teamId={id} to="security">
          Alerts
        </StepLink>
      ) : undefined,
    },
  ];
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xl">
      <Checklist title="Your team" items={teamItems} testId="checklist-team" />
      <Checklist title="Your API keys" items={keyItems} testId="checklist-keys" />
    </SimpleGrid>
  );
}

/** The partner guide's two checklists (team, keys) for one of the viewer's teams. */
export function GettingStarted() {
  const { memberships, loaded } = useMyTeams();
  const [picked, setPicked] = useState<string | null>(null);
  if (!loaded) return null;
  const teamId =
    memberships.find((m) => m.team.id === picked)?.team.id ?? memberships[0]?.team.id ?? null;

  return (
    <Card withBorder radius="lg" padding="xl" data-testid="getting-started">
      <Group justify="space-between" mb="lg" align="flex-start">
        <div>
          <Title order={2} fz="xl">
            Get started
          </Title>
          <Text c="dimmed" fz="sm" mt={4}>
            Set up your team, then make your first API call.
          </Text>
        </div>
        {memberships.length > 1 ? (
          <Select
            aria-label="Checklist for team"
            data={memberships.map((m) => ({ value: m.team.id, label: m.team.name }))}
            value={teamId}
            onChange={(value) => setPicked(value)}
            allowDeselect={false}
            w={220}
            comboboxProps={{ withinPortal: true }}
          />
        ) : null}
      </Group>
      <Checklists teamId={teamId} />
    </Card>
  );
}
