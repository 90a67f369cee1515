import { useQuery } from '@apollo/client/react';
import {
  Button,
  Card,
  EmptyState,
  Group,
  Progress,
  Skeleton,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { IconArrowLeft, IconCalendarStats, IconKeyOff } from '@tabler/icons-react';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { hasErrorCode } from '../../../apollo/errors';
import { AnchorLink, ButtonLink } from '../../../components/links';
import { QueryError } from '../../../components/query-error';
import { RelativeTime } from '../../../components/relative-time';
import type { KeyUsageQuery as KeyUsageData } from '../../../gql/graphql';
import { CallTheApi } from '../../api-keys/components/call-the-api';
import { EnvironmentBadge, KeyStart, KeyStatusBadge } from '../../api-keys/components/key-badges';
import { displayStart } from '../../api-keys/labels';
import { KeyIncidents } from '../../security/components/key-incidents';
import { formatCount } from '../format';
import { useLiveUsage, type UsageLens } from '../hooks/use-live-usage';
import { KeyUsageQuery } from '../operations';
import { liveByDefault, monthWindow, usageWindow, type UsageRange } from '../ranges';
import { FirstRequest } from './first-request';
import { StatCard } from './stat-card';
import { rangePhrase, UsageCharts, UsageControls, UsageSkeleton, UsageStats } from './usage-view';

/** Ticks go into the range's usage, the month-to-date count and the key's "last used". */
const keyUsageLens: UsageLens<KeyUsageData> = (data, fold) =>
  data.apiKey
    ? {
        ...data,
        apiKey: {
          ...data.apiKey,
          lastUsedAt: fold.lastUsed(data.apiKey.lastUsedAt),
          usage: fold.range(data.apiKey.usage),
          monthly: fold.month(data.apiKey.monthly),
        },
      }
    : data;

function MonthlyCard({ used, limit }: { used: number; limit: number | null }) {
  if (limit === null) {
    return (
      <StatCard
        label="This month"
        value={formatCount(used)}
        icon={<IconCalendarStats size={20} />}
        color="grape"
        hint="since the 1st (UTC) · no monthly limit"
        testId="stat-monthly"
      />
    );
  }
  const share = limit === 0 ? 1 : used / limit;
  const color = share >= 1 ? 'red' : share >= 0.8 ? 'orange' : 'teal';
  return (
    <StatCard
      label="Used this month"
      value={
        <>
          {formatCount(used)}{' '}
          <Text span fz="md" c="dimmed" fw={500}>
            / {formatCount(limit)}
          </Text>
        </>
      }
      icon={<IconCalendarStats size={20} />}
      color={color}
      testId="stat-monthly"
    >
      <Progress
        value={Math.min(100, share * 100)}
        color={color}
        size="sm"
        mt={8}
        aria-label={`${Math.round(share * 100)}% of the monthly limit`}
      />
      <Text fz="xs" c="dimmed" mt={4}>
        {share >= 1
          ? 'Limit reached: requests are refused until the 1st (UTC)'
          : `${Math.round(share * 100)}% of the monthly limit (UTC month)`}
      </Text>
    </StatCard>
  );
}

export function KeyUsagePage({
  teamId,
  keyId,
  range,
  live: liveParam,
}: {
  teamId: string;
  keyId: string;
  range: UsageRange;
  /** From the URL; undefined: the range's default. */
  live?: boolean;
}) {
  const navigate = useNavigate();
  // Fixed for this visit and range (the route loader asked for the same window).
  const [variables] = useState(() => ({ keyId, ...usageWindow(range), ...monthWindow() }));
  const { data, error, refetch } = useQuery(KeyUsageQuery, { variables });
  const apiKey = data?.apiKey ?? null;
  useDocumentTitle(apiKey ? `Usage · ${apiKey.name} · Partner Portal` : 'Usage · Partner Portal');

  const liveOn = liveParam ?? liveByDefault(range);
  const live = useLiveUsage({
    enabled: liveOn && apiKey !== null,
    teamId,
    apiKeyId: keyId,
    query: KeyUsageQuery,
    variables,
    lens: keyUsageLens,
  });

  const setSearch = (next: { range: UsageRange; live?: boolean }) =>
    void navigate({
      to: '/teams/$teamId/keys/$keyId/usage',
      params: { teamId, keyId },
      search: {
        range: next.range,
        ...(next.live === undefined ? {} : { live: next.live ? 'on' : 'off' }),
      },
      replace: true,
    });

  if (!apiKey) {
    if ((data && !error) || hasErrorCode(error, 'NOT_FOUND')) {
      return (
        <Card withBorder radius="lg" padding="lg">
          <EmptyState
            py="xl"
            icon={<IconKeyOff size={26} />}
            title="Key not found"
            description="This key does not exist or belongs to another team."
            data-testid="key-not-found"
          >
            <EmptyState.Actions>
              <ButtonLink to="/teams/$teamId/keys" params={{ teamId }} variant="default">
                Back to the keys
              </ButtonLink>
            </EmptyState.Actions>
          </EmptyState>
        </Card>
      );
    }
    if (error) {
      return (
        <QueryError error={error} title="We could not load this key's usage" onRetry={refetch} />
      );
    }
    return (
      <Stack gap="md">
        <Skeleton h={96} radius="lg" />
        <UsageSkeleton label="Loading the key's usage" />
      </Stack>
    );
  }

  const usage = apiKey.usage;
  return (
    <Stack gap="md" data-testid="key-usage-page">
      <Card withBorder radius="lg" padding="lg">
        <AnchorLink to="/teams/$teamId/keys" params={{ teamId }} fz="sm" c="dimmed">
          <Group gap={4} component="span" wrap="nowrap">
            <IconArrowLeft size={14} /> All keys
          </Group>
        </AnchorLink>
        <Group justify="space-between" align="flex-end" mt={6} wrap="wrap" gap="sm">
          <div>
            <Group gap="sm" align="center">
              <Title order={2} fz="xl" data-testid="usage-key-name">
                {apiKey.name}
              </Title>
              <EnvironmentBadge environment={apiKey.environment} />
              <KeyStatusBadge status={apiKey.status} />
            </Group>
            <Group gap="md" mt={4} c="dimmed">
              <KeyStart start={apiKey.start} />
              <Text fz="sm" c="dimmed">
                {apiKey.rateLimitPerMinute
                  ? `Up to ${formatCount(apiKey.rateLimitPerMinute)} requests a minute`
                  : 'No per-minute limit'}
              </Text>
              <Group gap={4} wrap="nowrap">
                <Text fz="sm" c="dimmed">
                  Last used
                </Text>
                {apiKey.lastUsedAt ? (
                  <RelativeTime value={apiKey.lastUsedAt} c="dimmed" />
                ) : (
                  <Text fz="sm" c="dimmed">
                    never
                  </Text>
                )}
              </Group>
            </Group>
          </div>
        </Group>
      </Card>

      <KeyIncidents teamId={teamId} keyId={keyId} />

      <UsageControls
        range={range}
        onRange={(next) => setSearch({ range: next })}
        liveOn={liveOn}
        onLive={(on) => setSearch({ range, live: on })}
        live={live}
      />
      {error ? (
        <QueryError error={error} title="We could not refresh this usage" onRetry={refetch} />
      ) : null}
      <UsageStats
        usage={usage}
        range={range}
        extra={
          <MonthlyCard used={apiKey.monthly.totalRequests} limit={apiKey.monthlyRequestLimit} />
        }
      />
      <UsageCharts
        usage={usage}
        range={range}
        empty={
          <FirstRequest
            teamId={teamId}
            keyStart={displayStart(apiKey.start)}
            title={apiKey.lastUsedAt ? `No requests ${rangePhrase(range)}` : 'No requests yet'}
            intro={
              apiKey.status === 'ACTIVE'
                ? 'Send a request with this key and watch it arrive here.'
                : 'This key no longer works: requests made with it are refused (and still counted).'
            }
          />
        }
      />
      {!liveOn ? (
        <Group justify="flex-end">
          <Button variant="subtle" size="xs" onClick={() => void refetch()}>
            Refresh
          </Button>
        </Group>
      ) : null}
      <CallTheApi keyStart={displayStart(apiKey.start)} environment={apiKey.environment} />
    </Stack>
  );
}
