import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { composeMail, createMailer, escapeHtml } from './mail';

describe('composeMail', () => {
  it('escapes user text in the HTML part and keeps it verbatim in the text part', () => {
    const mail = composeMail('a@example.test', {
      subject: 'Hello <script>',
      paragraphs: ['Message: <img src=x onerror=alert(1)> & "quotes"'],
      action: { label: 'Open', url: 'https://portal.test/x?a=1&b="2"' },
      footer: 'Sent by <you>',
    });
    expect(mail.text).toContain('<img src=x onerror=alert(1)>');
    expect(mail.text).toContain('Open: https://portal.test/x?a=1&b="2"');
    expect(mail.html).not.toContain('<img');
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;');
    expect(mail.html).toContain('href="https://portal.test/x?a=1&amp;b=&quot;2&quot;"');
  });

  it('escapes every HTML-significant character', () => {
    expect(escapeHtml(`<>&"'`)).toBe('&lt;&gt;&amp;&quot;&#39;');
  });
});

describe('the development outbox (no SMTP_URL)', () => {
  it('writes the .eml and, beside it, a .txt whose long links are whole lines', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'outbox-'));
    try {
      const mailer = createMailer({
        from: 'Portal <p@x.test>',
        dataDir,
        logger: pino({ level: 'silent' }),
      });
      const url = `http://localhost:4000/reset-password?token=${'a1B2c3D4'.repeat(12)}`;
      await mailer.send(
        composeMail('dev@example.test', {
          subject: 'Reset your password',
          paragraphs: ['Someone asked to reset it.'],
          action: { label: 'Reset', url },
        }),
      );
      mailer.close();
      const files = readdirSync(path.join(dataDir, 'outbox')).sort();
      expect(files).toHaveLength(2);
      const [eml, txt] = files as [string, string];
      expect(eml).toMatch(/\.eml$/);
      expect(txt).toBe(eml.replace(/\.eml$/, '.txt'));
      // The .eml breaks the long link (quoted-printable soft line breaks); the .txt does not.
      expect(readFileSync(path.join(dataDir, 'outbox', eml), 'utf8')).not.toContain(url);
      const text = readFileSync(path.join(dataDir, 'outbox', txt), 'utf8');
      expect(text).toContain('To: dev@example.test\nSubject: Reset your password\n');
      expect(text.split('\n')).toContain(`Reset: ${url}`);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
