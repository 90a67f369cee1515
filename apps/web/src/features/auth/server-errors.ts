import { toApiErrorInfo } from '../../apollo/errors';

interface FormWithErrors<Field extends string> {
  setErrors: (errors: Partial<Record<Field, string>>) => void;
}

/**
 * Puts the api's per-field messages (`extensions.fields`) on the form's fields and returns
 * the message to show above the form, or null when every problem sits on a field.
 */
export function applyServerError<Field extends string>(
  form: FormWithErrors<Field>,
  error: unknown,
  fields: readonly Field[],
  options: { conflictField?: Field } = {},
): string | null {
  const info = toApiErrorInfo(error);
  const onForm: Partial<Record<Field, string>> = {};
  const elsewhere: string[] = [];
  for (const [name, message] of Object.entries(info.fields)) {
    if ((fields as readonly string[]).includes(name)) onForm[name as Field] = message;
    else elsewhere.push(message);
  }
  if (info.code === 'CONFLICT' && options.conflictField && Object.keys(onForm).length === 0) {
    onForm[options.conflictField] = info.message;
  }
  const placed = Object.keys(onForm).length > 0;
  if (placed) form.setErrors(onForm);
  if (elsewhere.length > 0) return elsewhere.join(' ');
  return placed ? null : info.message;
}
