import { Code, EmptyState, Stack, Text } from '@mantine/core';
import { IconSend } from '@tabler/icons-react';
import { CopyCode } from '../../../components/copy-code';

function curlExample(teamId: string): string {
  const origin = window.location.origin;
  const body = JSON.stringify({ query: `{ team(id: "${teamId}") { id name } }` });
  return [
    `curl -X POST ${origin}/graphql \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -H "X-API-Key: $PARTNER_API_KEY" \\`,
    `  -d '${body}'`,
  ].join('\n');
}

/** No traffic yet: how to send the first request with a key (never showing a secret). */
export function FirstRequest({
  teamId,
  keyStart,
  title,
  intro,
}: {
  teamId: string;
  /** The key's displayable start, to say which secret to use. */
  keyStart?: string;
  title: string;
  intro: string;
}) {
  const command = curlExample(teamId);
  return (
    <EmptyState
      py="lg"
      variant="light"
      icon={<IconSend size={26} />}
      title={title}
      description={intro}
      data-testid="usage-empty"
    >
      <Stack gap={6} maw={720} w="100%" mx="auto" ta="left" mt="sm">
        <Text fz="sm">
          Put the key&apos;s secret in <Code>PARTNER_API_KEY</Code>
          {keyStart ? (
            <>
              {' '}
              (it starts with <Code>{keyStart}</Code>)
            </>
          ) : null}
          , then call the API:
        </Text>
        <CopyCode code={command} label="Copy the command" testId="curl-example" />
        <Text fz="xs" c="dimmed">
          The secret was shown once, when the key was created. Requests show up here within a second
          while Live is on.
        </Text>
      </Stack>
    </EmptyState>
  );
}
