import { serverAudits } from 'graphql-http';
import { startPortal, type TestPortal } from '../harness';

/**
 * The GraphQL-over-HTTP spec's audit suite (graphql-http's `serverAudits`) against the portal in
 * production mode. No MUST may fail, except those listed here with the reason, and each listed
 * reason is checked, so the list cannot hide a real failure. GET being refused (405, POST only)
 * fails only MAY audits (5A70, D6D5, 6A70: GET requests and URL-encoded variables in GETs).
 */
const ALLOWED_MUST_FAILURES: Record<
  string,
  { reason: string; query: string; variables?: object; control: string }
> = {
  BF61: {
    reason: 'introspection is off: the audit sends its UTF-8 text as `__type(name: "Run🏃Swim🏊")`',
    query: '{ __type(name: "Run🏃Swim🏊") { name } }',
    control: '{ invitationPreview(token: "Run🏃Swim🏊") { teamName } }',
  },
  '28B9': {
    reason: 'introspection is off: the audit sends its variables to `__type(name: $name)`',
    query: 'query Type($name: String!) { __type(name: $name) { name } }',
    variables: { name: 'sometype' },
    control: 'query Type($name: String!) { invitationPreview(token: $name) { teamName } }',
  },
};

let t: TestPortal;
beforeAll(async () => {
  t = await startPortal({
    NODE_ENV: 'production',
    JWT_SECRET: 'a-production-secret-of-at-least-32-chars!',
    MAIL_OUTBOX: 'true',
  });
});
afterAll(() => t.stop());

async function post(query: string, variables?: object) {
  const res = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, text: await res.text() };
}

it('passes every MUST of the GraphQL-over-HTTP audit but those introspection being off explains', async () => {
  const failed: string[] = [];
  const seen: string[] = [];
  for (const audit of serverAudits({ url: `${t.url}/graphql` })) {
    const result = await audit.fn();
    seen.push(result.id);
    if (result.status === 'error' && !(result.id in ALLOWED_MUST_FAILURES))
      failed.push(`${result.id} ${result.name}: ${result.reason}`);
  }
  expect(failed).toEqual([]);
  // The suite still has the audits we allow (a renamed audit must be looked at again).
  for (const id of Object.keys(ALLOWED_MUST_FAILURES)) expect(seen).toContain(id);
  expect(seen.length).toBeGreaterThan(50);
});

it.each(Object.entries(ALLOWED_MUST_FAILURES))(
  'the allowed failure %s is the introspection refusal and nothing else',
  async (_id, { query, variables, control }) => {
    const refused = await post(query, variables);
    expect(refused.status).toBe(400);
    expect(refused.text).toMatch(/introspection/i);
    // The same text or variables sent to a public field are answered: UTF-8 and variables work.
    const answered = await post(control, variables);
    expect(answered.status).toBe(200);
    expect(JSON.parse(answered.text)).toEqual({ data: { invitationPreview: null } });
  },
);
