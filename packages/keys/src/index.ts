/**
 * @partner-portal/keys: the one API key verification core, shared by the portal (GraphQL and
 * /v1/) and the gateway. No GraphQL, HTTP framework or ORM in here: ports in, outcomes out.
 */
export * from './format';
export * from './status';
export * from './ports';
export * from './limits';
export * from './recorder';
export * from './verifier';
export * from './sql';
export * from './live';
export * from './unknown-keys';
