import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A real SMTP server on an ephemeral port that keeps every message it receives, parsed. */
export class TestSmtpServer {
  readonly messages: ParsedMail[] = [];
  /** While true, every recipient is refused with a 450 (mailbox unavailable for now). */
  refusing = false;
  private readonly server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo: (_address, _session, callback) => {
      if (this.refusing)
        callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 450 }));
      else callback();
    },
    onData: (stream, _session, callback) => {
      simpleParser(stream)
        .then((mail) => {
          this.messages.push(mail);
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `smtp://127.0.0.1:${(this.server.server.address() as AddressInfo).port}`;
  }

  /** Waits for a message to the address (mail is sent in the background). */
  async waitFor(to: string, timeoutMs = 10_000): Promise<ParsedMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find((m) => JSON.stringify(m.to).includes(to));
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no mail to ${to} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Waits for a message to the address and removes it, so the next call waits for a newer one. */
  async take(to: string, timeoutMs = 10_000): Promise<ParsedMail> {
    const mail = await this.waitFor(to, timeoutMs);
    this.messages.splice(this.messages.indexOf(mail), 1);
    return mail;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
