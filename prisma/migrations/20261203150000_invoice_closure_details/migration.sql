-- AlterTable
ALTER TABLE "invoices" ADD COLUMN     "closed_reason" TEXT,
ADD COLUMN     "overpaid" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "paused_reason" TEXT;
