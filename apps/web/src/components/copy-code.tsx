import { ActionIcon, Code, CopyButton, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';

/** A block of code with a copy button in its corner. */
export function CopyCode({
  code,
  label = 'Copy',
  testId,
}: {
  code: string;
  /** What the button copies, for screen readers ("Copy the curl command"). */
  label?: string;
  testId?: string;
}) {
  return (
    <div style={{ position: 'relative' }}>
      <Code block fz="xs" pr={44} data-testid={testId}>
        {code}
      </Code>
      <CopyButton value={code}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? 'Copied' : 'Copy'} withArrow>
            <ActionIcon
              variant="subtle"
              color={copied ? 'teal' : 'gray'}
              onClick={copy}
              aria-label={label}
              style={{ position: 'absolute', top: 6, right: 6 }}
            >
              {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </div>
  );
}
