import { rootRoute } from './__root';
import { authedRoute } from './_authed';
import { dashboardRoute } from './_authed/index';
import { forgotPasswordRoute } from './forgot-password';
import { loginRoute } from './login';
import { resetPasswordRoute } from './reset-password';
import { signupRoute } from './signup';

export const routeTree = rootRoute.addChildren([
  authedRoute.addChildren([dashboardRoute]),
  loginRoute,
  signupRoute,
  forgotPasswordRoute,
  resetPasswordRoute,
]);
