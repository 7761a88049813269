import nodemailer from 'nodemailer';
import type { SmtpConfig } from './config.js';
import type { Logger } from './logging.js';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/**
 * SMTP when `smtp.url` is set; otherwise mails are written to the log (demo and development), so a
 * password-reset link can still be followed from the server's output.
 */
export function createMailer(smtp: SmtpConfig, logger: Logger): Mailer {
  if (!smtp.url) {
    return {
      async send(mail) {
        logger.info(
          { mail: { to: mail.to, subject: mail.subject, text: mail.text } },
          'mail (no SMTP configured)',
        );
      },
      close() {},
    };
  }
  const transport = nodemailer.createTransport(smtp.url);
  return {
    async send(mail) {
      await transport.sendMail({ from: smtp.from, to: mail.to, subject: mail.subject, text: mail.text });
    },
    close() {
      transport.close();
    },
  };
}
