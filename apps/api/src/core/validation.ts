import { isEmail, ValidateBy, type ValidationOptions } from 'class-validator';

export const EMAIL_MAX = 254;

/** Trims and lower-cases an email, as it is stored and compared everywhere. */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

/** A syntactically valid address of at most 254 characters, once surrounding spaces are trimmed. */
export function IsEmailAddress(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isEmailAddress',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && value.trim().length <= EMAIL_MAX && isEmail(value.trim()),
        defaultMessage: () => 'Enter a valid email address.',
      },
    },
    options,
  );
}

/** A string whose trimmed length is within bounds (so "   " is not a name). */
export function IsTrimmedLength(min: number, max: number, message: string): PropertyDecorator {
  return ValidateBy({
    name: 'isTrimmedLength',
    constraints: [min, max],
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' && value.trim().length >= min && value.trim().length <= max,
      defaultMessage: () => message,
    },
  });
}
