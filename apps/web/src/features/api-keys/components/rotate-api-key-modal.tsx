import { Alert, Button, Group, List, Radio, Stack, Text } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import type { ApiKeyFieldsFragment } from '../../../gql/graphql';
import { formatAbsolute, formatRelative } from '../../../lib/time';
import { notifyError } from '../../../lib/notify';
import { useRotateApiKey } from '../hooks/use-api-key-mutations';
import { DEFAULT_GRACE_HOURS, GRACE_OPTIONS } from '../labels';
import { KeyStart } from './key-badges';
import { SecretModal, SecretReveal } from './secret-reveal';

/** When the old key stops working: the grace period's end, or its own expiry if that is sooner. */
function oldKeyEnd(key: ApiKeyFieldsFragment, hours: number, now: Date): Date {
  const graceEnd = new Date(now.getTime() + hours * 3_600_000);
  const expiresAt = key.expiresAt ? new Date(key.expiresAt) : null;
  return expiresAt && expiresAt < graceEnd ? expiresAt : graceEnd;
}

function useNow(intervalMs = 30_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

function RotateForm({
  apiKey,
  loading,
  onConfirm,
  onCancel,
}: {
  apiKey: ApiKeyFieldsFragment;
  loading: boolean;
  onConfirm: (graceHours: number) => void;
  onCancel: () => void;
}) {
  const [hours, setHours] = useState(DEFAULT_GRACE_HOURS);
  const now = useNow();
  const end = oldKeyEnd(apiKey, hours, now);

  return (
    <Stack gap="md">
      <Text fz="sm">
        Rotating <b>{apiKey.name}</b> (<KeyStart start={apiKey.start} />) creates a new key with the
        same name, environment, expiry period and limits. You get its secret once, on the next
        screen.
      </Text>
      <Radio.Group
        label="How long should the old key keep working?"
        description="Time to deploy the new key everywhere the old one is used."
        value={String(hours)}
        onChange={(value) => setHours(Number(value))}
      >
        <Stack gap="xs" mt="xs">
          {GRACE_OPTIONS.map((option) => (
            <Radio
              key={option.hours}
              value={String(option.hours)}
              label={
                option.hours === DEFAULT_GRACE_HOURS ? `${option.label} (default)` : option.label
              }
            />
          ))}
        </Stack>
      </Radio.Group>
      <Alert
        color={hours === 0 ? 'red' : 'blue'}
        variant="light"
        icon={<IconInfoCircle size={18} />}
        data-testid="rotate-summary"
      >
        <List size="sm" spacing={4}>
          <List.Item>The new key works at once.</List.Item>
          {hours === 0 ? (
            <List.Item>
              The old key is revoked now: every request that still uses it fails straight away.
            </List.Item>
          ) : (
            <List.Item>
              The old key keeps working until <b>{formatAbsolute(end)}</b> (
              {formatRelative(end, now)}), then stops.
              {apiKey.expiresAt && new Date(apiKey.expiresAt) <= end
                ? ' That is when it expires anyway.'
                : ''}
            </List.Item>
          )}
        </List>
      </Alert>
      <Group justify="flex-end">
        <Button variant="default" onClick={onCancel} disabled={loading}>
          Cancel
        </Button>
        <Button color="orange" loading={loading} onClick={() => onConfirm(hours)} data-autofocus>
          Rotate key
        </Button>
      </Group>
    </Stack>
  );
}

/** Confirms a rotation with a chosen grace period, then shows the new secret once. */
export function RotateApiKeyModal({
  teamId,
  apiKey,
  onClose,
}: {
  teamId: string;
  /** The key to rotate; null: closed. */
  apiKey: ApiKeyFieldsFragment | null;
  onClose: () => void;
}) {
  const { rotate, loading } = useRotateApiKey(teamId);
  const [secret, setSecret] = useState<string | null>(null);
  const [keyId, setKeyId] = useState<string | undefined>(undefined);
  const [stored, setStored] = useState(false);
  const locked = secret !== null && !stored;

  const close = () => {
    if (locked || loading) return;
    setSecret(null);
    setStored(false);
    onClose();
  };

  const confirm = async (graceHours: number) => {
    if (!apiKey) return;
    try {
      const created = await rotate(apiKey.id, graceHours);
      if (created) {
        setSecret(created.secret);
        setKeyId(created.apiKey.id);
      }
    } catch (error) {
      notifyError(`Could not rotate ${apiKey.name}`, error);
    }
  };

  return (
    <SecretModal
      opened={apiKey !== null}
      onClose={close}
      title={secret ? 'Your new API key' : 'Rotate API key'}
      locked={locked}
    >
      {secret ? (
        <SecretReveal
          secret={secret}
          apiKeyId={keyId}
          stored={stored}
          onStoredChange={setStored}
          onDone={close}
        />
      ) : apiKey ? (
        <RotateForm
          apiKey={apiKey}
          loading={loading}
          onConfirm={(hours) => void confirm(hours)}
          onCancel={close}
        />
      ) : null}
    </SecretModal>
  );
}
