import type { Logger } from 'pino';
import { IsNull, type EntityManager } from 'typeorm';
import { parseApiKey } from '@partner-portal/keys';
import type { Clock } from '../../core/clock';
import type { Database } from '../../core/db/database';
import { composeMail, type Mailer } from '../../core/mail';
import { newId, sha256 } from '../../core/secrets';
import { User } from '../accounts/user.entity';
import type { AuditService } from '../audit/audit.service';
import { Membership } from '../teams/membership.entity';
import { policy, Role } from '../teams/role';
import type { Caller, TeamAccess } from '../teams/team-access';
import { Team } from '../teams/team.entity';
import { ApiKey } from './api-key.entity';
import type { ApiKeysService } from './api-keys.service';
import type { CreatedApiKey, ReportCompromisedKeyInput } from './api-keys.inputs';
import {
  CompromiseAction,
  FOUND_AT_MAX,
  INCIDENT_DETAILS_MAX,
  KeyIncident,
  RejectedAddress,
  type IncidentSource,
} from './key-incident.entity';

export interface KeyIncidentsDeps {
  db: Database;
  clock: Clock;
  audit: AuditService;
  access: TeamAccess;
  apiKeys: ApiKeysService;
  mailer: Mailer;
  logger: Logger;
  publicUrl: string;
  /** SUPPORT_EMAIL: the provider's support, mailed every report; null: owners only. */
  supportEmail: string | null;
}

/** The most incidents a list shows (newest first). */
export const INCIDENTS_LISTED = 200;
/** The most client addresses shown per incident (the most recent; the refusal sink keeps 20). */
export const ADDRESSES_LISTED = 20;

/** What a secret scanner's report of one token turned out to be. */
export type LeakLabel = 'true_positive' | 'false_positive';

/**
 * Compromised keys (issue 10): a person's report, or a secret scanner's find. The key stops at
 * once (no grace period), through the api-keys service's revoke path, so every process, socket and
 * gateway drops it; the incident, the revocation (and a ROTATE's replacement) and their audit
 * events are written in one transaction; the team's owners and the provider's support are mailed
 * after it commits. Refused attempts with the key are counted onto its incidents by the
 * verification core (SqlRefusalSink), wherever they are refused.
 */
export class KeyIncidentsService {
  constructor(private readonly deps: KeyIncidentsDeps) {}

  async report(
    caller: Caller,
    input: ReportCompromisedKeyInput,
  ): Promise<{ incident: KeyIncident; replacement: CreatedApiKey | null }> {
    const key = await this.deps.apiKeys.get(caller, input.apiKeyId);
    const actor = await this.deps.access.require(
      caller,
      key.teamId,
      policy.manageKeys,
      'report compromised API keys',
    );
    const details = input.details?.trim().slice(0, INCIDENT_DETAILS_MAX) || null;
    const result = await this.deps.db.transaction(async (m) => {
      await this.deps.access.lockTeam(m, key.teamId);
      const current = await m.findOneByOrFail(ApiKey, { id: key.id });
      const revoked = await this.deps.apiKeys.revokeWithin(m, current, actor.userId, 'compromised');
      // A key already replaced by a rotation keeps that replacement (a different secret, not
      // compromised): only this key is stopped.
      const replacement =
        input.action === CompromiseAction.ROTATE && !current.replacedById
          ? await this.deps.apiKeys.replaceWithin(m, current, actor.userId)
          : null;
      const incident = this.newIncident(current, 'PERSON', input.action, {
        reportedById: actor.userId,
        details,
      });
      await this.insertIncident(m, key, incident, revoked, {
        replacementKeyId: replacement?.apiKey.id ?? null,
        details,
      });
      return { incident, replacement, revoked };
    });
    if (result.revoked) this.deps.apiKeys.announceRevoked(key.id);
    this.mailReport(result.incident, key, result.replacement?.apiKey ?? null);
    return { incident: result.incident, replacement: result.replacement };
  }

  /**
   * A token a secret scanner found at `url`. Not a key of ours (shape, checksum, or no such key):
   * false_positive and nothing changes. A key: true_positive; revoked at once if it was not, and
   * recorded as an incident with the place it was found and mailed, unless an incident of this
   * key already records that same place (a scanner reporting the same find again).
   */
  async reportLeak(token: string, url: string | null): Promise<LeakLabel> {
    if (parseApiKey(token) === null) return 'false_positive';
    const key = await this.deps.db.repository(ApiKey).findOneBy({ keyHash: sha256(token) });
    if (!key) return 'false_positive';
    const foundAt = url ? url.slice(0, FOUND_AT_MAX) : null;
    const team = await this.deps.db.repository(Team).findOneBy({ id: key.teamId });
    // A deleted team's keys were all revoked with it, and nobody is left to tell.
    if (!team || team.deletedAt) return 'true_positive';
    const result = await this.deps.db.transaction(async (m) => {
      await this.deps.access.lockTeam(m, key.teamId);
      const current = await m.findOneByOrFail(ApiKey, { id: key.id });
      const revoked = await this.deps.apiKeys.revokeWithin(m, current, null, 'leaked');
      if (!revoked) {
        const known = await m.findOne(KeyIncident, {
          where: foundAt ? { apiKeyId: key.id, foundAt } : { apiKeyId: key.id, foundAt: IsNull() },
          select: { id: true },
        });
        if (known) return null;
      }
      const incident = this.newIncident(current, 'SECRET_SCANNING', CompromiseAction.REVOKE, {
        reportedById: null,
        foundAt,
      });
      await this.insertIncident(m, key, incident, revoked, { foundAt });
      return { incident, revoked };
    });
    if (result?.revoked) this.deps.apiKeys.announceRevoked(key.id);
    if (result) this.mailReport(result.incident, key, null);
    return 'true_positive';
  }

  async listForTeam(caller: Caller, teamId: string): Promise<KeyIncident[]> {
    await this.deps.access.read(caller, teamId);
    return this.deps.db.repository(KeyIncident).find({
      where: { teamId },
      order: { createdAt: 'DESC', id: 'DESC' },
      take: INCIDENTS_LISTED,
    });
  }

  async listForKey(caller: Caller, key: ApiKey): Promise<KeyIncident[]> {
    await this.deps.access.read(caller, key.teamId);
    return this.deps.db.repository(KeyIncident).find({
      where: { teamId: key.teamId, apiKeyId: key.id },
      order: { createdAt: 'DESC', id: 'DESC' },
      take: INCIDENTS_LISTED,
    });
  }

  /** The most recent client addresses refused attempts of the incident's key came from. */
  rejectedAddresses(incident: KeyIncident): Promise<RejectedAddress[]> {
    return this.deps.db.repository(RejectedAddress).find({
      where: { incidentId: incident.id },
      order: { lastSeenAt: 'DESC', address: 'ASC' },
      take: ADDRESSES_LISTED,
    });
  }

  private newIncident(
    key: ApiKey,
    source: IncidentSource,
    action: CompromiseAction,
    more: { reportedById: string | null; details?: string | null; foundAt?: string | null },
  ): KeyIncident {
    return {
      id: newId(),
      teamId: key.teamId,
      apiKeyId: key.id,
      reportedById: more.reportedById,
      source,
      action,
      details: more.details ?? null,
      foundAt: more.foundAt ?? null,
      createdAt: this.deps.clock.now(),
      rejectedAttempts: 0,
      lastRejectedAt: null,
    };
  }

  /**
   * Stores the incident and audits it as api_key.compromised (by its reporter, or nobody for a
   * scanner) inside the report's transaction; `more` adds to the audit details.
   */
  private async insertIncident(
    m: EntityManager,
    key: ApiKey,
    incident: KeyIncident,
    revoked: boolean,
    more: Record<string, unknown>,
  ): Promise<void> {
    await m.insert(KeyIncident, incident);
    await this.deps.audit.record(m, {
      teamId: key.teamId,
      actorUserId: incident.reportedById,
      action: 'api_key.compromised',
      targetType: 'api_key',
      targetId: key.id,
      details: {
        name: key.name,
        start: key.start,
        incidentId: incident.id,
        source: incident.source,
        action: incident.action,
        revoked,
        ...more,
      },
    });
  }

  /** To the team's owners and the provider's support, after the commit; a failure is logged. */
  private mailReport(incident: KeyIncident, key: ApiKey, replacement: ApiKey | null): void {
    void this.sendReport(incident, key, replacement).catch((error: unknown) =>
      this.deps.logger.error(
        { err: error, incidentId: incident.id },
        'compromised key report mail failed',
      ),
    );
  }

  private async sendReport(
    incident: KeyIncident,
    key: ApiKey,
    replacement: ApiKey | null,
  ): Promise<void> {
    const { db, publicUrl, supportEmail } = this.deps;
    const team = await db.repository(Team).findOneByOrFail({ id: key.teamId });
    const owners = await db
      .repository(User)
      .createQueryBuilder('u')
      .innerJoin(Membership, 'm', 'm.userId = u.id')
      .where('m.teamId = :teamId AND m.role = :role', { teamId: key.teamId, role: Role.OWNER })
      .getMany();
    const reporter = incident.reportedById
      ? await db.repository(User).findOneBy({ id: incident.reportedById })
      : null;
    const url = `${publicUrl}/teams/${encodeURIComponent(team.id)}/keys/${encodeURIComponent(key.id)}`;
    const who =
      incident.source === 'SECRET_SCANNING'
        ? `A secret scanner found it${incident.foundAt ? ` at ${incident.foundAt}` : ''}.`
        : `${reporter ? `${reporter.name} (${reporter.email})` : 'A team member'} reported it.`;
    const facts = [
      `Key: "${key.name}" (${key.environment}, starts with ${key.start}, id ${key.id})`,
      `Team: ${team.name} (id ${team.id})`,
      `Reported: ${incident.createdAt.toUTCString()}`,
      `Action: ${incident.action}`,
    ].join('\n');
    const done = replacement
      ? `The key was revoked at once and replaced by a new key with the same settings (starts with ${replacement.start}); its secret was shown once to the person who reported.`
      : 'The key was revoked at once: every request made with it is refused.';
    const subject = `API key "${key.name}" of ${team.name} was reported as compromised`;
    for (const owner of owners)
      await this.deps.mailer.send(
        composeMail(owner.email, {
          subject,
          paragraphs: [
            'Hello,',
            `An API key of your team "${team.name}" was reported as compromised. ${who}`,
            done,
            facts,
            ...(incident.details ? [`Details:\n${incident.details}`] : []),
            'What to do now: update your applications to use the replacement key, watch the refused attempts with the old key on its page (someone still trying it), and check your usage for anything unusual.',
          ],
          action: { label: 'Open the key', url },
          footer: `You receive this because you own the team "${team.name}" on Partner Portal.`,
        }),
      );
    if (supportEmail)
      await this.deps.mailer.send(
        composeMail(supportEmail, {
          subject: `[Compromised key] ${team.name}: ${key.start}… (${incident.source})`,
          paragraphs: [
            `A partner's API key was reported as compromised. ${who}`,
            done,
            facts,
            ...(incident.details ? [`Details:\n${incident.details}`] : []),
          ],
          action: { label: 'Open the key in the portal', url },
          footer: 'Sent to SUPPORT_EMAIL for every compromised key report.',
        }),
      );
  }
}
