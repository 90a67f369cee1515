import { ConfigError, loadConfig } from './config';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('needs only UPSTREAM_URL, with the contract defaults', () => {
    const config = loadConfig({ UPSTREAM_URL: 'http://api.internal:9000/v2' });
    expect(config.port).toBe(8080);
    expect(config.upstreamUrl.href).toBe('http://api.internal:9000/v2');
    expect(config.sandboxUpstreamUrl).toBeUndefined();
    expect(config.upstreamTimeoutMs).toBe(30_000);
    expect(config.databaseUrl).toMatch(/^sqlite:.*apps\/api\/data\/portal\.sqlite$/);
    expect(config.redisUrl).toBeUndefined();
    expect(config.redisPrefix).toBe('pp:');
  });

  it('takes the portal database and Redis as the portal spells them', () => {
    const config = loadConfig({
      UPSTREAM_URL: 'https://api.example.com',
      DATABASE_URL: 'mariadb://root@127.0.0.1:3306/portal',
      REDIS_URL: 'redis://127.0.0.1:6379',
      SANDBOX_UPSTREAM_URL: 'https://sandbox.example.com',
      UPSTREAM_TIMEOUT_MS: '1500',
      PORT: '',
    });
    expect(config.databaseUrl).toBe('mysql://root@127.0.0.1:3306/portal');
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.sandboxUpstreamUrl?.origin).toBe('https://sandbox.example.com');
    expect(config.upstreamTimeoutMs).toBe(1500);
    expect(config.port).toBe(8080);
  });

  it('names every problem, one line each', () => {
    expect(
      problems({
        PORT: 'eighty',
        SANDBOX_UPSTREAM_URL: 'ftp://sandbox',
        UPSTREAM_TIMEOUT_MS: '5',
        DATABASE_URL: 'postgres://db',
        REDIS_URL: 'localhost:6379',
      }),
    ).toEqual([
      'PORT must be a port number',
      'SANDBOX_UPSTREAM_URL must be an http:// or https:// URL (a path is allowed, a query or #fragment is not)',
      'UPSTREAM_TIMEOUT_MS must be at least 100 (milliseconds)',
      'DATABASE_URL must be sqlite:<file path> or a mysql:// / mariadb:// URL (the portal’s own DATABASE_URL)',
      'REDIS_URL must be a URL starting with redis:// or rediss://',
      "UPSTREAM_URL is required: the provider's API the gateway stands in front of",
    ]);
  });

  it('refuses a sandbox that is the production API itself', () => {
    expect(
      problems({ UPSTREAM_URL: 'http://api:9000/', SANDBOX_UPSTREAM_URL: 'http://api:9000' }),
    ).toEqual([
      'SANDBOX_UPSTREAM_URL must differ from UPSTREAM_URL: DEVELOPMENT keys must never reach the production API',
    ]);
  });
});
