import { Button, Group, Indicator, Switch, Text, Tooltip } from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { toApiErrorInfo } from '../../../apollo/errors';
import type { LiveUsage } from '../hooks/use-live-usage';

function secondsAgo(at: number, now: number): string {
  const s = Math.max(0, Math.round((now - at) / 1000));
  if (s < 60) return `${s} second${s === 1 ? '' : 's'} ago`;
  const m = Math.floor(s / 60);
  return `${m} minute${m === 1 ? '' : 's'} ago`;
}

/** A pulsing "Live" dot and how long ago the last tick came in (kept fresh every second). */
export function LiveIndicator({ live }: { live: LiveUsage }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (live.status !== 'live') return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [live.status]);

  if (live.status === 'off') return null;
  if (live.status === 'error') {
    return (
      <Group gap={8} wrap="nowrap" data-testid="live-indicator" data-status="error">
        <Indicator color="red" size={10} position="middle-start" inline>
          <span style={{ display: 'block', width: 10 }} />
        </Indicator>
        <Tooltip label={toApiErrorInfo(live.error).message} withArrow multiline w={260}>
          <Text fz="sm" c="red">
            Live updates stopped
          </Text>
        </Tooltip>
        <Button
          size="compact-xs"
          variant="subtle"
          leftSection={<IconRefresh size={12} />}
          onClick={live.restart}
        >
          Reconnect
        </Button>
      </Group>
    );
  }
  return (
    <Group gap={8} wrap="nowrap" data-testid="live-indicator" data-status="live">
      <Indicator color="teal" size={10} processing position="middle-start" inline>
        <span style={{ display: 'block', width: 10 }} />
      </Indicator>
      <Text fz="sm" fw={600} c="teal.7">
        Live
      </Text>
      <Text fz="xs" c="dimmed" data-testid="live-last-update">
        {live.lastTickAt === null
          ? 'waiting for new requests…'
          : `last update ${secondsAgo(live.lastTickAt, Math.max(now, live.lastTickAt))}`}
      </Text>
    </Group>
  );
}

export function LiveSwitch({
  checked,
  onChange,
}: {
  checked: boolean;
  onChange: (checked: boolean) => void;
}) {
  return (
    <Switch
      label="Live updates"
      checked={checked}
      onChange={(event) => onChange(event.currentTarget.checked)}
      data-testid="live-switch"
      color="teal"
    />
  );
}
