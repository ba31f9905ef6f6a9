import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db/client";
import { canSendMail, MailUnavailableError, sendMail } from "@/lib/mail/mailer";
import { signInMail } from "@/lib/mail/templates";
import { startMailCatcher } from "../support/servers/mail-catcher";

const content = signInMail(
  "en",
  "http://localhost:3000/api/auth/callback/email?token=123456",
  "123456",
  15,
);

beforeEach(async () => {
  await (await db()).outboxMail.deleteMany();
});
afterAll(disconnectDb);

describe("sendMail", () => {
  it("in demo mode writes the outbox (and the log) instead of sending", async () => {
    const settings = { demoMode: true, smtp: null };
    expect(canSendMail(settings)).toBe(true);
    await sendMail("reader@example.com", content, settings);
    const outbox = await (await db()).outboxMail.findMany();
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({
      recipient: "reader@example.com",
      subject: "Sign in to Folio",
    });
    expect(outbox[0]?.text).toContain("123456");
  });

  it("in production without SMTP refuses, writes nothing, and turns mail sign-in off", async () => {
    const settings = { demoMode: false, smtp: null };
    expect(canSendMail(settings)).toBe(false);
    await expect(sendMail("reader@example.com", content, settings)).rejects.toBeInstanceOf(
      MailUnavailableError,
    );
    expect(await (await db()).outboxMail.count()).toBe(0);
  });

  it("in production sends over SMTP and never writes the outbox", async () => {
    const catcher = await startMailCatcher({ smtpPort: 0, httpPort: 0 });
    try {
      const settings = {
        demoMode: false,
        smtp: { url: catcher.smtpUrl, from: "Folio <no-reply@folio.test>" },
      };
      await sendMail("reader@example.com", content, settings);
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
