import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ensurePlans } from "@/lib/billing/stripe";
import { db, disconnectDb } from "@/lib/db/client";
import { messagesFor } from "@/lib/i18n";
import { startMailWorker, stopMailWorker } from "@/lib/mail/worker";
import { entitlementOf } from "@/lib/reading/viewer";
import { startStripeStandin, type StripeStandin } from "../../tools/stripe-standin/server";
import { startMailCatcher, type MailCatcher } from "../support/servers/mail-catcher";
import { webhookHarness, type StandinEvent } from "../support/stripe-webhooks";

/**
 * A renewal that fails, through the stand-in's test clock and Folio's webhook handler: the grace
 * period counts from the first past_due Folio saw (Stripe's retries do not restart it), and the
 * reader is mailed once per failed charge, at their address, over real SMTP.
 */
const webhookSecret = "whsec_payment_failure_test";
const siteUrl = "http://127.0.0.1:3999";
const graceDays = 7;
const day = 24 * 60 * 60 * 1000;

let standin: StripeStandin;
let catcher: MailCatcher;
// Folio reads its environment on first use (env()), after these lines and beforeAll's.
process.env.STRIPE_SECRET_KEY = "sk_test_payment_failure";
process.env.STRIPE_WEBHOOK_SECRET = webhookSecret;
process.env.FOLIO_SITE_URL = siteUrl;
process.env.FOLIO_PAST_DUE_GRACE_DAYS = String(graceDays);

const { deliver, eventsDuring, subscribeThroughCheckout, control } = webhookHarness({
  standinUrl: () => standin.url,
  secretKey: "sk_test_payment_failure",
  webhookSecret,
});

beforeAll(async () => {
  catcher = await startMailCatcher({ smtpPort: 0, httpPort: 0 });
  process.env.SMTP_URL = catcher.smtpUrl;
  // A failed charge is retried daily four times; the last failure makes the subscription unpaid.
  standin = await startStripeStandin({
    port: 0,
    webhookUrl: null,
    retryScheduleDays: [1, 1, 1, 1],
  });
  process.env.STRIPE_API_BASE = standin.url;
  await ensurePlans({ currency: "cny", monthlyAmount: 3000, yearlyAmount: 30000 });
});

afterAll(async () => {
  await stopMailWorker();
  await standin.close();
  await catcher.close();
  await disconnectDb();
});

beforeEach(async () => {
  const database = await db();
  // Mail leaves through the queue, delivered by the worker a server process runs; what an earlier
  // test left queued is dropped (after the delivery in progress), so it cannot arrive in this one.
  await stopMailWorker();
  await database.mailJob.deleteMany();
  startMailWorker();
  await database.processedStripeEvent.deleteMany();
  await database.subscription.deleteMany();
  await database.user.deleteMany();
});

/** A subscribed reader whose card fails from now on. */
async function subscriberWithFailingCard(email: string) {
  const reader = await (await db()).user.create({ data: { email, emailVerified: new Date() } });
  const { events } = await subscribeThroughCheckout(reader);
  for (const event of events) expect((await deliver(event)).status).toBe(200);
  await control("/_standin/customers/fail-payments", { email, fail: "true" });
  return reader;
}

const advance = (days: number) =>
  eventsDuring(() => control("/_standin/clock/advance", { days: String(days) }));

/** Moves the stand-in's clock a minute past the reader's period end: the renewal is charged. */
async function advanceToRenewal(userId: string) {
  const { currentPeriodEnd } = await storedSubscription(userId);
  const clock = (await (await fetch(`${standin.url}/_standin/clock`)).json()) as { now: number };
  const seconds = Math.ceil(currentPeriodEnd.getTime() / 1000) - clock.now + 60;
  return eventsDuring(() => control("/_standin/clock/advance", { seconds: String(seconds) }));
}

async function deliverAll(events: StandinEvent[]) {
  for (const event of events) expect((await deliver(event)).status, event.type).toBe(200);
}

async function storedSubscription(userId: string) {
  return (await db()).subscription.findFirstOrThrow({ where: { userId } });
}

/**
 * The payment-failed mails to `to` once `count` of them have arrived and nothing more came for a
 * moment (the catcher parses a message after SMTP accepted it).
 */
async function settledPaymentFailedMails(to: string, count: number) {
  const deadline = Date.now() + 10_000;
  while (paymentFailedMails(to).length < count && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 25));
  await new Promise((resolve) => setTimeout(resolve, 500));
  return paymentFailedMails(to);
}

const paymentFailedMails = (to: string) =>
  catcher
    .messages()
    .filter((message) => message.to.includes(to))
    .filter((message) => message.subject === messagesFor("zh-CN").mail.paymentFailedSubject);

describe("a failed renewal", () => {
  it("keeps pastDueSince from the first past_due through every retry", async () => {
    const reader = await subscriberWithFailingCard("retries@example.test");
    const renewal = await advanceToRenewal(reader.id);
    expect(renewal.map((event) => event.type)).toContain("invoice.payment_failed");
    await deliverAll(renewal);
    const first = await storedSubscription(reader.id);
    expect(first.status).toBe("past_due");
    expect(first.pastDueSince).toBeInstanceOf(Date);

    // Each of the three retries fails again, and Stripe says past_due again.
    for (const days of [1, 1, 1]) {
      await new Promise((resolve) => setTimeout(resolve, 20)); // a reset would show as a later time
      const retry = await advance(days);
      expect(retry.map((event) => event.type)).toContain("invoice.payment_failed");
      await deliverAll(retry);
      const stored = await storedSubscription(reader.id);
      expect(stored.status).toBe("past_due");
      expect(stored.pastDueSince).toEqual(first.pastDueSince);
    }

    // So the grace period still ends graceDays after the first failure, not after the last retry.
    const since = first.pastDueSince!.getTime();
    expect(await entitlementOf(reader.id, new Date(since + graceDays * day - 1000))).toMatchObject({
      kind: "full",
      until: new Date(since + graceDays * day),
    });
    expect(await entitlementOf(reader.id, new Date(since + graceDays * day))).toEqual({
      kind: "none",
    });
  });

  it("starts a new grace period after the subscription was paid again", async () => {
    const reader = await subscriberWithFailingCard("recovered@example.test");
    await deliverAll(await advanceToRenewal(reader.id));
    const first = (await storedSubscription(reader.id)).pastDueSince;
    await control("/_standin/customers/fail-payments", {
      email: "recovered@example.test",
      fail: "false",
    });
    await deliverAll(await advance(1)); // the retry succeeds
    expect(await storedSubscription(reader.id)).toMatchObject({
      status: "active",
      pastDueSince: null,
    });
    await control("/_standin/customers/fail-payments", {
      email: "recovered@example.test",
      fail: "true",
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await deliverAll(await advanceToRenewal(reader.id));
    const second = await storedSubscription(reader.id);
    expect(second.status).toBe("past_due");
    expect(second.pastDueSince!.getTime()).toBeGreaterThan(first!.getTime());
  });

  it("mails the reader once per failed charge, in Folio's language, with the account link", async () => {
    const email = "mailed@example.test";
    const reader = await subscriberWithFailingCard(email);
    expect(paymentFailedMails(email)).toEqual([]);
    const mailedBefore = catcher.messages().length;
    const renewal = await advanceToRenewal(reader.id);
    await deliverAll(renewal);
    const [mail, ...more] = await settledPaymentFailedMails(email, 1);
    expect(more).toEqual([]);
    expect(mail?.to).toEqual([email]);
    expect(mail?.text).toContain(messagesFor("zh-CN").mail.paymentFailedIntro);
    expect(mail?.text).toContain(`${siteUrl}/account`);
    expect(mail?.html).toContain(`href="${siteUrl}/account"`);

    // Stripe delivers at least once: the same event again, even many times at once, mails nobody.
    const failed = renewal.find((event) => event.type === "invoice.payment_failed");
    const again = await Promise.all(Array.from({ length: 5 }, () => deliver(failed)));
    expect(again.map((result) => result.body.outcome)).toEqual(Array(5).fill("duplicate"));
    expect(await settledPaymentFailedMails(email, 1)).toHaveLength(1);
    // Nobody else hears of it.
    expect(
      catcher
        .messages()
        .slice(mailedBefore)
        .filter((message) => !message.to.includes(email)),
    ).toEqual([]);

    // The next retry is another failed charge: one more mail.
    await deliverAll(await advance(1));
    expect(await settledPaymentFailedMails(email, 2)).toHaveLength(2);
  });
});
