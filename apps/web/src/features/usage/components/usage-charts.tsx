import { Card, Text } from '@mantine/core';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { UsageFieldsFragment } from '../../../gql/graphql';
import { axisTicks, formatAxisTick, formatBucket, formatCount, formatPercent } from '../format';
import type { UsageRange } from '../ranges';

const COLORS = {
  successes: 'var(--mantine-color-teal-6)',
  errors: 'var(--mantine-color-red-6)',
  rate: 'var(--mantine-color-orange-6)',
  grid: 'var(--mantine-color-gray-3)',
  axis: 'var(--mantine-color-dimmed)',
};

const AXIS_STYLE = { fontSize: 12, fill: COLORS.axis };
const TOOLTIP_STYLE = {
  borderRadius: 8,
  border: '1px solid var(--mantine-color-gray-3)',
  fontSize: 13,
};

interface ChartPoint {
  at: number;
  successes: number;
  errors: number;
  /** Errors per request in percent; null for a bucket without requests. */
  rate: number | null;
}

/** A round top for the error-rate axis, so that its five steps are round too. */
function niceTop(max: number): number {
  return [5, 10, 20, 40, 60, 80, 100].find((top) => max <= top) ?? 100;
}

function toPoints(usage: UsageFieldsFragment): ChartPoint[] {
  return usage.series.map((p) => ({
    at: Date.parse(p.at),
    successes: Math.max(0, p.requests - p.errors),
    errors: p.errors,
    rate: p.requests > 0 ? (p.errors / p.requests) * 100 : null,
  }));
}

function ChartCard({
  title,
  description,
  children,
  testId,
}: {
  title: string;
  description: string;
  children: React.ReactNode;
  testId: string;
}) {
  return (
    <Card withBorder radius="lg" padding="lg" data-testid={testId}>
      <Text fw={600}>{title}</Text>
      <Text fz="xs" c="dimmed" mb="md">
        {description}
      </Text>
      {children}
    </Card>
  );
}

function xAxis(points: ChartPoint[], range: UsageRange) {
  return (
    <XAxis
      dataKey="at"
      ticks={axisTicks(
        points.map((p) => p.at),
        range,
      )}
      tickFormatter={(ms: number) => formatAxisTick(ms, range)}
      tick={AXIS_STYLE}
      tickLine={false}
      axisLine={{ stroke: COLORS.grid }}
      minTickGap={16}
      interval="preserveStartEnd"
    />
  );
}

/** Requests per bucket: successes and errors stacked. */
export function RequestsChart({ usage, range }: { usage: UsageFieldsFragment; range: UsageRange }) {
  const points = toPoints(usage);
  return (
    <ChartCard
      title="Requests"
      description="Successful requests and errors (status 400 and above, or GraphQL errors)."
      testId="requests-chart"
    >
      <ResponsiveContainer width="100%" height={260}>
        <BarChart data={points} margin={{ top: 4, right: 8, bottom: 0, left: -12 }}>
          <CartesianGrid vertical={false} stroke={COLORS.grid} strokeDasharray="3 3" />
          {xAxis(points, range)}
          <YAxis
            allowDecimals={false}
            tick={AXIS_STYLE}
            tickLine={false}
            axisLine={false}
            tickFormatter={(n: number) => formatCount(n)}
          />
          <Tooltip
            cursor={{ fill: 'var(--mantine-color-gray-1)' }}
            contentStyle={TOOLTIP_STYLE}
            labelFormatter={(label) =>
              typeof label === 'number' ? formatBucket(label, usage.interval) : label
            }
            formatter={(value) => (typeof value === 'number' ? formatCount(value) : value)}
          />
          <Legend
            iconType="circle"
            iconSize={8}
            wrapperStyle={{ fontSize: 13 }}
            itemSorter={null}
          />
          <Bar
            dataKey="successes"
            name="Successful"
            stackId="requests"
            fill={COLORS.successes}
            isAnimationActive={false}
          />
          <Bar
            dataKey="errors"
            name="Errors"
            stackId="requests"
            fill={COLORS.errors}
            radius={[2, 2, 0, 0]}
            isAnimationActive={false}
          />
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}

/** The share of requests that failed, per bucket (gaps where there were none). */
export function ErrorRateChart({
  usage,
  range,
}: {
  usage: UsageFieldsFragment;
  range: UsageRange;
}) {
  const points = toPoints(usage);
  const top = niceTop(Math.max(0, ...points.map((p) => p.rate ?? 0)));
  return (
    <ChartCard
      title="Error rate"
      description="Errors as a share of requests; gaps where there were no requests."
      testId="error-rate-chart"
    >
      <ResponsiveContainer width="100%" height={200}>
        <LineChart data={points} margin={{ top: 4, right: 8, bottom: 0, left: -12 }}>
          <CartesianGrid vertical={false} stroke={COLORS.grid} strokeDasharray="3 3" />
          {xAxis(points, range)}
          <YAxis
            domain={[0, top]}
            ticks={[0, 1, 2, 3, 4, 5].map((i) => (top * i) / 5)}
            tick={AXIS_STYLE}
            tickLine={false}
            axisLine={false}
            tickFormatter={(n: number) => `${n}%`}
          />
          <Tooltip
            contentStyle={TOOLTIP_STYLE}
            labelFormatter={(label) =>
              typeof label === 'number' ? formatBucket(label, usage.interval) : label
            }
            formatter={(value) => (typeof value === 'number' ? formatPercent(value / 100) : '—')}
          />
          <Line
            type="monotone"
            dataKey="rate"
            name="Error rate"
            stroke={COLORS.rate}
            strokeWidth={2}
            dot={{ r: 2.5, fill: COLORS.rate }}
            activeDot={{ r: 4 }}
            connectNulls={false}
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}
