import "server-only";
import fs from "node:fs/promises";
import path from "node:path";
import { DocumentError } from "@/lib/documents";
import {
  importDocument,
  type ImportOptions,
  type ImportReport,
} from "@/lib/import/import-document";

export const documentExtensions = [".txt", ".md", ".markdown"];

export type FileOutcome = { file: string; report: ImportReport } | { file: string; error: string };

/** The document files named by `paths`: files as given, folders searched recursively, sorted. */
export async function collectDocumentFiles(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const given of paths) {
    const stat = await fs.stat(given);
    if (stat.isDirectory()) {
      const entries = await fs.readdir(given, { recursive: true, withFileTypes: true });
      for (const entry of entries) {
        const isDocument = documentExtensions.includes(path.extname(entry.name).toLowerCase());
        if (entry.isFile() && isDocument && entry.name.toLowerCase() !== "readme.md") {
          files.push(path.join(entry.parentPath, entry.name));
        }
      }
    } else {
      files.push(given);
    }
  }
  return files.sort();
}

function describeError(error: unknown): string {
  if (error instanceof DocumentError) return error.message;
  if (error instanceof Error) return `unexpected error: ${error.message}`;
  return `unexpected error: ${String(error)}`;
}

/** Imports each file on its own (one transaction each) and reports every outcome, in order. */
export async function importFiles(
  files: string[],
  options: ImportOptions,
  onOutcome: (outcome: FileOutcome) => void = () => {},
): Promise<FileOutcome[]> {
  const outcomes: FileOutcome[] = [];
  for (const file of files) {
    let outcome: FileOutcome;
    try {
      const bytes = await fs.readFile(file);
      outcome = { file, report: await importDocument(bytes, path.basename(file), options) };
    } catch (error) {
      outcome = { file, error: describeError(error) };
    }
    outcomes.push(outcome);
    onOutcome(outcome);
  }
  return outcomes;
}

/** One line per file, as the import command prints it. */
export function formatOutcome(outcome: FileOutcome): string {
  if ("error" in outcome) return `✗ ${outcome.file}: ${outcome.error}`;
  const { report } = outcome;
  const parts = [
    `${report.status} ${report.slug} v${report.version}`,
    `"${report.title}"`,
    report.encoding,
    `free ${report.freeWords}`,
    `paid ${report.paidWords}${report.paidRegions > 1 ? ` in ${report.paidRegions} regions` : ""}`,
  ];
  const warnings = report.warnings.map((warning) => `\n    warning: ${warning.message}`).join("");
  return `✓ ${outcome.file}: ${parts.join(" · ")}${warnings}`;
}
