import { graphql } from '../../gql';

export const AUDIT_PAGE_SIZE = 20;

export const TeamAuditLogQuery = graphql(`
  query TeamAuditLog($teamId: ID!, $first: Int, $after: String, $actorId: ID) {
    team(id: $teamId) {
      id
      auditLog(first: $first, after: $after, actorId: $actorId) {
        edges {
          cursor
          node {
            id
            action
            actor {
              id
              name
              email
            }
            targetType
            targetId
            details
            createdAt
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`);
