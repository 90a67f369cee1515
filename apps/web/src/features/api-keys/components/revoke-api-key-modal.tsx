import { Text } from '@mantine/core';
import { ConfirmModal } from '../../../components/confirm-modal';
import type { ApiKeyFieldsFragment } from '../../../gql/graphql';
import { notifyError, notifySuccess } from '../../../lib/notify';
import { useRevokeApiKey } from '../hooks/use-api-key-mutations';
import { displayStart } from '../labels';

/**
 * "Revoke this key?" for `apiKey` (closed while null): revokes it, waits for `onRevoked` (a page
 * that asks its lists again) and says so; a failure is shown and the question stays open.
 */
export function RevokeApiKeyModal({
  teamId,
  apiKey,
  onClose,
  onRevoked,
}: {
  teamId: string;
  apiKey: ApiKeyFieldsFragment | null;
  onClose: () => void;
  onRevoked?: () => Promise<unknown>;
}) {
  const { revoke, loading } = useRevokeApiKey(teamId);

  const confirm = async () => {
    if (!apiKey) return;
    const key = apiKey;
    try {
      await revoke(key.id);
      await onRevoked?.();
      notifySuccess('API key revoked', `${key.name} (${displayStart(key.start)}) no longer works.`);
      onClose();
    } catch (error) {
      notifyError(`Could not revoke ${key.name}`, error);
    }
  };

  return (
    <ConfirmModal
      opened={apiKey !== null}
      title="Revoke API key"
      confirmLabel="Revoke key"
      loading={loading}
      onConfirm={confirm}
      onClose={onClose}
    >
      {apiKey ? (
        <>
          Revoke <b>{apiKey.name}</b> (
          <Text span ff="monospace" fz="sm">
            {displayStart(apiKey.start)}
          </Text>
          )? It stops working <b>immediately</b> for every request that uses it, everywhere. This
          cannot be undone: to keep a service running, rotate the key instead.
        </>
      ) : null}
    </ConfirmModal>
  );
}
