import {
  ActionIcon,
  Alert,
  Button,
  Checkbox,
  Code,
  CopyButton,
  Group,
  Stack,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconCopy } from '@tabler/icons-react';

/**
 * The whole key, shown this once: a monospace field with a copy button, a warning that it
 * cannot be shown again, and an "I have stored it" box that must be ticked before Done.
 */
export function SecretReveal({
  secret,
  stored,
  onStoredChange,
  onDone,
}: {
  secret: string;
  stored: boolean;
  onStoredChange: (stored: boolean) => void;
  onDone: () => void;
}) {
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
        label="I have stored it somewhere safe"
        checked={stored}
        onChange={(event) => onStoredChange(event.currentTarget.checked)}
      />
      <Group justify="flex-end">
        <Button onClick={onDone} disabled={!stored}>
          Done
        </Button>
      </Group>
    </Stack>
  );
}
