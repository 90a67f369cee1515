import { graphql } from '../../gql';

export const ApiKeyFieldsFragment = graphql(`
  fragment ApiKeyFields on ApiKey {
    id
    name
    description
    environment
    start
    status
    createdAt
    createdBy {
      id
      name
    }
    expiresAt
    lastUsedAt
    revokedAt
    revokedBy {
      id
      name
    }
    monthlyRequestLimit
    rateLimitPerMinute
    replaces {
      id
      name
      start
    }
    replacedBy {
      id
      name
      start
    }
  }
`);

/** The keys with their last 24 hours of requests (one query for the whole table). */
export const TeamApiKeysQuery = graphql(`
  query TeamApiKeys(
    $teamId: ID!
    $environment: Environment
    $status: KeyStatus
    $usageFrom: DateTime!
    $usageTo: DateTime!
  ) {
    team(id: $teamId) {
      id
      viewerRole
      apiKeys(environment: $environment, status: $status) {
        ...ApiKeyFields
        ...ApiKeySparkline
      }
    }
  }
`);

export const CreateApiKeyMutation = graphql(`
  mutation CreateApiKey($input: CreateApiKeyInput!) {
    createApiKey(input: $input) {
      secret
      apiKey {
        ...ApiKeyFields
      }
    }
  }
`);

/** The answer also carries the old key's new state (replaced, expiring or revoked). */
export const RotateApiKeyMutation = graphql(`
  mutation RotateApiKey($input: RotateApiKeyInput!) {
    rotateApiKey(input: $input) {
      secret
      apiKey {
        ...ApiKeyFields
        replaces {
          ...ApiKeyFields
        }
      }
    }
  }
`);

export const RevokeApiKeyMutation = graphql(`
  mutation RevokeApiKey($id: ID!) {
    revokeApiKey(id: $id) {
      ...ApiKeyFields
    }
  }
`);

/** Where partners call the provider's API with their keys (the gateway), if published. */
export const ApiAccessQuery = graphql(`
  query ApiAccess {
    apiAccess {
      gatewayUrl
    }
  }
`);
