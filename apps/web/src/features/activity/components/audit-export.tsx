import { Alert, Button, Group, Loader, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconDownload } from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
import { notifySuccess } from '../../../lib/notify';
import {
  AuditExportError,
  EXPORT_FORMATS,
  fetchAuditExport,
  formatBytes,
  saveFile,
  type AuditExportFormat,
} from '../export';

interface Running {
  format: AuditExportFormat;
  bytes: number;
}

/**
 * "Download CSV" and "Download JSON Lines": the team's whole activity log as a file, streamed from
 * the server with the bytes received shown as they arrive. Cancel stops the download.
 */
export function AuditExport({ teamId }: { teamId: string }) {
  const [running, setRunning] = useState<Running | null>(null);
  const [error, setError] = useState<string | null>(null);
  const abort = useRef<AbortController | null>(null);

  // Leaving the page stops a download in progress.
  useEffect(() => () => abort.current?.abort(), []);

  const start = async (format: AuditExportFormat) => {
    const controller = new AbortController();
    abort.current = controller;
    setError(null);
    setRunning({ format, bytes: 0 });
    try {
      const file = await fetchAuditExport(
        teamId,
        format,
        (bytes) => setRunning({ format, bytes }),
        controller.signal,
      );
      saveFile(file.blob, file.fileName);
      notifySuccess(
        'Activity exported',
        `${file.fileName} (${formatBytes(file.bytes)}) is in your downloads.`,
      );
    } catch (e) {
      if (controller.signal.aborted) return;
      setError(e instanceof AuditExportError ? e.message : 'The export failed. Please try again.');
    } finally {
      if (abort.current === controller) {
        abort.current = null;
        setRunning(null);
      }
    }
  };

  const cancel = () => {
    abort.current?.abort();
    abort.current = null;
    setRunning(null);
  };

  return (
    <Stack gap="xs" align="flex-end" data-testid="audit-export">
      <Group gap="xs">
        {(Object.keys(EXPORT_FORMATS) as AuditExportFormat[]).map((format) => (
          <Button
            key={format}
            size="xs"
            variant="default"
            leftSection={<IconDownload size={14} />}
            loading={running?.format === format}
            disabled={running !== null && running.format !== format}
            onClick={() => void start(format)}
          >
            Download {EXPORT_FORMATS[format].label}
          </Button>
        ))}
      </Group>
      {running ? (
        <Group gap="xs" data-testid="export-progress" aria-live="polite">
          <Loader size={12} />
          <Text fz="xs" c="dimmed">
            Exporting the whole log as {EXPORT_FORMATS[running.format].label}:{' '}
            {formatBytes(running.bytes)} received
          </Text>
          <Button size="compact-xs" variant="subtle" color="gray" onClick={cancel}>
            Cancel
          </Button>
        </Group>
      ) : (
        <Text fz="xs" c="dimmed">
          The whole log, every event since the team was created.
        </Text>
      )}
      {error ? (
        <Alert
          color="red"
          variant="light"
          icon={<IconAlertTriangle size={16} />}
          title="The export did not finish"
          role="alert"
          data-testid="export-error"
          maw={420}
          withCloseButton
          onClose={() => setError(null)}
        >
          {error}
        </Alert>
      ) : null}
    </Stack>
  );
}
