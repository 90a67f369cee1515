import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Modal,
  Skeleton,
  Stack,
  Table,
  Text,
  Textarea,
  Title,
  Tooltip,
} from '@mantine/core';
import {
  IconAlertTriangle,
  IconCalendarDue,
  IconChecklist,
  IconClockPause,
  IconInfoCircle,
  IconInfinity,
  IconKeyOff,
  IconRefresh,
  IconUserMinus,
  IconUserOff,
} from '@tabler/icons-react';
import { useState, type ReactNode } from 'react';
import { Day, RelativeTimeOr } from '../../../components/relative-time';
import type {
  AccessReviewFieldsFragment,
  ApiKeyFieldsFragment,
  MemberFieldsFragment,
  Role,
} from '../../../gql/graphql';
import { notifyError, notifySuccess } from '../../../lib/notify';
import { EnvironmentBadge, KeyStart } from '../../api-keys/components/key-badges';
import { displayStart } from '../../api-keys/labels';
import { RoleBadge } from '../../teams/components/role-badge';
import { canRemoveMember } from '../../teams/roles';
import { useCompleteAccessReview } from '../hooks/use-security-mutations';
import { REVIEW_NOTE_MAX } from '../validation';

/** What each list of the review means and why it deserves a look, in the partner guide's words. */
export const REVIEW_LISTS = {
  inactiveMembers: {
    title: 'Inactive members',
    icon: IconUserOff,
    means:
      'People who joined more than 90 days ago and have done nothing in this team for 90 days.',
    why: 'Every account with access is a way in. The partner guide asks teams to remove inactive or departed members promptly.',
    empty: 'Nothing to review: everyone in the team has been active in the last 90 days.',
  },
  staleKeys: {
    title: 'Stale keys',
    icon: IconClockPause,
    means:
      'Active keys nobody has used for 30 days, or never used in the 7 days since they were created.',
    why: 'An unused key still works for whoever holds it. Revoke keys you no longer need rather than keeping old keys active.',
    empty: 'Nothing to review: every active key has been used recently.',
  },
  expiringKeys: {
    title: 'Keys expiring soon',
    icon: IconCalendarDue,
    means: 'Active keys that expire within the next 14 days.',
    why: 'When a key expires, every request made with it is refused. Rotate it now so your applications switch to the new key in time.',
    empty: 'Nothing to review: no active key expires in the next 14 days.',
  },
  neverExpiringProductionKeys: {
    title: 'Production keys that never expire',
    icon: IconInfinity,
    means: 'Active production keys (ppk_live_…) created without an expiry date.',
    why: 'A leaked key that never expires works forever. The guide asks to rotate keys periodically; rotating replaces the secret, and a key created with an expiry ends on its own.',
    empty: 'Nothing to review: every production key has an expiry date.',
  },
} as const;

export type ReviewListName = keyof typeof REVIEW_LISTS;

/** The lists in the order the page shows them. */
const REVIEW_LIST_NAMES = Object.keys(REVIEW_LISTS) as ReviewListName[];

export interface ReviewActions {
  onRemoveMember: (member: MemberFieldsFragment) => void;
  onRevokeKey: (key: ApiKeyFieldsFragment) => void;
  onRotateKey: (key: ApiKeyFieldsFragment) => void;
}

function ReviewSection({
  name,
  count,
  children,
}: {
  name: ReviewListName;
  count: number;
  children: ReactNode;
}) {
  const list = REVIEW_LISTS[name];
  const Icon = list.icon;
  return (
    <Card withBorder radius="md" padding="md" data-testid={`review-${name}`} data-count={count}>
      <Group justify="space-between" align="flex-start" wrap="nowrap" gap="sm">
        <Group gap="sm" align="flex-start" wrap="nowrap">
          <Icon size={22} style={{ flexShrink: 0, marginTop: 2 }} />
          <div>
            <Title order={3} fz="md">
              {list.title}
            </Title>
            <Text fz="sm" mt={2}>
              {list.means}
            </Text>
            <Text fz="sm" c="dimmed" mt={2}>
              <b>Why it matters:</b> {list.why}
            </Text>
          </div>
        </Group>
        <Badge
          color={count > 0 ? 'orange' : 'teal'}
          variant="light"
          size="lg"
          style={{ flexShrink: 0 }}
          aria-label={`${count} to review`}
        >
          {count}
        </Badge>
      </Group>
      <div style={{ marginTop: 'var(--mantine-spacing-sm)' }}>
        {count === 0 ? (
          <Text fz="sm" c="teal.8" data-testid="review-empty">
            {list.empty}
          </Text>
        ) : (
          children
        )}
      </div>
    </Card>
  );
}

function MembersList({
  members,
  viewerRole,
  viewerId,
  canAct,
  onRemove,
}: {
  members: readonly MemberFieldsFragment[];
  viewerRole: Role | null;
  viewerId: string | null;
  canAct: boolean;
  onRemove: (member: MemberFieldsFragment) => void;
}) {
  return (
    <Table.ScrollContainer minWidth={620}>
      <Table verticalSpacing="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Member</Table.Th>
            <Table.Th>Role</Table.Th>
            <Table.Th>Joined</Table.Th>
            <Table.Th>Last active</Table.Th>
            {canAct ? <Table.Th w={120}>Action</Table.Th> : null}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {members.map((member) => (
            <Table.Tr
              key={member.id}
              data-testid="review-member-row"
              data-email={member.user.email}
            >
              <Table.Td>
                <Text fz="sm" fw={500}>
                  {member.user.name}
                </Text>
                <Text fz="xs" c="dimmed">
                  {member.user.email}
                </Text>
              </Table.Td>
              <Table.Td>
                <RoleBadge role={member.role} size="sm" />
              </Table.Td>
              <Table.Td>
                <Day value={member.joinedAt} />
              </Table.Td>
              <Table.Td>
                <RelativeTimeOr value={member.lastActiveAt} fallback="Never" />
              </Table.Td>
              {canAct ? (
                <Table.Td>
                  {member.user.id !== viewerId && canRemoveMember(viewerRole, member.role) ? (
                    <Button
                      size="xs"
                      variant="light"
                      color="red"
                      leftSection={<IconUserMinus size={14} />}
                      onClick={() => onRemove(member)}
                      aria-label={`Remove ${member.user.name}`}
                    >
                      Remove
                    </Button>
                  ) : (
                    <Text fz="xs" c="dimmed">
                      {member.user.id === viewerId ? 'You' : 'Only an owner can remove an owner'}
                    </Text>
                  )}
                </Table.Td>
              ) : null}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function KeyCells({ apiKey }: { apiKey: ApiKeyFieldsFragment }) {
  return (
    <>
      <Table.Td>
        <Text fz="sm" fw={500} lineClamp={1}>
          {apiKey.name}
        </Text>
        <KeyStart start={apiKey.start} fz="xs" c="dimmed" />
      </Table.Td>
      <Table.Td>
        <EnvironmentBadge environment={apiKey.environment} />
      </Table.Td>
      <Table.Td>
        <RelativeTimeOr value={apiKey.lastUsedAt} fallback="Never" />
      </Table.Td>
      <Table.Td>
        <RelativeTimeOr value={apiKey.expiresAt} fallback="Never" />
      </Table.Td>
      <Table.Td>
        <Day value={apiKey.createdAt} />
        <Text fz="xs" c="dimmed">
          by {apiKey.createdBy?.name ?? 'a former member'}
        </Text>
      </Table.Td>
    </>
  );
}

function KeysList({
  keys,
  canAct,
  onRevoke,
  onRotate,
}: {
  keys: readonly ApiKeyFieldsFragment[];
  canAct: boolean;
  onRevoke: (key: ApiKeyFieldsFragment) => void;
  onRotate: (key: ApiKeyFieldsFragment) => void;
}) {
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table verticalSpacing="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Key</Table.Th>
            <Table.Th>Environment</Table.Th>
            <Table.Th>Last used</Table.Th>
            <Table.Th>Expires</Table.Th>
            <Table.Th>Created</Table.Th>
            {canAct ? <Table.Th w={200}>Actions</Table.Th> : null}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {keys.map((apiKey) => (
            <Table.Tr
              key={apiKey.id}
              data-testid="review-key-row"
              data-key-id={apiKey.id}
              data-start={apiKey.start}
            >
              <KeyCells apiKey={apiKey} />
              {canAct ? (
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    {apiKey.replacedBy ? (
                      <Tooltip
                        label={`Already rotated: replaced by ${displayStart(apiKey.replacedBy.start)}`}
                        withArrow
                      >
                        <Button size="xs" variant="light" color="gray" disabled>
                          Rotated
                        </Button>
                      </Tooltip>
                    ) : (
                      <Button
                        size="xs"
                        variant="light"
                        color="orange"
                        leftSection={<IconRefresh size={14} />}
                        aria-label={`Rotate ${apiKey.name}`}
                        onClick={() => onRotate(apiKey)}
                      >
                        Rotate
                      </Button>
                    )}
                    <Button
                      size="xs"
                      variant="light"
                      color="red"
                      leftSection={<IconKeyOff size={14} />}
                      aria-label={`Revoke ${apiKey.name}`}
                      onClick={() => onRevoke(apiKey)}
                    >
                      Revoke
                    </Button>
                  </Group>
                </Table.Td>
              ) : null}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function CompleteReviewModal({
  teamId,
  opened,
  toReview,
  onClose,
}: {
  teamId: string;
  opened: boolean;
  toReview: number;
  onClose: () => void;
}) {
  const { complete, loading } = useCompleteAccessReview(teamId);
  const [note, setNote] = useState('');
  const tooLong = note.trim().length > REVIEW_NOTE_MAX;

  const submit = async () => {
    if (tooLong) return;
    try {
      await complete(note);
      notifySuccess('Review recorded', 'The access review is marked complete in the activity log.');
      setNote('');
      onClose();
    } catch (error) {
      notifyError('Could not record the review', error);
    }
  };

  return (
    <Modal opened={opened} onClose={onClose} title="Mark the review complete" centered>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <Stack gap="md">
          <Text fz="sm">
            This records, in the team&apos;s activity log, that you looked at the lists today. It
            does not change any member or key.
          </Text>
          {toReview > 0 ? (
            <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />}>
              {toReview === 1 ? 'One item is' : `${toReview} items are`} still listed. That is fine
              when you decided to keep them; say why in the note.
            </Alert>
          ) : null}
          <Textarea
            label="Note"
            description="Optional: what you checked or decided, for the team's record."
            placeholder="e.g. Kept the billing key: it is used by the monthly export."
            autosize
            minRows={3}
            maxRows={8}
            value={note}
            onChange={(event) => setNote(event.currentTarget.value)}
            error={tooLong ? `At most ${REVIEW_NOTE_MAX} characters` : undefined}
            data-autofocus
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={loading}>
              Cancel
            </Button>
            <Button type="submit" loading={loading} disabled={tooLong}>
              Mark review complete
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export function AccessReviewSkeleton() {
  return (
    <Stack gap="md" aria-busy="true" aria-label="Loading the access review">
      {[0, 1, 2, 3].map((i) => (
        <Skeleton key={i} h={92} radius="md" />
      ))}
    </Stack>
  );
}

/** The four lists of the access review, with one-click actions for owners and admins. */
export function AccessReview({
  teamId,
  review,
  viewerRole,
  viewerId,
  canAct,
  actions,
}: {
  teamId: string;
  review: AccessReviewFieldsFragment;
  viewerRole: Role | null;
  viewerId: string | null;
  canAct: boolean;
  actions: ReviewActions;
}) {
  const [completing, setCompleting] = useState(false);
  const toReview = REVIEW_LIST_NAMES.reduce((sum, name) => sum + review[name].length, 0);

  return (
    <Stack gap="md">
      <Group justify="space-between" align="center" wrap="wrap" gap="sm">
        <Group gap="xs" data-testid="review-last-completed">
          <IconChecklist size={18} />
          {review.lastCompletedAt ? (
            <Text fz="sm">
              Last completed <Day span fw={600} value={review.lastCompletedAt} /> by{' '}
              {review.lastCompletedBy?.name ?? 'a former member'}
            </Text>
          ) : (
            <Text fz="sm" c="dimmed">
              No review has been completed yet. Owners are reminded by mail when none has been
              completed for 90 days.
            </Text>
          )}
        </Group>
        {canAct ? (
          <Button leftSection={<IconChecklist size={16} />} onClick={() => setCompleting(true)}>
            Mark review complete
          </Button>
        ) : null}
      </Group>
      {!canAct ? (
        <Alert
          variant="light"
          color="blue"
          icon={<IconInfoCircle size={18} />}
          data-testid="review-read-only"
        >
          You can see the review. Owners and admins of this team act on it: they remove members,
          revoke or rotate keys, and mark the review complete.
        </Alert>
      ) : null}
      {REVIEW_LIST_NAMES.map((name) => (
        <ReviewSection key={name} name={name} count={review[name].length}>
          {name === 'inactiveMembers' ? (
            <MembersList
              members={review.inactiveMembers}
              viewerRole={viewerRole}
              viewerId={viewerId}
              canAct={canAct}
              onRemove={actions.onRemoveMember}
            />
          ) : (
            <KeysList
              keys={review[name]}
              canAct={canAct}
              onRevoke={actions.onRevokeKey}
              onRotate={actions.onRotateKey}
            />
          )}
        </ReviewSection>
      ))}
      {canAct ? (
        <CompleteReviewModal
          teamId={teamId}
          opened={completing}
          toReview={toReview}
          onClose={() => setCompleting(false)}
        />
      ) : null}
    </Stack>
  );
}
