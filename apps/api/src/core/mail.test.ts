import { composeMail, escapeHtml } from './mail';

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
