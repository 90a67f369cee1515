import { useQuery } from '@apollo/client/react';
import { Alert, Button, Group, Modal, Radio, Skeleton, Stack, Table, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useState } from 'react';
import { toApiErrorInfo } from '../../../apollo/errors';
import { QueryError } from '../../../components/query-error';
import { RelativeTime } from '../../../components/relative-time';
import type { DepartingMemberKeys } from '../../../gql/graphql';
import { notifySuccess } from '../../../lib/notify';
import { EnvironmentBadge, KeyStart, KeyStatusBadge } from '../../api-keys/components/key-badges';
import { useOffboardMember } from '../hooks/use-member-mutations';
import { MemberCreatedKeysQuery } from '../operations';

export interface OffboardMemberModalProps {
  /** The member to remove. */
  membership: { id: string; user: { name: string; email: string } };
  teamId: string;
  opened: boolean;
  onClose: () => void;
  /** After the member was removed (the dialog has already said so in a notification). */
  onDone?: () => void;
}

const CHOICES: { value: DepartingMemberKeys; label: string; description: string }[] = [
  {
    value: 'KEEP',
    label: 'Keep the keys working',
    description:
      'Applications that use them go on working. The keys stay in the team, where owners and admins can rotate or revoke them later. Choose this when the keys run shared services.',
  },
  {
    value: 'REVOKE',
    label: 'Revoke the keys now',
    description:
      'Every request with these keys is refused from now on. Choose this when the member may have kept a copy; create replacements first for anything that must keep running.',
  },
];

function Body({ membership, teamId, onClose, onDone }: Omit<OffboardMemberModalProps, 'opened'>) {
  const { data, error, refetch } = useQuery(MemberCreatedKeysQuery, {
    variables: { teamId },
    fetchPolicy: 'network-only',
  });
  const { offboard, loading } = useOffboardMember(teamId);
  const [choice, setChoice] = useState<DepartingMemberKeys | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  const team = data?.team;
  const member = team?.members.find((m) => m.id === membership.id);
  // A member already gone from the list created nothing left to decide about.
  const keys = member ? member.createdApiKeys : team ? [] : null;
  const activeKeys = keys?.filter((k) => k.status === 'ACTIVE') ?? [];
  // Nothing to decide when they created no key that still works.
  const needsChoice = keys === null || activeKeys.length > 0;
  const ready = keys !== null || error !== undefined;
  const name = membership.user.name;

  const confirm = async () => {
    const keysChoice: DepartingMemberKeys = needsChoice ? (choice ?? 'KEEP') : 'KEEP';
    if (needsChoice && !choice) return;
    setFailure(null);
    try {
      await offboard(
        membership.id,
        keysChoice,
        activeKeys.map((k) => k.id),
      );
      const revoked = keysChoice === 'REVOKE' ? activeKeys.length : 0;
      notifySuccess(
        'Member removed',
        `${name} is no longer a member of ${team?.name ?? 'the team'}.${
          revoked > 0 ? ` ${revoked} key${revoked === 1 ? ' was' : 's were'} revoked.` : ''
        }`,
      );
      onDone?.();
      onClose();
    } catch (e) {
      setFailure(toApiErrorInfo(e).message);
    }
  };

  return (
    <Stack gap="md" data-testid="offboard-member">
      <Text fz="sm" component="div">
        Remove{' '}
        <b>
          {name} ({membership.user.email})
        </b>{' '}
        from <b>{team?.name ?? 'the team'}</b>? They lose access to the team at once.
      </Text>

      {failure ? (
        <Alert
          color="red"
          variant="light"
          icon={<IconAlertTriangle size={18} />}
          title={`${name} was not removed`}
          role="alert"
        >
          {failure}
        </Alert>
      ) : null}

      <Stack gap="xs">
        <Text fz="sm" fw={600}>
          API keys {name} created
        </Text>
        {keys ? (
          keys.length === 0 ? (
            <Text fz="sm" c="dimmed" data-testid="offboard-no-keys">
              {name} created no API keys in this team: there is nothing to decide about keys.
            </Text>
          ) : (
            <Table verticalSpacing={6} data-testid="offboard-keys">
              <Table.Tbody>
                {keys.map((key) => (
                  <Table.Tr key={key.id} data-testid="offboard-key" data-key-id={key.id}>
                    <Table.Td>
                      <Text fz="sm" fw={500}>
                        {key.name}
                      </Text>
                      <KeyStart start={key.start} c="dimmed" fz="xs" />
                    </Table.Td>
                    <Table.Td>
                      <EnvironmentBadge environment={key.environment} />
                    </Table.Td>
                    <Table.Td>
                      <KeyStatusBadge status={key.status} />
                    </Table.Td>
                    <Table.Td>
                      {key.lastUsedAt ? (
                        <Text fz="xs" c="dimmed" component="div">
                          used <RelativeTime value={key.lastUsedAt} fz="xs" c="dimmed" />
                        </Text>
                      ) : (
                        <Text fz="xs" c="dimmed">
                          never used
                        </Text>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )
        ) : error ? (
          <QueryError error={error} title="We could not load their keys" onRetry={refetch} />
        ) : (
          <Stack gap={6} aria-busy="true" aria-label="Loading their keys">
            <Skeleton h={28} />
            <Skeleton h={28} />
          </Stack>
        )}
        {keys && keys.length > 0 && activeKeys.length === 0 ? (
          <Text fz="sm" c="dimmed">
            None of them works any more (revoked or expired): there is nothing to decide.
          </Text>
        ) : null}
      </Stack>

      {ready && needsChoice ? (
        <Radio.Group
          label={
            keys
              ? `What happens to the ${activeKeys.length} active key${activeKeys.length === 1 ? '' : 's'}?`
              : 'What happens to the keys they created?'
          }
          description="Each key is recorded in the activity log either way."
          value={choice}
          onChange={(value) => setChoice(value === 'KEEP' || value === 'REVOKE' ? value : null)}
          required
        >
          <Stack gap="sm" mt="xs">
            {CHOICES.map((c) => (
              <Radio.Card key={c.value} value={c.value} radius="md" p="sm" data-choice={c.value}>
                <Group wrap="nowrap" align="flex-start">
                  <Radio.Indicator />
                  <div>
                    <Text fz="sm" fw={600}>
                      {c.label}
                    </Text>
                    <Text fz="xs" c="dimmed">
                      {c.description}
                    </Text>
                  </div>
                </Group>
              </Radio.Card>
            ))}
          </Stack>
        </Radio.Group>
      ) : null}

      <Group justify="flex-end">
        <Button variant="default" onClick={onClose} disabled={loading}>
          Cancel
        </Button>
        <Button
          color="red"
          loading={loading}
          disabled={!ready || (needsChoice && !choice)}
          onClick={() => void confirm()}
        >
          {choice === 'REVOKE' && needsChoice ? 'Remove and revoke keys' : 'Remove'}
        </Button>
      </Group>
    </Stack>
  );
}

/**
 * Removing a member: lists the API keys they created in the team and asks whether those keep
 * working or are revoked now (no default), then offboards them. Server refusals (the last owner,
 * a role that may not remove them) are shown in the dialog.
 */
export function OffboardMemberModal({
  membership,
  teamId,
  opened,
  onClose,
  onDone,
}: OffboardMemberModalProps) {
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={`Remove ${membership.user.name}`}
      centered
      size="lg"
    >
      {opened ? (
        <Body
          key={membership.id}
          membership={membership}
          teamId={teamId}
          onClose={onClose}
          onDone={onDone}
        />
      ) : null}
    </Modal>
  );
}
