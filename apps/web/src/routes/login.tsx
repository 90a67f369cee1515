import { createRoute } from '@tanstack/react-router';
import { LoginForm } from '../features/auth/components/login-form';
import { rootRoute } from './__root';
import { redirectSignedIn, validateRedirectSearch } from './guest';

export const loginRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/login',
  validateSearch: validateRedirectSearch,
  beforeLoad: ({ context, search }) => redirectSignedIn(context.client, search),
  component: LoginPage,
});

function LoginPage() {
  const { redirect, email } = loginRoute.useSearch();
  return <LoginForm redirect={redirect} email={email} />;
}
