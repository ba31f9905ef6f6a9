-- At most one live sign-in code per address from now on: keep each address's newest code (the one
-- its reader was mailed last) and drop the older ones, which a new request would have replaced.
DELETE FROM "VerificationToken" AS older USING "VerificationToken" AS newer
WHERE older."identifier" = newer."identifier"
  AND (older."expires" < newer."expires" OR (older."expires" = newer."expires" AND older.ctid < newer.ctid));

-- DropIndex
DROP INDEX "VerificationToken_identifier_token_key";

-- AlterTable
ALTER TABLE "VerificationToken" ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0,
ADD CONSTRAINT "VerificationToken_pkey" PRIMARY KEY ("identifier");

-- CreateTable
CREATE TABLE "MailJob" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "recipient" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT,
    "failedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MailJob_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "MailJob_failedAt_nextAttemptAt_idx" ON "MailJob"("failedAt", "nextAttemptAt");
