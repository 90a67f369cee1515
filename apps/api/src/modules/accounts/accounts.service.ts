import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import type { Logger } from 'pino';
import { In, IsNull, QueryFailedError } from 'typeorm';
import type { UserPrincipal } from '../../core/auth/principal';
import { addHours, addMinutes, type Clock } from '../../core/clock';
import type { Database } from '../../core/db/database';
import { composeMail, type Mailer } from '../../core/mail';
import { describeWait, type LimitRule, type RateLimits } from '../../core/rate-limit';
import { AppError } from '../../core/errors';
import type { Revocations } from '../../core/revocations';
import { newId, randomToken, sha256 } from '../../core/secrets';
import { normalizeEmail } from '../../core/validation';
import { AccountErrors } from './accounts.errors';
import type { LogInInput, SignUpInput } from './accounts.inputs';
import { decoyHash, hashPassword, needsRehash, verifyPassword } from './password';
import { PasswordReset } from './password-reset.entity';
import { Session } from './session.entity';
import { SessionCache, type SessionCacheOptions, type VerifiedToken } from './session-cache';
import { User } from './user.entity';

export const LIMITS = {
  loginFailuresPerEmail: { name: 'login-email', points: 5, durationSeconds: 15 * 60 },
  loginFailuresPerAddress: { name: 'login-ip', points: 30, durationSeconds: 15 * 60 },
  resetsPerEmail: { name: 'reset-email', points: 3, durationSeconds: 60 * 60 },
  resetsPerAddress: { name: 'reset-ip', points: 20, durationSeconds: 60 * 60 },
  signUpsPerAddress: { name: 'signup-ip', points: 50, durationSeconds: 60 * 60 },
  /** Mails telling an owner that someone tried to sign up with their address: beyond this, none. */
  signUpNoticesPerEmail: { name: 'signup-notice-email', points: 3, durationSeconds: 60 * 60 },
  /** Attempts to use a reset link, counted before the token is looked up (guessing costs a slot). */
  resetUsesPerAddress: { name: 'reset-use-ip', points: 10, durationSeconds: 15 * 60 },
} satisfies Record<string, LimitRule>;

const RESET_LINK_MINUTES = 60;
const ISSUER = 'partner-portal';
const AUDIENCE = 'partner-portal:session';

export interface RequestMeta {
  ip: string;
  userAgent: string | null;
}

export interface AccountsDeps {
  db: Database;
  clock: Clock;
  mailer: Mailer;
  limits: RateLimits;
  logger: Logger;
  /** Ended sessions are announced here after their transaction commits (open sockets close on it). */
  revocations: Revocations;
  jwtSecret: Uint8Array;
  sessionTtlHours: number;
  publicUrl: string;
  /** Defaults: open sessions trusted 30 s between reads, verified tokens kept 60 s, 10,000 of each. */
  sessionCache?: SessionCacheOptions;
}

/** Accounts and sessions: sign up, log in and out, password reset, and turning a token into a caller. */
export class AccountsService {
  private readonly cache: SessionCache;

  constructor(private readonly deps: AccountsDeps) {
    this.cache = new SessionCache(deps.revocations, deps.sessionCache);
  }

  private get users() {
    return this.deps.db.repository(User);
  }

  private get sessions() {
    return this.deps.db.repository(Session);
  }

  userById(id: string): Promise<User | null> {
    return this.users.findOneBy({ id });
  }

  /** In the order asked, null for unknown ids (DataLoader's contract). */
  async usersByIds(ids: readonly string[]): Promise<Array<User | null>> {
    const users = await this.users.findBy({ id: In([...ids]) });
    const byId = new Map(users.map((u) => [u.id, u]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /**
   * Answers the same whether or not the address already has an account, so sign-up cannot be used
   * to learn who has one: for a taken address the password is hashed anyway (same cost), the
   * owner gets a mail instead, and the answer is an AuthPayload of the same shape whose token is
   * well signed but maps to no session (refused like any ended session) and whose user has a
   * fresh id. An honest limit: a later request with that token still tells the two apart (it is
   * refused with 401 where a new account's token works); that costs the prober a second request
   * per address, while the sign-up limit per address still counts every try.
   */
  async signUp(input: SignUpInput, meta: RequestMeta): Promise<{ token: string; user: User }> {
    await this.deps.limits.enforce(
      LIMITS.signUpsPerAddress,
      meta.ip,
      'Too many sign-ups from this address.',
    );
    const email = normalizeEmail(input.email);
    const name = input.name.trim();
    const existing = await this.users.findOneBy({ email });
    const passwordHash = await hashPassword(input.password);
    const user = this.users.create({
      id: newId(),
      email,
      name,
      passwordHash,
      createdAt: this.deps.clock.now(),
    });
    if (existing) return this.answerTakenAddress(existing, user);
    try {
      await this.deps.db.transaction((m) => m.insert(User, user));
    } catch (error) {
      // Two sign-ups with one email at the same moment: the unique index decides, the loser reads the same.
      if (error instanceof QueryFailedError && /unique|duplicate/i.test(error.message)) {
        const winner = await this.users.findOneBy({ email });
        if (winner) return this.answerTakenAddress(winner, user);
      }
      throw error;
    }
    return { token: await this.startSession(user.id, meta), user };
  }

  /** The sign-up answer for a taken address (see signUp); the owner hears of it by mail. */
  private async answerTakenAddress(
    owner: User,
    stranger: User,
  ): Promise<{ token: string; user: User }> {
    const now = this.deps.clock.now();
    const token = await this.signSession({
      userId: stranger.id,
      sessionId: newId(),
      issuedAt: now,
      expiresAt: addHours(now, this.deps.sessionTtlHours),
    });
    // Not awaited, like the reset mail: waiting for SMTP would make this answer the slower one.
    void this.noticeSignUpAttempt(owner).catch((error: unknown) =>
      this.deps.logger.error({ err: error, userId: owner.id }, 'sign-up notice mail failed'),
    );
    return { token, user: { ...stranger, passwordHash: '' } };
  }

  private async noticeSignUpAttempt(owner: User): Promise<void> {
    // A few per hour per address at most, so sign-up cannot be used to flood someone's inbox.
    if ((await this.deps.limits.hit(LIMITS.signUpNoticesPerEmail, owner.email)) > 0) return;
    await this.deps.mailer.send(
      composeMail(owner.email, {
        subject: 'Someone tried to sign up with your address',
        paragraphs: [
          `Hi ${owner.name},`,
          'Someone just tried to create a new Partner Portal account with this email address. It already has an account, so no new one was made and nothing changed in yours.',
          'If it was you, log in with your password, or reset your password if you have forgotten it.',
        ],
        action: { label: 'Log in to Partner Portal', url: `${this.deps.publicUrl}/login` },
        footer: `Forgot your password? Reset it here: ${this.deps.publicUrl}/forgot-password. If it wasn't you, you can ignore this mail.`,
      }),
    );
  }

  async logIn(input: LogInInput, meta: RequestMeta): Promise<{ token: string; user: User }> {
    const email = normalizeEmail(input.email);
    const { limits } = this.deps;
    const wait = Math.max(
      await limits.blockedFor(LIMITS.loginFailuresPerEmail, email),
      await limits.blockedFor(LIMITS.loginFailuresPerAddress, meta.ip),
    );
    if (wait > 0) throw tooManyAttempts(wait);

    const user = await this.users.findOneBy({ email });
    // Unknown emails are checked against a decoy hash, so both failures take as long and read the same.
    const valid = await verifyPassword(input.password, user?.passwordHash ?? (await decoyHash()));
    if (!user || !valid) {
      const over = Math.max(
        await limits.hit(LIMITS.loginFailuresPerEmail, email),
        await limits.hit(LIMITS.loginFailuresPerAddress, meta.ip),
      );
      if (over > 0) throw tooManyAttempts(over);
      throw AccountErrors.badCredentials();
    }
    await limits.reset(LIMITS.loginFailuresPerEmail, email);
    if (needsRehash(user.passwordHash)) await this.upgradeHash(user, input.password);
    return { token: await this.startSession(user.id, meta), user };
  }

  /**
   * A hash made with older scrypt parameters, rewritten with today's now that the password is
   * known. Conditional on the old hash, so a reset that landed meanwhile is never overwritten.
   */
  private async upgradeHash(user: User, password: string): Promise<void> {
    const upgraded = await hashPassword(password);
    await this.deps.db.transaction((m) =>
      m.update(User, { id: user.id, passwordHash: user.passwordHash }, { passwordHash: upgraded }),
    );
  }

  async logOut(principal: UserPrincipal): Promise<void> {
    await this.deps.db.transaction((m) =>
      m.update(
        Session,
        { id: principal.sessionId, revokedAt: IsNull() },
        { revokedAt: this.deps.clock.now() },
      ),
    );
    this.deps.revocations.publish({ kind: 'session', sessionId: principal.sessionId });
  }

  /** Always answers the same; mails a single-use link (valid one hour) only when the account exists. */
  async requestPasswordReset(rawEmail: string, meta: RequestMeta): Promise<void> {
    const email = normalizeEmail(rawEmail);
    const { limits } = this.deps;
    await limits.enforce(
      LIMITS.resetsPerAddress,
      meta.ip,
      'Too many reset requests from this address.',
    );
    await limits.enforce(LIMITS.resetsPerEmail, email, 'Too many reset requests for this email.');
    const user = await this.users.findOneBy({ email });
    if (!user) return;
    const token = randomToken();
    const now = this.deps.clock.now();
    const reset: PasswordReset = {
      id: newId(),
      userId: user.id,
      tokenHash: sha256(token),
      createdAt: now,
      expiresAt: addMinutes(now, RESET_LINK_MINUTES),
      usedAt: null,
    };
    await this.deps.db.transaction((m) => m.insert(PasswordReset, reset));
    const url = `${this.deps.publicUrl}/reset-password?token=${encodeURIComponent(token)}`;
    // Not awaited: the answer must not take longer for a real account than for an unknown one.
    this.deps.mailer
      .send(
        composeMail(user.email, {
          subject: 'Reset your Partner Portal password',
          paragraphs: [
            `Hi ${user.name},`,
            'Someone (hopefully you) asked to reset the password of your Partner Portal account. The link below works once, for the next hour.',
          ],
          action: { label: 'Choose a new password', url },
          footer: "If you didn't ask for this, ignore this mail: your password stays as it is.",
        }),
      )
      .catch((error: unknown) =>
        this.deps.logger.error({ err: error, userId: user.id }, 'password reset mail failed'),
      );
  }

  /**
   * Uses a reset link once: sets the password, ends every session of the account, and starts a new
   * one. Limited per address, and the token is looked up before the new password is hashed, so an
   * unknown, used or expired link costs a database read, never a scrypt.
   */
  async resetPassword(
    token: string,
    password: string,
    meta: RequestMeta,
  ): Promise<{ token: string; user: User }> {
    await this.deps.limits.enforce(
      LIMITS.resetUsesPerAddress,
      meta.ip,
      'Too many password reset attempts from this address.',
    );
    const tokenHash = sha256(token);
    const found = await this.deps.db.repository(PasswordReset).findOneBy({ tokenHash });
    this.assertUsable(found);
    const passwordHash = await hashPassword(password);
    const now = this.deps.clock.now();
    const userId = await this.deps.db.transaction(async (tx) => {
      const resets = tx.getRepository(PasswordReset);
      // Read again in the transaction: the link may have been used while the password was hashed.
      const reset = await resets.findOneBy({ tokenHash });
      this.assertUsable(reset, now);
      // The conditional update is what makes the link single-use, even under concurrent requests.
      const claimed = await resets.update({ id: reset.id, usedAt: IsNull() }, { usedAt: now });
      if (claimed.affected !== 1) throw AccountErrors.usedResetLink();
      await tx.getRepository(User).update({ id: reset.userId }, { passwordHash });
      await tx
        .getRepository(Session)
        .update({ userId: reset.userId, revokedAt: IsNull() }, { revokedAt: now });
      return reset.userId;
    });
    this.deps.revocations.publish({ kind: 'userSessions', userId });
    const user = await this.users.findOneByOrFail({ id: userId });
    await this.deps.limits.reset(LIMITS.loginFailuresPerEmail, user.email);
    return { token: await this.startSession(user.id, meta), user };
  }

  private assertUsable(
    reset: PasswordReset | null,
    now = this.deps.clock.now(),
  ): asserts reset is PasswordReset {
    if (!reset) throw AccountErrors.invalidResetLink();
    if (reset.usedAt) throw AccountErrors.usedResetLink();
    if (reset.expiresAt.getTime() <= now.getTime()) throw AccountErrors.expiredResetLink();
  }

  /**
   * A session token → the person behind it, if its server-side session is still open. The
   * verified token and the open session are cached (SessionCache: dropped on the revocations of
   * log-out and password reset); both expiries are checked against the clock every time.
   */
  async authenticate(token: string): Promise<UserPrincipal> {
    const now = this.deps.clock.now();
    const verified = this.cache.token(token) ?? (await this.verify(token, now));
    // jose's own test (exp <= now, in whole seconds), for tokens verified on an earlier request.
    if (verified.exp <= Math.floor(now.getTime() / 1000)) throw AccountErrors.sessionEnded();
    const { principal } = verified;
    const open = this.cache.openSession(principal.sessionId);
    if (open) {
      if (open.userId !== principal.userId) throw AccountErrors.invalidSession();
      if (open.expiresAtMs <= now.getTime()) throw AccountErrors.sessionEnded();
      return principal;
    }
    const mark = this.cache.mark;
    const session = await this.sessions.findOneBy({ id: principal.sessionId });
    // A token we signed whose session row is missing (the sign-up answer for a taken address, or
    // an account deleted with its sessions) reads like any ended session.
    if (!session) throw AccountErrors.sessionEnded();
    if (session.userId !== principal.userId) throw AccountErrors.invalidSession();
    if (session.revokedAt || session.expiresAt.getTime() <= now.getTime())
      throw AccountErrors.sessionEnded();
    this.cache.rememberOpen(
      session.id,
      { userId: session.userId, expiresAtMs: session.expiresAt.getTime() },
      mark,
      now.getTime(),
    );
    return principal;
  }

  /** Checks a token's signature and claims; a valid one is remembered (its expiry is checked apart). */
  private async verify(token: string, now: Date): Promise<VerifiedToken> {
    try {
      const { payload } = await jwtVerify(token, this.deps.jwtSecret, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        currentDate: now,
        requiredClaims: ['sub', 'jti', 'exp'],
      });
      const verified: VerifiedToken = {
        principal: Object.freeze({
          kind: 'user' as const,
          userId: payload.sub!,
          sessionId: payload.jti!,
        }),
        exp: payload.exp!,
      };
      this.cache.rememberToken(token, verified);
      return verified;
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw AccountErrors.sessionEnded();
      if (error instanceof joseErrors.JOSEError) throw AccountErrors.invalidSession();
      throw error;
    }
  }

  private async startSession(userId: string, meta: RequestMeta): Promise<string> {
    const now = this.deps.clock.now();
    const session: Session = {
      id: newId(),
      userId,
      createdAt: now,
      expiresAt: addHours(now, this.deps.sessionTtlHours),
      revokedAt: null,
      ip: meta.ip.slice(0, 64),
      userAgent: meta.userAgent?.slice(0, 255) ?? null,
    };
    await this.deps.db.transaction((m) => m.insert(Session, session));
    return this.signSession({
      userId,
      sessionId: session.id,
      issuedAt: now,
      expiresAt: session.expiresAt,
    });
  }

  private signSession(claims: {
    userId: string;
    sessionId: string;
    issuedAt: Date;
    expiresAt: Date;
  }): Promise<string> {
    return new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(claims.userId)
      .setJti(claims.sessionId)
      .setIssuedAt(Math.floor(claims.issuedAt.getTime() / 1000))
      .setExpirationTime(Math.floor(claims.expiresAt.getTime() / 1000))
      .sign(this.deps.jwtSecret);
  }
}

function tooManyAttempts(seconds: number): AppError {
  return AppError.rateLimited(
    `Too many failed attempts. Try again in ${describeWait(seconds)}.`,
    seconds,
  );
}
