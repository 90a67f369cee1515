import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from './config';

const dataDir = () => mkdtempSync(path.join(tmpdir(), 'pp-config-'));

describe('loadConfig', () => {
  it('defaults to SQLite under the data folder and a generated development secret kept there', () => {
    const dir = dataDir();
    const config = loadConfig({ DATA_DIR: dir });
    expect(config.database).toEqual({ type: 'sqlite', path: path.join(dir, 'portal.sqlite') });
    expect(config.port).toBe(4000);
    expect(config.publicUrl).toBe('http://localhost:4000');
    expect(readFileSync(path.join(dir, 'jwt-secret'), 'utf8').length).toBeGreaterThanOrEqual(32);
    // The same secret on the next start, so sessions survive restarts.
    expect(loadConfig({ DATA_DIR: dir }).jwtSecret).toEqual(config.jwtSecret);
  });

  it('uses MySQL for mysql:// and mariadb:// URLs', () => {
    expect(
      loadConfig({ DATA_DIR: dataDir(), DATABASE_URL: 'mariadb://u:p@db:3306/portal' }).database,
    ).toEqual({
      type: 'mysql',
      url: 'mysql://u:p@db:3306/portal',
    });
  });

  it.each([
    [{ DATABASE_URL: 'postgres://x/y' }, /^DATABASE_URL must be a URL starting with mysql:\/\//],
    [{ PORT: 'eighty' }, /^PORT must be a whole number \(received "eighty"\)$/],
    [{ PORT: 'abc' }, /^PORT must be a whole number \(received "abc"\)$/],
    [{ PORT: '80.5' }, /^PORT must be a whole number \(received "80.5"\)$/],
    [{ PORT: '70000' }, /^PORT must be at most 65535 \(received "70000"\)$/],
    [{ SESSION_TTL_HOURS: '0' }, /^SESSION_TTL_HOURS must be at least 1 \(received "0"\)$/],
    [
      { KEY_LAST_USED_WRITE_SECONDS: '0' },
      /^KEY_LAST_USED_WRITE_SECONDS must be at least 1 \(received "0"\)$/,
    ],
    [{ REDIS_URL: 'localhost:6379' }, /^REDIS_URL /],
    [{ SMTP_URL: 'mail.example.com' }, /^SMTP_URL /],
    [{ PUBLIC_URL: 'portal.example.com' }, /^PUBLIC_URL /],
    [{ JWT_SECRET: 'short' }, /^JWT_SECRET must be at least 32 characters/],
    [{ NODE_ENV: 'production' }, /^JWT_SECRET is required when NODE_ENV=production/],
    [
      { NODE_ENV: 'production', JWT_SECRET: 'a-production-secret-of-at-least-32-chars!' },
      /^SMTP_URL is required when NODE_ENV=production \(or set MAIL_OUTBOX=true/,
    ],
    [{ MAIL_OUTBOX: 'yes' }, /^MAIL_OUTBOX /],
    [{ NODE_ENV: 'staging' }, /^NODE_ENV /],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL /],
  ])('refuses %j with one line naming the variable', (env, message) => {
    expect(() => loadConfig({ DATA_DIR: dataDir(), ...env })).toThrow(ConfigError);
    expect(() => loadConfig({ DATA_DIR: dataDir(), ...env })).toThrow(message);
  });

  it('writes mails to the outbox in production only when asked to', () => {
    const production = {
      DATA_DIR: dataDir(),
      NODE_ENV: 'production',
      JWT_SECRET: 'a-production-secret-of-at-least-32-chars!',
    };
    expect(loadConfig({ ...production, MAIL_OUTBOX: 'true' }).mailOutbox).toBe(true);
    const smtp = loadConfig({ ...production, SMTP_URL: 'smtp://mail.example.com:587' });
    expect(smtp.mailOutbox).toBe(false);
    expect(loadConfig({ DATA_DIR: dataDir() }).mailOutbox).toBe(true);
  });

  it('treats empty values as unset', () => {
    expect(
      loadConfig({ DATA_DIR: dataDir(), REDIS_URL: '', SMTP_URL: '' }).redisUrl,
    ).toBeUndefined();
  });

  it('trims a trailing slash from PUBLIC_URL so links join cleanly', () => {
    expect(
      loadConfig({ DATA_DIR: dataDir(), PUBLIC_URL: 'https://partners.example.com/' }).publicUrl,
    ).toBe('https://partners.example.com');
  });
});
