import { Select } from '@mantine/core';
import { IconUsersGroup } from '@tabler/icons-react';
import { useNavigate, useParams } from '@tanstack/react-router';
import { useMyTeams } from '../hooks/use-teams';

/** The header's team picker: shown once the viewer belongs to a team. */
export function TeamSwitcher() {
  const { memberships } = useMyTeams();
  const navigate = useNavigate();
  const { teamId } = useParams({ strict: false });
  if (memberships.length === 0) return null;

  const current = memberships.some((m) => m.team.id === teamId) ? (teamId ?? null) : null;
  return (
    <Select
      aria-label="Switch team"
      data-testid="team-switcher"
      placeholder="Switch team"
      leftSection={<IconUsersGroup size={16} />}
      data={memberships.map((m) => ({ value: m.team.id, label: m.team.name }))}
      value={current}
      allowDeselect={false}
      searchable={memberships.length > 6}
      nothingFoundMessage="No team with that name"
      w={{ base: 170, sm: 240 }}
      comboboxProps={{ withinPortal: true }}
      onChange={(value) => {
        if (value && value !== teamId) {
          void navigate({ to: '/teams/$teamId/members', params: { teamId: value } });
        }
      }}
    />
  );
}
