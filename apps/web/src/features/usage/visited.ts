/** A per-team flag: the viewer has opened a usage page (the dashboard's "usage monitoring" step). */
const key = (teamId: string) => `pp.usageVisited.${teamId}`;

export function markUsageVisited(teamId: string): void {
  try {
    window.localStorage.setItem(key(teamId), '1');
  } catch {
    // storage disabled: the step then completes with the first request instead
  }
}

export function hasVisitedUsage(teamId: string): boolean {
  try {
    return window.localStorage.getItem(key(teamId)) === '1';
  } catch {
    return false;
  }
}
