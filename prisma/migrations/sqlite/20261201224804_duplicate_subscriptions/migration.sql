-- CreateTable
CREATE TABLE "DuplicateSubscription" (
    "subscriptionId" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "keptSubscriptionId" TEXT NOT NULL,
    "refundedAt" DATETIME,
    "refundedAmount" INTEGER NOT NULL DEFAULT 0,
    "currency" TEXT,
    "notifiedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "DuplicateSubscription_customerId_idx" ON "DuplicateSubscription"("customerId");
