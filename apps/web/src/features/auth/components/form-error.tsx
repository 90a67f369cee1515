import { Alert } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import type { ReactNode } from 'react';

/** A problem with the whole form (as opposed to one field). */
export function FormError({ children }: { children: ReactNode }) {
  if (!children) return null;
  return (
    <Alert
      color="red"
      variant="light"
      icon={<IconAlertCircle size={18} />}
      role="alert"
      data-testid="form-error"
    >
      {children}
    </Alert>
  );
}
