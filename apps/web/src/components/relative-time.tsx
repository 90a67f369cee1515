import { Text, Tooltip, type TextProps } from '@mantine/core';
import { useEffect, useState } from 'react';
import { formatAbsolute, formatDay, formatRelative } from '../lib/time';

/** "5 minutes ago", kept fresh, with the exact date and time on hover. */
export function RelativeTime({ value, ...props }: { value: string } & TextProps) {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 30_000);
    return () => clearInterval(timer);
  }, []);
  const absolute = formatAbsolute(value);
  return (
    <Tooltip label={absolute} withArrow openDelay={200}>
      <Text component="time" dateTime={value} title={absolute} fz="sm" {...props}>
        {formatRelative(value, now)}
      </Text>
    </Tooltip>
  );
}

/** `value` as a RelativeTime, or `fallback` ("Never", "Not yet") dimmed when there is none. */
export function RelativeTimeOr({
  value,
  fallback,
}: {
  value: string | null | undefined;
  fallback: string;
}) {
  return value ? (
    <RelativeTime value={value} />
  ) : (
    <Text fz="sm" c="dimmed">
      {fallback}
    </Text>
  );
}

/** A day ("12 Mar 2026"), with the exact date and time on hover. */
export function Day({ value, ...props }: { value: string } & TextProps) {
  return (
    <Text fz="sm" title={formatAbsolute(value)} {...props}>
      {formatDay(value)}
    </Text>
  );
}
