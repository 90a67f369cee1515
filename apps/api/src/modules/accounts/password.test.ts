import { randomBytes, scryptSync } from 'node:crypto';
import { decoyHash, hashPassword, needsRehash, SCRYPT_PARAMS, verifyPassword } from './password';

/** A hash in the stored format made with the old parameters (N=2^15), as rows written before the upgrade hold. */
function legacyHash(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
  return ['scrypt', 2 ** 15, 8, 1, salt.toString('base64url'), key.toString('base64url')].join('$');
}

describe('password hashing', () => {
  it('verifies the right password and refuses any other', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(await verifyPassword('correct horse battery staple', hash)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it("hashes at OWASP's scrypt minimum (N=2^17, r=8, p=1)", async () => {
    expect(SCRYPT_PARAMS).toEqual({ N: 131072, r: 8, p: 1 });
    expect(await hashPassword('x'.repeat(12))).toMatch(
      /^scrypt\$131072\$8\$1\$[\w-]{22}\$[\w-]{43}$/,
    );
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same password')).not.toBe(await hashPassword('same password'));
  });

  it('refuses a malformed stored hash instead of throwing', async () => {
    expect(await verifyPassword('x', 'md5$abc')).toBe(false);
    // Parameters a corrupt row could carry: not a power of two, far too much memory, no key.
    expect(await verifyPassword('x', 'scrypt$1000$8$1$c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5')).toBe(
      false,
    );
    expect(await verifyPassword('x', `scrypt$${2 ** 24}$8$1$c2FsdA$a2V5a2V5a2V5a2V5`)).toBe(false);
    expect(await verifyPassword('x', 'scrypt$131072$8$1$c2FsdA$')).toBe(false);
  });

  it('still verifies hashes made with the old parameters, and says they need a rehash', async () => {
    const old = legacyHash('an old password');
    expect(await verifyPassword('an old password', old)).toBe(true);
    expect(await verifyPassword('another password', old)).toBe(false);
    expect(needsRehash(old)).toBe(true);
    expect(needsRehash(await hashPassword('a new password'))).toBe(false);
  });

  it('uses the current parameters for the decoy that unknown emails are checked against', async () => {
    const decoy = await decoyHash();
    expect(decoy).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(needsRehash(decoy)).toBe(false);
  });
});
