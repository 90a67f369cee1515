import { createRoute } from '@tanstack/react-router';
import { prefetchQuery } from '../apollo/prefetch';
import { InvitationPage } from '../features/invitations/components/invitation-page';
import { InvitationPreviewQuery } from '../features/invitations/operations';
import { fetchViewer } from '../features/auth/session';
import { rootRoute } from './__root';

/** The link mailed with an invitation: public, it shows the preview to anyone holding it. */
export const invitationRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/invitations/$token',
  loader: async ({ context, params }) => {
    prefetchQuery(context.client, InvitationPreviewQuery, { token: params.token });
    // Whether the visitor is signed in (and as whom) decides what the page offers.
    await fetchViewer(context.client).catch(() => null);
  },
  component: function InvitationRoute() {
    const { token } = invitationRoute.useParams();
    return <InvitationPage token={token} />;
  },
});
