import { Card, Group, Text, ThemeIcon } from '@mantine/core';
import type { ReactNode } from 'react';

export function StatCard({
  label,
  value,
  icon,
  color = 'indigo',
  hint,
  testId,
  children,
}: {
  label: string;
  value: ReactNode;
  icon: ReactNode;
  color?: string;
  hint?: ReactNode;
  testId: string;
  children?: ReactNode;
}) {
  return (
    <Card withBorder radius="lg" padding="md" data-testid={testId}>
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <div style={{ minWidth: 0 }}>
          <Text fz="xs" c="dimmed" tt="uppercase" fw={600}>
            {label}
          </Text>
          <Text fz={26} fw={700} lh={1.3} data-testid="stat-value">
            {value}
          </Text>
        </div>
        <ThemeIcon variant="light" color={color} size={36} radius="md">
          {icon}
        </ThemeIcon>
      </Group>
      {hint ? (
        <Text fz="xs" c="dimmed" mt={4}>
          {hint}
        </Text>
      ) : null}
      {children}
    </Card>
  );
}
