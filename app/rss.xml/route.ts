import { Feed } from "feed";
import { env } from "@/lib/config/env";
import { defaultLocale, messagesFor } from "@/lib/i18n";
import { listRecentPreviews } from "@/lib/reading/documents";

export const dynamic = "force-dynamic";

/** The public feed: each item carries the document's opening free text, never paid text. */
export async function GET() {
  const site = env().siteUrl;
  const messages = messagesFor(defaultLocale);
  const feed = new Feed({
    title: messages.siteName,
    description: messages.tagline,
    id: `${site}/`,
    link: `${site}/`,
    language: defaultLocale,
    copyright: "",
    feedLinks: { rss: `${site}/rss.xml` },
  });
  for (const document of await listRecentPreviews(50)) {
    const url = `${site}/d/${document.slug}`;
    feed.addItem({
      title: document.title,
      id: url,
      link: url,
      description: document.summary,
      content: document.leadHtml,
      date: document.updatedAt,
      published: document.publishedAt,
      author: document.author ? [{ name: document.author }] : undefined,
      category: document.tags.map((name) => ({ name })),
    });
  }
  return new Response(feed.rss2(), {
    headers: {
      "Content-Type": "application/rss+xml; charset=utf-8",
      // Its items carry each document's opening free text, which a re-import can make paid: no
      // shared or browser cache may keep it (lib/http/page-cache.ts bounds Folio's own to 1 s).
      "Cache-Control": "public, max-age=0, must-revalidate",
    },
  });
}
