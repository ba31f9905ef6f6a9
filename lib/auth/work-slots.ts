/**
 * A bound on how many expensive operations run at once, with a bounded queue behind it. Used for
 * argon2 (lib/auth/password.ts): each hash or verification holds one of libuv's four pool threads
 * and 19 MiB for tens of milliseconds, so a flood of sign-ins would otherwise take every pool
 * thread (file and DNS work queue behind them) and every core (starving the event loop).
 */
export class WorkSlotsFull extends Error {
  constructor() {
    super("too many operations waiting");
    this.name = "WorkSlotsFull";
  }
}

export interface WorkSlots {
  /** Runs `work` when a slot is free; rejects with WorkSlotsFull at once when the queue is full. */
  run<T>(work: () => Promise<T>): Promise<T>;
  readonly running: number;
  readonly queued: number;
}

export function createWorkSlots({
  concurrency,
  maxQueued,
}: {
  concurrency: number;
  maxQueued: number;
}): WorkSlots {
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new RangeError("concurrency must be a positive whole number");
  let running = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running -= 1;
  };
  return {
    get running() {
      return running;
    },
    get queued() {
      return waiting.length;
    },
    async run(work) {
      if (running < concurrency) running += 1;
      else if (waiting.length >= maxQueued) throw new WorkSlotsFull();
      // The slot is handed over directly by release(), so `running` stays counted meanwhile.
      else await new Promise<void>((resolve) => waiting.push(resolve));
      try {
        return await work();
      } finally {
        release();
      }
    },
  };
}
