-- CreateTable
CREATE TABLE "Document" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "slug" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "author" TEXT,
    "tags" TEXT NOT NULL DEFAULT '[]',
    "language" TEXT NOT NULL,
    "publishedAt" DATETIME NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "sourceFormat" TEXT NOT NULL,
    "sourceEncoding" TEXT NOT NULL,
    "sourceHash" TEXT NOT NULL,
    "freeWords" INTEGER NOT NULL,
    "paidWords" INTEGER NOT NULL,
    "readingMinutes" INTEGER NOT NULL,
    "paidRegions" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "PublicSegment" (
    "documentId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "html" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "words" INTEGER NOT NULL,

    PRIMARY KEY ("documentId", "position"),
    CONSTRAINT "PublicSegment_documentId_fkey" FOREIGN KEY ("documentId") REFERENCES "Document" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PaidSegment" (
    "documentId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "html" TEXT NOT NULL,
    "words" INTEGER NOT NULL,

    PRIMARY KEY ("documentId", "position"),
    CONSTRAINT "PaidSegment_documentId_fkey" FOREIGN KEY ("documentId") REFERENCES "Document" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "Document_slug_key" ON "Document"("slug");

-- CreateIndex
CREATE INDEX "Document_publishedAt_id_idx" ON "Document"("publishedAt" DESC, "id" DESC);
