import { Card, Group, SegmentedControl, SimpleGrid, Skeleton, Stack } from '@mantine/core';
import { IconAlertTriangle, IconPercentage, IconSend } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import type { UsageFieldsFragment } from '../../../gql/graphql';
import { formatCount, formatPercent } from '../format';
import type { LiveUsage } from '../hooks/use-live-usage';
import { isUsageRange, RANGE_KEYS, RANGES, type UsageRange } from '../ranges';
import { LiveIndicator, LiveSwitch } from './live-indicator';
import { StatCard } from './stat-card';
import { StatusCodes } from './status-codes';
import { ErrorRateChart, RequestsChart } from './usage-charts';

const RANGE_PHRASES: Record<UsageRange, string> = {
  '1h': 'in the last hour',
  '24h': 'in the last 24 hours',
  '7d': 'in the last 7 days',
  '30d': 'in the last 30 days',
};

export function rangePhrase(range: UsageRange): string {
  return RANGE_PHRASES[range];
}

/** Range picker, Live switch and the live indicator. */
export function UsageControls({
  range,
  onRange,
  liveOn,
  onLive,
  live,
}: {
  range: UsageRange;
  onRange: (range: UsageRange) => void;
  liveOn: boolean;
  onLive: (on: boolean) => void;
  live: LiveUsage;
}) {
  return (
    <Group justify="space-between" wrap="wrap" gap="sm">
      <SegmentedControl
        aria-label="Range"
        data-testid="range-picker"
        data={RANGE_KEYS.map((value) => ({ value, label: RANGES[value].label }))}
        value={range}
        onChange={(value) => {
          if (isUsageRange(value)) onRange(value);
        }}
      />
      <Group gap="lg" wrap="nowrap">
        <LiveIndicator live={live} />
        <LiveSwitch checked={liveOn} onChange={onLive} />
      </Group>
    </Group>
  );
}

/** The three stat cards every usage page has, then the page's own fourth one. */
export function UsageStats({
  usage,
  range,
  extra,
}: {
  usage: UsageFieldsFragment;
  range: UsageRange;
  extra: ReactNode;
}) {
  return (
    <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="md" data-testid="usage-stats">
      <StatCard
        label="Total requests"
        value={formatCount(usage.totalRequests)}
        icon={<IconSend size={20} />}
        hint={rangePhrase(range)}
        testId="stat-total-requests"
      />
      <StatCard
        label="Errors"
        value={formatCount(usage.errorRequests)}
        icon={<IconAlertTriangle size={20} />}
        color="red"
        hint="status 400 and above, or GraphQL errors"
        testId="stat-errors"
      />
      <StatCard
        label="Error rate"
        value={formatPercent(usage.errorRate)}
        icon={<IconPercentage size={20} />}
        color={usage.errorRate >= 0.05 ? 'red' : usage.errorRate > 0 ? 'orange' : 'teal'}
        hint={rangePhrase(range)}
        testId="stat-error-rate"
      />
      {extra}
    </SimpleGrid>
  );
}

/** Charts and status codes, or the page's empty state when the range has no requests. */
export function UsageCharts({
  usage,
  range,
  empty,
}: {
  usage: UsageFieldsFragment;
  range: UsageRange;
  empty: ReactNode;
}) {
  if (usage.totalRequests === 0) {
    return (
      <Card withBorder radius="lg" padding="lg">
        {empty}
      </Card>
    );
  }
  return (
    <Stack gap="md">
      <RequestsChart usage={usage} range={range} />
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <ErrorRateChart usage={usage} range={range} />
        <StatusCodes usage={usage} />
      </SimpleGrid>
    </Stack>
  );
}

export function UsageSkeleton({ label }: { label: string }) {
  return (
    <Stack gap="md" aria-busy="true" aria-label={label}>
      <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="md">
        {[0, 1, 2, 3].map((i) => (
          <Skeleton key={i} h={104} radius="lg" />
        ))}
      </SimpleGrid>
      <Skeleton h={330} radius="lg" />
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <Skeleton h={260} radius="lg" />
        <Skeleton h={260} radius="lg" />
      </SimpleGrid>
    </Stack>
  );
}
