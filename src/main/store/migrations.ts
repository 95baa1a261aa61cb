/**
 * Schema migrations, applied in order by PRAGMA user_version: step i (0-based) moves the schema from version i to i+1.
 * Never edit a released step; append a new one.
 */
/**
 * One push into oa_users (step 12): `$` stands for the row's prefix (`new.` in the triggers, nothing in the backfill).
 * Every time only moves forward, so a push seen twice, or out of order, changes nothing it should not.
 */
const OA_USERS_UPSERT = `INSERT INTO oa_users (component_appid, appid, openid, last_seen_at, last_seen_type, last_message_at, last_event_at,
                        last_event, unsubscribed_at)
    VALUES ($component_appid, $appid, $from_user,
      coalesce($create_time * 1000, $received_at),
      CASE WHEN $msg_type = 'event' THEN 'event/' || coalesce($event, '') ELSE $msg_type END,
      CASE WHEN $msg_type <> 'event' THEN coalesce($create_time * 1000, $received_at) END,
      CASE WHEN $msg_type = 'event' AND lower($event) IN ('subscribe', 'scan', 'click', 'scancode_push', 'scancode_waitmsg')
        THEN coalesce($create_time * 1000, $received_at) END,
      CASE WHEN $msg_type = 'event' AND lower($event) IN ('subscribe', 'scan', 'click', 'scancode_push', 'scancode_waitmsg')
        THEN $event END,
      CASE WHEN $msg_type = 'event' AND lower($event) = 'unsubscribe' THEN coalesce($create_time * 1000, $received_at) END)
    ON CONFLICT (component_appid, appid, openid) DO UPDATE SET
      last_seen_type = CASE WHEN excluded.last_seen_at >= last_seen_at THEN excluded.last_seen_type ELSE last_seen_type END,
      last_seen_at = max(last_seen_at, excluded.last_seen_at),
      last_message_at = CASE WHEN excluded.last_message_at > coalesce(last_message_at, -1) THEN excluded.last_message_at ELSE last_message_at END,
      last_event = CASE WHEN excluded.last_event_at > coalesce(last_event_at, -1) THEN excluded.last_event ELSE last_event END,
      last_event_at = CASE WHEN excluded.last_event_at > coalesce(last_event_at, -1) THEN excluded.last_event_at ELSE last_event_at END,
      unsubscribed_at = CASE WHEN excluded.unsubscribed_at > coalesce(unsubscribed_at, -1) THEN excluded.unsubscribed_at ELSE unsubscribed_at END;`;

export const MIGRATIONS: readonly string[] = [
  // 1: initial schema
  `
  CREATE TABLE platforms (
    component_appid TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    relay_url TEXT,
    egress TEXT NOT NULL CHECK (egress IN ('direct','relay')),
    is_demo INTEGER NOT NULL DEFAULT 0,
    app_secret_enc BLOB,
    token_enc BLOB,
    aes_key_enc BLOB,
    desk_key_enc BLOB,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE tickets (
    id INTEGER PRIMARY KEY,
    component_appid TEXT NOT NULL,
    ticket TEXT NOT NULL,
    create_time INTEGER NOT NULL,
    received_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX tickets_by_platform ON tickets (component_appid);

  -- authorizer_appid '' = the component token itself
  CREATE TABLE tokens (
    component_appid TEXT NOT NULL,
    authorizer_appid TEXT NOT NULL,
    token_enc BLOB NOT NULL,
    -- SHA-256 of the token, so compare-and-invalidate needs no decryption
    token_hash BLOB NOT NULL,
    expires_at INTEGER NOT NULL,
    obtained_at INTEGER NOT NULL,
    PRIMARY KEY (component_appid, authorizer_appid)
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE authorizers (
    component_appid TEXT NOT NULL,
    appid TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('OA','MP')),
    nick_name TEXT,
    user_name TEXT,
    principal_name TEXT,
    head_img TEXT,
    alias TEXT,
    service_type INTEGER,
    verify_type INTEGER,
    account_status INTEGER,
    info TEXT,
    func_info TEXT NOT NULL DEFAULT '[]',
    refresh_token_enc BLOB,
    status TEXT NOT NULL CHECK (status IN ('active','revoked','needs_reauth')),
    authorized_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    revoked_at INTEGER,
    refresh_token_checked_at INTEGER,
    refresh_token_mismatch INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (component_appid, appid)
  ) STRICT;
  CREATE INDEX authorizers_by_authorized ON authorizers (component_appid, authorized_at);
  CREATE INDEX authorizers_by_updated ON authorizers (component_appid, updated_at);
  CREATE INDEX authorizers_by_status ON authorizers (component_appid, status, authorized_at);
  CREATE INDEX authorizers_by_kind ON authorizers (component_appid, kind, authorized_at);
  CREATE INDEX authorizers_by_nick ON authorizers (component_appid, nick_name);
  CREATE INDEX authorizers_by_principal ON authorizers (component_appid, principal_name);

  -- one row per granted permission set, so the permission filter is an index lookup
  CREATE TABLE authorizer_funcs (
    component_appid TEXT NOT NULL,
    func_id INTEGER NOT NULL,
    appid TEXT NOT NULL,
    PRIMARY KEY (component_appid, appid, func_id)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX authorizer_funcs_by_func ON authorizer_funcs (component_appid, func_id, appid);

  CREATE TABLE auth_links (
    id TEXT PRIMARY KEY NOT NULL,
    component_appid TEXT NOT NULL,
    pre_auth_code TEXT NOT NULL,
    pc_url TEXT NOT NULL,
    mobile_url TEXT NOT NULL,
    auth_type INTEGER NOT NULL,
    biz_appid TEXT,
    category_ids TEXT,
    relay_start_url TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending','completed','expired')),
    authorizer_appid TEXT,
    completed_at INTEGER
  ) STRICT;
  CREATE INDEX auth_links_by_platform ON auth_links (component_appid, created_at);
  CREATE INDEX auth_links_by_code ON auth_links (component_appid, pre_auth_code);
  CREATE INDEX auth_links_pending ON auth_links (status, expires_at);

  CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    component_appid TEXT NOT NULL,
    seq INTEGER,
    kind TEXT NOT NULL CHECK (kind IN ('component','authorizer','auth_redirect','alert','local')),
    appid TEXT,
    received_at INTEGER NOT NULL,
    query TEXT,
    raw_body TEXT NOT NULL,
    plaintext TEXT,
    status TEXT NOT NULL CHECK (status IN ('ok','failed')),
    fail_reason TEXT,
    info_type TEXT,
    msg_type TEXT,
    event TEXT,
    from_user TEXT,
    to_user TEXT,
    create_time INTEGER,
    msg_id TEXT,
    dedupe_key TEXT,
    reply_body TEXT,
    reply_ms INTEGER,
    verdicts TEXT,
    handled_note TEXT
  ) STRICT;
  -- NULLs are distinct in UNIQUE indexes, so events without seq / dedupe key are all kept
  CREATE UNIQUE INDEX events_seq ON events (component_appid, seq);
  CREATE UNIQUE INDEX events_dedupe ON events (component_appid, dedupe_key);
  -- each index ends in the rowid, so "filter = x ORDER BY id DESC LIMIT n" walks one index backwards
  CREATE INDEX events_by_platform ON events (component_appid);
  CREATE INDEX events_by_kind ON events (component_appid, kind);
  CREATE INDEX events_by_appid ON events (component_appid, appid);
  CREATE INDEX events_by_info_type ON events (component_appid, info_type);
  CREATE INDEX events_by_msg_type ON events (component_appid, msg_type);
  CREATE INDEX events_by_event ON events (component_appid, event);
  CREATE INDEX events_by_status ON events (component_appid, status);
  -- covers countPerMinute (no table lookups)
  CREATE INDEX events_by_received ON events (component_appid, received_at, status);

  -- trigram tokenizer: substring search that works for Chinese (queries of 3+ characters).
  -- raw_body is indexed only when there is no plaintext: a decrypted push's raw body is the ciphertext envelope,
  -- whose random base64 would double the index size and insert cost without ever matching a useful search.
  -- The delete entries must repeat exactly what was indexed, hence the same CASE in every trigger.
  CREATE VIRTUAL TABLE events_fts USING fts5 (
    plaintext, raw_body, appid, info_type, msg_type, event, from_user, to_user, fail_reason,
    content = 'events', content_rowid = 'id', tokenize = 'trigram'
  );
  CREATE TRIGGER events_fts_insert AFTER INSERT ON events BEGIN
    INSERT INTO events_fts (rowid, plaintext, raw_body, appid, info_type, msg_type, event, from_user, to_user, fail_reason)
    VALUES (new.id, new.plaintext, CASE WHEN new.plaintext IS NULL THEN new.raw_body END, new.appid, new.info_type, new.msg_type, new.event, new.from_user,
            new.to_user, new.fail_reason);
  END;
  CREATE TRIGGER events_fts_delete AFTER DELETE ON events BEGIN
    INSERT INTO events_fts (events_fts, rowid, plaintext, raw_body, appid, info_type, msg_type, event, from_user,
                            to_user, fail_reason)
    VALUES ('delete', old.id, old.plaintext, CASE WHEN old.plaintext IS NULL THEN old.raw_body END, old.appid, old.info_type, old.msg_type, old.event,
            old.from_user, old.to_user, old.fail_reason);
  END;
  -- only when an indexed column changes (setReply / setHandledNote do not touch the index)
  CREATE TRIGGER events_fts_update AFTER UPDATE OF plaintext, raw_body, appid, info_type, msg_type, event, from_user,
                                           to_user, fail_reason ON events BEGIN
    INSERT INTO events_fts (events_fts, rowid, plaintext, raw_body, appid, info_type, msg_type, event, from_user,
                            to_user, fail_reason)
    VALUES ('delete', old.id, old.plaintext, CASE WHEN old.plaintext IS NULL THEN old.raw_body END, old.appid, old.info_type, old.msg_type, old.event,
            old.from_user, old.to_user, old.fail_reason);
    INSERT INTO events_fts (rowid, plaintext, raw_body, appid, info_type, msg_type, event, from_user, to_user, fail_reason)
    VALUES (new.id, new.plaintext, CASE WHEN new.plaintext IS NULL THEN new.raw_body END, new.appid, new.info_type, new.msg_type, new.event, new.from_user,
            new.to_user, new.fail_reason);
  END;

  CREATE TABLE relay_cursor (
    component_appid TEXT PRIMARY KEY NOT NULL,
    cursor INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE api_calls (
    id INTEGER PRIMARY KEY,
    component_appid TEXT NOT NULL,
    at INTEGER NOT NULL,
    path TEXT NOT NULL,
    appid TEXT,
    errcode INTEGER,
    errmsg TEXT,
    rid TEXT,
    latency_ms INTEGER NOT NULL,
    attempt INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX api_calls_by_platform ON api_calls (component_appid);
  CREATE INDEX api_calls_by_path ON api_calls (component_appid, path);
  CREATE INDEX api_calls_by_errcode ON api_calls (component_appid, errcode);
  CREATE INDEX api_calls_by_appid ON api_calls (component_appid, appid);
  -- covers errcodesPerMinute
  CREATE INDEX api_calls_by_at ON api_calls (component_appid, at, errcode);

  -- component_appid '' = global
  CREATE TABLE settings (
    component_appid TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (component_appid, key)
  ) STRICT, WITHOUT ROWID;
  `,
  // 2: authorizer search by trigram index (was a LIKE scan of five columns: 80 ms at 100,000 rows), and sort indexes
  //    that end in appid, so a deep page is found in the index without reading the rows it skips.
  `
  CREATE VIRTUAL TABLE authorizers_fts USING fts5 (
    appid, nick_name, user_name, principal_name, alias,
    content = 'authorizers', content_rowid = 'rowid', tokenize = 'trigram'
  );
  CREATE TRIGGER authorizers_fts_insert AFTER INSERT ON authorizers BEGIN
    INSERT INTO authorizers_fts (rowid, appid, nick_name, user_name, principal_name, alias)
    VALUES (new.rowid, new.appid, new.nick_name, new.user_name, new.principal_name, new.alias);
  END;
  CREATE TRIGGER authorizers_fts_delete AFTER DELETE ON authorizers BEGIN
    INSERT INTO authorizers_fts (authorizers_fts, rowid, appid, nick_name, user_name, principal_name, alias)
    VALUES ('delete', old.rowid, old.appid, old.nick_name, old.user_name, old.principal_name, old.alias);
  END;
  CREATE TRIGGER authorizers_fts_update AFTER UPDATE OF appid, nick_name, user_name, principal_name, alias ON authorizers BEGIN
    INSERT INTO authorizers_fts (authorizers_fts, rowid, appid, nick_name, user_name, principal_name, alias)
    VALUES ('delete', old.rowid, old.appid, old.nick_name, old.user_name, old.principal_name, old.alias);
    INSERT INTO authorizers_fts (rowid, appid, nick_name, user_name, principal_name, alias)
    VALUES (new.rowid, new.appid, new.nick_name, new.user_name, new.principal_name, new.alias);
  END;
  INSERT INTO authorizers_fts (authorizers_fts) VALUES ('rebuild');

  DROP INDEX authorizers_by_authorized;
  DROP INDEX authorizers_by_updated;
  DROP INDEX authorizers_by_status;
  DROP INDEX authorizers_by_kind;
  DROP INDEX authorizers_by_nick;
  DROP INDEX authorizers_by_principal;
  CREATE INDEX authorizers_by_authorized ON authorizers (component_appid, authorized_at, appid);
  CREATE INDEX authorizers_by_updated ON authorizers (component_appid, updated_at, appid);
  CREATE INDEX authorizers_by_status ON authorizers (component_appid, status, authorized_at, appid);
  CREATE INDEX authorizers_by_kind ON authorizers (component_appid, kind, authorized_at, appid);
  CREATE INDEX authorizers_by_nick ON authorizers (component_appid, nick_name, appid);
  CREATE INDEX authorizers_by_principal ON authorizers (component_appid, principal_name, appid);
  `,
  // 3: the searchable fields in one lower-cased column, kept by triggers: 1–2 character searches (a city: 杭州) cannot
  //    use the trigram index, and one instr() over this column is several times cheaper than five LIKEs.
  `
  ALTER TABLE authorizers ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
  UPDATE authorizers SET search_text = lower(appid || char(10) || ifnull(nick_name, '') || char(10) || ifnull(user_name, '')
    || char(10) || ifnull(principal_name, '') || char(10) || ifnull(alias, ''));
  CREATE TRIGGER authorizers_search_insert AFTER INSERT ON authorizers BEGIN
    UPDATE authorizers SET search_text = lower(new.appid || char(10) || ifnull(new.nick_name, '') || char(10)
      || ifnull(new.user_name, '') || char(10) || ifnull(new.principal_name, '') || char(10) || ifnull(new.alias, ''))
    WHERE rowid = new.rowid;
  END;
  CREATE TRIGGER authorizers_search_update AFTER UPDATE OF appid, nick_name, user_name, principal_name, alias ON authorizers BEGIN
    UPDATE authorizers SET search_text = lower(new.appid || char(10) || ifnull(new.nick_name, '') || char(10)
      || ifnull(new.user_name, '') || char(10) || ifnull(new.principal_name, '') || char(10) || ifnull(new.alias, ''))
    WHERE rowid = new.rowid;
  END;
  -- Counting matches reads this index alone, in order, instead of looking up every row.
  CREATE INDEX authorizers_by_search ON authorizers (component_appid, search_text);
  `,
  // 4: relay queue identity (protocol addition 1). The cursor keeps the relay's queue id beside it; a new queue (another
  //    relay, a lost disk) numbers its pushes from 1 again, so the desk starts a new queue epoch and seqs are unique
  //    per epoch. Rows stored before this step belong to epoch 0.
  `
  ALTER TABLE relay_cursor ADD COLUMN queue_id TEXT;
  ALTER TABLE relay_cursor ADD COLUMN queue_epoch INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE events ADD COLUMN queue_epoch INTEGER NOT NULL DEFAULT 0;
  DROP INDEX events_seq;
  CREATE UNIQUE INDEX events_seq ON events (component_appid, queue_epoch, seq);
  `,
  // 5: batch runs (one change applied to many accounts; see src/main/batch). Items are claimed one UPDATE at a time,
  //    so the state index leads with the run and the state, in the order the targets were given.
  `
  CREATE TABLE batch_runs (
    id INTEGER PRIMARY KEY,
    component_appid TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    params TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('planning','planned','running','paused','cancelled','done')),
    pause TEXT,
    concurrency INTEGER NOT NULL CHECK (concurrency BETWEEN 1 AND 64),
    rate_per_second REAL NOT NULL CHECK (rate_per_second > 0),
    created_at INTEGER NOT NULL,
    started_at INTEGER,
    finished_at INTEGER
  ) STRICT;
  CREATE INDEX batch_runs_by_platform ON batch_runs (component_appid, id);
  CREATE TABLE batch_items (
    run_id INTEGER NOT NULL REFERENCES batch_runs (id) ON DELETE CASCADE,
    appid TEXT NOT NULL,
    seq INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('unplanned','pending','skipped','applying','done','failed','cancelled')),
    plan TEXT,
    summary TEXT,
    reason TEXT,
    errcode INTEGER,
    errmsg TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    started_at INTEGER,
    finished_at INTEGER,
    PRIMARY KEY (run_id, appid)
  ) STRICT;
  CREATE INDEX batch_items_by_state ON batch_items (run_id, state, seq);
  `,
  // 6: menus published from the console, per account (who, when, what), to show and restore.
  `
  CREATE TABLE menu_history (
    id INTEGER PRIMARY KEY,
    component_appid TEXT NOT NULL,
    appid TEXT NOT NULL,
    published_at INTEGER NOT NULL,
    published_by TEXT NOT NULL,
    menu TEXT NOT NULL,
    batch_run_id INTEGER
  ) STRICT;
  CREATE INDEX menu_history_by_account ON menu_history (component_appid, appid, id);
  `,
  // 7: an event's failure reason and handling note in Chinese beside the English ones. Events stored
  //    before this step keep NULL here and show their English text.
  `
  ALTER TABLE events ADD COLUMN fail_reason_zh TEXT;
  ALTER TABLE events ADD COLUMN handled_note_zh TEXT;
  `,
  // 8: the API log keeps what was sent and answered (bounded, secrets redacted) for its detail view.
  `
  ALTER TABLE api_calls ADD COLUMN method TEXT;
  ALTER TABLE api_calls ADD COLUMN token_param TEXT;
  ALTER TABLE api_calls ADD COLUMN request_body TEXT;
  ALTER TABLE api_calls ADD COLUMN response_body TEXT;
  ALTER TABLE api_calls ADD COLUMN response_binary INTEGER NOT NULL DEFAULT 0;
  `,
  // 9: the authorizer table at 100,000 rows (issue 9). Counts per (kind, status) kept by triggers, so the table's
  //    status counts and the total of a kind/status filter cost one tiny read instead of an index scan; every sort
  //    index ends in appid (the tie-breaker) and carries kind and status, so a sorted page under a kind or status
  //    filter is found in the index alone (nick_name + status was 180-280 ms of row lookups); status and kind sort
  //    by authorized_at within a group (their indexes already had it); a partial index for the dashboard's count of
  //    refresh-token mismatches (was a scan of the whole table).
  `
  CREATE TABLE authorizer_counts (
    component_appid TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (component_appid, kind, status)
  ) STRICT, WITHOUT ROWID;
  INSERT INTO authorizer_counts (component_appid, kind, status, n)
    SELECT component_appid, kind, status, count(*) FROM authorizers GROUP BY component_appid, kind, status;
  CREATE TRIGGER authorizer_counts_insert AFTER INSERT ON authorizers BEGIN
    INSERT INTO authorizer_counts (component_appid, kind, status, n) VALUES (new.component_appid, new.kind, new.status, 1)
      ON CONFLICT DO UPDATE SET n = n + 1;
  END;
  CREATE TRIGGER authorizer_counts_delete AFTER DELETE ON authorizers BEGIN
    UPDATE authorizer_counts SET n = n - 1
    WHERE component_appid = old.component_appid AND kind = old.kind AND status = old.status;
  END;
  CREATE TRIGGER authorizer_counts_update AFTER UPDATE OF component_appid, kind, status ON authorizers
    WHEN old.component_appid IS NOT new.component_appid OR old.kind IS NOT new.kind OR old.status IS NOT new.status BEGIN
    UPDATE authorizer_counts SET n = n - 1
    WHERE component_appid = old.component_appid AND kind = old.kind AND status = old.status;
    INSERT INTO authorizer_counts (component_appid, kind, status, n) VALUES (new.component_appid, new.kind, new.status, 1)
      ON CONFLICT DO UPDATE SET n = n + 1;
  END;

  CREATE INDEX authorizers_mismatched ON authorizers (component_appid) WHERE refresh_token_mismatch = 1;

  DROP INDEX authorizers_by_authorized;
  DROP INDEX authorizers_by_updated;
  DROP INDEX authorizers_by_status;
  DROP INDEX authorizers_by_kind;
  DROP INDEX authorizers_by_nick;
  DROP INDEX authorizers_by_principal;
  CREATE INDEX authorizers_by_authorized ON authorizers (component_appid, authorized_at, appid, kind, status);
  CREATE INDEX authorizers_by_updated ON authorizers (component_appid, updated_at, appid, kind, status);
  CREATE INDEX authorizers_by_status ON authorizers (component_appid, status, authorized_at, appid, kind);
  CREATE INDEX authorizers_by_kind ON authorizers (component_appid, kind, authorized_at, appid, status);
  CREATE INDEX authorizers_by_nick ON authorizers (component_appid, nick_name, appid, kind, status);
  CREATE INDEX authorizers_by_principal ON authorizers (component_appid, principal_name, appid, kind, status);
  CREATE INDEX authorizers_by_appid ON authorizers (component_appid, appid, kind, status);
  `,
  // 10: event search for 1- and 2-character terms (the trigram index needs 3+; they were LIKE scans, 1.6 s over 1M
  //    events for no match): each event's distinct characters and character pairs, plus its appid / kind / failed as
  //    words, in a contentless FTS5 table without positions (see event-grams.ts; event_grams() is registered by the
  //    store before migrating). The triggers keep it, so every writer of events does; the last statement backfills.
  `
  CREATE VIRTUAL TABLE events_grams USING fts5 (
    grams, content = '', contentless_delete = 1, detail = none, tokenize = 'ascii'
  );
  CREATE TRIGGER events_grams_insert AFTER INSERT ON events BEGIN
    INSERT INTO events_grams (rowid, grams) VALUES (new.id, event_grams(new.kind, new.appid, new.status, new.plaintext,
      new.raw_body, new.info_type, new.msg_type, new.event, new.from_user, new.to_user, new.fail_reason));
  END;
  CREATE TRIGGER events_grams_delete AFTER DELETE ON events BEGIN
    DELETE FROM events_grams WHERE rowid = old.id;
  END;
  CREATE TRIGGER events_grams_update AFTER UPDATE OF kind, appid, status, plaintext, raw_body, info_type, msg_type, event,
                                             from_user, to_user, fail_reason ON events BEGIN
    DELETE FROM events_grams WHERE rowid = old.id;
    INSERT INTO events_grams (rowid, grams) VALUES (new.id, event_grams(new.kind, new.appid, new.status, new.plaintext,
      new.raw_body, new.info_type, new.msg_type, new.event, new.from_user, new.to_user, new.fail_reason));
  END;
  INSERT INTO events_grams (rowid, grams)
    SELECT id, event_grams(kind, appid, status, plaintext, raw_body, info_type, msg_type, event, from_user, to_user,
                           fail_reason) FROM events;
  `,
  // 11: template messages (issue 10): which short id each template of an account was added from (WeChat's list does
  //     not say), recorded when the console adds one: template_id NULL while the add is on its way, with the account's
  //     template ids before it, so an add cut short is recognized and never made twice; and the console's sends with
  //     the delivery status of the TEMPLATESENDJOBFINISH push, joined by msgid.
  `
  CREATE TABLE oa_templates (
    id INTEGER PRIMARY KEY,
    component_appid TEXT NOT NULL,
    appid TEXT NOT NULL,
    short_id TEXT NOT NULL,
    template_id TEXT,
    title TEXT,
    content TEXT,
    before_ids TEXT,
    added_at INTEGER NOT NULL,
    added_by TEXT NOT NULL
  ) STRICT;
  CREATE INDEX oa_templates_by_account ON oa_templates (component_appid, appid, template_id);
  CREATE INDEX oa_templates_by_short ON oa_templates (component_appid, short_id);
  CREATE TABLE template_sends (
    id INTEGER PRIMARY KEY,
    component_appid TEXT NOT NULL,
    appid TEXT NOT NULL,
    msgid TEXT NOT NULL,
    template_id TEXT,
    touser TEXT,
    sent_at INTEGER,
    status TEXT,
    status_at INTEGER,
    event_id INTEGER
  ) STRICT;
  CREATE UNIQUE INDEX template_sends_by_msgid ON template_sends (component_appid, appid, msgid);
  `,
  // 12: the users each official account's pushes came from (FromUserName), for customer-service messages: per user the
  //     latest push, the latest message and the latest window-opening event (subscribe, SCAN, CLICK, scancode_push,
  //     scancode_waitmsg: src/shared/oa/custom-message.ts), and the latest unfollow. Kept by triggers on events, so
  //     the recipient list reads one small index instead of grouping every event of the account; times are WeChat's
  //     CreateTime (ms), or when the desk received the push. Events pruned later leave their users here.
  `
  CREATE TABLE oa_users (
    component_appid TEXT NOT NULL,
    appid TEXT NOT NULL,
    openid TEXT NOT NULL,
    last_seen_at INTEGER NOT NULL,
    last_seen_type TEXT NOT NULL,
    last_message_at INTEGER,
    last_event_at INTEGER,
    last_event TEXT,
    unsubscribed_at INTEGER,
    PRIMARY KEY (component_appid, appid, openid)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX oa_users_by_seen ON oa_users (component_appid, appid, last_seen_at);
  CREATE TRIGGER oa_users_insert AFTER INSERT ON events
    WHEN new.kind = 'authorizer' AND new.status = 'ok' AND new.appid IS NOT NULL AND new.from_user IS NOT NULL AND new.msg_type IS NOT NULL BEGIN
    ${OA_USERS_UPSERT.replaceAll('$', 'new.')}
  END;
  -- A push stored failed and handled again later (after fixing a key) gets its fields by an UPDATE.
  CREATE TRIGGER oa_users_update AFTER UPDATE OF status, appid, from_user, msg_type, event, create_time ON events
    WHEN new.kind = 'authorizer' AND new.status = 'ok' AND new.appid IS NOT NULL AND new.from_user IS NOT NULL AND new.msg_type IS NOT NULL BEGIN
    ${OA_USERS_UPSERT.replaceAll('$', 'new.')}
  END;
  ${OA_USERS_UPSERT.replaceAll('$', '')
    .replace('VALUES (', 'SELECT ')
    .replace(`END)
    ON CONFLICT`, `END
    FROM events WHERE kind = 'authorizer' AND status = 'ok' AND appid IS NOT NULL AND from_user IS NOT NULL AND msg_type IS NOT NULL
    ORDER BY id
    ON CONFLICT`)}
  `,
  // 13: mini-program code audits as the desk saw them (src/shared/mp/audits.ts): each submit_audit the console made,
  //     then the status the weapp_audit_* pushes or get_auditstatus polls reported; and the console's audit
  //     withdrawals, which WeChat limits (5 a day, 10 a month) but does not count for us.
  `
  CREATE TABLE mp_audits (
    component_appid TEXT NOT NULL,
    appid TEXT NOT NULL,
    auditid INTEGER NOT NULL,
    state TEXT NOT NULL,
    reason TEXT,
    screenshots TEXT NOT NULL DEFAULT '[]',
    user_version TEXT,
    template_id INTEGER,
    run_id INTEGER,
    submitted_at INTEGER NOT NULL,
    decided_at INTEGER,
    updated_at INTEGER NOT NULL,
    source TEXT NOT NULL,
    event_id INTEGER,
    PRIMARY KEY (component_appid, appid, auditid)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX mp_audits_by_time ON mp_audits (component_appid, appid, submitted_at);
  CREATE INDEX mp_audits_undecided ON mp_audits (component_appid, state) WHERE state IN ('auditing', 'delayed');
  CREATE TABLE mp_audit_undos (
    component_appid TEXT NOT NULL,
    appid TEXT NOT NULL,
    at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX mp_audit_undos_by_account ON mp_audit_undos (component_appid, appid, at);
  `,
  // 14: registration tasks of mini programs (src/main/mp/register.ts): enterprise, personal, trial (beta) and via an
  //     official account; the form's inputs (no secrets), the stage, WeChat's ids for the task (taskid, unique_id, the
  //     via-OA link id), the new mini program, and the error. Result pushes and queries find their task by these ids.
  `
  CREATE TABLE mp_register_tasks (
    id INTEGER PRIMARY KEY,
    component_appid TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('enterprise', 'personal', 'beta', 'via_oa')),
    name TEXT NOT NULL,
    inputs TEXT NOT NULL,
    stage TEXT NOT NULL CHECK (stage IN ('submitted', 'waiting', 'registering', 'authorizing', 'done', 'failed')),
    wechat_status INTEGER,
    taskid TEXT,
    unique_id TEXT,
    authorize_url TEXT,
    link_id TEXT,
    start_url TEXT,
    register_url TEXT,
    appid TEXT,
    errcode INTEGER,
    error_msg TEXT,
    verify_stage TEXT CHECK (verify_stage IN ('waiting', 'done', 'failed')),
    verify_errcode INTEGER,
    verify_error_msg TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    finished_at INTEGER
  ) STRICT;
  CREATE INDEX mp_register_by_platform ON mp_register_tasks (component_appid, id);
  CREATE INDEX mp_register_by_taskid ON mp_register_tasks (component_appid, taskid) WHERE taskid IS NOT NULL;
  CREATE INDEX mp_register_by_unique ON mp_register_tasks (component_appid, unique_id) WHERE unique_id IS NOT NULL;
  CREATE UNIQUE INDEX mp_register_by_link ON mp_register_tasks (link_id) WHERE link_id IS NOT NULL;
  CREATE INDEX mp_register_by_appid ON mp_register_tasks (component_appid, appid) WHERE appid IS NOT NULL;
  `,
  // 15: mini-program code the console committed:
  //     one row per mini program and user_version with its template, so the library can say which mini programs run
  //     which template version; and the live version getversioninfo last reported.
  `
  CREATE TABLE mp_code_commits (
    component_appid TEXT NOT NULL,
    appid TEXT NOT NULL,
    user_version TEXT NOT NULL,
    template_id INTEGER NOT NULL,
    user_desc TEXT NOT NULL,
    committed_at INTEGER NOT NULL,
    PRIMARY KEY (component_appid, appid, user_version)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX mp_code_commits_by_template ON mp_code_commits (component_appid, template_id);
  CREATE TABLE mp_code_live (
    component_appid TEXT NOT NULL,
    appid TEXT NOT NULL,
    live_version TEXT,
    trial_version TEXT,
    checked_at INTEGER NOT NULL,
    PRIMARY KEY (component_appid, appid)
  ) STRICT, WITHOUT ROWID;
  `,
  // 16: batch release (mp.release): an account's stage in a job that waits on WeChat after sending (committed, submitted,
  //     approved, rejected, released …), what the stage keeps (auditid, reason, screenshots), and since when it waits
  //     with no call in flight (the item stays 'applying'; after a restart the job reads it back by its stage).
  `
  ALTER TABLE batch_items ADD COLUMN stage TEXT;
  ALTER TABLE batch_items ADD COLUMN stage_data TEXT;
  ALTER TABLE batch_items ADD COLUMN waiting_since INTEGER;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
