import { createRoute } from '@tanstack/react-router';
import { SignUpForm } from '../features/auth/components/signup-form';
import { rootRoute } from './__root';
import { redirectSignedIn, validateRedirectSearch } from './guest';

export const signupRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/signup',
  validateSearch: validateRedirectSearch,
  beforeLoad: ({ context, search }) => redirectSignedIn(context.client, search),
  component: SignUpPage,
});

function SignUpPage() {
  const { redirect, email } = signupRoute.useSearch();
  return <SignUpForm redirect={redirect} email={email} />;
}
