/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query TeamAuditLog($teamId: ID!, $first: Int, $after: String, $actorId: ID) {\n    team(id: $teamId) {\n      id\n      auditLog(first: $first, after: $after, actorId: $actorId) {\n        edges {\n          cursor\n          node {\n            id\n            action\n            actor {\n              id\n              name\n              email\n            }\n            targetType\n            targetId\n            details\n            createdAt\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": typeof types.TeamAuditLogDocument,
    "\n  mutation AcknowledgeApiKeySecretStored($id: ID!) {\n    acknowledgeApiKeySecretStored(id: $id) {\n      id\n      secretStoredAt\n    }\n  }\n": typeof types.AcknowledgeApiKeySecretStoredDocument,
    "\n  fragment ApiKeyFields on ApiKey {\n    id\n    name\n    description\n    environment\n    start\n    status\n    createdAt\n    createdBy {\n      id\n      name\n    }\n    expiresAt\n    lastUsedAt\n    revokedAt\n    revokedBy {\n      id\n      name\n    }\n    monthlyRequestLimit\n    rateLimitPerMinute\n    replaces {\n      id\n      name\n      start\n    }\n    replacedBy {\n      id\n      name\n      start\n    }\n  }\n": typeof types.ApiKeyFieldsFragmentDoc,
    "\n  query TeamApiKeys(\n    $teamId: ID!\n    $environment: Environment\n    $status: KeyStatus\n    $usageFrom: DateTime!\n    $usageTo: DateTime!\n  ) {\n    team(id: $teamId) {\n      id\n      viewerRole\n      apiKeys(environment: $environment, status: $status) {\n        ...ApiKeyFields\n        ...ApiKeySparkline\n      }\n    }\n  }\n": typeof types.TeamApiKeysDocument,
    "\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      secret\n      apiKey {\n        ...ApiKeyFields\n      }\n    }\n  }\n": typeof types.CreateApiKeyDocument,
    "\n  mutation RotateApiKey($input: RotateApiKeyInput!) {\n    rotateApiKey(input: $input) {\n      secret\n      apiKey {\n        ...ApiKeyFields\n        replaces {\n          ...ApiKeyFields\n        }\n      }\n    }\n  }\n": typeof types.RotateApiKeyDocument,
    "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      ...ApiKeyFields\n    }\n  }\n": typeof types.RevokeApiKeyDocument,
    "\n  query ApiAccess {\n    apiAccess {\n      gatewayUrl\n    }\n  }\n": typeof types.ApiAccessDocument,
    "\n  fragment UserFields on User {\n    id\n    email\n    name\n    createdAt\n  }\n": typeof types.UserFieldsFragmentDoc,
    "\n  query Viewer {\n    viewer {\n      user {\n        ...UserFields\n      }\n    }\n  }\n": typeof types.ViewerDocument,
    "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      token\n      user {\n        ...UserFields\n      }\n    }\n  }\n": typeof types.SignUpDocument,
    "\n  mutation LogIn($input: LogInInput!) {\n    logIn(input: $input) {\n      token\n      user {\n        ...UserFields\n      }\n    }\n  }\n": typeof types.LogInDocument,
    "\n  mutation LogOut {\n    logOut\n  }\n": typeof types.LogOutDocument,
    "\n  mutation RequestPasswordReset($email: String!) {\n    requestPasswordReset(email: $email)\n  }\n": typeof types.RequestPasswordResetDocument,
    "\n  mutation ResetPassword($token: String!, $password: String!) {\n    resetPassword(token: $token, password: $password) {\n      token\n      user {\n        ...UserFields\n      }\n    }\n  }\n": typeof types.ResetPasswordDocument,
    "\n  query InvitationPreview($token: String!) {\n    invitationPreview(token: $token) {\n      teamName\n      email\n      role\n      message\n      invitedByName\n      status\n      expiresAt\n      guidelines\n    }\n  }\n": typeof types.InvitationPreviewDocument,
    "\n  mutation AcceptInvitation($token: String!) {\n    acceptInvitation(token: $token) {\n      id\n      role\n      joinedAt\n      team {\n        id\n        name\n        description\n      }\n    }\n  }\n": typeof types.AcceptInvitationDocument,
    "\n  fragment MemberFields on Membership {\n    id\n    role\n    joinedAt\n    lastActiveAt\n    user {\n      id\n      name\n      email\n    }\n  }\n": typeof types.MemberFieldsFragmentDoc,
    "\n  fragment InvitationFields on Invitation {\n    id\n    email\n    role\n    message\n    status\n    createdAt\n    expiresAt\n    invitedBy {\n      id\n      name\n    }\n  }\n": typeof types.InvitationFieldsFragmentDoc,
    "\n  query TeamMembers($teamId: ID!) {\n    team(id: $teamId) {\n      id\n      viewerRole\n      members {\n        ...MemberFields\n      }\n      invitations(status: PENDING) {\n        ...InvitationFields\n      }\n    }\n  }\n": typeof types.TeamMembersDocument,
    "\n  mutation InviteMember($input: InviteMemberInput!) {\n    inviteMember(input: $input) {\n      ...InvitationFields\n    }\n  }\n": typeof types.InviteMemberDocument,
    "\n  mutation ResendInvitation($id: ID!) {\n    resendInvitation(id: $id) {\n      ...InvitationFields\n    }\n  }\n": typeof types.ResendInvitationDocument,
    "\n  mutation RevokeInvitation($id: ID!) {\n    revokeInvitation(id: $id) {\n      id\n      status\n    }\n  }\n": typeof types.RevokeInvitationDocument,
    "\n  mutation ChangeMemberRole($membershipId: ID!, $role: Role!) {\n    changeMemberRole(membershipId: $membershipId, role: $role) {\n      id\n      role\n      team {\n        id\n        viewerRole\n      }\n    }\n  }\n": typeof types.ChangeMemberRoleDocument,
    "\n  query MemberCreatedKeys($teamId: ID!) {\n    team(id: $teamId) {\n      id\n      name\n      members {\n        id\n        createdApiKeys {\n          id\n          name\n          start\n          environment\n          status\n          lastUsedAt\n        }\n      }\n    }\n  }\n": typeof types.MemberCreatedKeysDocument,
    "\n  mutation OffboardMember($membershipId: ID!, $keys: DepartingMemberKeys!) {\n    offboardMember(membershipId: $membershipId, keys: $keys)\n  }\n": typeof types.OffboardMemberDocument,
    "\n  fragment AccessReviewFields on AccessReview {\n    inactiveMembers {\n      ...MemberFields\n    }\n    staleKeys {\n      ...ApiKeyFields\n    }\n    expiringKeys {\n      ...ApiKeyFields\n    }\n    neverExpiringProductionKeys {\n      ...ApiKeyFields\n    }\n    lastCompletedAt\n    lastCompletedBy {\n      id\n      name\n    }\n  }\n": typeof types.AccessReviewFieldsFragmentDoc,
    "\n  fragment KeyIncidentFields on KeyIncident {\n    id\n    source\n    action\n    details\n    foundAt\n    createdAt\n    rejectedAttempts\n    lastRejectedAt\n    rejectedAddresses {\n      address\n      attempts\n      lastSeenAt\n    }\n    reportedBy {\n      id\n      name\n    }\n    apiKey {\n      id\n      name\n      start\n      environment\n      status\n      revokedAt\n      replacedBy {\n        id\n        name\n        start\n      }\n    }\n  }\n": typeof types.KeyIncidentFieldsFragmentDoc,
    "\n  fragment UsageAlertFields on UsageAlert {\n    id\n    kind\n    threshold\n    createdAt\n    lastTriggeredAt\n    apiKey {\n      id\n      name\n      start\n      status\n    }\n  }\n": typeof types.UsageAlertFieldsFragmentDoc,
    "\n  query TeamSecurity($teamId: ID!) {\n    team(id: $teamId) {\n      id\n      name\n      viewerRole\n      accessReview {\n        ...AccessReviewFields\n      }\n      incidents {\n        ...KeyIncidentFields\n      }\n      usageAlerts {\n        ...UsageAlertFields\n      }\n    }\n  }\n": typeof types.TeamSecurityDocument,
    "\n  query TeamIncidents($teamId: ID!) {\n    team(id: $teamId) {\n      id\n      viewerRole\n      members {\n        id\n        role\n        user {\n          id\n          name\n          email\n        }\n      }\n      incidents {\n        ...KeyIncidentFields\n      }\n    }\n  }\n": typeof types.TeamIncidentsDocument,
    "\n  query KeyIncidents($keyId: ID!) {\n    apiKey(id: $keyId) {\n      id\n      incidents {\n        ...KeyIncidentFields\n      }\n    }\n  }\n": typeof types.KeyIncidentsDocument,
    "\n  query AlertableKeys($teamId: ID!) {\n    team(id: $teamId) {\n      id\n      apiKeys(status: ACTIVE) {\n        id\n        name\n        start\n        environment\n        monthlyRequestLimit\n      }\n    }\n  }\n": typeof types.AlertableKeysDocument,
    "\n  mutation CompleteAccessReview($teamId: ID!, $note: String) {\n    completeAccessReview(teamId: $teamId, note: $note) {\n      ...AccessReviewFields\n    }\n  }\n": typeof types.CompleteAccessReviewDocument,
    "\n  mutation ReportCompromisedKey($input: ReportCompromisedKeyInput!) {\n    reportCompromisedKey(input: $input) {\n      incident {\n        ...KeyIncidentFields\n        apiKey {\n          ...ApiKeyFields\n        }\n      }\n      replacement {\n        secret\n        apiKey {\n          ...ApiKeyFields\n        }\n      }\n    }\n  }\n": typeof types.ReportCompromisedKeyDocument,
    "\n  mutation CreateUsageAlert($input: CreateUsageAlertInput!) {\n    createUsageAlert(input: $input) {\n      ...UsageAlertFields\n    }\n  }\n": typeof types.CreateUsageAlertDocument,
    "\n  mutation DeleteUsageAlert($id: ID!) {\n    deleteUsageAlert(id: $id)\n  }\n": typeof types.DeleteUsageAlertDocument,
    "\n  fragment TeamAccessReview on Team {\n    id\n    accessReview {\n      ...AccessReviewFields\n    }\n  }\n": typeof types.TeamAccessReviewFragmentDoc,
    "\n  query TeamGuidelines($teamId: ID!) {\n    team(id: $teamId) {\n      id\n      viewerRole\n      guidelines\n      guidelinesUpdatedAt\n    }\n    viewer {\n      memberships {\n        id\n        guidelinesAcknowledgedAt\n        team {\n          id\n        }\n      }\n    }\n  }\n": typeof types.TeamGuidelinesDocument,
    "\n  mutation UpdateTeamGuidelines($id: ID!, $guidelines: String!) {\n    updateTeam(id: $id, input: { guidelines: $guidelines }) {\n      id\n      guidelines\n      guidelinesUpdatedAt\n    }\n  }\n": typeof types.UpdateTeamGuidelinesDocument,
    "\n  mutation AcknowledgeTeamGuidelines($teamId: ID!) {\n    acknowledgeTeamGuidelines(teamId: $teamId) {\n      id\n      guidelinesAcknowledgedAt\n    }\n  }\n": typeof types.AcknowledgeTeamGuidelinesDocument,
    "\n  fragment TeamFields on Team {\n    id\n    name\n    description\n    createdAt\n    viewerRole\n  }\n": typeof types.TeamFieldsFragmentDoc,
    "\n  query MyTeams {\n    viewer {\n      memberships {\n        id\n        role\n        joinedAt\n        team {\n          id\n          name\n          description\n        }\n      }\n    }\n  }\n": typeof types.MyTeamsDocument,
    "\n  query Team($id: ID!) {\n    team(id: $id) {\n      ...TeamFields\n    }\n  }\n": typeof types.TeamDocument,
    "\n  mutation CreateTeam($input: CreateTeamInput!) {\n    createTeam(input: $input) {\n      ...TeamFields\n    }\n  }\n": typeof types.CreateTeamDocument,
    "\n  mutation UpdateTeam($id: ID!, $input: UpdateTeamInput!) {\n    updateTeam(id: $id, input: $input) {\n      ...TeamFields\n    }\n  }\n": typeof types.UpdateTeamDocument,
    "\n  mutation DeleteTeam($id: ID!) {\n    deleteTeam(id: $id)\n  }\n": typeof types.DeleteTeamDocument,
    "\n  mutation LeaveTeam($teamId: ID!) {\n    leaveTeam(teamId: $teamId)\n  }\n": typeof types.LeaveTeamDocument,
    "\n  query GettingStarted($teamId: ID!, $since: DateTime!, $until: DateTime!) {\n    team(id: $teamId) {\n      id\n      name\n      viewerRole\n      guidelines\n      members {\n        id\n        role\n      }\n      invitations {\n        id\n      }\n      usageAlerts {\n        id\n      }\n      apiKeys {\n        id\n        environment\n        lastUsedAt\n        secretStoredAt\n        usage(from: $since, to: $until, interval: DAY) {\n          totalRequests\n        }\n      }\n    }\n  }\n": typeof types.GettingStartedDocument,
    "\n  fragment UsageFields on Usage {\n    from\n    to\n    interval\n    totalRequests\n    errorRequests\n    errorRate\n    series {\n      at\n      requests\n      errors\n    }\n    statusCodes {\n      status\n      count\n    }\n  }\n": typeof types.UsageFieldsFragmentDoc,
    "\n  query KeyUsage(\n    $keyId: ID!\n    $from: DateTime!\n    $to: DateTime!\n    $interval: UsageInterval!\n    $monthFrom: DateTime!\n    $monthTo: DateTime!\n  ) {\n    apiKey(id: $keyId) {\n      ...ApiKeyFields\n      usage(from: $from, to: $to, interval: $interval) {\n        ...UsageFields\n      }\n      monthly: usage(from: $monthFrom, to: $monthTo, interval: DAY) {\n        from\n        to\n        totalRequests\n      }\n    }\n  }\n": typeof types.KeyUsageDocument,
    "\n  query TeamUsage($teamId: ID!, $from: DateTime!, $to: DateTime!, $interval: UsageInterval!) {\n    team(id: $teamId) {\n      id\n      name\n      viewerRole\n      activeKeys: apiKeys(status: ACTIVE) {\n        id\n        start\n      }\n      usage(from: $from, to: $to, interval: $interval) {\n        ...UsageFields\n      }\n    }\n  }\n": typeof types.TeamUsageDocument,
    "\n  fragment ApiKeySparkline on ApiKey {\n    id\n    usage(from: $usageFrom, to: $usageTo, interval: HOUR) {\n      totalRequests\n      series {\n        at\n        requests\n      }\n    }\n  }\n": typeof types.ApiKeySparklineFragmentDoc,
    "\n  subscription UsageTicks($teamId: ID!, $apiKeyId: ID) {\n    usageTicks(teamId: $teamId, apiKeyId: $apiKeyId) {\n      apiKeyId\n      at\n      requests\n      errors\n      statusCodes {\n        status\n        count\n      }\n    }\n  }\n": typeof types.UsageTicksDocument,
};
const documents: Documents = {
    "\n  query TeamAuditLog($teamId: ID!, $first: Int, $after: String, $actorId: ID) {\n    team(id: $teamId) {\n      id\n      auditLog(first: $first, after: $after, actorId: $actorId) {\n        edges {\n          cursor\n          node {\n            id\n            action\n            actor {\n              id\n              name\n              email\n            }\n            targetType\n            targetId\n            details\n            createdAt\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": types.TeamAuditLogDocument,
    "\n  mutation AcknowledgeApiKeySecretStored($id: ID!) {\n    acknowledgeApiKeySecretStored(id: $id) {\n      id\n      secretStoredAt\n    }\n  }\n": types.AcknowledgeApiKeySecretStoredDocument,
    "\n  fragment ApiKeyFields on ApiKey {\n    id\n    name\n    description\n    environment\n    start\n    status\n    createdAt\n    createdBy {\n      id\n      name\n    }\n    expiresAt\n    lastUsedAt\n    revokedAt\n    revokedBy {\n      id\n      name\n    }\n    monthlyRequestLimit\n    rateLimitPerMinute\n    replaces {\n      id\n      name\n      start\n    }\n    replacedBy {\n      id\n      name\n      start\n    }\n  }\n": types.ApiKeyFieldsFragmentDoc,
    "\n  query TeamApiKeys(\n    $teamId: ID!\n    $environment: Environment\n    $status: KeyStatus\n    $usageFrom: DateTime!\n    $usageTo: DateTime!\n  ) {\n    team(id: $teamId) {\n      id\n      viewerRole\n      apiKeys(environment: $environment, status: $status) {\n        ...ApiKeyFields\n        ...ApiKeySparkline\n      }\n    }\n  }\n": types.TeamApiKeysDocument,
    "\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      secret\n      apiKey {\n        ...ApiKeyFields\n      }\n    }\n  }\n": types.CreateApiKeyDocument,
    "\n  mutation RotateApiKey($input: RotateApiKeyInput!) {\n    rotateApiKey(input: $input) {\n      secret\n      apiKey {\n        ...ApiKeyFields\n        replaces {\n          ...ApiKeyFields\n        }\n      }\n    }\n  }\n": types.RotateApiKeyDocument,
    "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      ...ApiKeyFields\n    }\n  }\n": types.RevokeApiKeyDocument,
    "\n  query ApiAccess {\n    apiAccess {\n      gatewayUrl\n    }\n  }\n": types.ApiAccessDocument,
    "\n  fragment UserFields on User {\n    id\n    email\n    name\n    createdAt\n  }\n": types.UserFieldsFragmentDoc,
    "\n  query Viewer {\n    viewer {\n      user {\n        ...UserFields\n      }\n    }\n  }\n": types.ViewerDocument,
    "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      token\n      user {\n        ...UserFields\n      }\n    }\n  }\n": types.SignUpDocument,
    "\n  mutation LogIn($input: LogInInput!) {\n    logIn(input: $input) {\n      token\n      user {\n        ...UserFields\n      }\n    }\n  }\n": types.LogInDocument,
    "\n  mutation LogOut {\n    logOut\n  }\n": types.LogOutDocument,
    "\n  mutation RequestPasswordReset($email: String!) {\n    requestPasswordReset(email: $email)\n  }\n": types.RequestPasswordResetDocument,
    "\n  mutation ResetPassword($token: String!, $password: String!) {\n    resetPassword(token: $token, password: $password) {\n      token\n      user {\n        ...UserFields\n      }\n    }\n  }\n": types.ResetPasswordDocument,
    "\n  query InvitationPreview($token: String!) {\n    invitationPreview(token: $token) {\n      teamName\n      email\n      role\n      message\n      invitedByName\n      status\n      expiresAt\n      guidelines\n    }\n  }\n": types.InvitationPreviewDocument,
    "\n  mutation AcceptInvitation($token: String!) {\n    acceptInvitation(token: $token) {\n      id\n      role\n      joinedAt\n      team {\n        id\n        name\n        description\n      }\n    }\n  }\n": types.AcceptInvitationDocument,
    "\n  fragment MemberFields on Membership {\n    id\n    role\n    joinedAt\n    lastActiveAt\n    user {\n      id\n      name\n      email\n    }\n  }\n": types.MemberFieldsFragmentDoc,
    "\n  fragment InvitationFields on Invitation {\n    id\n    email\n    role\n    message\n    status\n    createdAt\n    expiresAt\n    invitedBy {\n      id\n      name\n    }\n  }\n": types.InvitationFieldsFragmentDoc,
    "\n  query TeamMembers($teamId: ID!) {\n    team(id: $teamId) {\n      id\n      viewerRole\n      members {\n        ...MemberFields\n      }\n      invitations(status: PENDING) {\n        ...InvitationFields\n      }\n    }\n  }\n": types.TeamMembersDocument,
    "\n  mutation InviteMember($input: InviteMemberInput!) {\n    inviteMember(input: $input) {\n      ...InvitationFields\n    }\n  }\n": types.InviteMemberDocument,
    "\n  mutation ResendInvitation($id: ID!) {\n    resendInvitation(id: $id) {\n      ...InvitationFields\n    }\n  }\n": types.ResendInvitationDocument,
    "\n  mutation RevokeInvitation($id: ID!) {\n    revokeInvitation(id: $id) {\n      id\n      status\n    }\n  }\n": types.RevokeInvitationDocument,
    "\n  mutation ChangeMemberRole($membershipId: ID!, $role: Role!) {\n    changeMemberRole(membershipId: $membershipId, role: $role) {\n      id\n      role\n      team {\n        id\n        viewerRole\n      }\n    }\n  }\n": types.ChangeMemberRoleDocument,
    "\n  query MemberCreatedKeys($teamId: ID!) {\n    team(id: $teamId) {\n      id\n      name\n      members {\n        id\n        createdApiKeys {\n          id\n          name\n          start\n          environment\n          status\n          lastUsedAt\n        }\n      }\n    }\n  }\n": types.MemberCreatedKeysDocument,
    "\n  mutation OffboardMember($membershipId: ID!, $keys: DepartingMemberKeys!) {\n    offboardMember(membershipId: $membershipId, keys: $keys)\n  }\n": types.OffboardMemberDocument,
    "\n  fragment AccessReviewFields on AccessReview {\n    inactiveMembers {\n      ...MemberFields\n    }\n    staleKeys {\n      ...ApiKeyFields\n    }\n    expiringKeys {\n      ...ApiKeyFields\n    }\n    neverExpiringProductionKeys {\n      ...ApiKeyFields\n    }\n    lastCompletedAt\n    lastCompletedBy {\n      id\n      name\n    }\n  }\n": types.AccessReviewFieldsFragmentDoc,
    "\n  fragment KeyIncidentFields on KeyIncident {\n    id\n    source\n    action\n    details\n    foundAt\n    createdAt\n    rejectedAttempts\n    lastRejectedAt\n    rejectedAddresses {\n      address\n      attempts\n      lastSeenAt\n    }\n    reportedBy {\n      id\n      name\n    }\n    apiKey {\n      id\n      name\n      start\n      environment\n      status\n      revokedAt\n      replacedBy {\n        id\n        name\n        start\n      }\n    }\n  }\n": types.KeyIncidentFieldsFragmentDoc,
    "\n  fragment UsageAlertFields on UsageAlert {\n    id\n    kind\n    threshold\n    createdAt\n    lastTriggeredAt\n    apiKey {\n      id\n      name\n      start\n      status\n    }\n  }\n": types.UsageAlertFieldsFragmentDoc,
    "\n  query TeamSecurity($teamId: ID!) {\n    team(id: $teamId) {\n      id\n      name\n      viewerRole\n      accessReview {\n        ...AccessReviewFields\n      }\n      incidents {\n        ...KeyIncidentFields\n      }\n      usageAlerts {\n        ...UsageAlertFields\n      }\n    }\n  }\n": types.TeamSecurityDocument,
    "\n  query TeamIncidents($teamId: ID!) {\n    team(id: $teamId) {\n      id\n      viewerRole\n      members {\n        id\n        role\n        user {\n          id\n          name\n          email\n        }\n      }\n      incidents {\n        ...KeyIncidentFields\n      }\n    }\n  }\n": types.TeamIncidentsDocument,
    "\n  query KeyIncidents($keyId: ID!) {\n    apiKey(id: $keyId) {\n      id\n      incidents {\n        ...KeyIncidentFields\n      }\n    }\n  }\n": types.KeyIncidentsDocument,
    "\n  query AlertableKeys($teamId: ID!) {\n    team(id: $teamId) {\n      id\n      apiKeys(status: ACTIVE) {\n        id\n        name\n        start\n        environment\n        monthlyRequestLimit\n      }\n    }\n  }\n": types.AlertableKeysDocument,
    "\n  mutation CompleteAccessReview($teamId: ID!, $note: String) {\n    completeAccessReview(teamId: $teamId, note: $note) {\n      ...AccessReviewFields\n    }\n  }\n": types.CompleteAccessReviewDocument,
    "\n  mutation ReportCompromisedKey($input: ReportCompromisedKeyInput!) {\n    reportCompromisedKey(input: $input) {\n      incident {\n        ...KeyIncidentFields\n        apiKey {\n          ...ApiKeyFields\n        }\n      }\n      replacement {\n        secret\n        apiKey {\n          ...ApiKeyFields\n        }\n      }\n    }\n  }\n": types.ReportCompromisedKeyDocument,
    "\n  mutation CreateUsageAlert($input: CreateUsageAlertInput!) {\n    createUsageAlert(input: $input) {\n      ...UsageAlertFields\n    }\n  }\n": types.CreateUsageAlertDocument,
    "\n  mutation DeleteUsageAlert($id: ID!) {\n    deleteUsageAlert(id: $id)\n  }\n": types.DeleteUsageAlertDocument,
    "\n  fragment TeamAccessReview on Team {\n    id\n    accessReview {\n      ...AccessReviewFields\n    }\n  }\n": types.TeamAccessReviewFragmentDoc,
    "\n  query TeamGuidelines($teamId: ID!) {\n    team(id: $teamId) {\n      id\n      viewerRole\n      guidelines\n      guidelinesUpdatedAt\n    }\n    viewer {\n      memberships {\n        id\n        guidelinesAcknowledgedAt\n        team {\n          id\n        }\n      }\n    }\n  }\n": types.TeamGuidelinesDocument,
    "\n  mutation UpdateTeamGuidelines($id: ID!, $guidelines: String!) {\n    updateTeam(id: $id, input: { guidelines: $guidelines }) {\n      id\n      guidelines\n      guidelinesUpdatedAt\n    }\n  }\n": types.UpdateTeamGuidelinesDocument,
    "\n  mutation AcknowledgeTeamGuidelines($teamId: ID!) {\n    acknowledgeTeamGuidelines(teamId: $teamId) {\n      id\n      guidelinesAcknowledgedAt\n    }\n  }\n": types.AcknowledgeTeamGuidelinesDocument,
    "\n  fragment TeamFields on Team {\n    id\n    name\n    description\n    createdAt\n    viewerRole\n  }\n": types.TeamFieldsFragmentDoc,
    "\n  query MyTeams {\n    viewer {\n      memberships {\n        id\n        role\n        joinedAt\n        team {\n          id\n          name\n          description\n        }\n      }\n    }\n  }\n": types.MyTeamsDocument,
    "\n  query Team($id: ID!) {\n    team(id: $id) {\n      ...TeamFields\n    }\n  }\n": types.TeamDocument,
    "\n  mutation CreateTeam($input: CreateTeamInput!) {\n    createTeam(input: $input) {\n      ...TeamFields\n    }\n  }\n": types.CreateTeamDocument,
    "\n  mutation UpdateTeam($id: ID!, $input: UpdateTeamInput!) {\n    updateTeam(id: $id, input: $input) {\n      ...TeamFields\n    }\n  }\n": types.UpdateTeamDocument,
    "\n  mutation DeleteTeam($id: ID!) {\n    deleteTeam(id: $id)\n  }\n": types.DeleteTeamDocument,
    "\n  mutation LeaveTeam($teamId: ID!) {\n    leaveTeam(teamId: $teamId)\n  }\n": types.LeaveTeamDocument,
    "\n  query GettingStarted($teamId: ID!, $since: DateTime!, $until: DateTime!) {\n    team(id: $teamId) {\n      id\n      name\n      viewerRole\n      guidelines\n      members {\n        id\n        role\n      }\n      invitations {\n        id\n      }\n      usageAlerts {\n        id\n      }\n      apiKeys {\n        id\n        environment\n        lastUsedAt\n        secretStoredAt\n        usage(from: $since, to: $until, interval: DAY) {\n          totalRequests\n        }\n      }\n    }\n  }\n": types.GettingStartedDocument,
    "\n  fragment UsageFields on Usage {\n    from\n    to\n    interval\n    totalRequests\n    errorRequests\n    errorRate\n    series {\n      at\n      requests\n      errors\n    }\n    statusCodes {\n      status\n      count\n    }\n  }\n": types.UsageFieldsFragmentDoc,
    "\n  query KeyUsage(\n    $keyId: ID!\n    $from: DateTime!\n    $to: DateTime!\n    $interval: UsageInterval!\n    $monthFrom: DateTime!\n    $monthTo: DateTime!\n  ) {\n    apiKey(id: $keyId) {\n      ...ApiKeyFields\n      usage(from: $from, to: $to, interval: $interval) {\n        ...UsageFields\n      }\n      monthly: usage(from: $monthFrom, to: $monthTo, interval: DAY) {\n        from\n        to\n        totalRequests\n      }\n    }\n  }\n": types.KeyUsageDocument,
    "\n  query TeamUsage($teamId: ID!, $from: DateTime!, $to: DateTime!, $interval: UsageInterval!) {\n    team(id: $teamId) {\n      id\n      name\n      viewerRole\n      activeKeys: apiKeys(status: ACTIVE) {\n        id\n        start\n      }\n      usage(from: $from, to: $to, interval: $interval) {\n        ...UsageFields\n      }\n    }\n  }\n": types.TeamUsageDocument,
    "\n  fragment ApiKeySparkline on ApiKey {\n    id\n    usage(from: $usageFrom, to: $usageTo, interval: HOUR) {\n      totalRequests\n      series {\n        at\n        requests\n      }\n    }\n  }\n": types.ApiKeySparklineFragmentDoc,
    "\n  subscription UsageTicks($teamId: ID!, $apiKeyId: ID) {\n    usageTicks(teamId: $teamId, apiKeyId: $apiKeyId) {\n      apiKeyId\n      at\n      requests\n      errors\n      statusCodes {\n        status\n        count\n      }\n    }\n  }\n": types.UsageTicksDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TeamAuditLog($teamId: ID!, $first: Int, $after: String, $actorId: ID) {\n    team(id: $teamId) {\n      id\n      auditLog(first: $first, after: $after, actorId: $actorId) {\n        edges {\n          cursor\n          node {\n            id\n            action\n            actor {\n              id\n              name\n              email\n            }\n            targetType\n            targetId\n            details\n            createdAt\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query TeamAuditLog($teamId: ID!, $first: Int, $after: String, $actorId: ID) {\n    team(id: $teamId) {\n      id\n      auditLog(first: $first, after: $after, actorId: $actorId) {\n        edges {\n          cursor\n          node {\n            id\n            action\n            actor {\n              id\n              name\n              email\n            }\n            targetType\n            targetId\n            details\n            createdAt\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AcknowledgeApiKeySecretStored($id: ID!) {\n    acknowledgeApiKeySecretStored(id: $id) {\n      id\n      secretStoredAt\n    }\n  }\n"): (typeof documents)["\n  mutation AcknowledgeApiKeySecretStored($id: ID!) {\n    acknowledgeApiKeySecretStored(id: $id) {\n      id\n      secretStoredAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ApiKeyFields on ApiKey {\n    id\n    name\n    description\n    environment\n    start\n    status\n    createdAt\n    createdBy {\n      id\n      name\n    }\n    expiresAt\n    lastUsedAt\n    revokedAt\n    revokedBy {\n      id\n      name\n    }\n    monthlyRequestLimit\n    rateLimitPerMinute\n    replaces {\n      id\n      name\n      start\n    }\n    replacedBy {\n      id\n      name\n      start\n    }\n  }\n"): (typeof documents)["\n  fragment ApiKeyFields on ApiKey {\n    id\n    name\n    description\n    environment\n    start\n    status\n    createdAt\n    createdBy {\n      id\n      name\n    }\n    expiresAt\n    lastUsedAt\n    revokedAt\n    revokedBy {\n      id\n      name\n    }\n    monthlyRequestLimit\n    rateLimitPerMinute\n    replaces {\n      id\n      name\n      start\n    }\n    replacedBy {\n      id\n      name\n      start\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TeamApiKeys(\n    $teamId: ID!\n    $environment: Environment\n    $status: KeyStatus\n    $usageFrom: DateTime!\n    $usageTo: DateTime!\n  ) {\n    team(id: $teamId) {\n      id\n      viewerRole\n      apiKeys(environment: $environment, status: $status) {\n        ...ApiKeyFields\n        ...ApiKeySparkline\n      }\n    }\n  }\n"): (typeof documents)["\n  query TeamApiKeys(\n    $teamId: ID!\n    $environment: Environment\n    $status: KeyStatus\n    $usageFrom: DateTime!\n    $usageTo: DateTime!\n  ) {\n    team(id: $teamId) {\n      id\n      viewerRole\n      apiKeys(environment: $environment, status: $status) {\n        ...ApiKeyFields\n        ...ApiKeySparkline\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      secret\n      apiKey {\n        ...ApiKeyFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      secret\n      apiKey {\n        ...ApiKeyFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RotateApiKey($input: RotateApiKeyInput!) {\n    rotateApiKey(input: $input) {\n      secret\n      apiKey {\n        ...ApiKeyFields\n        replaces {\n          ...ApiKeyFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RotateApiKey($input: RotateApiKeyInput!) {\n    rotateApiKey(input: $input) {\n      secret\n      apiKey {\n        ...ApiKeyFields\n        replaces {\n          ...ApiKeyFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      ...ApiKeyFields\n    }\n  }\n"): (typeof documents)["\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      ...ApiKeyFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ApiAccess {\n    apiAccess {\n      gatewayUrl\n    }\n  }\n"): (typeof documents)["\n  query ApiAccess {\n    apiAccess {\n      gatewayUrl\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment UserFields on User {\n    id\n    email\n    name\n    createdAt\n  }\n"): (typeof documents)["\n  fragment UserFields on User {\n    id\n    email\n    name\n    createdAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Viewer {\n    viewer {\n      user {\n        ...UserFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query Viewer {\n    viewer {\n      user {\n        ...UserFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      token\n      user {\n        ...UserFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      token\n      user {\n        ...UserFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LogIn($input: LogInInput!) {\n    logIn(input: $input) {\n      token\n      user {\n        ...UserFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation LogIn($input: LogInInput!) {\n    logIn(input: $input) {\n      token\n      user {\n        ...UserFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LogOut {\n    logOut\n  }\n"): (typeof documents)["\n  mutation LogOut {\n    logOut\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RequestPasswordReset($email: String!) {\n    requestPasswordReset(email: $email)\n  }\n"): (typeof documents)["\n  mutation RequestPasswordReset($email: String!) {\n    requestPasswordReset(email: $email)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResetPassword($token: String!, $password: String!) {\n    resetPassword(token: $token, password: $password) {\n      token\n      user {\n        ...UserFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ResetPassword($token: String!, $password: String!) {\n    resetPassword(token: $token, password: $password) {\n      token\n      user {\n        ...UserFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query InvitationPreview($token: String!) {\n    invitationPreview(token: $token) {\n      teamName\n      email\n      role\n      message\n      invitedByName\n      status\n      expiresAt\n      guidelines\n    }\n  }\n"): (typeof documents)["\n  query InvitationPreview($token: String!) {\n    invitationPreview(token: $token) {\n      teamName\n      email\n      role\n      message\n      invitedByName\n      status\n      expiresAt\n      guidelines\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AcceptInvitation($token: String!) {\n    acceptInvitation(token: $token) {\n      id\n      role\n      joinedAt\n      team {\n        id\n        name\n        description\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation AcceptInvitation($token: String!) {\n    acceptInvitation(token: $token) {\n      id\n      role\n      joinedAt\n      team {\n        id\n        name\n        description\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment MemberFields on Membership {\n    id\n    role\n    joinedAt\n    lastActiveAt\n    user {\n      id\n      name\n      email\n    }\n  }\n"): (typeof documents)["\n  fragment MemberFields on Membership {\n    id\n    role\n    joinedAt\n    lastActiveAt\n    user {\n      id\n      name\n      email\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment InvitationFields on Invitation {\n    id\n    email\n    role\n    message\n    status\n    createdAt\n    expiresAt\n    invitedBy {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  fragment InvitationFields on Invitation {\n    id\n    email\n    role\n    message\n    status\n    createdAt\n    expiresAt\n    invitedBy {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TeamMembers($teamId: ID!) {\n    team(id: $teamId) {\n      id\n      viewerRole\n      members {\n        ...MemberFields\n      }\n      invitations(status: PENDING) {\n        ...InvitationFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query TeamMembers($teamId: ID!) {\n    team(id: $teamId) {\n      id\n      viewerRole\n      members {\n        ...MemberFields\n      }\n      invitations(status: PENDING) {\n        ...InvitationFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation InviteMember($input: InviteMemberInput!) {\n    inviteMember(input: $input) {\n      ...InvitationFields\n    }\n  }\n"): (typeof documents)["\n  mutation InviteMember($input: InviteMemberInput!) {\n    inviteMember(input: $input) {\n      ...InvitationFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResendInvitation($id: ID!) {\n    resendInvitation(id: $id) {\n      ...InvitationFields\n    }\n  }\n"): (typeof documents)["\n  mutation ResendInvitation($id: ID!) {\n    resendInvitation(id: $id) {\n      ...InvitationFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeInvitation($id: ID!) {\n    revokeInvitation(id: $id) {\n      id\n      status\n    }\n  }\n"): (typeof documents)["\n  mutation RevokeInvitation($id: ID!) {\n    revokeInvitation(id: $id) {\n      id\n      status\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ChangeMemberRole($membershipId: ID!, $role: Role!) {\n    changeMemberRole(membershipId: $membershipId, role: $role) {\n      id\n      role\n      team {\n        id\n        viewerRole\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ChangeMemberRole($membershipId: ID!, $role: Role!) {\n    changeMemberRole(membershipId: $membershipId, role: $role) {\n      id\n      role\n      team {\n        id\n        viewerRole\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MemberCreatedKeys($teamId: ID!) {\n    team(id: $teamId) {\n      id\n      name\n      members {\n        id\n        createdApiKeys {\n          id\n          name\n          start\n          environment\n          status\n          lastUsedAt\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query MemberCreatedKeys($teamId: ID!) {\n    team(id: $teamId) {\n      id\n      name\n      members {\n        id\n        createdApiKeys {\n          id\n          name\n          start\n          environment\n          status\n          lastUsedAt\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation OffboardMember($membershipId: ID!, $keys: DepartingMemberKeys!) {\n    offboardMember(membershipId: $membershipId, keys: $keys)\n  }\n"): (typeof documents)["\n  mutation OffboardMember($membershipId: ID!, $keys: DepartingMemberKeys!) {\n    offboardMember(membershipId: $membershipId, keys: $keys)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AccessReviewFields on AccessReview {\n    inactiveMembers {\n      ...MemberFields\n    }\n    staleKeys {\n      ...ApiKeyFields\n    }\n    expiringKeys {\n      ...ApiKeyFields\n    }\n    neverExpiringProductionKeys {\n      ...ApiKeyFields\n    }\n    lastCompletedAt\n    lastCompletedBy {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  fragment AccessReviewFields on AccessReview {\n    inactiveMembers {\n      ...MemberFields\n    }\n    staleKeys {\n      ...ApiKeyFields\n    }\n    expiringKeys {\n      ...ApiKeyFields\n    }\n    neverExpiringProductionKeys {\n      ...ApiKeyFields\n    }\n    lastCompletedAt\n    lastCompletedBy {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment KeyIncidentFields on KeyIncident {\n    id\n    source\n    action\n    details\n    foundAt\n    createdAt\n    rejectedAttempts\n    lastRejectedAt\n    rejectedAddresses {\n      address\n      attempts\n      lastSeenAt\n    }\n    reportedBy {\n      id\n      name\n    }\n    apiKey {\n      id\n      name\n      start\n      environment\n      status\n      revokedAt\n      replacedBy {\n        id\n        name\n        start\n      }\n    }\n  }\n"): (typeof documents)["\n  fragment KeyIncidentFields on KeyIncident {\n    id\n    source\n    action\n    details\n    foundAt\n    createdAt\n    rejectedAttempts\n    lastRejectedAt\n    rejectedAddresses {\n      address\n      attempts\n      lastSeenAt\n    }\n    reportedBy {\n      id\n      name\n    }\n    apiKey {\n      id\n      name\n      start\n      environment\n      status\n      revokedAt\n      replacedBy {\n        id\n        name\n        start\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment UsageAlertFields on UsageAlert {\n    id\n    kind\n    threshold\n    createdAt\n    lastTriggeredAt\n    apiKey {\n      id\n      name\n      start\n      status\n    }\n  }\n"): (typeof documents)["\n  fragment UsageAlertFields on UsageAlert {\n    id\n    kind\n    threshold\n    createdAt\n    lastTriggeredAt\n    apiKey {\n      id\n      name\n      start\n      status\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TeamSecurity($teamId: ID!) {\n    team(id: $teamId) {\n      id\n      name\n      viewerRole\n      accessReview {\n        ...AccessReviewFields\n      }\n      incidents {\n        ...KeyIncidentFields\n      }\n      usageAlerts {\n        ...UsageAlertFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query TeamSecurity($teamId: ID!) {\n    team(id: $teamId) {\n      id\n      name\n      viewerRole\n      accessReview {\n        ...AccessReviewFields\n      }\n      incidents {\n        ...KeyIncidentFields\n      }\n      usageAlerts {\n        ...UsageAlertFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TeamIncidents($teamId: ID!) {\n    team(id: $teamId) {\n      id\n      viewerRole\n      members {\n        id\n        role\n        user {\n          id\n          name\n          email\n        }\n      }\n      incidents {\n        ...KeyIncidentFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query TeamIncidents($teamId: ID!) {\n    team(id: $teamId) {\n      id\n      viewerRole\n      members {\n        id\n        role\n        user {\n          id\n          name\n          email\n        }\n      }\n      incidents {\n        ...KeyIncidentFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query KeyIncidents($keyId: ID!) {\n    apiKey(id: $keyId) {\n      id\n      incidents {\n        ...KeyIncidentFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query KeyIncidents($keyId: ID!) {\n    apiKey(id: $keyId) {\n      id\n      incidents {\n        ...KeyIncidentFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AlertableKeys($teamId: ID!) {\n    team(id: $teamId) {\n      id\n      apiKeys(status: ACTIVE) {\n        id\n        name\n        start\n        environment\n        monthlyRequestLimit\n      }\n    }\n  }\n"): (typeof documents)["\n  query AlertableKeys($teamId: ID!) {\n    team(id: $teamId) {\n      id\n      apiKeys(status: ACTIVE) {\n        id\n        name\n        start\n        environment\n        monthlyRequestLimit\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CompleteAccessReview($teamId: ID!, $note: String) {\n    completeAccessReview(teamId: $teamId, note: $note) {\n      ...AccessReviewFields\n    }\n  }\n"): (typeof documents)["\n  mutation CompleteAccessReview($teamId: ID!, $note: String) {\n    completeAccessReview(teamId: $teamId, note: $note) {\n      ...AccessReviewFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReportCompromisedKey($input: ReportCompromisedKeyInput!) {\n    reportCompromisedKey(input: $input) {\n      incident {\n        ...KeyIncidentFields\n        apiKey {\n          ...ApiKeyFields\n        }\n      }\n      replacement {\n        secret\n        apiKey {\n          ...ApiKeyFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ReportCompromisedKey($input: ReportCompromisedKeyInput!) {\n    reportCompromisedKey(input: $input) {\n      incident {\n        ...KeyIncidentFields\n        apiKey {\n          ...ApiKeyFields\n        }\n      }\n      replacement {\n        secret\n        apiKey {\n          ...ApiKeyFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateUsageAlert($input: CreateUsageAlertInput!) {\n    createUsageAlert(input: $input) {\n      ...UsageAlertFields\n    }\n  }\n"): (typeof documents)["\n  mutation CreateUsageAlert($input: CreateUsageAlertInput!) {\n    createUsageAlert(input: $input) {\n      ...UsageAlertFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteUsageAlert($id: ID!) {\n    deleteUsageAlert(id: $id)\n  }\n"): (typeof documents)["\n  mutation DeleteUsageAlert($id: ID!) {\n    deleteUsageAlert(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment TeamAccessReview on Team {\n    id\n    accessReview {\n      ...AccessReviewFields\n    }\n  }\n"): (typeof documents)["\n  fragment TeamAccessReview on Team {\n    id\n    accessReview {\n      ...AccessReviewFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TeamGuidelines($teamId: ID!) {\n    team(id: $teamId) {\n      id\n      viewerRole\n      guidelines\n      guidelinesUpdatedAt\n    }\n    viewer {\n      memberships {\n        id\n        guidelinesAcknowledgedAt\n        team {\n          id\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query TeamGuidelines($teamId: ID!) {\n    team(id: $teamId) {\n      id\n      viewerRole\n      guidelines\n      guidelinesUpdatedAt\n    }\n    viewer {\n      memberships {\n        id\n        guidelinesAcknowledgedAt\n        team {\n          id\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateTeamGuidelines($id: ID!, $guidelines: String!) {\n    updateTeam(id: $id, input: { guidelines: $guidelines }) {\n      id\n      guidelines\n      guidelinesUpdatedAt\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateTeamGuidelines($id: ID!, $guidelines: String!) {\n    updateTeam(id: $id, input: { guidelines: $guidelines }) {\n      id\n      guidelines\n      guidelinesUpdatedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AcknowledgeTeamGuidelines($teamId: ID!) {\n    acknowledgeTeamGuidelines(teamId: $teamId) {\n      id\n      guidelinesAcknowledgedAt\n    }\n  }\n"): (typeof documents)["\n  mutation AcknowledgeTeamGuidelines($teamId: ID!) {\n    acknowledgeTeamGuidelines(teamId: $teamId) {\n      id\n      guidelinesAcknowledgedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment TeamFields on Team {\n    id\n    name\n    description\n    createdAt\n    viewerRole\n  }\n"): (typeof documents)["\n  fragment TeamFields on Team {\n    id\n    name\n    description\n    createdAt\n    viewerRole\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyTeams {\n    viewer {\n      memberships {\n        id\n        role\n        joinedAt\n        team {\n          id\n          name\n          description\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query MyTeams {\n    viewer {\n      memberships {\n        id\n        role\n        joinedAt\n        team {\n          id\n          name\n          description\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Team($id: ID!) {\n    team(id: $id) {\n      ...TeamFields\n    }\n  }\n"): (typeof documents)["\n  query Team($id: ID!) {\n    team(id: $id) {\n      ...TeamFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateTeam($input: CreateTeamInput!) {\n    createTeam(input: $input) {\n      ...TeamFields\n    }\n  }\n"): (typeof documents)["\n  mutation CreateTeam($input: CreateTeamInput!) {\n    createTeam(input: $input) {\n      ...TeamFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateTeam($id: ID!, $input: UpdateTeamInput!) {\n    updateTeam(id: $id, input: $input) {\n      ...TeamFields\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateTeam($id: ID!, $input: UpdateTeamInput!) {\n    updateTeam(id: $id, input: $input) {\n      ...TeamFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteTeam($id: ID!) {\n    deleteTeam(id: $id)\n  }\n"): (typeof documents)["\n  mutation DeleteTeam($id: ID!) {\n    deleteTeam(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LeaveTeam($teamId: ID!) {\n    leaveTeam(teamId: $teamId)\n  }\n"): (typeof documents)["\n  mutation LeaveTeam($teamId: ID!) {\n    leaveTeam(teamId: $teamId)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query GettingStarted($teamId: ID!, $since: DateTime!, $until: DateTime!) {\n    team(id: $teamId) {\n      id\n      name\n      viewerRole\n      guidelines\n      members {\n        id\n        role\n      }\n      invitations {\n        id\n      }\n      usageAlerts {\n        id\n      }\n      apiKeys {\n        id\n        environment\n        lastUsedAt\n        secretStoredAt\n        usage(from: $since, to: $until, interval: DAY) {\n          totalRequests\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query GettingStarted($teamId: ID!, $since: DateTime!, $until: DateTime!) {\n    team(id: $teamId) {\n      id\n      name\n      viewerRole\n      guidelines\n      members {\n        id\n        role\n      }\n      invitations {\n        id\n      }\n      usageAlerts {\n        id\n      }\n      apiKeys {\n        id\n        environment\n        lastUsedAt\n        secretStoredAt\n        usage(from: $since, to: $until, interval: DAY) {\n          totalRequests\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment UsageFields on Usage {\n    from\n    to\n    interval\n    totalRequests\n    errorRequests\n    errorRate\n    series {\n      at\n      requests\n      errors\n    }\n    statusCodes {\n      status\n      count\n    }\n  }\n"): (typeof documents)["\n  fragment UsageFields on Usage {\n    from\n    to\n    interval\n    totalRequests\n    errorRequests\n    errorRate\n    series {\n      at\n      requests\n      errors\n    }\n    statusCodes {\n      status\n      count\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query KeyUsage(\n    $keyId: ID!\n    $from: DateTime!\n    $to: DateTime!\n    $interval: UsageInterval!\n    $monthFrom: DateTime!\n    $monthTo: DateTime!\n  ) {\n    apiKey(id: $keyId) {\n      ...ApiKeyFields\n      usage(from: $from, to: $to, interval: $interval) {\n        ...UsageFields\n      }\n      monthly: usage(from: $monthFrom, to: $monthTo, interval: DAY) {\n        from\n        to\n        totalRequests\n      }\n    }\n  }\n"): (typeof documents)["\n  query KeyUsage(\n    $keyId: ID!\n    $from: DateTime!\n    $to: DateTime!\n    $interval: UsageInterval!\n    $monthFrom: DateTime!\n    $monthTo: DateTime!\n  ) {\n    apiKey(id: $keyId) {\n      ...ApiKeyFields\n      usage(from: $from, to: $to, interval: $interval) {\n        ...UsageFields\n      }\n      monthly: usage(from: $monthFrom, to: $monthTo, interval: DAY) {\n        from\n        to\n        totalRequests\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TeamUsage($teamId: ID!, $from: DateTime!, $to: DateTime!, $interval: UsageInterval!) {\n    team(id: $teamId) {\n      id\n      name\n      viewerRole\n      activeKeys: apiKeys(status: ACTIVE) {\n        id\n        start\n      }\n      usage(from: $from, to: $to, interval: $interval) {\n        ...UsageFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query TeamUsage($teamId: ID!, $from: DateTime!, $to: DateTime!, $interval: UsageInterval!) {\n    team(id: $teamId) {\n      id\n      name\n      viewerRole\n      activeKeys: apiKeys(status: ACTIVE) {\n        id\n        start\n      }\n      usage(from: $from, to: $to, interval: $interval) {\n        ...UsageFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ApiKeySparkline on ApiKey {\n    id\n    usage(from: $usageFrom, to: $usageTo, interval: HOUR) {\n      totalRequests\n      series {\n        at\n        requests\n      }\n    }\n  }\n"): (typeof documents)["\n  fragment ApiKeySparkline on ApiKey {\n    id\n    usage(from: $usageFrom, to: $usageTo, interval: HOUR) {\n      totalRequests\n      series {\n        at\n        requests\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription UsageTicks($teamId: ID!, $apiKeyId: ID) {\n    usageTicks(teamId: $teamId, apiKeyId: $apiKeyId) {\n      apiKeyId\n      at\n      requests\n      errors\n      statusCodes {\n        status\n        count\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription UsageTicks($teamId: ID!, $apiKeyId: ID) {\n    usageTicks(teamId: $teamId, apiKeyId: $apiKeyId) {\n      apiKeyId\n      at\n      requests\n      errors\n      statusCodes {\n        status\n        count\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;