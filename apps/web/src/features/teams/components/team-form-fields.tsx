import { Textarea, TextInput } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { TEAM_DESCRIPTION_MAX, TEAM_NAME_MAX } from '../validation';

export interface TeamFormValues {
  name: string;
  description: string;
}

/** Name and description inputs shared by the create and settings forms. */
export function TeamFormFields({
  form,
  readOnly = false,
  autoFocus = false,
}: {
  form: UseFormReturnType<TeamFormValues>;
  readOnly?: boolean;
  autoFocus?: boolean;
}) {
  const description = form.getValues().description;
  return (
    <>
      <TextInput
        label="Team name"
        placeholder="Acme Integrations"
        required={!readOnly}
        readOnly={readOnly}
        maxLength={TEAM_NAME_MAX}
        data-autofocus={autoFocus || undefined}
        key={form.key('name')}
        {...form.getInputProps('name')}
      />
      <Textarea
        label="Description"
        placeholder="What this team builds with our API (optional)"
        readOnly={readOnly}
        autosize
        minRows={2}
        maxRows={6}
        maxLength={TEAM_DESCRIPTION_MAX}
        description={readOnly ? undefined : `${description.length}/${TEAM_DESCRIPTION_MAX}`}
        key={form.key('description')}
        {...form.getInputProps('description')}
      />
    </>
  );
}
