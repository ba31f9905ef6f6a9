import { Feed } from "feed";
import type { DocumentListing } from "@/lib/reading/documents";

export interface FeedDocument extends DocumentListing {
  /** HTML of the document's first public segment (free text only). */
  leadHtml: string;
}

/**
 * The public RSS 2.0 feed: each item carries the document's summary and opening free text, never
 * paid text. Pure (no database), so the leak tests build it straight from parsed documents.
 */
export function buildRssFeed(
  documents: readonly FeedDocument[],
  site: string,
  channel: { title: string; description: string; language: string },
): string {
  // lastBuildDate is the newest item's update, so the same documents always give the same feed.
  const newest = documents.reduce<Date | undefined>(
    (latest, document) => (latest && latest > document.updatedAt ? latest : document.updatedAt),
    undefined,
  );
  const feed = new Feed({
    updated: newest,
    title: channel.title,
    description: channel.description,
    id: `${site}/`,
    link: `${site}/`,
    language: channel.language,
    copyright: "",
    feedLinks: { rss: `${site}/rss.xml` },
  });
  for (const document of documents) {
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
  return feed.rss2();
}
