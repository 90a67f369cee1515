import { useQuery } from '@apollo/client/react';
import { Button, Group, Stack, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { IconKey } from '@tabler/icons-react';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { AnchorLink, ButtonLink } from '../../../components/links';
import { QueryError } from '../../../components/query-error';
import type { TeamUsageQuery as TeamUsageData } from '../../../gql/graphql';
import { canManageKeys } from '../../teams/roles';
import { formatCount } from '../format';
import { useLiveUsage, type UsageLens } from '../hooks/use-live-usage';
import { TeamUsageQuery } from '../operations';
import { liveByDefault, usageWindow, type UsageRange } from '../ranges';
import { FirstRequest } from './first-request';
import { StatCard } from './stat-card';
import { rangePhrase, UsageCharts, UsageControls, UsageSkeleton, UsageStats } from './usage-view';

/** Every key's ticks go into the team's totals. */
const teamUsageLens: UsageLens<TeamUsageData> = (data, fold) =>
  data.team ? { ...data, team: { ...data.team, usage: fold.range(data.team.usage) } } : data;

export function TeamUsagePage({
  teamId,
  range,
  live: liveParam,
}: {
  teamId: string;
  range: UsageRange;
  live?: boolean;
}) {
  const navigate = useNavigate();
  const [variables] = useState(() => ({ teamId, ...usageWindow(range) }));
  const { data, error, refetch } = useQuery(TeamUsageQuery, { variables });
  const team = data?.team ?? null;
  useDocumentTitle(team ? `Usage · ${team.name} · Partner Portal` : 'Usage · Partner Portal');

  const liveOn = liveParam ?? liveByDefault(range);
  const live = useLiveUsage({
    enabled: liveOn && team !== null,
    teamId,
    query: TeamUsageQuery,
    variables,
    lens: teamUsageLens,
  });

  const setSearch = (next: { range: UsageRange; live?: boolean }) =>
    void navigate({
      to: '/teams/$teamId/usage',
      params: { teamId },
      search: {
        range: next.range,
        ...(next.live === undefined ? {} : { live: next.live ? 'on' : 'off' }),
      },
      replace: true,
    });

  let body;
  if (team) {
    const activeKeys = team.activeKeys.length;
    body = (
      <>
        {error ? (
          <QueryError error={error} title="We could not refresh the usage" onRetry={refetch} />
        ) : null}
        <UsageStats
          usage={team.usage}
          range={range}
          extra={
            <StatCard
              label="Active keys"
              value={formatCount(activeKeys)}
              icon={<IconKey size={20} />}
              color="violet"
              hint={
                <AnchorLink to="/teams/$teamId/keys" params={{ teamId }} fz="xs">
                  See each key&apos;s usage
                </AnchorLink>
              }
              testId="stat-active-keys"
            />
          }
        />
        <UsageCharts
          usage={team.usage}
          range={range}
          empty={
            activeKeys === 0 ? (
              <Stack align="center" gap="sm" py="lg" data-testid="usage-empty">
                <Title order={3} fz="lg">
                  No requests yet
                </Title>
                <Text fz="sm" c="dimmed" ta="center" maw={520}>
                  Usage is counted per API key. Create a key, call the API with it, and the
                  team&apos;s traffic shows up here.
                </Text>
                {canManageKeys(team.viewerRole) ? (
                  <ButtonLink
                    to="/teams/$teamId/keys"
                    params={{ teamId }}
                    search={{ create: 'development' }}
                  >
                    Create an API key
                  </ButtonLink>
                ) : null}
              </Stack>
            ) : (
              <FirstRequest
                teamId={teamId}
                title={`No requests ${rangePhrase(range)}`}
                intro="Send a request with any of the team's keys and watch it arrive here."
              />
            )
          }
        />
      </>
    );
  } else if (error) {
    body = <QueryError error={error} title="We could not load the usage" onRetry={refetch} />;
  } else {
    body = <UsageSkeleton label="Loading the team's usage" />;
  }

  return (
    <Stack gap="md" data-testid="team-usage-page">
      <div>
        <Title order={2} fz="lg">
          Usage
        </Title>
        <Text fz="sm" c="dimmed">
          Requests made with all of this team&apos;s API keys.
        </Text>
      </div>
      <UsageControls
        range={range}
        onRange={(next) => setSearch({ range: next })}
        liveOn={liveOn}
        onLive={(on) => setSearch({ range, live: on })}
        live={live}
      />
      {body}
      {team && !liveOn ? (
        <Group justify="flex-end">
          <Button variant="subtle" size="xs" onClick={() => void refetch()}>
            Refresh
          </Button>
        </Group>
      ) : null}
    </Stack>
  );
}
