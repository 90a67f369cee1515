import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from 'pino';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/**
 * nodemailer over SMTP when SMTP_URL is set; otherwise a development outbox: each mail is
 * written under DATA_DIR/outbox as an .eml file and, beside it, a .txt of its plain-text part
 * (unencoded, so links copy whole); both paths are logged.
 */
export function createMailer(options: {
  smtpUrl?: string;
  from: string;
  dataDir: string;
  logger: Logger;
}): Mailer {
  const { smtpUrl, from, dataDir, logger } = options;
  if (smtpUrl) {
    const transport: Transporter = nodemailer.createTransport(smtpUrl);
    return {
      async send(message) {
        await transport.sendMail({ from, ...message });
        logger.info({ to: message.to, subject: message.subject }, 'mail sent');
      },
      close: () => transport.close(),
    };
  }
  const outbox = path.join(dataDir, 'outbox');
  const transport = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'unix',
  });
  return {
    async send(message) {
      const info = await transport.sendMail({ from, ...message });
      mkdirSync(outbox, { recursive: true });
      const base = path.join(
        outbox,
        `${new Date().toISOString().replace(/[:.]/g, '-')}-${info.messageId.replace(/[^\w.-]/g, '')}`,
      );
      const file = `${base}.eml`;
      writeFileSync(file, info.message as Buffer);
      // The .eml is quoted-printable (links broken across lines); the .txt beside it is the plain
      // text part as written, so a reset or invitation link can be copied whole.
      const text = `${base}.txt`;
      writeFileSync(
        text,
        `From: ${from}\nTo: ${message.to}\nSubject: ${message.subject}\n\n${message.text}\n`,
      );
      logger.info(
        { to: message.to, subject: message.subject, file, text },
        'mail written to the development outbox (SMTP_URL is not set)',
      );
    },
    close: () => transport.close(),
  };
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

export interface MailContent {
  subject: string;
  /** Plain-text paragraphs; user-supplied text is fine here, it is escaped for the HTML part. */
  paragraphs: string[];
  action?: { label: string; url: string };
  /** A quieter closing line, e.g. why the mail was sent. */
  footer?: string;
}

/** Builds both parts of a mail from one description, escaping everything that goes into HTML. */
export function composeMail(to: string, content: MailContent): MailMessage {
  const { subject, paragraphs, action, footer } = content;
  const text = [
    ...paragraphs,
    ...(action ? [`${action.label}: ${action.url}`] : []),
    ...(footer ? ['--', footer] : []),
  ].join('\n\n');
  const p = (s: string) =>
    `<p style="margin:0 0 16px;line-height:1.5">${escapeHtml(s).replace(/\n/g, '<br>')}</p>`;
  const html = `<!doctype html><html><body style="font-family:system-ui,-apple-system,Segoe UI,sans-serif;color:#1a1b1e;max-width:560px;margin:24px auto;padding:0 16px">
<h2 style="font-size:20px;margin:0 0 16px">${escapeHtml(subject)}</h2>
${paragraphs.map(p).join('\n')}
${action ? `<p style="margin:24px 0"><a href="${escapeHtml(action.url)}" style="background:#228be6;color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none;display:inline-block">${escapeHtml(action.label)}</a></p><p style="font-size:13px;color:#666">Or paste this link into your browser: ${escapeHtml(action.url)}</p>` : ''}
${footer ? `<hr style="border:none;border-top:1px solid #eee;margin:24px 0"><p style="font-size:13px;color:#666">${escapeHtml(footer)}</p>` : ''}
</body></html>`;
  return { to, subject, text, html };
}
