import {
  Alert,
  Button,
  Collapse,
  Group,
  Input,
  NumberInput,
  Radio,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
  UnstyledButton,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertTriangle, IconChevronDown, IconChevronRight } from '@tabler/icons-react';
import { useState } from 'react';
import { toApiErrorInfo } from '../../../apollo/errors';
import type { Environment, KeyExpiration } from '../../../gql/graphql';
import { formatDay } from '../../../lib/time';
import { FormError } from '../../auth/components/form-error';
import { applyServerError } from '../../auth/server-errors';
import { useCreateApiKey } from '../hooks/use-api-key-mutations';
import {
  ENVIRONMENT_HINTS,
  ENVIRONMENT_LABELS,
  EXPIRATION_OPTIONS,
  expirationDays,
  isEnvironment,
} from '../labels';
import {
  KEY_DESCRIPTION_MAX,
  KEY_NAME_MAX,
  RATE_LIMIT_MAX,
  toLimit,
  validateKeyDescription,
  validateKeyName,
  validateLimit,
} from '../validation';
import { SecretModal, SecretReveal } from './secret-reveal';

interface CreateKeyValues {
  name: string;
  description: string;
  environment: Environment;
  expiration: KeyExpiration;
  monthlyRequestLimit: number | string;
  rateLimitPerMinute: number | string;
}

const SERVER_FIELDS = ['name', 'description', 'monthlyRequestLimit', 'rateLimitPerMinute'] as const;

function expiryHint(expiration: KeyExpiration): string {
  const days = expirationDays(expiration);
  if (days === null) return 'The key works until someone revokes it.';
  return `The key stops working on ${formatDay(new Date(Date.now() + days * 86_400_000))}.`;
}

function CreateForm({
  teamId,
  defaultEnvironment,
  onCreated,
  onCancel,
}: {
  teamId: string;
  defaultEnvironment: Environment;
  onCreated: (secret: string, apiKeyId: string) => void;
  onCancel: () => void;
}) {
  const { create, loading } = useCreateApiKey(teamId);
  const [formError, setFormError] = useState<string | null>(null);
  const [advanced, setAdvanced] = useState(false);
  const form = useForm<CreateKeyValues>({
    mode: 'controlled',
    initialValues: {
      name: '',
      description: '',
      environment: defaultEnvironment,
      expiration: 'DAYS_90',
      monthlyRequestLimit: '',
      rateLimitPerMinute: '',
    },
    validate: {
      name: validateKeyName,
      description: validateKeyDescription,
      monthlyRequestLimit: (value) => validateLimit(value),
      rateLimitPerMinute: (value) => validateLimit(value, RATE_LIMIT_MAX),
    },
  });
  const values = form.getValues();

  const handleSubmit = form.onSubmit(
    async (v) => {
      setFormError(null);
      try {
        const created = await create({
          name: v.name,
          description: v.description,
          environment: v.environment,
          expiration: v.expiration,
          monthlyRequestLimit: toLimit(v.monthlyRequestLimit),
          rateLimitPerMinute: toLimit(v.rateLimitPerMinute),
        });
        if (created) onCreated(created.secret, created.apiKey.id);
      } catch (error) {
        setFormError(applyServerError(form, error, SERVER_FIELDS, { conflictField: 'name' }));
        const { fields } = toApiErrorInfo(error);
        if (fields.monthlyRequestLimit || fields.rateLimitPerMinute) setAdvanced(true);
      }
    },
    (errors) => {
      if (errors.monthlyRequestLimit || errors.rateLimitPerMinute) setAdvanced(true);
    },
  );

  return (
    <form onSubmit={handleSubmit} noValidate data-testid="create-key-form">
      <Stack gap="md">
        <FormError>{formError}</FormError>
        <TextInput
          label="Name"
          description="What uses this key, e.g. “Checkout service” or “Nightly sync”."
          placeholder="Checkout service"
          required
          maxLength={KEY_NAME_MAX}
          data-autofocus
          key={form.key('name')}
          {...form.getInputProps('name')}
        />
        <Textarea
          label="Description"
          placeholder="Optional: where it runs, who looks after it"
          autosize
          minRows={2}
          maxRows={5}
          maxLength={KEY_DESCRIPTION_MAX}
          key={form.key('description')}
          {...form.getInputProps('description')}
        />
        <Radio.Group
          label="Environment"
          description="Use separate keys for development and production."
          required
          key={form.key('environment')}
          {...form.getInputProps('environment')}
          onChange={(value) => {
            if (isEnvironment(value)) form.setFieldValue('environment', value);
          }}
        >
          <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm" mt="xs">
            {(['DEVELOPMENT', 'PRODUCTION'] as const).map((environment) => (
              <Radio.Card
                key={environment}
                value={environment}
                radius="md"
                p="sm"
                aria-label={ENVIRONMENT_LABELS[environment]}
              >
                <Group wrap="nowrap" align="flex-start" gap="sm">
                  <Radio.Indicator mt={2} />
                  <div>
                    <Text fw={600} fz="sm">
                      {ENVIRONMENT_LABELS[environment]}
                    </Text>
                    <Text fz="xs" c="dimmed">
                      {ENVIRONMENT_HINTS[environment]}
                    </Text>
                  </div>
                </Group>
              </Radio.Card>
            ))}
          </SimpleGrid>
        </Radio.Group>
        <Input.Wrapper label="Expiration" description={expiryHint(values.expiration)}>
          <SegmentedControl
            fullWidth
            mt="xs"
            aria-label="Expiration"
            data={EXPIRATION_OPTIONS.map(({ value, label }) => ({ value, label }))}
            value={values.expiration}
            onChange={(value) => form.setFieldValue('expiration', value)}
          />
        </Input.Wrapper>
        {values.environment === 'PRODUCTION' && values.expiration === 'NEVER' ? (
          <Alert
            color="yellow"
            variant="light"
            icon={<IconAlertTriangle size={18} />}
            title="Consider an expiry date"
            data-testid="never-expires-warning"
          >
            A production key that never expires stays valid wherever it leaks. Pick 90 or 180 days
            and rotate it before it runs out.
          </Alert>
        ) : null}
        <div>
          <UnstyledButton
            onClick={() => setAdvanced((open) => !open)}
            aria-expanded={advanced}
            aria-controls="create-key-advanced"
          >
            <Group gap={4}>
              {advanced ? <IconChevronDown size={16} /> : <IconChevronRight size={16} />}
              <Text fz="sm" fw={500}>
                Advanced: usage limits
              </Text>
            </Group>
          </UnstyledButton>
          <Collapse expanded={advanced} id="create-key-advanced">
            <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm" mt="sm">
              <NumberInput
                label="Monthly requests"
                description="Per calendar month (UTC). Empty: no limit."
                placeholder="No limit"
                min={1}
                allowDecimal={false}
                allowNegative={false}
                thousandSeparator=","
                key={form.key('monthlyRequestLimit')}
                {...form.getInputProps('monthlyRequestLimit')}
              />
              <NumberInput
                label="Requests per minute"
                description="Empty: no limit."
                placeholder="No limit"
                min={1}
                max={RATE_LIMIT_MAX}
                allowDecimal={false}
                allowNegative={false}
                thousandSeparator=","
                key={form.key('rateLimitPerMinute')}
                {...form.getInputProps('rateLimitPerMinute')}
              />
            </SimpleGrid>
          </Collapse>
        </div>
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={loading}>
            Generate API key
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The create dialog: the form, then the once-shown secret that must be acknowledged. */
export function CreateApiKeyModal({
  teamId,
  opened,
  defaultEnvironment = 'DEVELOPMENT',
  onClose,
}: {
  teamId: string;
  opened: boolean;
  defaultEnvironment?: Environment;
  onClose: () => void;
}) {
  const [secret, setSecret] = useState<string | null>(null);
  const [keyId, setKeyId] = useState<string | undefined>(undefined);
  const [stored, setStored] = useState(false);
  const locked = secret !== null && !stored;

  const close = () => {
    if (locked) return;
    setSecret(null);
    setStored(false);
    onClose();
  };

  return (
    <SecretModal
      opened={opened}
      onClose={close}
      title={secret ? 'Your new API key' : 'Create API key'}
      locked={locked}
    >
      {secret ? (
        <SecretReveal
          secret={secret}
          apiKeyId={keyId}
          stored={stored}
          onStoredChange={setStored}
          onDone={close}
        />
      ) : (
        <CreateForm
          teamId={teamId}
          defaultEnvironment={defaultEnvironment}
          onCreated={(created, id) => {
            setSecret(created);
            setKeyId(id);
          }}
          onCancel={close}
        />
      )}
    </SecretModal>
  );
}
