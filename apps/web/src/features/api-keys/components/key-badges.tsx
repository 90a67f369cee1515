import { Badge, Text, type TextProps } from '@mantine/core';
import type { Environment, KeyStatus } from '../../../gql/graphql';
import {
  displayStart,
  ENVIRONMENT_COLORS,
  ENVIRONMENT_LABELS,
  STATUS_COLORS,
  STATUS_LABELS,
} from '../labels';

export function EnvironmentBadge({ environment }: { environment: Environment }) {
  return (
    <Badge
      color={ENVIRONMENT_COLORS[environment]}
      variant={environment === 'PRODUCTION' ? 'filled' : 'light'}
      radius="sm"
      style={{ minWidth: 'max-content' }}
    >
      {ENVIRONMENT_LABELS[environment]}
    </Badge>
  );
}

export function KeyStatusBadge({ status }: { status: KeyStatus }) {
  return (
    <Badge
      color={STATUS_COLORS[status]}
      variant="dot"
      radius="sm"
      style={{ minWidth: 'max-content' }}
      data-testid="key-status"
    >
      {STATUS_LABELS[status]}
    </Badge>
  );
}

/** `ppk_live_AbC1…` in monospace. */
export function KeyStart({ start, ...props }: { start: string } & TextProps) {
  return (
    <Text span ff="monospace" fz="sm" style={{ whiteSpace: 'nowrap' }} {...props}>
      {displayStart(start)}
    </Text>
  );
}
