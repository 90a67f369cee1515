import type { Page } from 'playwright-core';
import { useJourney } from './support/journey';
import type { Portal } from './support/portal';
import type { MailCatcher } from './support/smtp';

/**
 * The walking skeleton's main journey in a real browser against the real built portal:
 * sign up, log out and in, reset the password through a real email, and the guards.
 */
describe('accounts and sessions', () => {
  const journey = useJourney();
  let mail: MailCatcher;
  let portal: Portal;
  let page: Page;
  beforeAll(() => {
    ({ mail, portal, page } = journey);
  });

  const email = `e2e-${Date.now()}@example.test`;
  const name = 'Erin Example';
  const firstPassword = 'first-password-123';
  const newPassword = 'second-password-456';

  const url = journey.url;
  const pathOf = () => {
    const u = new URL(page.url());
    return u.pathname + u.search;
  };

  async function expectDashboard() {
    await page.waitForURL((u) => u.pathname === '/');
    const greeting = page.getByTestId('greeting');
    await greeting.waitFor();
    expect(await greeting.textContent()).toContain(`Welcome, ${name}`);
  }

  async function logOut() {
    await page.getByRole('button', { name: 'Account menu' }).click();
    const item = page.getByRole('menuitem', { name: 'Log out' });
    await item.waitFor();
    expect(await page.getByRole('menu').textContent()).toContain(email);
    await item.click();
    await page.waitForURL((u) => u.pathname === '/login');
    expect(await page.evaluate(() => localStorage.getItem('pp.token'))).toBeNull();
  }

  async function fillLogin(password: string) {
    await page.getByLabel(/^Email/).fill(email);
    await page.getByLabel(/^Password/).fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
  }

  it('signs up, logs out and in, resets the password, and guards routes', async () => {
    // A guarded page sends a signed-out visitor to the login page.
    await page.goto(url('/'));
    await page.waitForURL((u) => u.pathname === '/login');
    expect(new URL(page.url()).searchParams.get('redirect')).toBe('/');
    await page.getByRole('heading', { name: 'Log in to your account' }).waitFor();
    await journey.shot('login');

    // Sign up.
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.waitForURL((u) => u.pathname === '/signup');
    await page.getByLabel(/^Name/).fill(name);
    await page.getByLabel(/email/i).fill('not-an-email');
    await page.getByLabel(/^Password/).fill(firstPassword);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('Enter a valid email address.').waitFor(); // client-side check
    await page.getByLabel(/email/i).fill(email);
    await page.getByRole('button', { name: 'Create account' }).click();
    await expectDashboard();
    expect(await page.evaluate(() => localStorage.getItem('pp.token'))).toBeTruthy();
    await journey.shot('dashboard');

    // Signed in: /login and /signup lead to the app.
    await page.goto(url('/login'));
    await expectDashboard();

    // Unknown pages get a 404 page.
    await page.goto(url('/no-such-page'));
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    await journey.shot('not-found', false);
    await page.goto(url('/'));
    await expectDashboard();

    // Log out through the account menu, log in again, log out again.
    await logOut();
    await fillLogin(firstPassword);
    await expectDashboard();
    await logOut();

    // The same email cannot sign up twice, and the form does not tell whether it has an account:
    // the page asks to check the inbox, and the owner gets a mail saying someone tried.
    await page.goto(url('/signup'));
    await page.getByLabel(/^Name/).fill(name);
    await page.getByLabel(/email/i).fill(email);
    await page.getByLabel(/^Password/).fill('someone else entirely');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Check your inbox' }).waitFor();
    const notice = await mail.waitForMessage(email, 10_000);
    expect(notice.subject).toMatch(/tried to sign up/i);
    expect(notice.text).toMatch(/no new one was made/);
    // Out of the way of the reset mail below.
    mail.messages.splice(mail.messages.indexOf(notice), 1);
    await journey.shot('signup-existing-address', false);

    // Forgot password: request a link, receive it by email.
    await page.goto(url('/login'));
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await page.waitForURL((u) => u.pathname === '/forgot-password');
    await page.getByLabel(/^Email/).fill(email);
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await page.getByText('If an account exists for').waitFor();
    await journey.shot('forgot-sent', false);

    const message = await mail.waitForMessage(email, 10_000);
    expect(typeof message.text).toBe('string');
    expect(message.text?.length).toBeGreaterThan(0);
    expect(typeof message.html).toBe('string');
    expect((message.html as string).length).toBeGreaterThan(0);
    const escaped = portal.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const match = new RegExp(`${escaped}/reset-password\\?token=[^\\s"'<>)\\]]+`).exec(
      message.text ?? '',
    );
    expect(match).not.toBeNull();
    const resetLink = match![0];

    // Open the link and choose a new password: signed in on the dashboard.
    await page.goto(resetLink);
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await page.getByLabel(/^New password/).fill(newPassword);
    await page.getByLabel(/^Confirm new password/).fill(`${newPassword}x`);
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.getByText('The passwords do not match.').waitFor();
    await page.getByLabel(/^Confirm new password/).fill(newPassword);
    await page.getByRole('button', { name: 'Set new password' }).click();
    await expectDashboard();
    await logOut();

    // The old password no longer works; the server's message is shown.
    await fillLogin(firstPassword);
    const error = page.getByTestId('form-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('Email or password is incorrect.');
    await journey.shot('login-error', false);
    expect(new URL(page.url()).pathname).toBe('/login');

    // The new one does.
    await page.getByLabel(/^Password/).fill(newPassword);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expectDashboard();
    await logOut();

    // A guarded deep link survives the detour through the login page.
    await page.goto(url('/?x=1'));
    await page.waitForURL((u) => u.pathname === '/login');
    expect(new URL(page.url()).searchParams.get('redirect')).toBe('/?x=1');
    await fillLogin(newPassword);
    await page.waitForURL((u) => u.pathname === '/' && u.search === '?x=1');
    expect(pathOf()).toBe('/?x=1');
    await page.getByTestId('greeting').waitFor();

    // A session the server no longer accepts is dropped and the visitor asked to log in.
    await page.evaluate(() => localStorage.setItem('pp.token', 'not-a-valid-session'));
    await page.goto(url('/'));
    await page.waitForURL((u) => u.pathname === '/login');
    expect(await page.evaluate(() => localStorage.getItem('pp.token'))).toBeNull();

    expect(journey.problems).toEqual([]);
  });
});
