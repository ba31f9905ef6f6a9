import "server-only";
import nodemailer, { type Transporter } from "nodemailer";
import { env, type Environment } from "@/lib/config/env";
import { db } from "@/lib/db/client";
import { enqueueMailJob } from "@/lib/mail/queue";
import type { MailContent } from "@/lib/mail/templates";

/**
 * The one way Folio sends mail: sendMail queues it (lib/mail/queue.ts) and the worker delivers it.
 * Production: SMTP only (SMTP_URL); without it, mail-based sign-in is switched off (see
 * canSendMail) and sendMail refuses. Demo mode (quick start, loopback only): the mail is written to
 * the server log and the /outbox page, and also sent when SMTP is configured.
 */
export class MailUnavailableError extends Error {
  constructor() {
    super("Mail cannot be sent: SMTP_URL is not configured");
  }
}

export type MailSettings = Pick<Environment, "smtp" | "demoMode">;

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

/**
 * Queues a mail for `to`: it is delivered by the mail worker (lib/mail/worker.ts) moments later,
 * with retries, and survives a restart. Refuses at once when this server cannot send mail.
 */
export async function sendMail(
  to: string,
  content: MailContent,
  settings: MailSettings = env(),
): Promise<void> {
  if (!canSendMail(settings)) throw new MailUnavailableError();
  await enqueueMailJob({ kind: "message", recipient: to, payload: { ...content } });
}

/** Delivers one mail now (the worker's last step): the demo outbox and log, and/or SMTP. */
export async function deliverMail(
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
