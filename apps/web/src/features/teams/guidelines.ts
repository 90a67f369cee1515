/** The team's guidelines: Markdown, at most this many characters (the api's limit too). */
export const GUIDELINES_MAX = 10_000;

export function validateGuidelines(value: string): string | null {
  return value.length > GUIDELINES_MAX
    ? `Use at most ${GUIDELINES_MAX.toLocaleString('en-US')} characters.`
    : null;
}

const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/**
 * The only links guidelines may carry: absolute http, https and mailto URLs. Anything else
 * (javascript:, data:, vbscript:, relative paths, protocol-relative URLs) becomes no link at all.
 */
export function safeGuidelinesUrl(value: string): string | null {
  let url: URL;
  try {
    // No base: relative and protocol-relative URLs do not parse, so they are refused.
    url = new URL(value.trim());
  } catch {
    return null;
  }
  return SAFE_PROTOCOLS.has(url.protocol) ? url.href : null;
}
