import type { EntityManager } from 'typeorm';
import { In, IsNull } from 'typeorm';
import { addDays, addHours, type Clock } from '../../core/clock';
import type { Database } from '../../core/db/database';
import { AppError, ErrorCode } from '../../core/errors';
import { newId, sha256 } from '../../core/secrets';
import type { AuditService } from '../audit/audit.service';
import { policy } from '../teams/role';
import type { Caller, TeamAccess } from '../teams/team-access';
import type { ApiKeyAuthenticator } from './api-key-authenticator';
import { ApiKey, EXPIRATION_DAYS, KeyStatus, keyStatus, type Environment } from './api-key.entity';
import { ApiKeyErrors } from './api-keys.errors';
import type { CreateApiKeyInput, CreatedApiKey, RotateApiKeyInput } from './api-keys.inputs';
import { generateApiKey } from './key-format';
import { RowsBy } from '../../core/db/rows-by';

export interface ApiKeysDeps {
  db: Database;
  clock: Clock;
  audit: AuditService;
  access: TeamAccess;
  authenticator: ApiKeyAuthenticator;
  /** GATEWAY_PUBLIC_URL: where partners call the provider's API with their keys. */
  gatewayUrl: string | null;
}

/** Keys of a team: created once-shown, rotated with a grace period, revoked at once; every change audited. */
export class ApiKeysService {
  /** A team's keys, newest first: read on every key list and dashboard (core/db/rows-by.ts). */
  private readonly teamKeys: RowsBy<ApiKey>;

  constructor(private readonly deps: ApiKeysDeps) {
    this.teamKeys = new RowsBy(deps.db.dataSource, ApiKey, 'teamId', {
      coalesce: true,
      order: [['createdAt', 'DESC']],
    });
  }

  /** How partners call the provider's API with a key: public, it holds no secret. */
  access(): { gatewayUrl: string | null } {
    return { gatewayUrl: this.deps.gatewayUrl };
  }

  status(key: ApiKey): KeyStatus {
    return keyStatus(key, this.deps.clock.now());
  }

  lastUsedAt(key: ApiKey): Date | null {
    return this.deps.authenticator.lastUsedAt(key);
  }

  async list(
    caller: Caller,
    teamId: string,
    filter: { status?: KeyStatus | null; environment?: Environment | null },
  ): Promise<ApiKey[]> {
    await this.deps.access.read(caller, teamId);
    const keys = await this.teamKeys.read([teamId]);
    return keys.filter(
      (k) =>
        (!filter.environment || k.environment === filter.environment) &&
        (!filter.status || this.status(k) === filter.status),
    );
  }

  async get(caller: Caller, id: string): Promise<ApiKey> {
    const key = await this.deps.db.repository(ApiKey).findOneBy({ id });
    if (!key) throw ApiKeyErrors.notFound();
    await this.deps.access.read(caller, key.teamId).catch((error: unknown) => {
      throw error instanceof AppError && error.code === ErrorCode.NOT_FOUND
        ? ApiKeyErrors.notFound()
        : error;
    });
    return key;
  }

  /** Internal look-up by id (e.g. to follow `replaces`), for keys of a team the caller can already read. */
  byId(id: string | null): Promise<ApiKey | null> {
    return id ? this.deps.db.repository(ApiKey).findOneBy({ id }) : Promise.resolve(null);
  }

  /** The same for several ids at once, in the order asked, null for unknown ones (DataLoader's contract). */
  async byIds(ids: readonly string[]): Promise<Array<ApiKey | null>> {
    const keys = await this.deps.db.repository(ApiKey).findBy({ id: In([...ids]) });
    const byId = new Map(keys.map((k) => [k.id, k]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  async create(caller: Caller, input: CreateApiKeyInput): Promise<CreatedApiKey> {
    const actor = await this.deps.access.require(
      caller,
      input.teamId,
      policy.manageKeys,
      'create API keys',
    );
    const name = input.name.trim();
    return this.deps.db.transaction(async (m) => {
      await this.deps.access.lockTeam(m, input.teamId);
      await this.assertNameFree(m, input.teamId, name);
      const created = this.newKey({
        teamId: input.teamId,
        name,
        description: input.description?.trim() || null,
        environment: input.environment,
        expirationDays: EXPIRATION_DAYS[input.expiration],
        monthlyRequestLimit: input.monthlyRequestLimit ?? null,
        rateLimitPerMinute: input.rateLimitPerMinute ?? null,
        createdById: actor.userId,
        replacesId: null,
      });
      await m.insert(ApiKey, created.apiKey);
      await this.deps.audit.record(m, {
        teamId: input.teamId,
        actorUserId: actor.userId,
        action: 'api_key.created',
        targetType: 'api_key',
        targetId: created.apiKey.id,
        details: {
          name,
          environment: input.environment,
          expiresAt: created.apiKey.expiresAt?.toISOString() ?? null,
          start: created.apiKey.start,
        },
      });
      return created;
    });
  }

  /** A new key with the same settings; the old one keeps working for the grace period (0: revoked at once). */
  async rotate(caller: Caller, input: RotateApiKeyInput): Promise<CreatedApiKey> {
    const { key: existing, actor } = await this.toManage(caller, input.id, 'rotate API keys');
    const graceHours = input.gracePeriodHours ?? 24;
    const now = this.deps.clock.now();
    const result = await this.deps.db.transaction(async (m) => {
      await this.deps.access.lockTeam(m, existing.teamId);
      const old = await m.findOneByOrFail(ApiKey, { id: existing.id });
      const status = this.status(old);
      if (status !== KeyStatus.ACTIVE) throw ApiKeyErrors.notActive(status);
      if (old.replacedById) throw ApiKeyErrors.alreadyRotated();
      const created = this.newKey({ ...old, createdById: actor.userId, replacesId: old.id });
      await m.insert(ApiKey, created.apiKey);
      const graceEnd = addHours(now, graceHours);
      const oldChanges =
        graceHours === 0
          ? { replacedById: created.apiKey.id, revokedAt: now, revokedById: actor.userId }
          : {
              replacedById: created.apiKey.id,
              expiresAt: old.expiresAt && old.expiresAt < graceEnd ? old.expiresAt : graceEnd,
            };
      await m.update(ApiKey, { id: old.id }, oldChanges);
      await this.auditRotated(m, old, created.apiKey, actor.userId, {
        gracePeriodHours: graceHours,
      });
      return created;
    });
    this.deps.authenticator.invalidate(existing.id);
    return result;
  }

  /** A key the caller may read, and the caller as one who may manage the team's keys (else refused). */
  private async toManage(caller: Caller, id: string, doing: string) {
    const key = await this.get(caller, id);
    const actor = await this.deps.access.require(caller, key.teamId, policy.manageKeys, doing);
    return { key, actor };
  }

  /** Immediate. Revoking a revoked key changes nothing and returns it. */
  async revoke(caller: Caller, id: string): Promise<ApiKey> {
    const { key, actor } = await this.toManage(caller, id, 'revoke API keys');
    if (key.revokedAt) return key;
    const now = this.deps.clock.now();
    const revoked = await this.deps.db.transaction((m) =>
      this.revokeWithin(m, key, actor.userId, null, now),
    );
    this.deps.authenticator.invalidate(id);
    // Not revoked here: a concurrent request did it (and audited it) first.
    return revoked ? { ...key, revokedAt: now, revokedById: actor.userId } : this.get(caller, id);
  }

  /**
   * Revokes one key inside the caller's transaction (offboarding its creator), audited as
   * api_key.revoked with the reason, if any. False when it was already revoked. After the
   * transaction commits, call `announceRevoked` so every process drops it.
   */
  async revokeWithin(
    m: EntityManager,
    key: ApiKey,
    /** null: no person (a secret scanner's report). */
    actorUserId: string | null,
    /** null: the key's own revocation by a person (revokeApiKey), which gives none. */
    reason: string | null,
    now: Date = this.deps.clock.now(),
  ): Promise<boolean> {
    const result = await m.update(
      ApiKey,
      { id: key.id, revokedAt: IsNull() },
      { revokedAt: now, revokedById: actorUserId },
    );
    if (!result.affected) return false;
    await this.deps.audit.record(m, {
      teamId: key.teamId,
      actorUserId,
      action: 'api_key.revoked',
      targetType: 'api_key',
      targetId: key.id,
      details: { name: key.name, start: key.start, ...(reason === null ? {} : { reason }) },
    });
    return true;
  }

  /** Publishes a committed revocation: every process drops the key and ends its sockets. */
  announceRevoked(keyId: string): void {
    this.deps.authenticator.invalidate(keyId);
  }

  /**
   * A replacement of `old` with the same settings inside the caller's transaction (a compromised
   * key reported with ROTATE): linked both ways, audited as api_key.rotated with no grace period.
   * The old key is revoked by the caller (revokeWithin).
   */
  async replaceWithin(m: EntityManager, old: ApiKey, actorUserId: string): Promise<CreatedApiKey> {
    const created = this.newKey({ ...old, createdById: actorUserId, replacesId: old.id });
    await m.insert(ApiKey, created.apiKey);
    await m.update(ApiKey, { id: old.id }, { replacedById: created.apiKey.id });
    await this.auditRotated(m, old, created.apiKey, actorUserId, {
      gracePeriodHours: 0,
      reason: 'compromised',
    });
    return created;
  }

  /** api_key.rotated on the old key: `old` replaced by `replacement` (its start is the new one's). */
  private auditRotated(
    m: EntityManager,
    old: ApiKey,
    replacement: ApiKey,
    actorUserId: string,
    more: { gracePeriodHours: number; reason?: string },
  ): Promise<void> {
    return this.deps.audit.record(m, {
      teamId: old.teamId,
      actorUserId,
      action: 'api_key.rotated',
      targetType: 'api_key',
      targetId: old.id,
      details: {
        name: old.name,
        oldKeyId: old.id,
        newKeyId: replacement.id,
        gracePeriodHours: more.gracePeriodHours,
        start: replacement.start,
        ...(more.reason === undefined ? {} : { reason: more.reason }),
      },
    });
  }

  /**
   * "Store keys securely": an OWNER or ADMIN says the secret is kept in a secret store. Idempotent:
   * the first acknowledgement is kept (and audited once).
   */
  async acknowledgeSecretStored(caller: Caller, id: string): Promise<ApiKey> {
    const { key, actor } = await this.toManage(caller, id, 'acknowledge how API keys are stored');
    if (key.secretStoredAt) return key;
    const now = this.deps.clock.now();
    const stored = await this.deps.db.transaction(async (m) => {
      const result = await m.update(
        ApiKey,
        { id, secretStoredAt: IsNull() },
        { secretStoredAt: now },
      );
      if (!result.affected) return false;
      await this.deps.audit.record(m, {
        teamId: key.teamId,
        actorUserId: actor.userId,
        action: 'api_key.secret_stored',
        targetType: 'api_key',
        targetId: id,
        details: { name: key.name, start: key.start },
      });
      return true;
    });
    return stored ? { ...key, secretStoredAt: now } : this.get(caller, id);
  }

  /** Part of deleting a team: all its keys stop working at once. */
  async revokeAllOfTeam(m: EntityManager, teamId: string): Promise<void> {
    const live = await m.find(ApiKey, {
      where: { teamId, revokedAt: IsNull() },
      select: { id: true },
    });
    if (live.length === 0) return;
    await m.update(ApiKey, { teamId, revokedAt: IsNull() }, { revokedAt: this.deps.clock.now() });
    for (const key of live) this.deps.authenticator.invalidate(key.id);
  }

  private async assertNameFree(m: EntityManager, teamId: string, name: string): Promise<void> {
    const same = await m.find(ApiKey, { where: { teamId, name, replacedById: IsNull() } });
    if (same.some((k) => this.status(k) === KeyStatus.ACTIVE)) throw ApiKeyErrors.nameTaken();
  }

  private newKey(
    settings: Pick<
      ApiKey,
      | 'teamId'
      | 'name'
      | 'description'
      | 'environment'
      | 'expirationDays'
      | 'monthlyRequestLimit'
      | 'rateLimitPerMinute'
      | 'createdById'
      | 'replacesId'
    >,
  ): CreatedApiKey {
    const now = this.deps.clock.now();
    const { secret, start } = generateApiKey(settings.environment);
    const apiKey: ApiKey = {
      id: newId(),
      teamId: settings.teamId,
      name: settings.name,
      description: settings.description,
      environment: settings.environment,
      start,
      keyHash: sha256(secret),
      createdAt: now,
      createdById: settings.createdById,
      expirationDays: settings.expirationDays,
      expiresAt: settings.expirationDays === null ? null : addDays(now, settings.expirationDays),
      lastUsedAt: null,
      revokedAt: null,
      revokedById: null,
      monthlyRequestLimit: settings.monthlyRequestLimit,
      rateLimitPerMinute: settings.rateLimitPerMinute,
      replacesId: settings.replacesId,
      replacedById: null,
      secretStoredAt: null,
    };
    return { apiKey, secret };
  }
}
