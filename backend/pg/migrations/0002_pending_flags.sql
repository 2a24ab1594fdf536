-- pixform schema, version 2: the flags of a task in flight that the local
-- state keeps too (state.Pending), so that state push and pull lose
-- nothing and an apply resuming from PostgreSQL knows what the local one
-- would: unsent (no request of the intent may have been accepted),
-- ambiguous (an apply gave up after answers were lost), counted (its
-- credits are in a summary already).
ALTER TABLE pending
    ADD COLUMN unsent    boolean NOT NULL DEFAULT false,
    ADD COLUMN ambiguous boolean NOT NULL DEFAULT false,
    ADD COLUMN counted   boolean NOT NULL DEFAULT false;

-- The candidate a user picked for an image (state.Asset.Pick, the
-- lockfile's pick = "sha256:..."), '' when none was picked.
ALTER TABLE images ADD COLUMN pick text NOT NULL DEFAULT '';
