import { rootRoute } from './__root';
import { authedRoute } from './_authed';
import { dashboardRoute } from './_authed/index';
import { keyRoute } from './_authed/key';
import { incidentRoute, teamSecurityRoute } from './_authed/security';
import {
  keyUsageRoute,
  teamActivityRoute,
  teamIndexRoute,
  teamKeysRoute,
  teamMembersRoute,
  teamRoute,
  teamSettingsRoute,
  teamUsageRoute,
} from './_authed/teams';
import { forgotPasswordRoute } from './forgot-password';
import { invitationRoute } from './invitations';
import { loginRoute } from './login';
import { resetPasswordRoute } from './reset-password';
import { signupRoute } from './signup';

export const routeTree = rootRoute.addChildren([
  authedRoute.addChildren([
    dashboardRoute,
    teamRoute.addChildren([
      teamIndexRoute,
      teamMembersRoute,
      teamKeysRoute,
      keyRoute,
      keyUsageRoute,
      teamUsageRoute,
      teamActivityRoute,
      teamSecurityRoute,
      incidentRoute,
      teamSettingsRoute,
    ]),
  ]),
  loginRoute,
  signupRoute,
  forgotPasswordRoute,
  resetPasswordRoute,
  invitationRoute,
]);
