-- CreateTable
CREATE TABLE "Document" (
    "id" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "author" TEXT,
    "tags" TEXT NOT NULL DEFAULT '[]',
    "language" TEXT NOT NULL,
    "publishedAt" TIMESTAMP(3) NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "sourceFormat" TEXT NOT NULL,
    "sourceEncoding" TEXT NOT NULL,
    "sourceHash" TEXT NOT NULL,
    "freeWords" INTEGER NOT NULL,
    "paidWords" INTEGER NOT NULL,
    "readingMinutes" INTEGER NOT NULL,
    "paidRegions" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Document_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PublicSegment" (
    "documentId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "html" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "words" INTEGER NOT NULL,

    CONSTRAINT "PublicSegment_pkey" PRIMARY KEY ("documentId","position")
);

-- CreateTable
CREATE TABLE "PaidSegment" (
    "documentId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "html" TEXT NOT NULL,
    "words" INTEGER NOT NULL,

    CONSTRAINT "PaidSegment_pkey" PRIMARY KEY ("documentId","position")
);

-- CreateIndex
CREATE UNIQUE INDEX "Document_slug_key" ON "Document"("slug");

-- CreateIndex
CREATE INDEX "Document_publishedAt_id_idx" ON "Document"("publishedAt" DESC, "id" DESC);

-- AddForeignKey
ALTER TABLE "PublicSegment" ADD CONSTRAINT "PublicSegment_documentId_fkey" FOREIGN KEY ("documentId") REFERENCES "Document"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PaidSegment" ADD CONSTRAINT "PaidSegment_documentId_fkey" FOREIGN KEY ("documentId") REFERENCES "Document"("id") ON DELETE CASCADE ON UPDATE CASCADE;
