import { notifications } from '@mantine/notifications';
import { toApiErrorInfo } from '../apollo/errors';

export function notifySuccess(title: string, message: string): void {
  notifications.show({ color: 'teal', title, message, autoClose: 4000 });
}

/** Shows the server's message (CONFLICT, FORBIDDEN, RATE_LIMITED…) for a failed action. */
export function notifyError(title: string, error: unknown): void {
  notifications.show({ color: 'red', title, message: toApiErrorInfo(error).message });
}
