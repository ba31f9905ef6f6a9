import nodemailer from "nodemailer";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  extractCode,
  extractLinks,
  mailCatcherClient,
  startMailCatcher,
  type MailCatcher,
  type MailCatcherClient,
} from "@/tests/support/servers/mail-catcher";

let catcher: MailCatcher;
let client: MailCatcherClient;

function send(message: nodemailer.SendMailOptions, auth = false) {
  const transport = nodemailer.createTransport({
    host: "127.0.0.1",
    port: catcher.smtpPort,
    secure: false,
    ...(auth ? { auth: { user: "folio", pass: "anything" } } : {}),
  });
  return transport.sendMail({ from: "Folio <no-reply@folio.test>", ...message });
}

beforeAll(async () => {
  catcher = await startMailCatcher({ smtpPort: 0, httpPort: 0 });
  client = mailCatcherClient(catcher.httpUrl);
});

afterAll(async () => {
  await catcher?.close();
});

beforeEach(async () => {
  await client.clear();
});

describe("mail catcher", () => {
  it("reports the ports it listens on and answers /health", async () => {
    expect(catcher.smtpPort).toBeGreaterThan(0);
    expect(catcher.httpPort).toBeGreaterThan(0);
    expect(catcher.smtpPort).not.toBe(catcher.httpPort);
    const response = await fetch(`${catcher.httpUrl}/health`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("ok");
  });

  it("captures mail sent over SMTP, with or without auth", async () => {
    await send({ to: "Reader@Example.com", subject: "Hello", text: "Plain body" });
    await send(
      {
        to: "other@example.com",
        cc: "copy@example.com",
        bcc: "hidden@example.com",
        subject: "Second",
        html: "<p>Rich</p>",
      },
      true,
    );

    const all = await client.all();
    expect(all.map((mail) => mail.subject)).toEqual(["Hello", "Second"]);
    const [first, second] = all;
    expect(first).toMatchObject({
      from: expect.stringContaining("no-reply@folio.test"),
      to: ["reader@example.com"],
      subject: "Hello",
      text: "Plain body\n",
      html: null,
    });
    expect(Date.parse(first?.receivedAt ?? "")).not.toBeNaN();
    expect([...(second?.to ?? [])].sort()).toEqual([
      "copy@example.com",
      "hidden@example.com",
      "other@example.com",
    ]);
    expect(second?.html).toContain("<p>Rich</p>");

    expect((await client.all("READER@example.com")).map((mail) => mail.subject)).toEqual(["Hello"]);
    expect(await client.all("hidden@example.com")).toHaveLength(1);
    expect(await client.all("nobody@example.com")).toEqual([]);
    expect(catcher.messages()).toEqual(all);
  });

  it("long-polls for the latest message to an address", async () => {
    const before = new Date();
    const waiting = client.latest("poll@example.com", { after: before, timeoutMs: 5_000 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await send({ to: "someone-else@example.com", subject: "Not this one", text: "x" });
    await send({ to: "poll@example.com", subject: "Arrived later", text: "y" });
    const mail = await waiting;
    expect(mail.subject).toBe("Arrived later");
    expect(Date.parse(mail.receivedAt)).toBeGreaterThanOrEqual(before.getTime());

    // Without waiting: the newest one is returned at once.
    await send({ to: "poll@example.com", subject: "Newest", text: "z" });
    expect((await client.latest("poll@example.com", { timeoutMs: 0 })).subject).toBe("Newest");
    // `after` in epoch milliseconds excludes older mail.
    const later = Date.now() + 1;
    await expect(
      client.latest("poll@example.com", { after: later, timeoutMs: 300 }),
    ).rejects.toThrow(/no mail to poll@example.com/);
  });

  it("answers 404 with a JSON error when nothing arrives in time", async () => {
    const started = Date.now();
    const response = await fetch(
      `${catcher.httpUrl}/messages/latest?to=${encodeURIComponent("late@example.com")}&timeout=300`,
    );
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: expect.stringContaining("late@example.com") });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);

    const invalid = await fetch(`${catcher.httpUrl}/messages/latest?after=yesterday`);
    expect(invalid.status).toBe(400);
  });

  it("clears all messages, or only those to one address", async () => {
    await send({ to: "keep@example.com", subject: "Keep", text: "1" });
    await send({ to: "drop@example.com", subject: "Drop", text: "2" });
    await client.clear("drop@example.com");
    expect((await client.all()).map((mail) => mail.subject)).toEqual(["Keep"]);
    await client.clear();
    expect(await client.all()).toEqual([]);
    expect(catcher.messages()).toEqual([]);
  });
});

describe("extractLinks and extractCode", () => {
  it("finds the links and the code in a captured message", async () => {
    await send({
      to: "links@example.com",
      subject: "Sign in to Folio",
      text: [
        "Your code is 482913.",
        "Or open http://127.0.0.1:3100/api/auth/callback/email?token=abc123456789&email=a%40b.c.",
        "Reference 1234567 is not a code.",
      ].join("\n"),
      html: [
        '<p><a href="http://127.0.0.1:3100/api/auth/callback/email?token=abc123456789&amp;email=a%40b.c">',
        "Sign in</a></p>",
        '<p><a href="https://folio.test/help?a=1&amp;b=2&#38;c=3">Help</a></p>',
      ].join(""),
    });
    const mail = await client.latest("links@example.com", { timeoutMs: 5_000 });

    expect(extractLinks(mail)).toEqual([
      "http://127.0.0.1:3100/api/auth/callback/email?token=abc123456789&email=a%40b.c",
      "https://folio.test/help?a=1&b=2&c=3",
    ]);
    expect(extractCode(mail)).toBe("482913");
  });

  it("ignores digits inside URLs and longer numbers", () => {
    const mail = {
      text: "See https://x.test/r/123456 and order 1234567, code: 000042",
      html: null,
    };
    expect(extractCode(mail)).toBe("000042");
    expect(extractCode({ text: "no code here", html: null })).toBeNull();
    expect(extractCode({ text: "", html: "<p>Code <b>765432</b></p>" })).toBe("765432");
    expect(extractLinks({ text: "(https://a.test/x), https://a.test/x", html: null })).toEqual([
      "https://a.test/x",
    ]);
  });
});
