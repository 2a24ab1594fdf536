-- pixform schema, version 1. Runs inside one transaction, with search_path
-- set to pixform's schema, under an advisory lock (see migrate.go).

-- One row per workspace. serial grows by one at each write to the
-- workspace, as the local state's serial does; lineage is fixed at creation.
CREATE TABLE workspaces (
    name       text PRIMARY KEY,
    lineage    text NOT NULL,
    serial     bigint NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- The image records: one row per image per workspace, upserted on its own
-- (a record costs O(1), never a rewrite of the workspace).
CREATE TABLE images (
    workspace    text NOT NULL REFERENCES workspaces (name) ON DELETE CASCADE,
    addr         text NOT NULL,
    output       text NOT NULL,
    sha256       text NOT NULL,
    fingerprint  text NOT NULL,
    provider     text NOT NULL DEFAULT '',
    model        text NOT NULL DEFAULT '',
    prompt       text NOT NULL DEFAULT '',
    inputs       jsonb,
    refs         jsonb,
    ignored      jsonb,
    task_id      text NOT NULL DEFAULT '',
    consumed     double precision NOT NULL DEFAULT 0,
    generated_at timestamptz NOT NULL,
    sensitive    boolean NOT NULL DEFAULT false,
    PRIMARY KEY (workspace, addr)
);
CREATE INDEX images_fingerprint ON images (fingerprint);

-- Intents and task ids in flight. task_id is '' while only the intent is
-- recorded: the submission may have been accepted without pixform
-- learning its id.
CREATE TABLE pending (
    workspace    text NOT NULL REFERENCES workspaces (name) ON DELETE CASCADE,
    addr         text NOT NULL,
    fingerprint  text NOT NULL,
    provider     text NOT NULL DEFAULT '',
    model        text NOT NULL DEFAULT '',
    task_id      text NOT NULL DEFAULT '',
    intent_at    timestamptz NOT NULL,
    submitted_at timestamptz,
    PRIMARY KEY (workspace, addr)
);

-- Credits history: one row per finished task, for cost estimates per model.
CREATE TABLE credits (
    id          bigserial PRIMARY KEY,
    workspace   text NOT NULL,
    model       text NOT NULL,
    task_id     text NOT NULL DEFAULT '',
    consumed    double precision NOT NULL,
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX credits_model ON credits (model);

-- The store's index: every generation of a fingerprint, shared by every
-- workspace of the schema.
CREATE TABLE generations (
    fingerprint text NOT NULL,
    sha256      text NOT NULL,
    task_id     text NOT NULL DEFAULT '',
    credits     double precision NOT NULL DEFAULT 0,
    model       text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (fingerprint, sha256)
);

-- The store's blobs, content-addressed, in chunks of at most 1 MiB so
-- that neither side holds a whole image in memory. A blob row and its
-- chunks are written in one transaction.
CREATE TABLE blobs (
    sha256     text PRIMARY KEY,
    size       bigint NOT NULL,
    chunks     integer NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE blob_chunks (
    sha256 text NOT NULL REFERENCES blobs (sha256) ON DELETE CASCADE,
    n      integer NOT NULL,
    data   bytea NOT NULL,
    PRIMARY KEY (sha256, n)
);

-- Who holds a workspace's lock. The lock itself is a session advisory
-- lock; this row only names its holder, so a refusal can say who it is.
CREATE TABLE lock_holders (
    workspace   text PRIMARY KEY,
    id          text NOT NULL,
    username    text NOT NULL,
    host        text NOT NULL,
    pid         integer NOT NULL,
    backend_pid integer NOT NULL,
    started     timestamptz NOT NULL
);

-- Fingerprints being paid for right now, across every workspace. The claim
-- is a session advisory lock of its claimer; this row names the claimer
-- and carries the task id, so whoever takes over a dead claim resumes it.
CREATE TABLE claims (
    fingerprint text PRIMARY KEY,
    workspace   text NOT NULL,
    holder      text NOT NULL,
    holder_id   text NOT NULL,
    backend_pid integer NOT NULL,
    task_id     text NOT NULL DEFAULT '',
    claimed_at  timestamptz NOT NULL
);
