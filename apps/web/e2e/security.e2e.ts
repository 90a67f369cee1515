import { useJourney } from './support/journey';

/**
 * The browser protections of the built portal, as a browser applies them: the strict
 * Content-Security-Policy is in force on the real app (an injected script does not run, and the
 * journeys' violation watch sees it), the app's own scripts and styles satisfy it, and no other
 * site can frame the portal.
 */
/** Waits until the watch has reported a violation matching the pattern (reports arrive async). */
async function violationMatching(violations: string[], pattern: RegExp): Promise<string> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const found = violations.find((v) => pattern.test(v));
    if (found) return found;
    if (Date.now() > deadline)
      throw new Error(`no violation matching ${String(pattern)} in:\n${violations.join('\n')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('browser protections', () => {
  const journey = useJourney();

  it('serves the app under the CSP and the app runs and renders styled within it', async () => {
    const response = await journey.page.goto(journey.url('/login'));
    const headers = response!.headers();
    expect(headers['content-security-policy']).toContain("script-src 'self'");
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['x-frame-options']).toBe('DENY');

    await journey.page.getByRole('button', { name: /log in/i }).waitFor();
    // Mantine's CSS variables come from a <style> element it writes at run time.
    const mantineBlue = await journey.page.evaluate(() =>
      getComputedStyle(document.documentElement).getPropertyValue('--mantine-color-blue-6'),
    );
    expect(mantineBlue.trim()).not.toBe('');
    // Nothing the app itself did was refused (the journey's afterEach checks it too).
    expect(journey.watch.violations).toEqual([]);
  });

  it('refuses an injected script, inline handler and string eval, and the watch reports each', async () => {
    const page = journey.page;
    await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__injected = true;';
      document.head.appendChild(script);
      const img = document.createElement('img');
      img.setAttribute('onerror', 'window.__handler = true');
      img.src = 'data:,not-an-image';
      document.body.appendChild(img);
      // A string timer is eval: it runs later, in the page's own context, under the CSP.
      // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the point: it must be refused
      setTimeout('window.__evaluated = true', 0);
    });
    await violationMatching(journey.watch.violations, /script-src-elem/);
    await violationMatching(journey.watch.violations, /script-src-attr/);
    await violationMatching(journey.watch.violations, /unsafe-eval|blocked eval/);
    const ran = await page.evaluate(() => {
      const w = window as { __injected?: boolean; __handler?: boolean; __evaluated?: boolean };
      return [w.__injected, w.__handler, w.__evaluated].filter(Boolean).length;
    });
    expect(ran).toBe(0);
    // Deliberate: clear them so this test does not fail on the violations it caused.
    journey.watch.violations.length = 0;
  });

  it('cannot be framed by another page', async () => {
    const page = journey.page;
    await page.goto('about:blank');
    await page.setContent(`<iframe src="${journey.url('/login')}"></iframe>`);
    const frame = page.frames().find((f) => f !== page.mainFrame());
    expect(frame).toBeDefined();
    // The browser refuses to render the portal in the frame and shows its own error page instead.
    const deadline = Date.now() + 5_000;
    while (!frame!.url().startsWith('chrome-error:') && Date.now() < deadline)
      await page.waitForTimeout(50);
    expect(frame!.url()).toMatch(/^chrome-error:/);
  });
});
