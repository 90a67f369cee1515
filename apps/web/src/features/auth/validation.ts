/** Client-side checks mirroring the api's rules (the server stays the authority). */
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;
export const NAME_MAX = 100;

export function validateEmail(value: string): string | null {
  const email = value.trim();
  if (!email) return 'Enter your email address.';
  if (!EMAIL_PATTERN.test(email)) return 'Enter a valid email address.';
  return null;
}

export function validateNewPassword(value: string): string | null {
  if (value.length < PASSWORD_MIN) return `Use at least ${PASSWORD_MIN} characters.`;
  if (value.length > PASSWORD_MAX) return `Use at most ${PASSWORD_MAX} characters.`;
  return null;
}

export function validateCurrentPassword(value: string): string | null {
  return value ? null : 'Enter your password.';
}

export function validateName(value: string): string | null {
  const name = value.trim();
  if (!name) return 'Enter your name.';
  if (name.length > NAME_MAX) return `Use at most ${NAME_MAX} characters.`;
  return null;
}

/** Only same-origin paths are valid post-login destinations (no open redirects). */
export function safeRedirect(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return undefined;
  if (/^\/(login|signup)(\/|\?|#|$)/.test(value)) return undefined;
  return value;
}
