import { checksum, generateApiKey, parseApiKey } from './format';

describe('API key format', () => {
  it('names the environment in the prefix and carries at least 128 random bits', () => {
    const dev = generateApiKey('DEVELOPMENT');
    const live = generateApiKey('PRODUCTION');
    expect(dev.secret).toMatch(/^ppk_test_[0-9A-Za-z]{38}$/);
    expect(live.secret).toMatch(/^ppk_live_[0-9A-Za-z]{38}$/);
    expect(32 * Math.log2(62)).toBeGreaterThanOrEqual(128);
    expect(dev.start).toBe(dev.secret.slice(0, 13));
  });

  it('never repeats', () => {
    const seen = new Set(Array.from({ length: 2000 }, () => generateApiKey('DEVELOPMENT').secret));
    expect(seen.size).toBe(2000);
  });

  it('accepts its own keys and reads their environment', () => {
    expect(parseApiKey(generateApiKey('DEVELOPMENT').secret)).toBe('DEVELOPMENT');
    expect(parseApiKey(generateApiKey('PRODUCTION').secret)).toBe('PRODUCTION');
  });

  it('rejects a key with any single character changed', () => {
    const { secret } = generateApiKey('PRODUCTION');
    const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
    let rejected = 0;
    let variants = 0;
    for (let i = 'ppk_live_'.length; i < secret.length; i++) {
      for (const c of ALPHABET) {
        if (c === secret[i]) continue;
        variants++;
        if (parseApiKey(secret.slice(0, i) + c + secret.slice(i + 1)) === null) rejected++;
      }
    }
    expect(rejected).toBe(variants);
  });

  it.each([
    ['empty', ''],
    ['wrong prefix', 'ppk_prod_' + 'a'.repeat(38)],
    ['too short', 'ppk_test_abc'],
    ['bad characters', 'ppk_test_' + '-'.repeat(38)],
    ['random base62', 'ppk_test_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9'],
    [
      'environment swapped',
      (() => {
        const k = generateApiKey('DEVELOPMENT').secret;
        return k.replace('ppk_test_', 'ppk_live_');
      })(),
    ],
  ])('rejects %s', (_label, value) => {
    expect(parseApiKey(value)).toBeNull();
  });

  it('computes a 6-character base62 CRC32', () => {
    expect(checksum('ppk_test_')).toMatch(/^[0-9A-Za-z]{6}$/);
    expect(checksum('a')).not.toBe(checksum('b'));
  });
});
