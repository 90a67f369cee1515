import { useQuery } from '@apollo/client/react';
import { Alert, Card, Code, Skeleton, Stack, Tabs, Text, Title } from '@mantine/core';
import { IconPlugConnected } from '@tabler/icons-react';
import { CopyCode } from '../../../components/copy-code';
import type { Environment } from '../../../gql/graphql';
import { ApiAccessQuery } from '../operations';

/** The snippets never hold a secret: the key comes from an environment variable. */
export function snippets(gatewayUrl: string, keyStart: string) {
  const url = `${gatewayUrl}/`;
  return {
    curl: [
      `# The key starting with ${keyStart} (its secret was shown once, when it was created)`,
      `export PARTNER_API_KEY="<your key>"`,
      `curl -sS "${url}" -H "Authorization: Bearer $PARTNER_API_KEY"`,
    ].join('\n'),
    javascript: [
      `// The key starting with ${keyStart}, from the environment (Node.js 18 or later)`,
      `const res = await fetch('${url}', {`,
      '  headers: { Authorization: `Bearer ${process.env.PARTNER_API_KEY}` },',
      `});`,
      `console.log(res.status, await res.json());`,
    ].join('\n'),
    python: [
      `# The key starting with ${keyStart}, from the environment (pip install requests)`,
      `import os, requests`,
      ``,
      `res = requests.get(`,
      `    "${url}",`,
      `    headers={"Authorization": f"Bearer {os.environ['PARTNER_API_KEY']}"},`,
      `)`,
      `print(res.status_code, res.json())`,
    ].join('\n'),
  };
}

/** How to call the provider's own API with this key, through its gateway. */
export function CallTheApi({
  keyStart,
  environment,
}: {
  keyStart: string;
  environment: Environment;
}) {
  const { data, loading, error } = useQuery(ApiAccessQuery);
  const gatewayUrl = data?.apiAccess.gatewayUrl ?? null;
  return (
    <Card withBorder radius="lg" padding="lg" data-testid="call-the-api">
      <Stack gap="sm">
        <div>
          <Title order={3} fz="lg">
            <IconPlugConnected size={18} style={{ verticalAlign: -3 }} /> Call the API with this key
          </Title>
          <Text fz="sm" c="dimmed">
            Send the key as <Code>Authorization: Bearer …</Code> (or <Code>X-API-Key</Code>). Every
            request counts in this page&apos;s usage, with its status code.
            {environment === 'DEVELOPMENT'
              ? ' A development key reaches the sandbox, never live data.'
              : ' A production key reaches live data: keep it on your servers.'}
          </Text>
        </div>
        {loading ? <Skeleton h={120} radius="md" /> : null}
        {error ? (
          <Alert color="red" title="We could not load the API's address">
            {error.message}
          </Alert>
        ) : null}
        {!loading && !error && !gatewayUrl ? (
          <Alert color="gray" title="No gateway address yet" data-testid="no-gateway">
            Your provider has not published the address of its API here yet. Use this key as its
            documentation describes.
          </Alert>
        ) : null}
        {gatewayUrl ? <Snippets gatewayUrl={gatewayUrl} keyStart={keyStart} /> : null}
      </Stack>
    </Card>
  );
}

function Snippets({ gatewayUrl, keyStart }: { gatewayUrl: string; keyStart: string }) {
  const code = snippets(gatewayUrl, keyStart);
  return (
    <>
      <Text fz="sm">
        The API is at <Code data-testid="gateway-url">{gatewayUrl}</Code>. Put the key&apos;s secret
        in <Code>PARTNER_API_KEY</Code>, then:
      </Text>
      <Tabs defaultValue="curl" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="curl">curl</Tabs.Tab>
          <Tabs.Tab value="javascript">JavaScript</Tabs.Tab>
          <Tabs.Tab value="python">Python</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="curl" pt="xs">
          <CopyCode code={code.curl} label="Copy the curl command" testId="snippet-curl" />
        </Tabs.Panel>
        <Tabs.Panel value="javascript" pt="xs">
          <CopyCode
            code={code.javascript}
            label="Copy the JavaScript"
            testId="snippet-javascript"
          />
        </Tabs.Panel>
        <Tabs.Panel value="python" pt="xs">
          <CopyCode code={code.python} label="Copy the Python" testId="snippet-python" />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}
