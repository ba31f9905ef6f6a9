import matter from "gray-matter";
import { DocumentError } from "./errors";
import { isValidSlug } from "./slug";
import type { DocumentLanguage } from "./types";

export interface FrontMatter {
  title?: string;
  slug?: string;
  summary?: string;
  author?: string;
  tags?: string[];
  language?: DocumentLanguage;
  publishedAt?: Date;
}

export interface FrontMatterSplit {
  frontMatter: FrontMatter;
  body: string;
  /** Source line number of body[0]. */
  bodyFirstLine: number;
}

const OPENING_LINE = /^---[ \t]*$/;
const CLOSING_LINE = /^---[ \t]*$/;

/**
 * A front matter block is a first line `---`, YAML, and a closing `---` line. The block is handed to gray-matter
 * with an explicit YAML language and the JavaScript engine disabled (gray-matter would otherwise `eval` a
 * `---js` block), and with options set so gray-matter does not cache every document in a module-level map.
 */
export function splitFrontMatter(text: string): FrontMatterSplit {
  const lines = text.split("\n");
  if (!OPENING_LINE.test(lines[0] ?? "")) return { frontMatter: {}, body: text, bodyFirstLine: 1 };
  const closingIndex = lines.findIndex((line, index) => index > 0 && CLOSING_LINE.test(line));
  if (closingIndex === -1) {
    throw new DocumentError(
      "invalid-front-matter",
      "front matter opened with --- is never closed with a --- line",
      1,
    );
  }
  const yamlLines = lines.slice(1, closingIndex);
  const data = parseYaml(yamlLines);
  return {
    frontMatter: readFields(data, yamlLines),
    body: lines.slice(closingIndex + 1).join("\n"),
    bodyFirstLine: closingIndex + 2,
  };
}

function disabledEngine(): never {
  throw new Error("only YAML front matter is supported");
}

function parseYaml(yamlLines: string[]): Record<string, unknown> {
  const block = ["---", ...yamlLines, "---", ""].join("\n");
  let data: unknown;
  try {
    data = matter(block, {
      language: "yaml",
      engines: {
        javascript: disabledEngine,
        js: disabledEngine,
        coffee: disabledEngine,
        json: disabledEngine,
      },
    }).data;
  } catch (error) {
    throw yamlError(error);
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new DocumentError(
      "invalid-front-matter",
      "front matter must be a YAML mapping of field: value lines",
      2,
    );
  }
  return data as Record<string, unknown>;
}

interface YamlExceptionLike {
  reason?: unknown;
  mark?: { line?: unknown };
}

/** js-yaml counts lines inside the block; gray-matter's block starts on the `---` line, so mark.line + 1 is the file line. */
function yamlError(error: unknown): DocumentError {
  const details = (typeof error === "object" && error !== null ? error : {}) as YamlExceptionLike;
  const reason =
    typeof details.reason === "string"
      ? details.reason
      : error instanceof Error
        ? error.message
        : String(error);
  const line = typeof details.mark?.line === "number" ? details.mark.line + 1 : undefined;
  return new DocumentError(
    "invalid-front-matter",
    `front matter is not valid YAML: ${reason}`,
    line,
  );
}

function readFields(data: Record<string, unknown>, yamlLines: string[]): FrontMatter {
  const field = (name: string) => new FieldReader(name, data[name], yamlLines);
  const frontMatter: FrontMatter = {};
  assignDefined(frontMatter, "title", field("title").optionalText());
  assignDefined(frontMatter, "slug", field("slug").optionalSlug());
  assignDefined(frontMatter, "summary", field("summary").optionalText());
  assignDefined(frontMatter, "author", field("author").optionalText());
  assignDefined(frontMatter, "tags", field("tags").optionalTags());
  assignDefined(frontMatter, "language", field("language").optionalLanguage());
  const published = data.published ?? data.date;
  const dateField = data.published === undefined || data.published === null ? "date" : "published";
  assignDefined(
    frontMatter,
    "publishedAt",
    new FieldReader(dateField, published, yamlLines).optionalDate(),
  );
  return frontMatter;
}

function assignDefined<K extends keyof FrontMatter>(
  target: FrontMatter,
  key: K,
  value: FrontMatter[K] | undefined,
): void {
  if (value !== undefined) target[key] = value;
}

class FieldReader {
  constructor(
    private readonly name: string,
    private readonly value: unknown,
    private readonly yamlLines: readonly string[],
  ) {}

  /** Strings, and numbers because YAML turns `title: 1984` into one. Blank means absent. */
  optionalText(): string | undefined {
    if (this.value === undefined || this.value === null) return undefined;
    if (typeof this.value === "number" && Number.isFinite(this.value)) return String(this.value);
    if (typeof this.value !== "string") throw this.error("must be text");
    const text = this.value.replace(/\s+/g, " ").trim();
    return text === "" ? undefined : text;
  }

  optionalSlug(): string | undefined {
    const slug = this.optionalText();
    if (slug === undefined) return undefined;
    if (!isValidSlug(slug)) {
      throw this.error(
        `"${slug}" must be 1–80 characters of a–z, 0–9 and "-", not starting or ending with "-"`,
      );
    }
    return slug;
  }

  /** A YAML list, or one string separated by commas (ASCII, full-width ， or 、). Duplicates are dropped. */
  optionalTags(): string[] | undefined {
    if (this.value === undefined || this.value === null) return undefined;
    const rawTags =
      typeof this.value === "string" ? this.value.split(/[,，、]/) : this.listOfText();
    return uniqueIgnoringCase(
      rawTags.map((tag) => tag.replace(/\s+/g, " ").trim()).filter((tag) => tag !== ""),
    );
  }

  optionalLanguage(): DocumentLanguage | undefined {
    const text = this.optionalText();
    if (text === undefined) return undefined;
    const language = normaliseLanguage(text);
    if (language === null)
      throw this.error(`"${text}" is not a supported language (use zh-CN or en)`);
    return language;
  }

  /** YAML turns unquoted dates into Date objects without checking the calendar (2024-02-30 → March 1), so the raw text is re-read. */
  optionalDate(): Date | undefined {
    if (this.value === undefined || this.value === null) return undefined;
    const raw =
      this.value instanceof Date ? (this.rawScalar() ?? this.value.toISOString()) : this.value;
    if (typeof raw !== "string") throw this.error("must be an ISO date such as 2024-05-01");
    const date = parseIsoDate(raw.trim());
    if (date === null)
      throw this.error(`"${raw.trim()}" is not a valid ISO date such as 2024-05-01`);
    return date;
  }

  private listOfText(): string[] {
    if (!Array.isArray(this.value)) throw this.error("must be a list or a comma-separated string");
    return this.value.map((item: unknown) => {
      if (typeof item === "string") return item;
      if (typeof item === "number" && Number.isFinite(item)) return String(item);
      throw this.error("must contain only text items");
    });
  }

  private rawScalar(): string | undefined {
    const index = this.lineIndex();
    if (index === undefined) return undefined;
    const afterColon = (this.yamlLines[index] ?? "")
      .replace(/^[^:]*:/, "")
      .replace(/\s+#.*$/, "")
      .trim();
    return afterColon.replace(/^(["'])(.*)\1$/, "$2");
  }

  private lineIndex(): number | undefined {
    const pattern = new RegExp(`^\\s*["']?${this.name}["']?\\s*:`);
    const index = this.yamlLines.findIndex((line) => pattern.test(line));
    return index === -1 ? undefined : index;
  }

  private error(problem: string): DocumentError {
    const index = this.lineIndex();
    // +2: line 1 is the opening ---, yamlLines[0] is line 2.
    return new DocumentError(
      "invalid-front-matter",
      `front matter field "${this.name}" ${problem}`,
      index === undefined ? undefined : index + 2,
    );
  }
}

function uniqueIgnoringCase(values: string[]): string[] {
  const seen = new Set<string>();
  return values.filter((value) => {
    const key = value.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Any Chinese tag (zh, zh-Hans, zh_CN, zh-TW …) maps to zh-CN, any English one (en, en-US, en-GB …) to en. */
export function normaliseLanguage(value: string): DocumentLanguage | null {
  const tag = value.trim().toLowerCase().replace(/_/g, "-");
  if (tag === "zh" || tag.startsWith("zh-") || tag === "cn" || tag === "chinese" || tag === "中文")
    return "zh-CN";
  if (tag === "en" || tag.startsWith("en-") || tag === "english") return "en";
  return null;
}

const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*([Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/;

/** Strict ISO 8601 date or date-time; a date alone means midnight UTC. Returns null for impossible dates. */
export function parseIsoDate(text: string): Date | null {
  const match = ISO_DATE.exec(text);
  if (match === null) return null;
  const [
    ,
    year,
    month,
    day,
    hour = "00",
    minute = "00",
    second = "00",
    fraction = "0",
    zone = "Z",
  ] = match;
  if (!isCalendarDate(Number(year), Number(month), Number(day))) return null;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return null;
  const milliseconds = fraction.padEnd(3, "0").slice(0, 3);
  const date = new Date(
    `${year}-${month}-${day}T${hour}:${minute}:${second}.${milliseconds}${normaliseZone(zone)}`,
  );
  return Number.isNaN(date.getTime()) ? null : date;
}

function normaliseZone(zone: string): string {
  if (zone === "Z" || zone === "z") return "Z";
  const digits = zone.slice(1).replace(":", "").padEnd(4, "0");
  return `${zone[0]}${digits.slice(0, 2)}:${digits.slice(2, 4)}`;
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth;
}
