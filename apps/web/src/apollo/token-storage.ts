/** The session token lives in localStorage so a reload keeps the user signed in. */
export const TOKEN_KEY = 'pp.token';

type Listener = (token: string | null) => void;
const listeners = new Set<Listener>();

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    // Storage can be disabled (privacy settings); fall back to memory.
    return null;
  }
}

let memoryToken: string | null = null;

export function getToken(): string | null {
  const s = storage();
  return s ? s.getItem(TOKEN_KEY) : memoryToken;
}

export function setToken(token: string | null): void {
  const s = storage();
  if (s) {
    if (token) s.setItem(TOKEN_KEY, token);
    else s.removeItem(TOKEN_KEY);
  } else {
    memoryToken = token;
  }
  for (const listener of listeners) listener(token);
}

/** Called whenever the token changes in this tab. */
export function onTokenChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function authorizationHeader(token: string | null): string | undefined {
  return token ? `Bearer ${token}` : undefined;
}
