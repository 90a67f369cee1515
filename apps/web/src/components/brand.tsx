import { Group, Text, ThemeIcon } from '@mantine/core';
import { IconPlugConnected } from '@tabler/icons-react';

export function Brand({ size = 'md' }: { size?: 'md' | 'lg' }) {
  const large = size === 'lg';
  return (
    <Group gap="xs" wrap="nowrap">
      <ThemeIcon
        size={large ? 40 : 32}
        radius="md"
        variant="gradient"
        gradient={{ from: 'indigo', to: 'cyan', deg: 135 }}
      >
        <IconPlugConnected size={large ? 24 : 20} stroke={1.8} />
      </ThemeIcon>
      <Text fw={700} fz={large ? 'xl' : 'lg'} lh={1}>
        Partner Portal
      </Text>
    </Group>
  );
}
