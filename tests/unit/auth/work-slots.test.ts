import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createWorkSlots, WorkSlotsFull } from "@/lib/auth/work-slots";

describe("createWorkSlots", () => {
  it("never runs more than `concurrency` at once, runs every admitted job, refuses beyond the queue", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 6 }),
        fc.array(fc.nat(3), { minLength: 1, maxLength: 30 }),
        async (concurrency, maxQueued, delays) => {
          const slots = createWorkSlots({ concurrency, maxQueued });
          let running = 0;
          let peak = 0;
          const outcomes = await Promise.allSettled(
            delays.map((delay, index) =>
              slots.run(async () => {
                running += 1;
                peak = Math.max(peak, running);
                await new Promise((resolve) => setTimeout(resolve, delay));
                running -= 1;
                return index;
              }),
            ),
          );
          const admitted = Math.min(delays.length, concurrency + maxQueued);
          expect(peak).toBeLessThanOrEqual(concurrency);
          expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(
            admitted,
          );
          for (const outcome of outcomes.slice(admitted)) {
            expect(outcome.status).toBe("rejected");
            expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(WorkSlotsFull);
          }
          expect(slots.running).toBe(0);
          expect(slots.queued).toBe(0);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("frees the slot of a job that fails", async () => {
    const slots = createWorkSlots({ concurrency: 1, maxQueued: 0 });
    await expect(slots.run(() => Promise.reject(new Error("argon2 failed")))).rejects.toThrow(
      "argon2 failed",
    );
    await expect(slots.run(async () => "next")).resolves.toBe("next");
  });

  it.each([0, -1, 1.5, Number.NaN])("rejects a concurrency of %s", (concurrency) => {
    expect(() => createWorkSlots({ concurrency, maxQueued: 1 })).toThrow(RangeError);
  });
});
