-- Share links of the dashboard (step 7): each shows one site, read-only, until revoked.
-- Only the SHA-256 of a link's secret is kept (hex), never the secret: whoever reads this
-- table (an analyst through /v1/sql, a backup) cannot open a dashboard with it.
-- A revocation is a second row for the same id with revoked = 1; revoked is the
-- ReplacingMergeTree version, so once merged only the revoked row stays, and readers
-- take max(revoked) per id (exact before merges too, with no FINAL and no clock in the
-- order: a share is never un-revoked). The table holds one or two rows per share: tiny,
-- read whole by every collector at most every few seconds (src/dashboard/share-store.ts).
CREATE TABLE IF NOT EXISTS {db}.dashboard_shares
(
    id            String,
    site_id       String,
    label         String,
    secret_sha256 String,
    created_at    DateTime64(3, 'UTC'),
    revoked       UInt8 DEFAULT 0,
    revoked_at    DateTime64(3, 'UTC') DEFAULT 0
)
ENGINE = ReplacingMergeTree(revoked)
ORDER BY id;
