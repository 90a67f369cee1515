import { Group, Text } from '@mantine/core';
import { Area, AreaChart } from 'recharts';
import type { ApiKeySparklineFragment } from '../../../gql/graphql';
import { formatCount } from '../format';

/** A key's last 24 hours: a tiny area chart without axes, and the count. */
export function UsageSparkline({ usage }: { usage: ApiKeySparklineFragment['usage'] }) {
  const data = usage.series.map((p) => ({ requests: p.requests }));
  const idle = usage.totalRequests === 0;
  const color = idle ? 'var(--mantine-color-gray-4)' : 'var(--mantine-color-indigo-6)';
  return (
    <Group
      gap={8}
      wrap="nowrap"
      data-testid="key-sparkline"
      data-total={usage.totalRequests}
      title={`${formatCount(usage.totalRequests)} requests in the last 24 hours`}
    >
      <AreaChart
        width={64}
        height={26}
        data={data}
        margin={{ top: 2, right: 0, bottom: 2, left: 0 }}
      >
        <Area
          type="monotone"
          dataKey="requests"
          stroke={color}
          strokeWidth={1.5}
          fill={color}
          fillOpacity={idle ? 0.1 : 0.2}
          isAnimationActive={false}
          dot={false}
        />
      </AreaChart>
      <Text fz="sm" fw={idle ? 400 : 600} c={idle ? 'dimmed' : undefined}>
        {formatCount(usage.totalRequests)}
      </Text>
    </Group>
  );
}
