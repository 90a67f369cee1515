import { graphql } from '../../gql';

export const UsageFieldsFragment = graphql(`
  fragment UsageFields on Usage {
    from
    to
    interval
    totalRequests
    errorRequests
    errorRate
    series {
      at
      requests
      errors
    }
    statusCodes {
      status
      count
    }
  }
`);

/** One key's usage in the chosen range, plus its month-to-date count for the monthly limit. */
export const KeyUsageQuery = graphql(`
  query KeyUsage(
    $keyId: ID!
    $from: DateTime!
    $to: DateTime!
    $interval: UsageInterval!
    $monthFrom: DateTime!
    $monthTo: DateTime!
  ) {
    apiKey(id: $keyId) {
      ...ApiKeyFields
      usage(from: $from, to: $to, interval: $interval) {
        ...UsageFields
      }
      monthly: usage(from: $monthFrom, to: $monthTo, interval: DAY) {
        from
        to
        totalRequests
      }
    }
  }
`);

/** The whole team's usage in the chosen range, and how many keys are active. */
export const TeamUsageQuery = graphql(`
  query TeamUsage($teamId: ID!, $from: DateTime!, $to: DateTime!, $interval: UsageInterval!) {
    team(id: $teamId) {
      id
      name
      viewerRole
      activeKeys: apiKeys(status: ACTIVE) {
        id
        start
      }
      usage(from: $from, to: $to, interval: $interval) {
        ...UsageFields
      }
    }
  }
`);

/** The keys table's sparkline data, written for a new key so the list need not be refetched. */
export const ApiKeySparklineFragment = graphql(`
  fragment ApiKeySparkline on ApiKey {
    id
    usage(from: $usageFrom, to: $usageTo, interval: HOUR) {
      totalRequests
      series {
        at
        requests
      }
    }
  }
`);

export const UsageTicksSubscription = graphql(`
  subscription UsageTicks($teamId: ID!, $apiKeyId: ID) {
    usageTicks(teamId: $teamId, apiKeyId: $apiKeyId) {
      apiKeyId
      at
      requests
      errors
      statusCodes {
        status
        count
      }
    }
  }
`);
