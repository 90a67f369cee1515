/** The partner guide's steps for a key that may be compromised, in its order. */
export const GUIDE_STEPS = [
  {
    title: 'Revoke the key at once (and create a replacement)',
    short: 'Revoke',
  },
  {
    title: 'Update your applications with the new key',
    short: 'Update applications',
  },
  {
    title: 'Check who is still trying the old key',
    short: 'Refused attempts',
  },
  {
    title: 'Watch for unusual activity',
    short: 'Unusual activity',
  },
  {
    title: 'Report it to support',
    short: 'Reported',
  },
] as const;
