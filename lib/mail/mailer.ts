import "server-only";
import nodemailer, { type Transporter } from "nodemailer";
import { env, type Environment } from "@/lib/config/env";
import { db } from "@/lib/db/client";
import type { MailContent } from "@/lib/mail/templates";

/**
 * The one way Folio sends mail. Production: SMTP only (SMTP_URL); without it, mail-based sign-in is
 * switched off (see canSendMail) and sendMail refuses. Demo mode (quick start, loopback only): the
 * mail is written to the server log and the /outbox page, and also sent when SMTP is configured.
 */
export class MailUnavailableError extends Error {
  constructor() {
    super("Mail cannot be sent: SMTP_URL is not configured");
  }
}

type MailSettings = Pick<Environment, "smtp" | "demoMode">;

export function canSendMail(settings: MailSettings = env()): boolean {
  return settings.smtp !== null || settings.demoMode;
}

// One pooled transport per SMTP URL, kept across Next's dev reloads.
const transports = ((globalThis as { __folioMail?: Map<string, Transporter> }).__folioMail ??=
  new Map());

function transport(url: string): Transporter {
  let existing = transports.get(url);
  if (!existing) {
    existing = nodemailer.createTransport(url);
    transports.set(url, existing);
  }
  return existing;
}

export async function sendMail(
  to: string,
  content: MailContent,
  settings: MailSettings = env(),
): Promise<void> {
  if (settings.demoMode) {
    const database = await db();
    await database.outboxMail.create({ data: { recipient: to, ...content } });
    console.log(`[folio] demo mail to ${to}: ${content.subject}\n${content.text}`);
  }
  if (settings.smtp) {
    await transport(settings.smtp.url).sendMail({ from: settings.smtp.from, to, ...content });
  } else if (!settings.demoMode) {
    throw new MailUnavailableError();
  }
}
