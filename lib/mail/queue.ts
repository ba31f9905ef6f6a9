import "server-only";
import { db } from "@/lib/db/client";

/**
 * The table of mail waiting to be delivered (the MailJob model). A request only adds a row here
 * and returns: the in-process worker (lib/mail/worker.ts) delivers it, with retries. So no
 * response waits for SMTP, no response's timing depends on what the mail says (or whether there
 * is one), and a restart loses nothing: the worker picks the rows up when the server starts again.
 *
 * A job is either a finished mail (kind "message") or a request the worker turns into one
 * (e.g. "sign-up": the worker looks at the account, which the request never does).
 */
export type MailJobKind = "message" | "sign-up" | "reset";

export interface NewMailJob {
  kind: MailJobKind;
  recipient: string;
  payload: Record<string, unknown>;
}

const wakeSlot = Symbol.for("folio.mailWorkerWake");
type WakeHolder = { [wakeSlot]?: () => void };

/** The worker registers here when it starts, so a new job is delivered at once, not at the next poll. */
export function setMailWorkerWake(wake: (() => void) | undefined): void {
  (globalThis as WakeHolder)[wakeSlot] = wake;
}

export async function enqueueMailJob(job: NewMailJob): Promise<void> {
  await (
    await db()
  ).mailJob.create({
    data: {
      kind: job.kind,
      recipient: job.recipient,
      payload: JSON.stringify(job.payload),
      nextAttemptAt: new Date(),
    },
  });
  (globalThis as WakeHolder)[wakeSlot]?.();
}
