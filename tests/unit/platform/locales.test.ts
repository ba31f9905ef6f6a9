import { describe, expect, it } from "vitest";
import { format, messagesFor, negotiateLocale } from "@/lib/i18n";
import { en } from "@/lib/i18n/messages/en";
import { zhCN } from "@/lib/i18n/messages/zh-CN";

describe("negotiateLocale", () => {
  it.each<[string | undefined, string | null, string]>([
    [undefined, null, "zh-CN"],
    [undefined, "en-US,en;q=0.9", "en"],
    [undefined, "zh-TW,zh;q=0.9,en;q=0.5", "zh-CN"],
    [undefined, "fr-FR,en;q=0.5", "en"],
    [undefined, "fr-FR", "zh-CN"],
    [undefined, "de;q=0.9,zh-CN;q=0.1,en;q=0.5", "en"],
    ["en", "zh-CN", "en"],
    ["zh-CN", "en-US", "zh-CN"],
    ["klingon", "en-US", "en"],
    [undefined, "en-US;;q=abc,,,", "zh-CN"], // malformed: the default, not a crash
    [undefined, "*", "zh-CN"],
  ])("saved %j, Accept-Language %j → %s", (saved, header, expected) => {
    expect(negotiateLocale(saved, header)).toBe(expected);
  });
});

describe("message catalogs", () => {
  const keyPaths = (value: unknown, prefix = ""): string[] =>
    typeof value === "string"
      ? [prefix]
      : Object.entries(value as Record<string, unknown>).flatMap(([key, child]) =>
          keyPaths(child, `${prefix}.${key}`),
        );

  it("have the same keys and no empty strings in every language", () => {
    expect(keyPaths(en).sort()).toEqual(keyPaths(zhCN).sort());
    const strings = [en, zhCN].flatMap((catalog) => JSON.stringify(catalog).match(/""/g) ?? []);
    expect(strings).toEqual([]);
  });

  it("use the same placeholders in every language", () => {
    const placeholders = (catalog: unknown) =>
      keyPaths(catalog).map((path) => {
        const text = path
          .split(".")
          .slice(1)
          .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], catalog);
        return `${path}:${[...String(text).matchAll(/\{(\w+)\}/g)]
          .map((match) => match[1])
          .sort()
          .join(",")}`;
      });
    expect(placeholders(en).sort()).toEqual(placeholders(zhCN).sort());
  });

  it("format numbers for the locale", () => {
    expect(format("en", messagesFor("en").paywall.body, { count: 12345, percent: 40 })).toBe(
      "Subscribe to read the remaining 12,345 words, 40% of the document.",
    );
    expect(format("zh-CN", messagesFor("zh-CN").paywall.body, { count: 12345, percent: 40 })).toBe(
      "订阅后可阅读剩余 12,345 字，占全文 40%。",
    );
  });
});
