import { env } from "@/lib/config/env";
import { defaultLocale, messagesFor } from "@/lib/i18n";
import { listRecentPreviews } from "@/lib/reading/documents";
import { buildRssFeed } from "@/lib/reading/rss-feed";

export const dynamic = "force-dynamic";

/** The public feed: each item carries the document's opening free text, never paid text. */
export async function GET() {
  const messages = messagesFor(defaultLocale);
  const rss = buildRssFeed(await listRecentPreviews(50), env().siteUrl, {
    title: messages.siteName,
    description: messages.tagline,
    language: defaultLocale,
  });
  return new Response(rss, {
    headers: {
      "Content-Type": "application/rss+xml; charset=utf-8",
      // Its items carry each document's opening free text, which a re-import can make paid: no
      // shared or browser cache may keep it (lib/http/page-cache.ts bounds Folio's own to 1 s).
      "Cache-Control": "public, max-age=0, must-revalidate",
    },
  });
}
