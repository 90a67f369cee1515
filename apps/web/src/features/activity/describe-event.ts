import { ENVIRONMENT_LABELS, isEnvironment } from '../api-keys/labels';
import { formatAbsolute } from '../../lib/time';
import { roleLabel } from '../teams/roles';

export interface AuditEventLike {
  action: string;
  actor: { id: string; name: string; email: string } | null;
  details: string | null;
}

export type Tone =
  'team' | 'invite' | 'join' | 'role' | 'remove' | 'key' | 'key-off' | 'security' | 'other';

export interface DescribedEvent {
  /** The sentence, e.g. "Alice changed Bob's role from Member to Admin". */
  text: string;
  tone: Tone;
  /** Optional second line (e.g. a description change). */
  detail?: string;
}

type Details = Record<string, unknown>;

function parseDetails(raw: string | null): Details {
  if (!raw) return {};
  try {
    const value: unknown = JSON.parse(raw);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Details) : {};
  } catch {
    return {};
  }
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function possessive(name: string): string {
  return name.endsWith('s') ? `${name}’` : `${name}’s`;
}

function quoted(value: unknown): string {
  const text = str(value);
  return text ? `“${text}”` : 'nothing';
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function keyStart(value: unknown): string {
  return str(value) ? `${str(value)}…` : '';
}

function hoursText(hours: number): string {
  if (hours % 24 === 0) {
    const days = hours / 24;
    return `${days} day${days === 1 ? '' : 's'}`;
  }
  return `${hours} hour${hours === 1 ? '' : 's'}`;
}

/** Turns an audit event into a sentence a person reads in the timeline. */
export function describeEvent(event: AuditEventLike): DescribedEvent {
  const d = parseDetails(event.details);
  const actor = event.actor?.name ?? 'A deleted user';
  const person = str(d.name) || str(d.email) || 'someone';
  const role = (value: unknown) => roleLabel(str(value)) || 'a member';

  switch (event.action) {
    case 'team.created':
      return { tone: 'team', text: `${actor} created the team ${quoted(d.name)}` };
    case 'team.updated': {
      const changes = (d.changes && typeof d.changes === 'object' ? d.changes : {}) as Record<
        string,
        { from?: unknown; to?: unknown } | undefined
      >;
      const parts: string[] = [];
      if (changes.name) {
        parts.push(
          `renamed the team from ${quoted(changes.name.from)} to ${quoted(changes.name.to)}`,
        );
      }
      if (changes.description) {
        parts.push(
          str(changes.description.to) ? 'changed the description' : 'cleared the description',
        );
      }
      const text =
        parts.length > 0 ? `${actor} ${parts.join(' and ')}` : `${actor} updated the team`;
      const detail =
        changes.description && str(changes.description.to)
          ? str(changes.description.to)
          : undefined;
      return { tone: 'team', text, detail };
    }
    case 'team.deleted':
      return { tone: 'remove', text: `${actor} deleted the team ${quoted(d.name)}` };
    case 'member.invited':
      return { tone: 'invite', text: `${actor} invited ${str(d.email)} as ${role(d.role)}` };
    case 'invitation.resent':
      return { tone: 'invite', text: `${actor} resent the invitation to ${str(d.email)}` };
    case 'invitation.revoked':
      return { tone: 'remove', text: `${actor} revoked the invitation to ${str(d.email)}` };
    case 'member.joined':
      return { tone: 'join', text: `${person} joined the team as ${role(d.role)}` };
    case 'member.role_changed':
      return {
        tone: 'role',
        text: `${actor} changed ${possessive(person)} role from ${role(d.from)} to ${role(d.to)}`,
      };
    case 'member.removed': {
      const offboarding = (
        d.offboarding && typeof d.offboarding === 'object' ? d.offboarding : null
      ) as { keys?: unknown; apiKeyIds?: unknown } | null;
      const count = Array.isArray(offboarding?.apiKeyIds) ? offboarding.apiKeyIds.length : 0;
      const keys = count === 1 ? 'API key they created was' : `${count} API keys they created were`;
      return {
        tone: 'remove',
        text: `${actor} removed ${person}${str(d.email) && str(d.name) ? ` (${str(d.email)})` : ''} from the team`,
        detail:
          offboarding && count > 0
            ? offboarding.keys === 'REVOKE'
              ? `The ${keys} revoked`
              : `The ${keys} kept working`
            : undefined,
      };
    }
    case 'member.left':
      return { tone: 'remove', text: `${person} left the team` };
    case 'api_key.created': {
      const env = isEnvironment(d.environment)
        ? `${ENVIRONMENT_LABELS[d.environment].toLowerCase()} `
        : '';
      const expires = str(d.expiresAt)
        ? `expires ${formatAbsolute(str(d.expiresAt))}`
        : 'never expires';
      return {
        tone: 'key',
        text: `${actor} created the ${env}API key ${quoted(d.name)}`,
        detail: [keyStart(d.start), expires].filter(Boolean).join(' · '),
      };
    }
    case 'api_key.rotated': {
      const hours = num(d.gracePeriodHours);
      const grace =
        hours === 0
          ? 'the old key was revoked at once'
          : hours
            ? `grace period for the old key: ${hoursText(hours)}`
            : '';
      const start = keyStart(d.start);
      return {
        tone: 'key',
        text: `${actor} rotated the API key ${quoted(d.name)}`,
        detail: [start ? `New key ${start}` : '', grace].filter(Boolean).join('; '),
      };
    }
    case 'api_key.revoked': {
      const start = keyStart(d.start);
      const reason = str(d.reason);
      return {
        tone: 'key-off',
        text: `${event.actor ? actor : 'The portal'} revoked the API key ${quoted(d.name)}${start ? ` (${start})` : ''}`,
        detail:
          reason === 'offboarding'
            ? 'Its creator left the team (offboarding)'
            : reason
              ? `Reason: ${reason.replace(/_/g, ' ')}`
              : undefined,
      };
    }
    case 'api_key.kept_on_offboarding': {
      const creator = (d.createdBy && typeof d.createdBy === 'object' ? d.createdBy : {}) as {
        name?: unknown;
        email?: unknown;
      };
      const who = str(creator.name) || str(creator.email) || 'a departing member';
      return {
        tone: 'key',
        text: `${actor} kept the API key ${quoted(d.name)} working when ${who} left`,
      };
    }
    case 'api_key.secret_stored':
      return {
        tone: 'security',
        text: `${actor} confirmed the secret of the API key ${quoted(d.name)} is stored securely`,
      };
    case 'api_key.compromised':
      return {
        tone: 'key-off',
        text:
          str(d.source) === 'SECRET_SCANNING'
            ? `A secret scanner reported the API key ${quoted(d.name)} as leaked`
            : `${actor} reported the API key ${quoted(d.name)} as compromised`,
      };
    case 'team.guidelines_updated':
      return {
        tone: 'security',
        text: str(d.guidelines)
          ? `${actor} ${num(d.previousCharacters) ? 'updated' : 'wrote'} the team guidelines`
          : `${actor} removed the team guidelines`,
      };
    case 'team.access_reviewed':
      return { tone: 'security', text: `${actor} completed an access review` };
    case 'usage_alert.created':
      return { tone: 'security', text: `${actor} created a usage alert` };
    case 'usage_alert.deleted':
      return { tone: 'security', text: `${actor} deleted a usage alert` };
    default:
      return { tone: 'other', text: `${actor}: ${event.action}` };
  }
}
