/**
 * The stand-in's clock: real time plus an offset that `/_standin/clock/advance` grows. Every
 * `created`, period and trial timestamp comes from it (unix seconds).
 */
export type Interval = "day" | "week" | "month" | "year";

export class Clock {
  private offsetSeconds = 0;

  /**
   * @param startAt Unix seconds to freeze the clock at: it then moves only when advanced
   *   (deterministic tests). Without it the clock follows real time.
   */
  constructor(private readonly startAt: number | null = null) {}

  /** Current stand-in time, unix seconds. */
  now(): number {
    const base = this.startAt ?? Math.floor(Date.now() / 1000);
    return base + this.offsetSeconds;
  }

  get offset(): number {
    return this.offsetSeconds;
  }

  advance(seconds: number): number {
    if (!Number.isFinite(seconds) || seconds < 0) throw new Error("seconds must be >= 0");
    this.offsetSeconds += Math.floor(seconds);
    return this.now();
  }

  reset(): void {
    this.offsetSeconds = 0;
  }
}

export const DAY = 86_400;

function daysInMonth(year: number, monthIndex: number): number {
  return new Date(Date.UTC(year, monthIndex + 1, 0)).getUTCDate();
}

/**
 * `anchor` plus `count` intervals, the way Stripe bills: monthly and yearly periods keep the
 * anchor's day of month (and time of day), clamped to the end of shorter months, so an anchor
 * on Jan 31 bills Feb 28 (or 29), Mar 31, Apr 30, …
 */
export function addIntervals(anchor: number, interval: Interval, count: number): number {
  if (interval === "day") return anchor + count * DAY;
  if (interval === "week") return anchor + count * 7 * DAY;
  const date = new Date(anchor * 1000);
  const months = interval === "year" ? 12 * count : count;
  const total = date.getUTCMonth() + months;
  const year = date.getUTCFullYear() + Math.floor(total / 12);
  const month = ((total % 12) + 12) % 12;
  const day = Math.min(date.getUTCDate(), daysInMonth(year, month));
  const ms = Date.UTC(
    year,
    month,
    day,
    date.getUTCHours(),
    date.getUTCMinutes(),
    date.getUTCSeconds(),
  );
  return Math.floor(ms / 1000);
}

/** The end of the billing period that starts at or after `start`, for a cycle anchored at `anchor`. */
export function nextPeriodEnd(
  anchor: number,
  interval: Interval,
  intervalCount: number,
  start: number,
): number {
  let periods = 1;
  let end = addIntervals(anchor, interval, intervalCount);
  while (end <= start) {
    periods += 1;
    end = addIntervals(anchor, interval, periods * intervalCount);
  }
  return end;
}
