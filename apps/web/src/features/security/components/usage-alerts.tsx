import { useQuery } from '@apollo/client/react';
import {
  ActionIcon,
  Button,
  EmptyState,
  Group,
  Modal,
  NumberInput,
  Select,
  Stack,
  Table,
  Text,
  Tooltip,
} from '@mantine/core';
import { IconBellPlus, IconBellRinging, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { ConfirmModal } from '../../../components/confirm-modal';
import { RelativeTimeOr } from '../../../components/relative-time';
import type { UsageAlertFieldsFragment, UsageAlertKind } from '../../../gql/graphql';
import { toApiErrorInfo } from '../../../apollo/errors';
import { notifyError, notifySuccess } from '../../../lib/notify';
import { FormError } from '../../auth/components/form-error';
import { displayStart } from '../../api-keys/labels';
import { KeyStart } from '../../api-keys/components/key-badges';
import { useCreateUsageAlert, useDeleteUsageAlert } from '../hooks/use-security-mutations';
import { ALERT_KIND_HINTS, ALERT_KIND_LABELS, isAlertKind } from '../labels';
import { AlertableKeysQuery } from '../operations';
import { formatShare, NO_MONTHLY_LIMIT, thresholdError, toShare } from '../validation';

const EVERY_KEY = '__every_key__';

function alertSummary(alert: UsageAlertFieldsFragment): string {
  const target = alert.apiKey ? `${alert.apiKey.name}` : 'any key of the team';
  return alert.kind === 'MONTHLY_QUOTA'
    ? `${target} has used ${formatShare(alert.threshold)} of its monthly limit`
    : `${formatShare(alert.threshold)} of ${alert.apiKey ? 'its' : 'a key’s'} requests fail over 5 minutes`;
}

function CreateAlertModal({
  teamId,
  opened,
  onClose,
}: {
  teamId: string;
  opened: boolean;
  onClose: () => void;
}) {
  const { create, loading } = useCreateUsageAlert(teamId);
  const { data: keysData } = useQuery(AlertableKeysQuery, {
    variables: { teamId },
    skip: !opened,
  });
  const [kind, setKind] = useState<UsageAlertKind>('MONTHLY_QUOTA');
  const [percent, setPercent] = useState<number | string>(80);
  const [keyId, setKeyId] = useState<string>(EVERY_KEY);
  const [submitted, setSubmitted] = useState(false);
  const [serverError, setServerError] = useState<string | null>(null);
  const [serverFields, setServerFields] = useState<Record<string, string>>({});
  const error = thresholdError(percent);
  const keys = keysData?.team?.apiKeys ?? [];
  const chosenKey = keys.find((k) => k.id === keyId);
  const keyError =
    kind === 'MONTHLY_QUOTA' && chosenKey && chosenKey.monthlyRequestLimit === null
      ? NO_MONTHLY_LIMIT
      : null;

  const reset = () => {
    setKind('MONTHLY_QUOTA');
    setPercent(80);
    setKeyId(EVERY_KEY);
    setSubmitted(false);
    setServerError(null);
    setServerFields({});
  };

  const close = () => {
    if (loading) return;
    reset();
    onClose();
  };

  const submit = async () => {
    setSubmitted(true);
    setServerError(null);
    setServerFields({});
    if (error || keyError || typeof percent !== 'number') return;
    try {
      await create({
        kind,
        threshold: toShare(percent),
        apiKeyId: keyId === EVERY_KEY ? null : keyId,
      });
      notifySuccess(
        'Usage alert created',
        `Owners and admins are mailed when ${kind === 'MONTHLY_QUOTA' ? 'the monthly quota' : 'the error rate'} passes ${percent} %.`,
      );
      reset();
      onClose();
    } catch (caught) {
      const info = toApiErrorInfo(caught);
      setServerFields(info.fields);
      if (Object.keys(info.fields).length === 0) setServerError(info.message);
    }
  };

  return (
    <Modal opened={opened} onClose={close} title="New usage alert" centered size="lg">
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <Stack gap="md">
          <Text fz="sm">
            The team&apos;s owners and admins get one mail when usage crosses the threshold, and
            another only after it has fallen back below it and crossed again.
          </Text>
          <Select
            label="Watch"
            data={(['MONTHLY_QUOTA', 'ERROR_RATE'] as const).map((value) => ({
              value,
              label: ALERT_KIND_LABELS[value],
            }))}
            value={kind}
            onChange={(value) => {
              if (isAlertKind(value)) setKind(value);
            }}
            allowDeselect={false}
            description={ALERT_KIND_HINTS[kind]}
            comboboxProps={{ withinPortal: true }}
          />
          <NumberInput
            label="Threshold"
            description={
              kind === 'MONTHLY_QUOTA'
                ? 'Share of the monthly request limit used, in percent.'
                : 'Share of failed requests over the last 5 minutes, in percent.'
            }
            suffix=" %"
            min={0}
            max={100}
            clampBehavior="none"
            decimalScale={2}
            value={percent}
            onChange={setPercent}
            error={(submitted ? error : null) ?? serverFields.threshold}
            required
          />
          <Select
            label="Key"
            description="One key, or every key of the team (each key is checked on its own)."
            data={[
              { value: EVERY_KEY, label: 'Every key of the team' },
              ...keys.map((k) => ({
                value: k.id,
                label: `${k.name} (${displayStart(k.start)})${k.monthlyRequestLimit === null ? ' · no monthly limit' : ''}`,
              })),
            ]}
            value={keyId}
            onChange={(value) => setKeyId(value ?? EVERY_KEY)}
            allowDeselect={false}
            error={keyError ?? serverFields.apiKeyId}
            searchable
            comboboxProps={{ withinPortal: true }}
          />
          <FormError>{serverError ?? serverFields.kind ?? null}</FormError>
          <Group justify="flex-end">
            <Button variant="default" onClick={close} disabled={loading}>
              Cancel
            </Button>
            <Button type="submit" loading={loading} leftSection={<IconBellPlus size={16} />}>
              Create alert
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** The team's usage alerts: what each watches, when it last fired; create and delete them. */
export function UsageAlerts({
  teamId,
  alerts,
  canAct,
}: {
  teamId: string;
  alerts: readonly UsageAlertFieldsFragment[];
  canAct: boolean;
}) {
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<UsageAlertFieldsFragment | null>(null);
  const { remove, loading: deleteLoading } = useDeleteUsageAlert(teamId);

  const confirmDelete = async () => {
    if (!deleting) return;
    try {
      await remove(deleting.id);
      notifySuccess('Usage alert deleted', 'Nobody is mailed for it any more.');
      setDeleting(null);
    } catch (error) {
      notifyError('Could not delete the alert', error);
    }
  };

  return (
    <Stack gap="md">
      {alerts.length === 0 ? (
        <EmptyState
          py="lg"
          variant="light"
          icon={<IconBellRinging size={26} />}
          title="No usage alerts"
          description="The partner guide asks teams to monitor API key usage regularly. An alert does it for you: a mail when a key nears its monthly limit, or when many of its requests fail."
          data-testid="usage-alerts-empty"
        >
          <EmptyState.Actions>
            {canAct ? (
              <Button leftSection={<IconBellPlus size={16} />} onClick={() => setCreating(true)}>
                Create an alert
              </Button>
            ) : (
              <Text fz="sm" c="dimmed">
                Owners and admins of this team create alerts.
              </Text>
            )}
          </EmptyState.Actions>
        </EmptyState>
      ) : (
        <>
          <Table.ScrollContainer minWidth={640}>
            <Table verticalSpacing="sm" data-testid="usage-alerts-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Alert</Table.Th>
                  <Table.Th>Key</Table.Th>
                  <Table.Th>Threshold</Table.Th>
                  <Table.Th>Last mailed</Table.Th>
                  {canAct ? <Table.Th w={50} /> : null}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {alerts.map((alert) => (
                  <Table.Tr key={alert.id} data-testid="usage-alert-row" data-kind={alert.kind}>
                    <Table.Td>
                      <Text fz="sm" fw={500}>
                        {ALERT_KIND_LABELS[alert.kind]}
                      </Text>
                      <Text fz="xs" c="dimmed">
                        When {alertSummary(alert)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      {alert.apiKey ? (
                        <>
                          <Text fz="sm">{alert.apiKey.name}</Text>
                          <KeyStart start={alert.apiKey.start} fz="xs" c="dimmed" />
                        </>
                      ) : (
                        <Text fz="sm" c="dimmed">
                          Every key
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Text fz="sm" ff="monospace">
                        {formatShare(alert.threshold)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <RelativeTimeOr value={alert.lastTriggeredAt} fallback="Not yet" />
                    </Table.Td>
                    {canAct ? (
                      <Table.Td>
                        <Tooltip label="Delete this alert" withArrow>
                          <ActionIcon
                            variant="subtle"
                            color="red"
                            aria-label={`Delete the ${ALERT_KIND_LABELS[alert.kind].toLowerCase()} alert`}
                            onClick={() => setDeleting(alert)}
                          >
                            <IconTrash size={16} />
                          </ActionIcon>
                        </Tooltip>
                      </Table.Td>
                    ) : null}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {canAct ? (
            <Group>
              <Button
                variant="light"
                leftSection={<IconBellPlus size={16} />}
                onClick={() => setCreating(true)}
              >
                New alert
              </Button>
            </Group>
          ) : null}
        </>
      )}
      {canAct ? (
        <>
          <CreateAlertModal teamId={teamId} opened={creating} onClose={() => setCreating(false)} />
          <ConfirmModal
            opened={deleting !== null}
            title="Delete usage alert"
            confirmLabel="Delete alert"
            loading={deleteLoading}
            onConfirm={confirmDelete}
            onClose={() => setDeleting(null)}
          >
            {deleting ? (
              <>
                Delete the alert for when {alertSummary(deleting)}? Owners and admins will no longer
                be mailed for it.
              </>
            ) : null}
          </ConfirmModal>
        </>
      ) : null}
    </Stack>
  );
}
