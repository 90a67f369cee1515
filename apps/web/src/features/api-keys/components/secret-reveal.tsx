import {
  ActionIcon,
  Alert,
  Button,
  Checkbox,
  Code,
  CopyButton,
  Group,
  Modal,
  Stack,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { useMutation } from '@apollo/client/react';
import { IconAlertTriangle, IconCheck, IconCopy } from '@tabler/icons-react';
import { useState, type ReactNode } from 'react';
import { toApiErrorInfo } from '../../../apollo/errors';
import { graphql } from '../../../gql';

/**
 * The dialog a new secret is shown in: it cannot be dismissed (Escape, outside click, close
 * button) while `locked`, i.e. while the secret is shown and not yet confirmed as stored.
 */
export function SecretModal({
  opened,
  onClose,
  title,
  locked,
  children,
}: {
  opened: boolean;
  onClose: () => void;
  title: string;
  locked: boolean;
  children: ReactNode;
}) {
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={title}
      centered
      size="lg"
      closeOnEscape={!locked}
      closeOnClickOutside={!locked}
      withCloseButton={!locked}
    >
      {children}
    </Modal>
  );
}

/** Records that the key's secret was stored securely (the "Store keys securely" checklist item). */
export const AcknowledgeApiKeySecretStoredMutation = graphql(`
  mutation AcknowledgeApiKeySecretStored($id: ID!) {
    acknowledgeApiKeySecretStored(id: $id) {
      id
      secretStoredAt
    }
  }
`);

/**
 * The whole key, shown this once: a monospace field with a copy button, a warning that it
 * cannot be shown again, and an "I have stored it securely" box that must be ticked before Done.
 * With `apiKeyId`, ticking it also records the acknowledgement on the key (once), which ticks
 * the dashboard's "Store keys securely" item.
 */
export function SecretReveal({
  secret,
  apiKeyId,
  stored,
  onStoredChange,
  onDone,
}: {
  secret: string;
  /** The key the secret belongs to. */
  apiKeyId?: string;
  stored: boolean;
  onStoredChange: (stored: boolean) => void;
  onDone: () => void;
}) {
  const [acknowledge, { loading, called }] = useMutation(AcknowledgeApiKeySecretStoredMutation);
  const [failure, setFailure] = useState<string | null>(null);

  const onChange = (checked: boolean) => {
    onStoredChange(checked);
    if (!checked || !apiKeyId || (called && !failure)) return;
    setFailure(null);
    acknowledge({ variables: { id: apiKeyId } }).catch((error: unknown) =>
      setFailure(toApiErrorInfo(error).message),
    );
  };

  return (
    <Stack gap="md" data-testid="secret-reveal">
      <Alert
        color="orange"
        variant="light"
        icon={<IconAlertTriangle size={18} />}
        title="Copy your key now"
      >
        This is the only time the whole key is shown. We keep only a hash of it, so nobody can show
        it to you again. If you lose it, rotate the key to get a new one.
      </Alert>
      <TextInput
        label="API key"
        value={secret}
        readOnly
        data-testid="api-key-secret"
        onFocus={(event) => event.currentTarget.select()}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
        rightSectionWidth={42}
        rightSection={
          <CopyButton value={secret} timeout={2000}>
            {({ copied, copy }) => (
              <Tooltip label={copied ? 'Copied' : 'Copy'} withArrow position="left">
                <ActionIcon
                  variant="subtle"
                  color={copied ? 'teal' : 'gray'}
                  onClick={copy}
                  aria-label={copied ? 'Copied' : 'Copy the key'}
                >
                  {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
                </ActionIcon>
              </Tooltip>
            )}
          </CopyButton>
        }
      />
      <Text fz="sm" c="dimmed">
        Send it with each request to <Code>POST /graphql</Code> as an <Code>X-API-Key</Code> header
        (or <Code>Authorization: Bearer …</Code>). Keep it out of source control and front-end code.
      </Text>
      <Checkbox
        label="I have stored it securely"
        description="In a secrets manager or your server's environment, not in code or a chat."
        checked={stored}
        onChange={(event) => onChange(event.currentTarget.checked)}
        data-testid="secret-stored"
      />
      {failure ? (
        <Text fz="xs" c="red" role="alert">
          We could not record it for your team&apos;s checklist: {failure} Tick the box again to
          retry.
        </Text>
      ) : null}
      <Group justify="flex-end">
        <Button onClick={onDone} disabled={!stored} loading={loading}>
          Done
        </Button>
      </Group>
    </Stack>
  );
}
