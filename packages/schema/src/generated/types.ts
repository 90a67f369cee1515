export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** An instant as an ISO 8601 string in UTC, e.g. 2026-11-27T08:30:00.000Z. */
  DateTime: { input: string; output: string; }
  /** The `SafeInt` scalar type represents non-fractional signed whole numeric values that are considered safe as defined by the ECMAScript specification. */
  SafeInt: { input: number; output: number; }
};

/** What a periodic access review asks a team's owners and admins to look at. */
export type AccessReview = {
  __typename?: 'AccessReview';
  /** Active keys that expire within the next 14 days. */
  expiringKeys: Array<ApiKey>;
  /** Members with no activity in this team for `inactiveDays` days (joined earlier than that). */
  inactiveMembers: Array<Membership>;
  /** When the last review was marked complete (the team's latest team.access_reviewed event). */
  lastCompletedAt: Maybe<Scalars['DateTime']['output']>;
  /** Who marked it complete. */
  lastCompletedBy: Maybe<User>;
  /** Active production keys that never expire. */
  neverExpiringProductionKeys: Array<ApiKey>;
  /** Active keys not used for 30 days, or never used 7 days after creation. */
  staleKeys: Array<ApiKey>;
};

/** How partners call the provider's own API with their keys. */
export type ApiAccess = {
  __typename?: 'ApiAccess';
  /** The gateway in front of the provider's API (the portal's GATEWAY_PUBLIC_URL); null when the provider has not published one. */
  gatewayUrl: Maybe<Scalars['String']['output']>;
};

export type ApiKey = {
  __typename?: 'ApiKey';
  createdAt: Scalars['DateTime']['output'];
  createdBy: Maybe<User>;
  description: Maybe<Scalars['String']['output']>;
  environment: Environment;
  /** null: never expires. */
  expiresAt: Maybe<Scalars['DateTime']['output']>;
  id: Scalars['ID']['output'];
  /** Incidents reported for this key, newest first. */
  incidents: Array<KeyIncident>;
  lastUsedAt: Maybe<Scalars['DateTime']['output']>;
  /** Requests allowed per calendar month (UTC); null: no limit. */
  monthlyRequestLimit: Maybe<Scalars['SafeInt']['output']>;
  name: Scalars['String']['output'];
  /** Requests allowed per minute; null: no limit. */
  rateLimitPerMinute: Maybe<Scalars['Int']['output']>;
  /** The key that replaced this one in a rotation. */
  replacedBy: Maybe<ApiKey>;
  /** The key this one replaced in a rotation. */
  replaces: Maybe<ApiKey>;
  revokedAt: Maybe<Scalars['DateTime']['output']>;
  revokedBy: Maybe<User>;
  /** When an OWNER or ADMIN acknowledged that the secret was stored securely (the "Store keys securely" checklist item); null: not yet. */
  secretStoredAt: Maybe<Scalars['DateTime']['output']>;
  /** The key's first characters, safe to display (never the whole secret). */
  start: Scalars['String']['output'];
  status: KeyStatus;
  team: Team;
  usage: Usage;
};


export type ApiKeyUsageArgs = {
  from: Scalars['DateTime']['input'];
  interval: UsageInterval;
  to: Scalars['DateTime']['input'];
};

export type AuditEvent = {
  __typename?: 'AuditEvent';
  /** e.g. team.created, member.invited, member.role_changed, member.removed */
  action: Scalars['String']['output'];
  /** null when the actor was an API key or has deleted their account. */
  actor: Maybe<User>;
  actorApiKey: Maybe<ApiKey>;
  createdAt: Scalars['DateTime']['output'];
  /** JSON-encoded details (old and new role, names, …). */
  details: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  targetId: Maybe<Scalars['ID']['output']>;
  targetType: Maybe<Scalars['String']['output']>;
};

export type AuditEventConnection = {
  __typename?: 'AuditEventConnection';
  edges: Array<AuditEventEdge>;
  pageInfo: PageInfo;
};

export type AuditEventEdge = {
  __typename?: 'AuditEventEdge';
  cursor: Scalars['String']['output'];
  node: AuditEvent;
};

export type AuthPayload = {
  __typename?: 'AuthPayload';
  /** A session token: send it as `Authorization: Bearer <token>`. */
  token: Scalars['String']['output'];
  user: User;
};

export type CompromiseAction =
  /** Revoke the key at once. */
  | 'REVOKE'
  /** Revoke the key at once and create a replacement with the same settings (its secret is returned once). */
  | 'ROTATE';

export type CreateApiKeyInput = {
  description?: InputMaybe<Scalars['String']['input']>;
  environment: Environment;
  expiration: KeyExpiration;
  monthlyRequestLimit?: InputMaybe<Scalars['SafeInt']['input']>;
  name: Scalars['String']['input'];
  rateLimitPerMinute?: InputMaybe<Scalars['Int']['input']>;
  teamId: Scalars['ID']['input'];
};

export type CreateTeamInput = {
  description?: InputMaybe<Scalars['String']['input']>;
  name: Scalars['String']['input'];
};

export type CreateUsageAlertInput = {
  /** null: every key of the team. */
  apiKeyId?: InputMaybe<Scalars['ID']['input']>;
  kind: UsageAlertKind;
  teamId: Scalars['ID']['input'];
  threshold: Scalars['Float']['input'];
};

export type CreatedApiKey = {
  __typename?: 'CreatedApiKey';
  apiKey: ApiKey;
  /** The whole key. Returned this once; the server keeps only a hash. */
  secret: Scalars['String']['output'];
};

/** What happens to the API keys a departing member created. */
export type DepartingMemberKeys =
  | 'KEEP'
  | 'REVOKE';

export type Environment =
  | 'DEVELOPMENT'
  | 'PRODUCTION';

export type Invitation = {
  __typename?: 'Invitation';
  createdAt: Scalars['DateTime']['output'];
  email: Scalars['String']['output'];
  expiresAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  invitedBy: Maybe<User>;
  message: Maybe<Scalars['String']['output']>;
  role: Role;
  status: InvitationStatus;
  team: Team;
};

/** What the acceptance page may show before the invitee signs in. */
export type InvitationPreview = {
  __typename?: 'InvitationPreview';
  email: Scalars['String']['output'];
  expiresAt: Scalars['DateTime']['output'];
  /** The team's guidelines (Markdown), for the invitee to read before joining; null unless the invitation is pending. */
  guidelines: Maybe<Scalars['String']['output']>;
  invitedByName: Maybe<Scalars['String']['output']>;
  message: Maybe<Scalars['String']['output']>;
  role: Role;
  status: InvitationStatus;
  teamName: Scalars['String']['output'];
};

export type InvitationStatus =
  | 'ACCEPTED'
  | 'EXPIRED'
  | 'PENDING'
  | 'REVOKED';

export type InviteMemberInput = {
  email: Scalars['String']['input'];
  /** Plain text, up to 1,000 characters, shown in the mail and on the acceptance page. */
  message?: InputMaybe<Scalars['String']['input']>;
  role?: InputMaybe<Role>;
  teamId: Scalars['ID']['input'];
};

export type KeyExpiration =
  | 'DAYS_30'
  | 'DAYS_90'
  | 'DAYS_180'
  | 'NEVER';

/** A key reported as compromised, by a person or by a secret scanner. */
export type KeyIncident = {
  __typename?: 'KeyIncident';
  action: CompromiseAction;
  apiKey: ApiKey;
  createdAt: Scalars['DateTime']['output'];
  /** What happened, for the team and the provider's support. */
  details: Maybe<Scalars['String']['output']>;
  /** Where a scanner found it (e.g. a public commit URL). */
  foundAt: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  lastRejectedAt: Maybe<Scalars['DateTime']['output']>;
  /** The client addresses the refused attempts came from: the 20 most recent, most recent first. */
  rejectedAddresses: Array<RejectedAddress>;
  /** Requests made with this key and refused since it was reported: someone still trying it. Written about once a second by each process that refuses it. */
  rejectedAttempts: Scalars['SafeInt']['output'];
  /** null when a secret scanner reported it. */
  reportedBy: Maybe<User>;
  /** PERSON or SECRET_SCANNING */
  source: Scalars['String']['output'];
};

export type KeyStatus =
  | 'ACTIVE'
  | 'EXPIRED'
  | 'REVOKED';

export type LogInInput = {
  email: Scalars['String']['input'];
  password: Scalars['String']['input'];
};

/** A person's place in a team. */
export type Membership = {
  __typename?: 'Membership';
  /** OWNER or ADMIN: the active keys this member created in the team (what offboardMember asks about). */
  createdApiKeys: Array<ApiKey>;
  /** When this member last confirmed reading the team's guidelines (acknowledgeTeamGuidelines); null: never. */
  guidelinesAcknowledgedAt: Maybe<Scalars['DateTime']['output']>;
  id: Scalars['ID']['output'];
  joinedAt: Scalars['DateTime']['output'];
  /** Last time this member did anything in this team. */
  lastActiveAt: Maybe<Scalars['DateTime']['output']>;
  role: Role;
  team: Team;
  user: User;
};

export type Mutation = {
  __typename?: 'Mutation';
  /** Joins the team; the signed-in account's email must be the invited one. */
  acceptInvitation: Membership;
  /** OWNER or ADMIN. Records that the key's secret was stored securely ("Store keys securely"); idempotent. */
  acknowledgeApiKeySecretStored: ApiKey;
  /** The caller confirms having read the team's guidelines (sets their own guidelinesAcknowledgedAt); not for API keys. */
  acknowledgeTeamGuidelines: Membership;
  /** OWNER: any change. ADMIN: between MEMBER and ADMIN, never touching an OWNER. The last OWNER cannot be demoted. */
  changeMemberRole: Membership;
  /** OWNER or ADMIN; audited as team.access_reviewed. */
  completeAccessReview: AccessReview;
  /** OWNER or ADMIN. The secret is in this answer only. */
  createApiKey: CreatedApiKey;
  /** Creates a team with the caller as its OWNER. */
  createTeam: Team;
  /** OWNER or ADMIN. */
  createUsageAlert: UsageAlert;
  /** OWNER only. Revokes the team's invitations and keys at once and removes its members. */
  deleteTeam: Scalars['Boolean']['output'];
  /** OWNER or ADMIN. */
  deleteUsageAlert: Scalars['Boolean']['output'];
  /** OWNER or ADMIN (an ADMIN cannot invite an OWNER). Mails a link valid for 7 days. */
  inviteMember: Invitation;
  /** Leaves the team; refused (CONFLICT) for its last OWNER. */
  leaveTeam: Scalars['Boolean']['output'];
  logIn: AuthPayload;
  /** Ends the calling session: its token is refused from now on. */
  logOut: Scalars['Boolean']['output'];
  /** Like removeMember; `keys` says what becomes of the keys the member created (audited per key). */
  offboardMember: Scalars['Boolean']['output'];
  /** OWNER: anyone. ADMIN: MEMBERs and ADMINs. Never the last OWNER. */
  removeMember: Scalars['Boolean']['output'];
  /** OWNER or ADMIN. The key stops working at once (no grace period); owners and the provider's support are mailed. */
  reportCompromisedKey: ReportCompromisedKeyPayload;
  /** Always true; a link is mailed only when the account exists. */
  requestPasswordReset: Scalars['Boolean']['output'];
  /** Mails a new link with a new expiry; the old link stops working. */
  resendInvitation: Invitation;
  resetPassword: AuthPayload;
  /** OWNER or ADMIN. Immediate; revoking a revoked key returns it unchanged. */
  revokeApiKey: ApiKey;
  revokeInvitation: Invitation;
  /** OWNER or ADMIN. A new key with the same settings; the old one works for the grace period. */
  rotateApiKey: CreatedApiKey;
  signUp: AuthPayload;
  /** OWNER: name and description. OWNER or ADMIN: guidelines (audited as team.guidelines_updated). */
  updateTeam: Team;
};


export type MutationAcceptInvitationArgs = {
  token: Scalars['String']['input'];
};


export type MutationAcknowledgeApiKeySecretStoredArgs = {
  id: Scalars['ID']['input'];
};


export type MutationAcknowledgeTeamGuidelinesArgs = {
  teamId: Scalars['ID']['input'];
};


export type MutationChangeMemberRoleArgs = {
  membershipId: Scalars['ID']['input'];
  role: Role;
};


export type MutationCompleteAccessReviewArgs = {
  note?: InputMaybe<Scalars['String']['input']>;
  teamId: Scalars['ID']['input'];
};


export type MutationCreateApiKeyArgs = {
  input: CreateApiKeyInput;
};


export type MutationCreateTeamArgs = {
  input: CreateTeamInput;
};


export type MutationCreateUsageAlertArgs = {
  input: CreateUsageAlertInput;
};


export type MutationDeleteTeamArgs = {
  id: Scalars['ID']['input'];
};


export type MutationDeleteUsageAlertArgs = {
  id: Scalars['ID']['input'];
};


export type MutationInviteMemberArgs = {
  input: InviteMemberInput;
};


export type MutationLeaveTeamArgs = {
  teamId: Scalars['ID']['input'];
};


export type MutationLogInArgs = {
  input: LogInInput;
};


export type MutationOffboardMemberArgs = {
  keys: DepartingMemberKeys;
  membershipId: Scalars['ID']['input'];
};


export type MutationRemoveMemberArgs = {
  membershipId: Scalars['ID']['input'];
};


export type MutationReportCompromisedKeyArgs = {
  input: ReportCompromisedKeyInput;
};


export type MutationRequestPasswordResetArgs = {
  email: Scalars['String']['input'];
};


export type MutationResendInvitationArgs = {
  id: Scalars['ID']['input'];
};


export type MutationResetPasswordArgs = {
  password: Scalars['String']['input'];
  token: Scalars['String']['input'];
};


export type MutationRevokeApiKeyArgs = {
  id: Scalars['ID']['input'];
};


export type MutationRevokeInvitationArgs = {
  id: Scalars['ID']['input'];
};


export type MutationRotateApiKeyArgs = {
  input: RotateApiKeyInput;
};


export type MutationSignUpArgs = {
  input: SignUpInput;
};


export type MutationUpdateTeamArgs = {
  id: Scalars['ID']['input'];
  input: UpdateTeamInput;
};

export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

export type Query = {
  __typename?: 'Query';
  /** Where and how to call the provider's API with a key. Holds no secret. */
  apiAccess: ApiAccess;
  /** A key of a team the caller can read; NOT_FOUND otherwise. */
  apiKey: Maybe<ApiKey>;
  /** What the link shows before signing in; null for an unknown token. */
  invitationPreview: Maybe<InvitationPreview>;
  /** A team the caller belongs to (or an API key's own team); NOT_FOUND for any other id. */
  team: Maybe<Team>;
  /** null when the caller is not signed in. */
  viewer: Maybe<Viewer>;
};


export type QueryApiKeyArgs = {
  id: Scalars['ID']['input'];
};


export type QueryInvitationPreviewArgs = {
  token: Scalars['String']['input'];
};


export type QueryTeamArgs = {
  id: Scalars['ID']['input'];
};

/** A client address that refused attempts with a reported key came from. */
export type RejectedAddress = {
  __typename?: 'RejectedAddress';
  /** The client address (IPv4 or IPv6) as the refusing service saw it. */
  address: Scalars['String']['output'];
  attempts: Scalars['SafeInt']['output'];
  lastSeenAt: Scalars['DateTime']['output'];
};

export type ReportCompromisedKeyInput = {
  action: CompromiseAction;
  apiKeyId: Scalars['ID']['input'];
  /** What happened, for the team and the provider's support. */
  details?: InputMaybe<Scalars['String']['input']>;
};

export type ReportCompromisedKeyPayload = {
  __typename?: 'ReportCompromisedKeyPayload';
  incident: KeyIncident;
  /** The replacement key, when the action was ROTATE; its secret is shown this once. null when the key had already been replaced by a rotation (that replacement stands). */
  replacement: Maybe<CreatedApiKey>;
};

/** OWNER: everything. ADMIN: members and API keys. MEMBER: reads. */
export type Role =
  | 'ADMIN'
  | 'MEMBER'
  | 'OWNER';

export type RotateApiKeyInput = {
  /** How long the old key keeps working; 0 revokes it at once. */
  gracePeriodHours?: InputMaybe<Scalars['Int']['input']>;
  id: Scalars['ID']['input'];
};

export type SignUpInput = {
  email: Scalars['String']['input'];
  name: Scalars['String']['input'];
  password: Scalars['String']['input'];
};

export type StatusCodeCount = {
  __typename?: 'StatusCodeCount';
  count: Scalars['SafeInt']['output'];
  status: Scalars['Int']['output'];
};

export type Subscription = {
  __typename?: 'Subscription';
  /** Live usage of one team's keys (or of one key, when apiKeyId is given). */
  usageTicks: UsageTick;
};


export type SubscriptionUsageTicksArgs = {
  apiKeyId?: InputMaybe<Scalars['ID']['input']>;
  teamId: Scalars['ID']['input'];
};

/** A partner company: its people and (later) its API keys. */
export type Team = {
  __typename?: 'Team';
  /** Every member and the team's own API keys may read it; OWNER or ADMIN marks it complete. */
  accessReview: AccessReview;
  apiKeys: Array<ApiKey>;
  auditLog: AuditEventConnection;
  createdAt: Scalars['DateTime']['output'];
  description: Maybe<Scalars['String']['output']>;
  /** The team's own rules for its members (Markdown, at most 10,000 characters), shown to each new member. */
  guidelines: Maybe<Scalars['String']['output']>;
  /** When the guidelines last changed (null: never written): a member whose guidelinesAcknowledgedAt is older has not seen this version. */
  guidelinesUpdatedAt: Maybe<Scalars['DateTime']['output']>;
  id: Scalars['ID']['output'];
  /** Keys of the team reported as compromised, newest first (the 200 newest). */
  incidents: Array<KeyIncident>;
  invitations: Array<Invitation>;
  members: Array<Membership>;
  name: Scalars['String']['output'];
  usage: Usage;
  usageAlerts: Array<UsageAlert>;
  /** The caller's role in this team; null when the caller is an API key. */
  viewerRole: Maybe<Role>;
};


/** A partner company: its people and (later) its API keys. */
export type TeamAccessReviewArgs = {
  inactiveDays?: InputMaybe<Scalars['Int']['input']>;
};


/** A partner company: its people and (later) its API keys. */
export type TeamApiKeysArgs = {
  environment?: InputMaybe<Environment>;
  status?: InputMaybe<KeyStatus>;
};


/** A partner company: its people and (later) its API keys. */
export type TeamAuditLogArgs = {
  actorId?: InputMaybe<Scalars['ID']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** A partner company: its people and (later) its API keys. */
export type TeamInvitationsArgs = {
  status?: InputMaybe<InvitationStatus>;
};


/** A partner company: its people and (later) its API keys. */
export type TeamUsageArgs = {
  from: Scalars['DateTime']['input'];
  interval: UsageInterval;
  to: Scalars['DateTime']['input'];
};

export type UpdateTeamInput = {
  description?: InputMaybe<Scalars['String']['input']>;
  /** OWNER or ADMIN; audited as team.guidelines_updated. */
  guidelines?: InputMaybe<Scalars['String']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
};

export type Usage = {
  __typename?: 'Usage';
  /** errorRequests / totalRequests, 0 when there were none. */
  errorRate: Scalars['Float']['output'];
  errorRequests: Scalars['SafeInt']['output'];
  from: Scalars['DateTime']['output'];
  interval: UsageInterval;
  /** One point per interval bucket from `from` (rounded down to a bucket) to `to`; empty buckets are zeros. */
  series: Array<UsagePoint>;
  statusCodes: Array<StatusCodeCount>;
  to: Scalars['DateTime']['output'];
  totalRequests: Scalars['SafeInt']['output'];
};

/** Mails the team's owners and admins once when usage crosses the threshold; re-arms when it falls back. */
export type UsageAlert = {
  __typename?: 'UsageAlert';
  /** null: every key of the team. */
  apiKey: Maybe<ApiKey>;
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  kind: UsageAlertKind;
  lastTriggeredAt: Maybe<Scalars['DateTime']['output']>;
  threshold: Scalars['Float']['output'];
};

export type UsageAlertKind =
  /** threshold: share of failed requests over the last 5 minutes, with at least 20 requests. */
  | 'ERROR_RATE'
  /** threshold: share of the key's monthly limit used (0.8 = 80 %). */
  | 'MONTHLY_QUOTA';

export type UsageInterval =
  | 'DAY'
  | 'HOUR'
  | 'MINUTE';

export type UsagePoint = {
  __typename?: 'UsagePoint';
  at: Scalars['DateTime']['output'];
  errors: Scalars['SafeInt']['output'];
  requests: Scalars['SafeInt']['output'];
};

/** Pushed as requests are counted, at most about once a second per key. The counts are those added since the key's previous tick (a delta), so a subscriber can add them to what it has. */
export type UsageTick = {
  __typename?: 'UsageTick';
  apiKeyId: Scalars['ID']['output'];
  at: Scalars['DateTime']['output'];
  errors: Scalars['SafeInt']['output'];
  requests: Scalars['SafeInt']['output'];
  statusCodes: Array<StatusCodeCount>;
};

/** A person with an account on the portal. */
export type User = {
  __typename?: 'User';
  createdAt: Scalars['DateTime']['output'];
  email: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
};

export type Viewer = {
  __typename?: 'Viewer';
  memberships: Array<Membership>;
  user: User;
};
