import { useCallback, useState } from 'react';

const storageKey = (incidentId: string) => `pp:incident-checklist:${incidentId}`;

function read(incidentId: string): string[] {
  try {
    const raw = window.localStorage.getItem(storageKey(incidentId));
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    return Array.isArray(parsed) ? parsed.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * The "update your applications" items this browser has ticked for an incident. They are the
 * team's own to-do list, not a record: kept in this browser (localStorage), never sent.
 */
export function useIncidentChecklist(incidentId: string) {
  const [ticked, setTicked] = useState<ReadonlySet<string>>(() => new Set(read(incidentId)));
  const toggle = useCallback(
    (item: string, on: boolean) => {
      setTicked((current) => {
        const next = new Set(current);
        if (on) next.add(item);
        else next.delete(item);
        try {
          window.localStorage.setItem(storageKey(incidentId), JSON.stringify([...next]));
        } catch {
          // storage full or disabled: the ticks last for this visit
        }
        return next;
      });
    },
    [incidentId],
  );
  return { ticked, toggle };
}
