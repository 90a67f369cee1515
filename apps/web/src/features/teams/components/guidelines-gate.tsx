import { Button, Group, Modal, ScrollArea, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { notifyError } from '../../../lib/notify';
import { useAcknowledgeTeamGuidelines, useTeamGuidelines } from '../hooks/use-guidelines';
import { GuidelinesMarkdown } from './guidelines-markdown';

/**
 * "Team guidelines" on a member's first visit to the team (and after the guidelines changed):
 * shown until they confirm reading them. The confirmation is kept on their membership, so it is
 * not asked again on this or any other device. Closing without confirming asks again next visit.
 */
export function GuidelinesGate({ teamId, teamName }: { teamId: string; teamName: string }) {
  const { guidelines, unread, loaded } = useTeamGuidelines(teamId);
  const { acknowledge, loading } = useAcknowledgeTeamGuidelines(teamId);
  // Decided once, when the visit's data arrives: guidelines edited during the visit (by this
  // member, in settings) do not open the dialog over the editor.
  const [show, setShow] = useState<boolean | null>(null);
  if (show === null && loaded) setShow(unread);

  const confirm = async () => {
    try {
      await acknowledge();
      setShow(false);
    } catch (error) {
      notifyError('Could not save that you read the guidelines', error);
    }
  };

  return (
    <Modal
      opened={Boolean(show && guidelines)}
      onClose={() => setShow(false)}
      title="Team guidelines"
      centered
      size="lg"
      data-testid="guidelines-modal"
    >
      <Stack gap="md">
        <Text fz="sm" c="dimmed">
          Before you start in <b>{teamName}</b>, read the rules your team agreed on. You can read
          them again at any time on the team&apos;s Settings tab.
        </Text>
        <ScrollArea.Autosize mah="55vh" type="auto">
          <GuidelinesMarkdown source={guidelines ?? ''} />
        </ScrollArea.Autosize>
        <Group justify="flex-end">
          <Button variant="default" onClick={() => setShow(false)} disabled={loading}>
            Later
          </Button>
          <Button loading={loading} onClick={() => void confirm()} data-autofocus>
            I have read them
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
