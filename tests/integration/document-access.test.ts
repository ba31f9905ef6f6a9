import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db/client";
import { importDocument } from "@/lib/import/import-document";
import type { Viewer } from "@/lib/reading/access";
import {
  getDocumentForViewer,
  getDocumentPreview,
  listLibrary,
  listRecentPreviews,
} from "@/lib/reading/documents";
import { clearLibrary } from "../support/library";

/**
 * The gate at the data-access layer, with its positive control: only an entitled viewer gets the
 * paid text; every other path (and every failure) yields the preview without it.
 */
const canary = "CANARYdal7f3a9";
const source = `---
title: Gate test
slug: gate-test
published: 2026-01-02
---
Free opening paragraph.

##paidbegin##
Paid paragraph one ${canary}.
##paidend##

Free middle paragraph.

##paidbegin##
Paid paragraph two ${canary}.
`;

const now = new Date("2026-06-01T00:00:00Z");
const entitled = (until: Date | null): Viewer => ({
  kind: "reader",
  userId: "reader-1",
  entitlement: { kind: "full", until, source: "grant" },
});

beforeAll(async () => {
  await clearLibrary();
  await importDocument(new TextEncoder().encode(source), "gate-test.md", { maxBytes: 1_000_000 });
});
afterAll(disconnectDb);

const serialized = (value: unknown) => JSON.stringify(value);

describe("getDocumentForViewer", () => {
  it.each<[string, Viewer]>([
    ["anonymous", { kind: "anonymous" }],
    ["reader without entitlement", { kind: "reader", userId: "r", entitlement: { kind: "none" } }],
    ["reader whose access ended", entitled(new Date("2026-05-31T23:59:59Z"))],
    ["reader whose access ends this instant", entitled(now)],
  ])("gives %s the preview only", async (_name, viewer) => {
    const document = await getDocumentForViewer("gate-test", viewer, now);
    expect(document?.access).toBe("preview");
    expect(serialized(document)).not.toContain(canary);
    expect(document?.segments.map((segment) => segment.kind)).toEqual([
      "free",
      "locked",
      "free",
      "locked",
    ]);
  });

  it.each<[string, Viewer]>([
    ["reader with open-ended access", entitled(null)],
    ["reader with access until tomorrow", entitled(new Date("2026-06-02T00:00:00Z"))],
  ])("gives %s the whole document (positive control)", async (_name, viewer) => {
    const document = await getDocumentForViewer("gate-test", viewer, now);
    expect(document?.access).toBe("full");
    expect(document?.segments.map((segment) => segment.kind)).toEqual([
      "free",
      "paid",
      "free",
      "paid",
    ]);
    expect(serialized(document).split(canary)).toHaveLength(3);
  });

  it("fails closed when the viewer object is malformed", async () => {
    const forged = {
      kind: "reader",
      userId: "x",
      entitlement: { kind: "everything" },
    } as unknown as Viewer;
    const document = await getDocumentForViewer("gate-test", forged, now);
    expect(serialized(document)).not.toContain(canary);
  });

  it("fails closed when the paid text cannot be loaded", async () => {
    const database = await db();
    const saved = await database.paidSegment.findMany();
    await database.paidSegment.deleteMany();
    try {
      const document = await getDocumentForViewer("gate-test", entitled(null), now);
      expect(document?.access).toBe("unavailable");
      expect(document?.segments.map((segment) => segment.kind)).toEqual([
        "free",
        "locked",
        "free",
        "locked",
      ]);
      expect(serialized(document)).not.toContain(canary);
    } finally {
      await database.paidSegment.createMany({ data: saved });
    }
  });

  it("returns null for an unknown slug", async () => {
    expect(await getDocumentForViewer("no-such-document", entitled(null), now)).toBeNull();
  });
});

describe("public reads", () => {
  it("never include paid text", async () => {
    const everything = [
      await getDocumentPreview("gate-test"),
      await listLibrary(),
      await listRecentPreviews(10),
    ];
    expect(serialized(everything)).not.toContain(canary);
    expect(serialized(everything)).toContain("Free opening paragraph.");
  });

  it("compute the summary from free text", async () => {
    const preview = await getDocumentPreview("gate-test");
    expect(preview?.summary).toContain("Free opening paragraph.");
    expect(preview?.summary).not.toContain("Paid");
  });
});
