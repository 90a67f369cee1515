import { Badge, type BadgeProps } from '@mantine/core';
import type { Role } from '../../../gql/graphql';
import { ROLE_COLORS, ROLE_LABELS } from '../roles';

export function RoleBadge({ role, ...props }: { role: Role } & BadgeProps) {
  return (
    <Badge color={ROLE_COLORS[role]} variant="light" {...props}>
      {ROLE_LABELS[role]}
    </Badge>
  );
}
