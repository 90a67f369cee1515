import { useMutation } from '@apollo/client/react';
import { notifications } from '@mantine/notifications';
import { useCallback } from 'react';
import { hasErrorCode, toApiErrorInfo } from '../../../apollo/errors';
import { LogOutMutation } from '../operations';
import { useSession } from './use-session';

export function useLogOut() {
  const [logOut, { loading }] = useMutation(LogOutMutation);
  const { signOut } = useSession();

  /** `redirect` and `email` carry on to the login page (e.g. back to an invitation). */
  const run = useCallback(
    async (options: { redirect?: string; email?: string } = {}) => {
      try {
        await logOut();
      } catch (error) {
        // An already ended session is as good as a successful logout.
        if (!hasErrorCode(error, 'UNAUTHENTICATED')) {
          notifications.show({
            color: 'red',
            title: 'Could not log out',
            message: toApiErrorInfo(error).message,
          });
          return;
        }
      }
      await signOut(options);
      notifications.show({ message: 'You have been logged out.', autoClose: 3000 });
    },
    [logOut, signOut],
  );

  return { logOut: run, loading };
}
