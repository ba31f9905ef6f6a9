import net from "node:net";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db/client";
import { canSendMail, MailUnavailableError, sendMail } from "@/lib/mail/mailer";
import { deliverDueMail } from "@/lib/mail/worker";
import { signInMail } from "@/lib/mail/templates";
import { startMailCatcher } from "../support/servers/mail-catcher";

/**
 * Mail through the queue, against the real database and a real SMTP server: sendMail only adds a
 * row; the worker (deliverDueMail, which the server runs in the background) delivers it, retries
 * with backoff when SMTP fails, and picks up what an earlier process left.
 */
const content = signInMail(
  "en",
  "http://localhost:3000/api/auth/callback/email?token=123456",
  "123456",
  15,
);

/** A port nothing listens on: SMTP to it fails at once. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeEach(async () => {
  const database = await db();
  await database.outboxMail.deleteMany();
  await database.mailJob.deleteMany();
});
afterAll(disconnectDb);

describe("sendMail", () => {
  it("in demo mode queues the mail; the worker writes the outbox (and the log)", async () => {
    const settings = { demoMode: true, smtp: null };
    expect(canSendMail(settings)).toBe(true);
    await sendMail("reader@example.com", content, settings);
    const database = await db();
    expect(await database.outboxMail.count()).toBe(0);
    expect(await database.mailJob.count()).toBe(1);
    expect(await deliverDueMail(settings)).toBe(1);
    const outbox = await database.outboxMail.findMany();
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({
      recipient: "reader@example.com",
      subject: "Sign in to Folio",
    });
    expect(outbox[0]?.text).toContain("123456");
    expect(await database.mailJob.count()).toBe(0);
  });

  it("in production without SMTP refuses, queues nothing, and turns mail sign-in off", async () => {
    const settings = { demoMode: false, smtp: null };
    expect(canSendMail(settings)).toBe(false);
    await expect(sendMail("reader@example.com", content, settings)).rejects.toBeInstanceOf(
      MailUnavailableError,
    );
    const database = await db();
    expect(await database.outboxMail.count()).toBe(0);
    expect(await database.mailJob.count()).toBe(0);
  });

  it("in production sends over SMTP and never writes the outbox", async () => {
    const catcher = await startMailCatcher({ smtpPort: 0, httpPort: 0 });
    try {
      const settings = {
        demoMode: false,
        smtp: { url: catcher.smtpUrl, from: "Folio <no-reply@folio.test>" },
      };
      await sendMail("reader@example.com", content, settings);
      expect(catcher.messages()).toHaveLength(0); // not on the request path
      await deliverDueMail(settings);
      const [received] = catcher.messages();
      expect(received?.to).toEqual(["reader@example.com"]);
      expect(received?.subject).toBe("Sign in to Folio");
      expect(received?.text).toContain("123456");
      expect(await (await db()).outboxMail.count()).toBe(0);
    } finally {
      await catcher.close();
    }
  });
});

describe("the mail worker", () => {
  it("keeps a mail SMTP refused, retries it later with backoff, and then delivers it once", async () => {
    const database = await db();
    const down = {
      demoMode: false,
      smtp: { url: `smtp://127.0.0.1:${await closedPort()}`, from: "f@x.test" },
    };
    await sendMail("retry@example.com", content, down);
    const before = Date.now();
    await deliverDueMail(down);
    const [failed] = await database.mailJob.findMany();
    expect(failed).toMatchObject({ attempts: 1, failedAt: null });
    expect(failed?.lastError).toBeTruthy();
    expect(failed!.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(before + 29_000);
    // Not due yet: a second run leaves it alone.
    await deliverDueMail(down);
    expect((await database.mailJob.findFirst())?.attempts).toBe(1);

    const catcher = await startMailCatcher({ smtpPort: 0, httpPort: 0 });
    try {
      const up = { demoMode: false, smtp: { url: catcher.smtpUrl, from: "f@x.test" } };
      await database.mailJob.updateMany({ data: { nextAttemptAt: new Date() } });
      await deliverDueMail(up);
      expect(catcher.messages().map((mail) => mail.to)).toEqual([["retry@example.com"]]);
      expect(await database.mailJob.count()).toBe(0);
    } finally {
      await catcher.close();
    }
  });

  it("delivers mail a previous process queued (the queue survives a restart)", async () => {
    const settings = { demoMode: true, smtp: null };
    await sendMail("restart@example.com", content, settings);
    await disconnectDb(); // the process that queued it is gone
    await deliverDueMail(settings);
    expect(
      await (await db()).outboxMail.count({ where: { recipient: "restart@example.com" } }),
    ).toBe(1);
  });

  it("sends each mail once when two workers run at the same moment", async () => {
    const settings = { demoMode: true, smtp: null };
    for (let index = 0; index < 5; index += 1)
      await sendMail(`both${index}@example.com`, content, settings);
    await Promise.all([
      deliverDueMail(settings),
      deliverDueMail(settings),
      deliverDueMail(settings),
    ]);
    expect(await (await db()).outboxMail.count()).toBe(5);
  });
});
