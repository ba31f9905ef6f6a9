/**
 * When the mail worker tries a mail again after a failure: exponential backoff from 30 seconds,
 * capped at an hour, and it gives up after `maxDeliveryAttempts` (about 9 hours of tries). Pure,
 * so the schedule is unit-tested.
 */
export const maxDeliveryAttempts = 12;
const firstRetryMs = 30_000;
const longestWaitMs = 60 * 60_000;

/** The wait before the next try, after `failedAttempts` failed ones (1 = the first failure). */
export function retryDelayMs(failedAttempts: number): number {
  const exponent = Math.max(0, failedAttempts - 1);
  return Math.min(longestWaitMs, firstRetryMs * 2 ** Math.min(exponent, 20));
}

/** null: give up (the mail is marked failed and kept for the operator). */
export function nextAttemptAfterFailure(failedAttempts: number, now: Date): Date | null {
  if (failedAttempts >= maxDeliveryAttempts) return null;
  return new Date(now.getTime() + retryDelayMs(failedAttempts));
}
