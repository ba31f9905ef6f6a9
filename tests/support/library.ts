import { db } from "@/lib/db/client";

/** Empties the document tables (segments cascade) so a test starts from an empty library. */
export async function clearLibrary(): Promise<void> {
  const database = await db();
  await database.document.deleteMany();
}
