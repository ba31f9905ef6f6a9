import type { MetadataRoute } from "next";
import { env } from "@/lib/config/env";
import { listSitemapEntries } from "@/lib/reading/documents";

// Built per request from the database (never at build time); lists URLs only, no text.
export const dynamic = "force-dynamic";

export default async function sitemap(): Promise<MetadataRoute.Sitemap> {
  const site = env().siteUrl;
  const entries = await listSitemapEntries();
  return [
    { url: `${site}/`, changeFrequency: "daily" },
    ...entries.map((entry) => ({ url: `${site}/d/${entry.slug}`, lastModified: entry.updatedAt })),
  ];
}
