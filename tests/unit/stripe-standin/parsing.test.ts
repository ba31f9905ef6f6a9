import { describe, expect, it } from "vitest";
import { addIntervals, nextPeriodEnd } from "@/tools/stripe-standin/clock";
import { applyMetadata, arrayParam, parseForm, stringArray } from "@/tools/stripe-standin/form";
import { checkCard } from "@/tools/stripe-standin/pages";

const at = (iso: string) => Date.parse(iso) / 1000;

describe("stripe stand-in: form parsing", () => {
  it("parses nested brackets, indexed and appended arrays, and metadata", () => {
    const form = parseForm(
      [
        "line_items[0][price]=price_1",
        "line_items[0][quantity]=2",
        "expand[]=data.product",
        "expand[]=customer",
        "lookup_keys[0]=a%20b",
        "lookup_keys[1]=c",
        "metadata[user%5Bid%5D]=u+1",
        "metadata[0]=zero",
        "subscription_data[metadata][folio]=yes",
        "empty=",
      ].join("&"),
    );
    expect(form.line_items).toEqual({ "0": { price: "price_1", quantity: "2" } });
    expect(stringArray(form, "expand")).toEqual(["data.product", "customer"]);
    expect(stringArray(form, "lookup_keys")).toEqual(["a b", "c"]);
    expect(form.metadata).toEqual({ "user[id]": "u 1", "0": "zero" });
    expect(form.subscription_data).toEqual({ metadata: { folio: "yes" } });
    expect(form.empty).toBe("");
    expect(arrayParam(form, "line_items")).toEqual([{ price: "price_1", quantity: "2" }]);
  });

  it("orders indexed arrays numerically", () => {
    const form = parseForm("x[10]=k&x[2]=c&x[0]=a");
    expect(stringArray(form, "x")).toEqual(["a", "c", "k"]);
  });

  it("applies Stripe's metadata semantics", () => {
    const current = { keep: "1", drop: "2" };
    expect(applyMetadata(current, parseForm("metadata[drop]=&metadata[new]=3"))).toEqual({
      keep: "1",
      new: "3",
    });
    expect(applyMetadata(current, parseForm("metadata="))).toEqual({});
    expect(applyMetadata(current, parseForm("name=x"))).toEqual(current);
  });
});

describe("stripe stand-in: billing calendar", () => {
  it("keeps the anchor day and clamps to shorter months", () => {
    const anchor = at("2027-01-31T10:20:30Z");
    expect(addIntervals(anchor, "month", 1)).toBe(at("2027-02-28T10:20:30Z"));
    expect(addIntervals(anchor, "month", 2)).toBe(at("2027-03-31T10:20:30Z"));
    expect(addIntervals(anchor, "month", 3)).toBe(at("2027-04-30T10:20:30Z"));
    expect(addIntervals(at("2028-02-29T00:00:00Z"), "year", 1)).toBe(at("2029-02-28T00:00:00Z"));
    expect(addIntervals(anchor, "month", 12)).toBe(at("2028-01-31T10:20:30Z"));
    expect(nextPeriodEnd(anchor, "month", 1, at("2027-02-28T10:20:30Z"))).toBe(
      at("2027-03-31T10:20:30Z"),
    );
  });
});

describe("stripe stand-in: test cards", () => {
  it("accepts 4242…, declines 4000…0002, rejects bad numbers", () => {
    expect(checkCard("4242 4242 4242 4242", true)).toEqual({ ok: true, failsLater: false });
    expect(checkCard("4000 0000 0000 0002", true)).toEqual({
      ok: false,
      message: "Your card was declined.",
    });
    expect(checkCard("4242 4242 4242 4241", true)).toEqual({
      ok: false,
      message: "Your card number is invalid.",
    });
    expect(checkCard("", true)).toEqual({ ok: false, message: "Your card number is incomplete." });
    expect(checkCard("4000000000000341", false)).toEqual({ ok: true, failsLater: true });
    expect(checkCard("4000000000000341", true)).toMatchObject({ ok: false });
  });
});
