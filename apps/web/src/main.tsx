import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';

import { ApolloProvider } from '@apollo/client/react';
import { MantineProvider } from '@mantine/core';
import { Notifications, notifications } from '@mantine/notifications';
import { RouterProvider } from '@tanstack/react-router';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApolloClient, setSessionExpiredHandler } from './apollo/client';
import { getToken, setToken } from './apollo/token-storage';
import { createAppRouter } from './router';
import { theme } from './theme';

const client = createApolloClient();
const router = createAppRouter(client);

// The server refused a session the app still held: back to the login page, then return here.
setSessionExpiredHandler(() => {
  if (!getToken()) return;
  const here = router.state.location.href;
  setToken(null);
  notifications.show({
    color: 'orange',
    title: 'Session ended',
    message: 'Please log in again to continue.',
  });
  void router
    .navigate({ to: '/login', search: { redirect: here } })
    .then(() => client.clearStore());
});

const container = document.getElementById('root');
if (!container) throw new Error('#root is missing from index.html');

createRoot(container).render(
  <StrictMode>
    <ApolloProvider client={client}>
      <MantineProvider theme={theme}>
        <Notifications position="top-right" />
        <RouterProvider router={router} />
      </MantineProvider>
    </ApolloProvider>
  </StrictMode>,
);
