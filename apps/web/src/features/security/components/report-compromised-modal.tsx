import { Alert, Button, Group, List, Radio, Stack, Text, Textarea } from '@mantine/core';
import { IconAlertOctagon, IconMail } from '@tabler/icons-react';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import type { ApiKeyFieldsFragment, CompromiseAction } from '../../../gql/graphql';
import { notifyError, notifySuccess } from '../../../lib/notify';
import { KeyStart } from '../../api-keys/components/key-badges';
import { SecretModal, SecretReveal } from '../../api-keys/components/secret-reveal';
import { displayStart } from '../../api-keys/labels';
import { useReportCompromisedKey } from '../hooks/use-security-mutations';
import { INCIDENT_DETAILS_MAX } from '../validation';
import { GUIDE_STEPS } from './guide-steps';

/** A whole key pasted into the details would be mailed around: refuse it here. */
const SECRET_PATTERN = /ppk_(test|live)_[A-Za-z0-9]{8,}/;

function detailsError(details: string): string | null {
  if (details.trim().length > INCIDENT_DETAILS_MAX) {
    return `At most ${INCIDENT_DETAILS_MAX} characters`;
  }
  if (SECRET_PATTERN.test(details)) {
    return 'Remove the key itself: these details are mailed to your owners and to support.';
  }
  return null;
}

function ReportForm({
  apiKey,
  loading,
  onConfirm,
  onCancel,
}: {
  apiKey: ApiKeyFieldsFragment;
  loading: boolean;
  onConfirm: (action: CompromiseAction, details: string) => void;
  onCancel: () => void;
}) {
  const [action, setAction] = useState<CompromiseAction>('ROTATE');
  const [details, setDetails] = useState('');
  const error = detailsError(details);

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (!error) onConfirm(action, details);
      }}
    >
      <Stack gap="md">
        <Text fz="sm">
          If <b>{apiKey.name}</b> (<KeyStart start={apiKey.start} />) may have leaked (committed to
          a repository, pasted in a chat, left on a lost laptop), follow the partner guide&apos;s
          five steps. This page does the first; the next page walks you through the others.
        </Text>
        <List size="sm" type="ordered" spacing={2} c="dimmed">
          {GUIDE_STEPS.map((step) => (
            <List.Item key={step.title}>{step.title}</List.Item>
          ))}
        </List>
        <Alert color="red" variant="light" icon={<IconAlertOctagon size={18} />}>
          The key stops working <b>at once</b>, with no grace period: every request that still uses
          it is refused from now on. This cannot be undone.
        </Alert>
        <Radio.Group
          label="Step 1: revoke the key"
          value={action}
          onChange={(value) => setAction(value === 'REVOKE' ? 'REVOKE' : 'ROTATE')}
        >
          <Stack gap="sm" mt="xs">
            <Radio
              value="ROTATE"
              label="Revoke it and create a replacement"
              description={
                apiKey.replacedBy
                  ? `It was already rotated: its replacement (${displayStart(apiKey.replacedBy.start)}) stands and no new key is created. The old key stops now instead of at the end of its grace period.`
                  : 'A new key with the same name, environment, expiry period and limits. Its secret is shown once, on the next screen: you will put it in your applications.'
              }
            />
            <Radio
              value="REVOKE"
              label="Only revoke it"
              description="When nothing uses the key any more, or you will create a new key yourself."
            />
          </Stack>
        </Radio.Group>
        <Textarea
          label="What happened"
          description="Optional. Sent to your team's owners and to the provider's support with the report. Never paste the key itself."
          placeholder="e.g. The key was in a public commit for about an hour before we noticed."
          autosize
          minRows={3}
          maxRows={8}
          value={details}
          onChange={(event) => setDetails(event.currentTarget.value)}
          error={error}
        />
        <Group gap="xs" c="dimmed" wrap="nowrap">
          <IconMail size={16} style={{ flexShrink: 0 }} />
          <Text fz="xs" c="dimmed">
            The team&apos;s owners and the provider&apos;s support are mailed about this report.
          </Text>
        </Group>
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel} disabled={loading}>
            Cancel
          </Button>
          <Button type="submit" color="red" loading={loading} disabled={error !== null}>
            {action === 'ROTATE' ? 'Revoke and replace now' : 'Revoke now'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/**
 * Step 1 of the compromised-key flow, from the key's menu: revoke at once (or revoke and replace,
 * the replacement's secret shown once), then on to the incident's page for the other steps.
 */
export function ReportCompromisedModal({
  teamId,
  apiKey,
  onClose,
}: {
  teamId: string;
  /** The key to report; null: closed. */
  apiKey: ApiKeyFieldsFragment | null;
  onClose: () => void;
}) {
  const navigate = useNavigate();
  const { report, loading } = useReportCompromisedKey(teamId);
  const [done, setDone] = useState<{
    incidentId: string;
    secret: string | null;
    keyId: string | null;
  } | null>(null);
  const [stored, setStored] = useState(false);
  const locked = done?.secret != null && !stored;

  const finish = (incidentId: string) => {
    setDone(null);
    setStored(false);
    onClose();
    void navigate({
      to: '/teams/$teamId/security/incidents/$incidentId',
      params: { teamId, incidentId },
    });
  };

  const close = () => {
    if (loading || locked) return;
    if (done) {
      finish(done.incidentId);
      return;
    }
    onClose();
  };

  const confirm = async (action: CompromiseAction, details: string) => {
    if (!apiKey) return;
    try {
      const payload = await report(apiKey.id, action, details);
      if (!payload) return;
      notifySuccess(
        'Key revoked',
        action === 'ROTATE' && !payload.replacement
          ? `${apiKey.name} (${displayStart(apiKey.start)}) no longer works. It had already been replaced by a rotation: that replacement stands. Your owners and support were mailed.`
          : `${apiKey.name} (${displayStart(apiKey.start)}) no longer works. Your owners and support were mailed.`,
      );
      if (payload.replacement) {
        setDone({
          incidentId: payload.incident.id,
          secret: payload.replacement.secret,
          keyId: payload.replacement.apiKey.id,
        });
      } else {
        finish(payload.incident.id);
      }
    } catch (error) {
      notifyError(`Could not report ${apiKey.name}`, error);
    }
  };

  return (
    <SecretModal
      opened={apiKey !== null}
      onClose={close}
      title={done?.secret ? 'Your replacement key' : 'Report a compromised key'}
      locked={locked}
    >
      {done?.secret ? (
        <Stack gap="sm">
          <Text fz="sm">
            The old key is revoked. This replacement works at once: you will put it in your
            applications in the next step.
          </Text>
          <SecretReveal
            secret={done.secret}
            apiKeyId={done.keyId ?? undefined}
            stored={stored}
            onStoredChange={setStored}
            onDone={() => finish(done.incidentId)}
          />
        </Stack>
      ) : apiKey ? (
        <ReportForm
          apiKey={apiKey}
          loading={loading}
          onConfirm={(action, details) => void confirm(action, details)}
          onCancel={close}
        />
      ) : null}
    </SecretModal>
  );
}
