-- CreateTable
CREATE TABLE "DuplicateSubscription" (
    "subscriptionId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "keptSubscriptionId" TEXT NOT NULL,
    "refundedAt" TIMESTAMP(3),
    "refundedAmount" INTEGER NOT NULL DEFAULT 0,
    "currency" TEXT,
    "notifiedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DuplicateSubscription_pkey" PRIMARY KEY ("subscriptionId")
);

-- CreateIndex
CREATE INDEX "DuplicateSubscription_customerId_idx" ON "DuplicateSubscription"("customerId");
