import { Anchor, Text, Title, Typography } from '@mantine/core';
import Markdown, { type Components } from 'react-markdown';
import { safeGuidelinesUrl } from '../guidelines';

/**
 * How guidelines are shown. react-markdown builds React elements from the Markdown syntax tree
 * and never sets innerHTML: HTML written in the text is shown as text (no rehype-raw here), so a
 * <script> or an <img onerror> cannot run. Links keep only http, https and mailto URLs and open in
 * a new tab without a referrer or an opener; images are not loaded (their description is shown),
 * so reading the guidelines never calls another site.
 */
const components: Components = {
  a({ href, children }) {
    const safe = href ? safeGuidelinesUrl(href) : null;
    if (!safe) {
      return (
        <Text span inherit data-testid="guidelines-unsafe-link">
          {children}
        </Text>
      );
    }
    return (
      <Anchor href={safe} target="_blank" rel="noopener noreferrer nofollow" inherit>
        {children}
      </Anchor>
    );
  },
  // Headings a step smaller than a page's own: guidelines sit inside cards and dialogs.
  h1: ({ children }) => <Title order={3}>{children}</Title>,
  h2: ({ children }) => <Title order={4}>{children}</Title>,
  h3: ({ children }) => <Title order={5}>{children}</Title>,
  h4: ({ children }) => <Title order={6}>{children}</Title>,
  img({ alt }) {
    return alt ? (
      <Text span inherit c="dimmed">
        [image: {alt}]
      </Text>
    ) : null;
  },
};

const urlTransform = (url: string) => safeGuidelinesUrl(url) ?? '';

export function GuidelinesMarkdown({ source }: { source: string }) {
  return (
    <Typography data-testid="guidelines-rendered" style={{ wordBreak: 'break-word' }}>
      <Markdown components={components} urlTransform={urlTransform}>
        {source}
      </Markdown>
    </Typography>
  );
}
