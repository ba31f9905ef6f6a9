import "server-only";
import { prepareAccountMail } from "@/lib/auth/accounts";
import { env } from "@/lib/config/env";
import { db } from "@/lib/db/client";
import type { MailJob } from "@/lib/db/generated/sqlite";
import { canSendMail, deliverMail, type MailSettings } from "@/lib/mail/mailer";
import { setMailWorkerWake } from "@/lib/mail/queue";
import { nextAttemptAfterFailure } from "@/lib/mail/retry-policy";
import type { MailContent } from "@/lib/mail/templates";

/**
 * The in-process mail worker: delivers the jobs of lib/mail/queue.ts, oldest due first, one at a
 * time. Each server process runs one (instrumentation.ts starts it); several processes on one
 * database share the table safely because a worker first takes a job with a lease (it moves the
 * job's due time ahead by `leaseMs`, conditionally on the value it read), so only one sends it; a
 * worker that dies mid-send leaves the job to be retried when the lease ends (so a mail can,
 * rarely, arrive twice, never not at all). Failures are retried with backoff (retry-policy.ts).
 */
const leaseMs = 5 * 60_000;
const pollMs = 5_000;
const batchSize = 20;

function isMailContent(value: unknown): value is MailContent {
  const candidate = value as Partial<Record<keyof MailContent, unknown>> | null;
  return (
    typeof candidate === "object" &&
    candidate !== null &&
    typeof candidate.subject === "string" &&
    typeof candidate.text === "string" &&
    typeof candidate.html === "string"
  );
}

/** The finished mail of a job, preparing it first if needed (null: nothing to send). */
async function contentOf(job: MailJob): Promise<MailContent | null> {
  const payload: unknown = JSON.parse(job.payload);
  if (job.kind === "message") {
    if (!isMailContent(payload)) throw new Error("queued mail has no subject, text and html");
    return payload;
  }
  if (job.kind !== "sign-up" && job.kind !== "reset")
    throw new Error(`unknown mail job "${job.kind}"`);
  const content = await prepareAccountMail(job.kind, job.recipient, payload);
  if (content) {
    // From now on the job is this mail: a retry resends it instead of preparing it again.
    await (
      await db()
    ).mailJob.update({
      where: { id: job.id },
      data: { kind: "message", payload: JSON.stringify(content) },
    });
  }
  return content;
}

async function runJob(job: MailJob, settings: MailSettings): Promise<void> {
  const database = await db();
  const now = new Date();
  const { count } = await database.mailJob.updateMany({
    where: { id: job.id, nextAttemptAt: job.nextAttemptAt, failedAt: null },
    data: { nextAttemptAt: new Date(now.getTime() + leaseMs) },
  });
  if (count !== 1) return; // another worker took it
  try {
    const content = await contentOf(job);
    if (content) await deliverMail(job.recipient, content, settings);
    await database.mailJob.delete({ where: { id: job.id } });
  } catch (error) {
    const attempts = job.attempts + 1;
    const next = nextAttemptAfterFailure(attempts, new Date());
    const lastError = (error instanceof Error ? error.message : String(error)).slice(0, 500);
    await database.mailJob.update({
      where: { id: job.id },
      data: next
        ? { attempts, lastError, nextAttemptAt: next }
        : { attempts, lastError, failedAt: new Date() },
    });
    const outcome = next ? `retrying at ${next.toISOString()}` : "giving up (kept in MailJob)";
    console.error(
      `[folio] mail ${job.id} (${job.kind}) failed, attempt ${attempts}: ${lastError}; ${outcome}`,
    );
  }
}

/** Delivers every job due now; returns how many it looked at. Tests call it directly. */
export async function deliverDueMail(settings: MailSettings = env()): Promise<number> {
  if (!canSendMail(settings)) return 0;
  const database = await db();
  let handled = 0;
  for (;;) {
    const due = await database.mailJob.findMany({
      where: { failedAt: null, nextAttemptAt: { lte: new Date() } },
      orderBy: { nextAttemptAt: "asc" },
      take: batchSize,
    });
    for (const job of due) await runJob(job, settings);
    handled += due.length;
    if (due.length < batchSize) return handled;
  }
}

interface WorkerState {
  timer: NodeJS.Timeout | undefined;
  running: Promise<void> | undefined;
  again: boolean;
}

const state = ((globalThis as { __folioMailWorker?: WorkerState }).__folioMailWorker ??= {
  timer: undefined,
  running: undefined,
  again: false,
});

function wake(): void {
  if (state.running) {
    state.again = true;
    return;
  }
  state.running = deliverDueMail()
    .then(() => undefined)
    .catch((error: unknown) => console.error("[folio] mail worker failed:", error))
    .finally(() => {
      state.running = undefined;
      if (state.again) {
        state.again = false;
        wake();
      }
    });
}

/** Starts this process's worker (once): now, on every new job, and every few seconds. */
export function startMailWorker(): void {
  if (state.timer) return;
  state.timer = setInterval(wake, pollMs);
  state.timer.unref();
  setMailWorkerWake(wake);
  wake();
}

/** Stops the worker and waits for the delivery in progress (tests, shutdown). */
export async function stopMailWorker(): Promise<void> {
  clearInterval(state.timer);
  state.timer = undefined;
  setMailWorkerWake(undefined);
  state.again = false;
  await state.running;
}
