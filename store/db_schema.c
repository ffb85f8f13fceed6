/*
 * db_schema.c: every table of essaim, with its columns explained, as
 * forward migrations (see db_schema.h). Timestamps are UTC ISO 8601
 * ("2026-11-25T17:24:27Z"); dates are "YYYY-MM-DD".
 */
#include "db.h"
#include "db_schema.h"

#define NOW "(strftime('%Y-%m-%dT%H:%M:%SZ','now'))"

static const char *const migrations[] = {
    /* 0 -> 1: reference data, cooperatives, entrepreneurs, search index. */
    "CREATE TABLE region("
    "  code TEXT PRIMARY KEY,"        /* INSEE region code: '52' */
    "  name TEXT NOT NULL"            /* 'Pays de la Loire' */
    ") WITHOUT ROWID;"
    "CREATE TABLE departement("
    "  code TEXT PRIMARY KEY,"        /* '44', '2A', '974' */
    "  name TEXT NOT NULL,"           /* 'Loire-Atlantique' */
    "  region TEXT NOT NULL"          /* region code */
    ") WITHOUT ROWID;"
    "CREATE TABLE commune("
    "  insee TEXT PRIMARY KEY,"       /* COG code: '44109', '2A004', '75101' */
    "  name TEXT NOT NULL,"           /* official name: 'Saint-Étienne' */
    "  fold TEXT NOT NULL,"           /* folded name: 'saint etienne' */
    "  kind TEXT NOT NULL,"           /* 'commune' or 'arrondissement' */
    "  departement TEXT NOT NULL,"    /* département code */
    "  region TEXT NOT NULL,"         /* region code */
    "  population INTEGER NOT NULL,"  /* légale; 0 when unknown */
    "  postcodes TEXT NOT NULL,"      /* comma-joined: '44000,44100' */
    "  lat REAL, lon REAL,"           /* WGS84; NULL iff precision unknown */
    "  precision TEXT NOT NULL"       /* how lat/lon were found: commune,"
                                         former_communes, postcode,
                                         departement, unknown */
    ") WITHOUT ROWID;"
    "CREATE INDEX commune_fold ON commune(fold);"
    "CREATE INDEX commune_lat ON commune(lat);"
    "CREATE TABLE commune_code("     /* other codes leading to a commune */
    "  code TEXT NOT NULL,"           /* a postcode or a former INSEE code */
    "  kind TEXT NOT NULL,"           /* 'postcode' or 'former' */
    "  insee TEXT NOT NULL,"          /* the current commune */
    "  PRIMARY KEY(code, kind, insee)"
    ") WITHOUT ROWID;"
    "CREATE TABLE trade("             /* trade codes: ROME, NAF, CPV */
    "  scheme TEXT NOT NULL,"         /* 'rome', 'naf', 'cpv' */
    "  code TEXT NOT NULL,"           /* 'F1603', '43.22A', '45330000' */
    "  label TEXT NOT NULL,"          /* French label */
    "  PRIMARY KEY(scheme, code)"
    ") WITHOUT ROWID;"
    "CREATE TABLE trade_alias("       /* job titles leading to a ROME code */
    "  id INTEGER PRIMARY KEY,"       /* OGR code of the appellation */
    "  scheme TEXT NOT NULL,"         /* 'rome' */
    "  code TEXT NOT NULL,"           /* the trade code it belongs to */
    "  label TEXT NOT NULL"           /* 'Plombier / Plombière' */
    ");"
    "CREATE INDEX trade_alias_code ON trade_alias(scheme, code);"
    "CREATE TABLE trade_link("        /* ROME -> NAF hiring links */
    "  rome TEXT NOT NULL,"           /* ROME code */
    "  naf TEXT NOT NULL,"            /* NAF sub-class, with its dot */
    "  hirings INTEGER NOT NULL,"     /* weight: hirings observed */
    "  PRIMARY KEY(rome, naf)"
    ") WITHOUT ROWID;"

    "CREATE TABLE cooperative("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  external_id TEXT UNIQUE,"      /* the importer's key, instance-wide */
    "  name TEXT NOT NULL,"
    "  kind TEXT NOT NULL,"           /* cae, scop, scic, network */
    "  doc TEXT NOT NULL,"            /* validated JSON, as the API shows */
    "  created_at TEXT NOT NULL DEFAULT " NOW ","
    "  updated_at TEXT NOT NULL DEFAULT " NOW
    ");"
    "CREATE TABLE entrepreneur("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  cooperative_id INTEGER NOT NULL REFERENCES cooperative(id),"
    "  external_id TEXT,"             /* unique within the cooperative */
    "  display_name TEXT NOT NULL,"
    "  status TEXT NOT NULL,"         /* porteur, salarie, associe */
    "  visibility TEXT NOT NULL,"     /* private, cooperative, network,"
                                         public */
    "  insee TEXT NOT NULL,"          /* commune of the location */
    "  departement TEXT NOT NULL,"    /* its département */
    "  lat REAL NOT NULL,"            /* location used for distances */
    "  lon REAL NOT NULL,"
    "  radius_km REAL,"               /* intervention radius, or NULL */
    "  zones TEXT NOT NULL,"          /* intervention zones, space-joined:"
                                         'dep:44 reg:52 FR'; '' if none */
    "  avail_from TEXT,"              /* availability window, or NULL */
    "  avail_until TEXT,"
    "  doc TEXT NOT NULL,"            /* validated JSON document */
    "  created_at TEXT NOT NULL DEFAULT " NOW ","
    "  updated_at TEXT NOT NULL DEFAULT " NOW ","
    "  UNIQUE(cooperative_id, external_id)"
    ");"
    "CREATE TABLE entrepreneur_trade("  /* trade codes, for filters */
    "  entrepreneur_id INTEGER NOT NULL"
    "    REFERENCES entrepreneur(id) ON DELETE CASCADE,"
    "  scheme TEXT NOT NULL,"
    "  code TEXT NOT NULL,"
    "  PRIMARY KEY(entrepreneur_id, scheme, code)"
    ") WITHOUT ROWID;"
    "CREATE INDEX entrepreneur_trade_code"
    "  ON entrepreneur_trade(scheme, code);"
    /* Full-text index of entrepreneurs: rowid = entrepreneur.id. */
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "  name, headline, body, trades,"
    "  tokenize='unicode61 remove_diacritics 2');",

    /* 1 -> 2: the French search index, the change sequence. The index
     * is filled by the program (search_index_ensure), not here: it needs
     * the analyzer. */
    "DROP TABLE search_fts;"
    /* rowid = entrepreneur.id * 4 + kind (0: entrepreneur). Columns:
     * name, headline, trade labels, skills and qualifications, the rest
     * of the text (description, references), and tags: '_' tokens for
     * filters and areas (search_index_db.c). detail=column: no positions
     * (no phrase queries), a smaller and faster index; prefix=3 makes
     * three-letter prefixes cheap. */
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "  name, headline, trades, skills, body, tags,"
    "  tokenize='essaim_fr', prefix='3', detail='column');"
    "CREATE TABLE search_meta("
    "  key TEXT PRIMARY KEY,"         /* 'index_version' */
    "  value TEXT NOT NULL"
    ") WITHOUT ROWID;"
    "CREATE TABLE trade_term("        /* analyzed words of trade labels */
    "  term TEXT NOT NULL,"           /* index token: 'plomb' */
    "  scheme TEXT NOT NULL,"         /* of a code whose label or job"
                                         title holds it */
    "  code TEXT NOT NULL,"
    "  PRIMARY KEY(term, scheme, code)"
    ") WITHOUT ROWID;"
    "CREATE TABLE change_seq("        /* one row: the last change number */
    "  n INTEGER NOT NULL"
    ");"
    "INSERT INTO change_seq VALUES(0);"
    "ALTER TABLE entrepreneur ADD COLUMN"
    "  seq INTEGER NOT NULL DEFAULT 0;" /* change number of the last write */
    "CREATE INDEX entrepreneur_seq ON entrepreneur(seq);"
    "CREATE TABLE tombstone("         /* deleted records, by change number */
    "  seq INTEGER PRIMARY KEY,"
    "  kind TEXT NOT NULL,"           /* 'entrepreneur' */
    "  id INTEGER NOT NULL"
    ");",

    /* 2 -> 3: trade words weigh how many labels of a code hold them; the
     * table is derived: emptied here, refilled by search_trade_ensure. */
    "ALTER TABLE trade_term ADD COLUMN"
    "  weight INTEGER NOT NULL DEFAULT 1;" /* labels of the code with it */
    "DELETE FROM trade_term;",

    /* 3 -> 4: accounts, sessions, invitations, the audit log. */
    "CREATE TABLE account("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  email TEXT NOT NULL UNIQUE COLLATE NOCASE,"
    "  password TEXT,"                /* argon2id (crypto_pwhash_str); NULL"
                                         until an invitation sets it */
    "  role TEXT NOT NULL,"           /* client, entrepreneur, staff, admin,"
                                         peer */
    "  cooperative_id INTEGER REFERENCES cooperative(id),"
                                      /* staff and entrepreneurs */
    "  entrepreneur_id INTEGER"       /* an entrepreneur's own profile */
    "    REFERENCES entrepreneur(id) ON DELETE SET NULL,"
    "  display_name TEXT,"
    "  created_at TEXT NOT NULL DEFAULT " NOW ","
    "  updated_at TEXT NOT NULL DEFAULT " NOW
    ");"
    "CREATE INDEX account_cooperative ON account(cooperative_id);"
    "CREATE INDEX account_entrepreneur ON account(entrepreneur_id);"
    "CREATE TABLE session("
    "  token_hash BLOB PRIMARY KEY,"  /* BLAKE2b of the token: the token"
                                         itself is never stored */
    "  account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,"
    "  csrf TEXT NOT NULL,"           /* for cookie-authenticated writes */
    "  created_at TEXT NOT NULL DEFAULT " NOW ","
    "  expires_at TEXT NOT NULL"
    ") WITHOUT ROWID;"
    "CREATE INDEX session_account ON session(account_id);"
    "CREATE TABLE invitation("       /* sets an account's password once */
    "  token_hash BLOB PRIMARY KEY,"
    "  account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,"
    "  created_at TEXT NOT NULL DEFAULT " NOW ","
    "  expires_at TEXT NOT NULL"
    ") WITHOUT ROWID;"
    "CREATE TABLE audit("            /* what staff and admins did */
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  at TEXT NOT NULL DEFAULT " NOW ","
    "  actor_id INTEGER,"             /* account id (kept after deletion) */
    "  actor_role TEXT NOT NULL,"
    "  cooperative_id INTEGER,"       /* the cooperative concerned, or NULL */
    "  action TEXT NOT NULL,"         /* 'entrepreneur.update' */
    "  target TEXT"                   /* 'entrepreneur:12' (ids only: no"
                                         personal data) */
    ");"
    "CREATE INDEX audit_cooperative ON audit(cooperative_id, id);",

    /* 4 -> 5: client requests, their matches and answers, notifications,
     * the outbox of e-mails, pooled demand counts. */
    "CREATE TABLE request("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  client_id INTEGER"             /* the client's account; erased with"
                                         it */
    "    REFERENCES account(id) ON DELETE CASCADE,"
    "  status TEXT NOT NULL,"         /* unconfirmed, open, won, cancelled */
    "  insee TEXT NOT NULL,"          /* commune of the job */
    "  departement TEXT NOT NULL,"
    "  deadline TEXT,"                /* YYYY-MM-DD or NULL */
    "  doc TEXT NOT NULL,"            /* validated JSON document */
    "  confirm_hash BLOB,"            /* anonymous: hash of the token of"
                                         the confirmation e-mail */
    "  won_by INTEGER,"               /* entrepreneur id */
    "  created_at TEXT NOT NULL DEFAULT " NOW ","
    "  updated_at TEXT NOT NULL DEFAULT " NOW ","
    "  closed_at TEXT"
    ");"
    "CREATE INDEX request_client ON request(client_id, id);"
    "CREATE INDEX request_confirm ON request(confirm_hash);"
    "CREATE TABLE request_match("
    "  request_id INTEGER NOT NULL"
    "    REFERENCES request(id) ON DELETE CASCADE,"
    "  entrepreneur_id INTEGER NOT NULL"
    "    REFERENCES entrepreneur(id) ON DELETE CASCADE,"
    "  rank INTEGER NOT NULL,"        /* 1 = best */
    "  coverage INTEGER NOT NULL,"    /* wanted items matched */
    "  score REAL NOT NULL,"          /* the search score */
    "  why TEXT NOT NULL,"            /* JSON array of reasons */
    "  notified INTEGER NOT NULL,"    /* 1: among those told */
    "  status TEXT NOT NULL,"         /* matched, notified, viewed,"
                                         interested, declined, quoted, won,"
                                         lost */
    "  reason TEXT,"                  /* of a decline */
    "  quote TEXT,"                   /* JSON {amount, message} */
    "  notified_at TEXT, viewed_at TEXT, interested_at TEXT,"
    "  declined_at TEXT, quoted_at TEXT, closed_at TEXT,"
    "  PRIMARY KEY(request_id, entrepreneur_id)"
    ") WITHOUT ROWID;"
    "CREATE INDEX request_match_entrepreneur"
    "  ON request_match(entrepreneur_id, notified_at);"
    "CREATE TABLE notification("     /* the inbox of GET /me/notifications */
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  entrepreneur_id INTEGER"       /* to a provider (their account reads"
                                         it), or */
    "    REFERENCES entrepreneur(id) ON DELETE CASCADE,"
    "  account_id INTEGER"            /* to an account (a client) */
    "    REFERENCES account(id) ON DELETE CASCADE,"
    "  kind TEXT NOT NULL,"           /* request.match, request.answer,"
                                         request.outcome */
    "  request_id INTEGER REFERENCES request(id) ON DELETE CASCADE,"
    "  text TEXT NOT NULL,"
    "  created_at TEXT NOT NULL DEFAULT " NOW ","
    "  read_at TEXT"
    ");"
    "CREATE INDEX notification_entrepreneur"
    "  ON notification(entrepreneur_id, id);"
    "CREATE INDEX notification_account ON notification(account_id, id);"
    "CREATE TABLE outbox("           /* e-mails to send, written with the"
                                         change that causes them */
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  recipient TEXT NOT NULL,"
    "  subject TEXT NOT NULL,"
    "  body TEXT NOT NULL,"
    "  message_id TEXT NOT NULL UNIQUE,"
    "  request_id INTEGER REFERENCES request(id) ON DELETE CASCADE,"
    "  status TEXT NOT NULL DEFAULT 'pending'," /* pending, sent, failed */
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  next_at TEXT NOT NULL DEFAULT " NOW ","
    "  last_error TEXT,"
    "  created_at TEXT NOT NULL DEFAULT " NOW ","
    "  sent_at TEXT"
    ");"
    "CREATE INDEX outbox_due ON outbox(status, next_at);"
    "CREATE INDEX outbox_recipient ON outbox(recipient);"
    "CREATE TABLE demand("           /* pooled demand: counts only */
    "  kind TEXT NOT NULL,"           /* request, search_empty, tender */
    "  month TEXT NOT NULL,"          /* YYYY-MM */
    "  departement TEXT NOT NULL,"    /* '' when unknown */
    "  trade TEXT NOT NULL,"          /* 'rome:F1603', '' when none */
    "  n INTEGER NOT NULL,"
    "  PRIMARY KEY(kind, month, departement, trade)"
    ") WITHOUT ROWID;"
    "CREATE TABLE demand_words("     /* searches without results: the words"
                                         of the trade vocabulary only */
    "  month TEXT NOT NULL,"
    "  departement TEXT NOT NULL,"
    "  words TEXT NOT NULL,"
    "  n INTEGER NOT NULL,"
    "  PRIMARY KEY(month, departement, words)"
    ") WITHOUT ROWID;",

    /* 5 -> 6: public tenders (tender/): the checked documents, the side
     * tables the board filters on, their full-text index, and the URLs
     * they were fetched from. */
    "CREATE TABLE tender("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  ocid TEXT NOT NULL UNIQUE,"    /* the notice's key (OCDS ocid, eForms"
                                         procedure id): re-import updates */
    "  source TEXT NOT NULL,"         /* ocds, eforms, api */
    "  status TEXT NOT NULL,"         /* planned, active, complete,"
                                         cancelled, unsuccessful */
    "  title TEXT NOT NULL,"
    "  departement TEXT,"             /* of the place; NULL: none, several"
                                         (NUTS-2) or outside France */
    "  insee TEXT,"                   /* the commune of the place, or the"
                                         département's most populous one"
                                         (doc place.precision says which) */
    "  lat REAL, lon REAL,"           /* of that commune; NULL without one */
    "  deadline TEXT,"                /* YYYY-MM-DDTHH:MM:SSZ (UTC) or NULL */
    "  cpv TEXT NOT NULL,"            /* every code of the tender and its"
                                         lots, space-joined (for reading;"
                                         filters use tender_cpv) */
    "  doc TEXT NOT NULL,"            /* the checked JSON document */
    "  created_at TEXT NOT NULL DEFAULT " NOW ","
    "  updated_at TEXT NOT NULL DEFAULT " NOW ","
    "  imported_by INTEGER"           /* the account that wrote it last;"
                                         NULL: the command line */
    "    REFERENCES account(id) ON DELETE SET NULL"
    ");"
    "CREATE INDEX tender_deadline ON tender(deadline);"
    "CREATE TABLE tender_cpv("       /* a tender's CPV codes (and its lots') */
    "  cpv TEXT NOT NULL,"            /* 8 digits: a prefix filter is a range"
                                         on this key */
    "  tender_id INTEGER NOT NULL REFERENCES tender(id) ON DELETE CASCADE,"
    "  PRIMARY KEY(cpv, tender_id)"
    ") WITHOUT ROWID;"
    "CREATE INDEX tender_cpv_tender ON tender_cpv(tender_id);"
    "CREATE TABLE tender_dep("       /* the départements of a place: one,"
                                         or those of a NUTS-1 or NUTS-2 code */
    "  departement TEXT NOT NULL,"
    "  tender_id INTEGER NOT NULL REFERENCES tender(id) ON DELETE CASCADE,"
    "  PRIMARY KEY(departement, tender_id)"
    ") WITHOUT ROWID;"
    "CREATE INDEX tender_dep_tender ON tender_dep(tender_id);"
    /* Full-text index of the board's q: rowid = tender.id; the French
     * analyzer of the search (search/search_text.h) as tokenizer. */
    "CREATE VIRTUAL TABLE tender_fts USING fts5("
    "  title,"                        /* the tender's title */
    "  body,"                         /* description, buyer, lots' titles"
                                         and descriptions */
    "  tokenize='essaim_fr', detail='column');"
    "CREATE TABLE tender_source("    /* URLs imported from, for re-fetching */
    "  url TEXT PRIMARY KEY,"
    "  etag TEXT,"                    /* ETag of the last answer, or NULL */
    "  last_modified TEXT,"           /* its Last-Modified, or NULL */
    "  fetched_at TEXT NOT NULL,"     /* last fetch (a 304 included) */
    "  imported_at TEXT"              /* last fetch that imported something */
    ") WITHOUT ROWID;",

    /* 6 -> 7: groups of entrepreneurs (group/): tender teams, business
     * groups and trade groups share one model. A member's row is their
     * invitation first, then their membership. Notifications and e-mails
     * about a group name it (and go with it). */
    "CREATE TABLE grp("              /* a group ("group" is an SQL word) */
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  kind TEXT NOT NULL,"           /* tender_team, business_group,"
                                         trade_group */
    "  name TEXT NOT NULL,"
    "  slug TEXT NOT NULL UNIQUE,"    /* a-z, 0-9 and hyphens: its address"
                                         (/catalogues/{slug}) */
    "  description TEXT,"             /* or NULL */
    "  lead_id INTEGER"               /* tender_team: the lead (mandataire),"
                                         a member; NULL: none yet */
    "    REFERENCES entrepreneur(id) ON DELETE SET NULL,"
    "  liability TEXT,"               /* tender_team: conjoint, solidaire;"
                                         NULL: not decided */
    "  revenue_split TEXT,"           /* business_group: JSON"
                                         [{entrepreneur_id, share}], shares"
                                         in percent summing to 100; NULL */
    "  tender_id INTEGER,"            /* tender_team: the tender answered"
                                         (tender.id; no foreign key: the"
                                         tenders are a module of their own)"
                                         */
    "  lot TEXT,"                     /* its lot id; NULL: the whole tender */
    "  created_by INTEGER"            /* the account that made it */
    "    REFERENCES account(id) ON DELETE SET NULL,"
    "  created_at TEXT NOT NULL DEFAULT " NOW ","
    "  updated_at TEXT NOT NULL DEFAULT " NOW
    ");"
    "CREATE INDEX grp_tender ON grp(tender_id);"
    "CREATE TABLE grp_member("       /* one row per group and person */
    "  id INTEGER PRIMARY KEY AUTOINCREMENT," /* the invitation id */
    "  group_id INTEGER NOT NULL REFERENCES grp(id) ON DELETE CASCADE,"
    "  entrepreneur_id INTEGER NOT NULL"      /* erased with the profile */
    "    REFERENCES entrepreneur(id) ON DELETE CASCADE,"
    "  role TEXT NOT NULL,"           /* admin, member (an invitee's role"
                                         once they accept) */
    "  status TEXT NOT NULL,"         /* invited, accepted, declined, left */
    "  later INTEGER NOT NULL DEFAULT 0," /* 1: invited after the group was"
                                         made, so taking the place of one"
                                         who declined or left (the status"
                                         `incomplete` counts them) */
    "  invited_by INTEGER"            /* the member who invited (the maker"
                                         at first); NULL: staff or an admin */
    "    REFERENCES entrepreneur(id) ON DELETE SET NULL,"
    "  invited_at TEXT NOT NULL DEFAULT " NOW ","
    "  answered_at TEXT,"             /* accepted or declined; NULL before */
    "  left_at TEXT,"                 /* left or removed; NULL before */
    "  reason TEXT,"                  /* of a decline or a removal */
    "  UNIQUE(group_id, entrepreneur_id)"
    ");"
    "CREATE INDEX grp_member_entrepreneur"
    "  ON grp_member(entrepreneur_id, id);"
    "ALTER TABLE notification ADD COLUMN group_id INTEGER"
    "  REFERENCES grp(id) ON DELETE CASCADE;" /* the group it is about */
    "ALTER TABLE outbox ADD COLUMN group_id INTEGER"
    "  REFERENCES grp(id) ON DELETE CASCADE;" /* the group it is about */
    "CREATE INDEX notification_group ON notification(group_id);"
    "CREATE INDEX outbox_group ON outbox(group_id);",

    /* 7 -> 8: offers (offer/): catalogue items owned by an entrepreneur
     * or a group, who delivers them, their trades and photos. Groups get
     * a change number too, so that the search index (and later the
     * federation feed) sees groups and offers change. */
    "CREATE TABLE offer("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  entrepreneur_id INTEGER"       /* owner, when an entrepreneur */
    "    REFERENCES entrepreneur(id) ON DELETE CASCADE,"
    "  group_id INTEGER"              /* owner, when a group */
    "    REFERENCES grp(id) ON DELETE CASCADE,"
    "  status TEXT NOT NULL DEFAULT 'active'," /* active, retired */
    "  title TEXT NOT NULL,"
    "  doc TEXT NOT NULL,"            /* validated JSON: title, description,"
                                         trades, price {min, max, unit},"
                                         delivered_by */
    "  seq INTEGER NOT NULL DEFAULT 0," /* change number of the last write"
                                         (db_next_seq) */
    "  created_at TEXT NOT NULL DEFAULT " NOW ","
    "  updated_at TEXT NOT NULL DEFAULT " NOW ","
    "  retired_at TEXT,"              /* NULL while active */
    "  CHECK ((entrepreneur_id IS NULL) <> (group_id IS NULL))"
    ");"
    "CREATE INDEX offer_entrepreneur ON offer(entrepreneur_id);"
    "CREATE INDEX offer_group ON offer(group_id);"
    "CREATE INDEX offer_seq ON offer(seq);"
    "CREATE TABLE offer_member("      /* delivered_by: who delivers it */
    "  offer_id INTEGER NOT NULL REFERENCES offer(id) ON DELETE CASCADE,"
    "  entrepreneur_id INTEGER NOT NULL"
    "    REFERENCES entrepreneur(id) ON DELETE CASCADE,"
    "  PRIMARY KEY(offer_id, entrepreneur_id)"
    ") WITHOUT ROWID;"
    "CREATE INDEX offer_member_entrepreneur"
    "  ON offer_member(entrepreneur_id);"
    "CREATE TABLE offer_trade("       /* trade codes, for filters */
    "  offer_id INTEGER NOT NULL REFERENCES offer(id) ON DELETE CASCADE,"
    "  scheme TEXT NOT NULL,"
    "  code TEXT NOT NULL,"
    "  PRIMARY KEY(offer_id, scheme, code)"
    ") WITHOUT ROWID;"
    "CREATE TABLE offer_photo("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  offer_id INTEGER NOT NULL REFERENCES offer(id) ON DELETE CASCADE,"
    "  type TEXT NOT NULL,"           /* image/jpeg, image/png, image/webp:"
                                         checked from the bytes */
    "  width INTEGER, height INTEGER," /* pixels, when read from the header */
    "  bytes BLOB NOT NULL,"          /* the file as sent, size-capped */
    "  created_at TEXT NOT NULL DEFAULT " NOW
    ");"
    "CREATE INDEX offer_photo_offer ON offer_photo(offer_id);"
    "ALTER TABLE grp ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;"
    "CREATE INDEX grp_seq ON grp(seq);",

    /* 8 -> 9: search over offers and groups (search/search_item.h).
     * Offers and groups are written by their own modules; these triggers
     * mark in search_dirty what each write changes, and the search
     * engine indexes the marked ones just before COMMIT (its precommit
     * hook), gives them a new change number (seq, or a tombstone) and
     * empties the table. Kinds as in the index rowid: 1 an offer, 2 a
     * group. A group's index entry holds its active offers' titles and
     * trades and its accepted members' trades; an offer's its owner's
     * name: their changes mark it too. It may run again (IF NOT EXISTS):
     * the search engine applies it to a database made while this
     * migration was a placeholder (search_item_db.c). */
    "CREATE TABLE IF NOT EXISTS search_dirty(" /* to reindex */
    "  kind INTEGER NOT NULL,"        /* 1 offer, 2 group */
    "  id INTEGER NOT NULL,"          /* offer.id or grp.id */
    "  PRIMARY KEY(kind, id)"
    ") WITHOUT ROWID;"
    "CREATE TRIGGER IF NOT EXISTS search_offer_insert"
    " AFTER INSERT ON offer BEGIN"
    "  INSERT OR IGNORE INTO search_dirty VALUES(1, NEW.id);"
    "  INSERT OR IGNORE INTO search_dirty"
    "    SELECT 2, NEW.group_id WHERE NEW.group_id IS NOT NULL;"
    " END;"
    "CREATE TRIGGER IF NOT EXISTS search_offer_update"
    " AFTER UPDATE OF"
    "  entrepreneur_id, group_id, status, title, doc ON offer BEGIN"
    "  INSERT OR IGNORE INTO search_dirty VALUES(1, NEW.id);"
    "  INSERT OR IGNORE INTO search_dirty"
    "    SELECT 2, NEW.group_id WHERE NEW.group_id IS NOT NULL;"
    "  INSERT OR IGNORE INTO search_dirty"
    "    SELECT 2, OLD.group_id WHERE OLD.group_id IS NOT NULL;"
    " END;"
    "CREATE TRIGGER IF NOT EXISTS search_offer_delete"
    " AFTER DELETE ON offer BEGIN"
    "  INSERT OR IGNORE INTO search_dirty VALUES(1, OLD.id);"
    "  INSERT OR IGNORE INTO search_dirty"
    "    SELECT 2, OLD.group_id WHERE OLD.group_id IS NOT NULL;"
    " END;"
    "CREATE TRIGGER IF NOT EXISTS search_offer_member_insert"
    " AFTER INSERT ON offer_member"
    " BEGIN"
    "  INSERT OR IGNORE INTO search_dirty VALUES(1, NEW.offer_id);"
    "  INSERT OR IGNORE INTO search_dirty SELECT 2, group_id FROM offer"
    "    WHERE id = NEW.offer_id AND group_id IS NOT NULL;"
    " END;"
    "CREATE TRIGGER IF NOT EXISTS search_offer_member_delete"
    " AFTER DELETE ON offer_member"
    " BEGIN"
    "  INSERT OR IGNORE INTO search_dirty VALUES(1, OLD.offer_id);"
    "  INSERT OR IGNORE INTO search_dirty SELECT 2, group_id FROM offer"
    "    WHERE id = OLD.offer_id AND group_id IS NOT NULL;"
    " END;"
    "CREATE TRIGGER IF NOT EXISTS search_offer_trade_insert"
    " AFTER INSERT ON offer_trade"
    " BEGIN"
    "  INSERT OR IGNORE INTO search_dirty VALUES(1, NEW.offer_id);"
    "  INSERT OR IGNORE INTO search_dirty SELECT 2, group_id FROM offer"
    "    WHERE id = NEW.offer_id AND group_id IS NOT NULL;"
    " END;"
    "CREATE TRIGGER IF NOT EXISTS search_offer_trade_delete"
    " AFTER DELETE ON offer_trade"
    " BEGIN"
    "  INSERT OR IGNORE INTO search_dirty VALUES(1, OLD.offer_id);"
    "  INSERT OR IGNORE INTO search_dirty SELECT 2, group_id FROM offer"
    "    WHERE id = OLD.offer_id AND group_id IS NOT NULL;"
    " END;"
    "CREATE TRIGGER IF NOT EXISTS search_grp_insert"
    " AFTER INSERT ON grp BEGIN"
    "  INSERT OR IGNORE INTO search_dirty VALUES(2, NEW.id);"
    " END;"
    "CREATE TRIGGER IF NOT EXISTS search_grp_update"
    " AFTER UPDATE OF"
    "  kind, name, description ON grp"
    "  WHEN OLD.kind IS NOT NEW.kind OR OLD.name IS NOT NEW.name"
    "  OR OLD.description IS NOT NEW.description BEGIN"
    "  INSERT OR IGNORE INTO search_dirty VALUES(2, NEW.id);"
    "  INSERT OR IGNORE INTO search_dirty"
    "    SELECT 1, id FROM offer WHERE group_id = NEW.id"
    "    AND (OLD.kind IS NOT NEW.kind OR OLD.name IS NOT NEW.name);"
    " END;"
    "CREATE TRIGGER IF NOT EXISTS search_grp_delete"
    " AFTER DELETE ON grp BEGIN"
    "  INSERT OR IGNORE INTO search_dirty VALUES(2, OLD.id);"
    " END;"
    "CREATE TRIGGER IF NOT EXISTS search_grp_member_insert"
    " AFTER INSERT ON grp_member"
    " BEGIN"
    "  INSERT OR IGNORE INTO search_dirty VALUES(2, NEW.group_id);"
    " END;"
    "CREATE TRIGGER IF NOT EXISTS search_grp_member_update"
    " AFTER UPDATE OF status"
    " ON grp_member BEGIN"
    "  INSERT OR IGNORE INTO search_dirty VALUES(2, NEW.group_id);"
    " END;"
    "CREATE TRIGGER IF NOT EXISTS search_grp_member_delete"
    " AFTER DELETE ON grp_member"
    " BEGIN"
    "  INSERT OR IGNORE INTO search_dirty VALUES(2, OLD.group_id);"
    " END;"
    /* A profile written again: its groups (their trades) and, when its
     * name changes, its offers. New profiles belong to nothing yet. */
    "CREATE TRIGGER IF NOT EXISTS search_entrepreneur_update"
    " AFTER UPDATE OF"
    "  display_name, doc ON entrepreneur BEGIN"
    "  INSERT OR IGNORE INTO search_dirty SELECT 2, group_id"
    "    FROM grp_member WHERE entrepreneur_id = NEW.id"
    "    AND status = 'accepted';"
    "  INSERT OR IGNORE INTO search_dirty SELECT 1, id FROM offer"
    "    WHERE entrepreneur_id = NEW.id"
    "    AND OLD.display_name IS NOT NEW.display_name;"
    " END;"
    /* What exists already is indexed at this migration's COMMIT. */
    "INSERT OR IGNORE INTO search_dirty SELECT 1, id FROM offer;"
    "INSERT OR IGNORE INTO search_dirty SELECT 2, id FROM grp;",

    /* 9 -> 10: contribution-temps, the ledger of mutual-help hours
     * (timebank/timebank.h): posts of help offered and needed, transfers
     * of hours, the double-entry ledger, each cooperative's limits and
     * the Idempotency-Keys of recorded transfers. Amounts are integer
     * quarter-hours (1 h = 4). A transfer moves hours from the one who
     * received help (from_id, the payer) to the one who helped (to_id,
     * the earner). Time accounts and transfers have no foreign key to
     * entrepreneur: they outlive an erased profile, so that balances
     * still sum to zero (the triggers below cancel its pending
     * transfers and blank the texts). */
    "CREATE TABLE time_post("         /* help offered or needed */
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  entrepreneur_id INTEGER NOT NULL" /* the author; erased with them */
    "    REFERENCES entrepreneur(id) ON DELETE CASCADE,"
    "  kind TEXT NOT NULL,"           /* offer, need */
    "  status TEXT NOT NULL DEFAULT 'open'," /* open (closing: to come) */
    "  title TEXT NOT NULL,"
    "  doc TEXT NOT NULL,"            /* validated JSON: kind, title,"
                                         description, trades, place, from,"
                                         until */
    "  insee TEXT NOT NULL,"          /* commune of the place */
    "  departement TEXT NOT NULL,"    /* its département */
    "  avail_from TEXT,"              /* YYYY-MM-DD or NULL */
    "  avail_until TEXT,"             /* YYYY-MM-DD or NULL; listed until"
                                         that day */
    "  seq INTEGER NOT NULL DEFAULT 0," /* change number of the last write"
                                         (db_next_seq) */
    "  created_at TEXT NOT NULL DEFAULT " NOW ","
    "  updated_at TEXT NOT NULL DEFAULT " NOW
    ");"
    "CREATE INDEX time_post_entrepreneur ON time_post(entrepreneur_id);"
    "CREATE INDEX time_post_departement ON time_post(departement, id);"
    "CREATE INDEX time_post_seq ON time_post(seq);"
    "CREATE TABLE time_post_trade("   /* trade codes of a post, for filters */
    "  post_id INTEGER NOT NULL REFERENCES time_post(id) ON DELETE CASCADE,"
    "  scheme TEXT NOT NULL,"         /* rome, naf, cpv, free */
    "  code TEXT NOT NULL,"           /* canonical code */
    "  PRIMARY KEY(post_id, scheme, code)"
    ") WITHOUT ROWID;"
    "CREATE INDEX time_post_trade_code ON time_post_trade(scheme, code);"
    "CREATE TABLE time_settings("    /* a cooperative's limits; none: the"
                                         defaults of timebank.h */
    "  cooperative_id INTEGER PRIMARY KEY"
    "    REFERENCES cooperative(id) ON DELETE CASCADE,"
    "  account_min INTEGER NOT NULL," /* lowest balance of a member (<= 0) */
    "  account_max INTEGER NOT NULL," /* highest balance of a member (>= 0) */
    "  coop_min INTEGER,"             /* lowest sum of the members'"
                                         balances; NULL: no bound */
    "  coop_max INTEGER,"             /* highest such sum; NULL: no bound */
    "  pair_max INTEGER NOT NULL,"    /* cap on the absolute net of the"
                                         exchanges with any one other"
                                         cooperative (the pair takes the"
                                         smaller cap of the two) */
    "  updated_at TEXT NOT NULL DEFAULT " NOW ","
    "  updated_by INTEGER"            /* account id, or NULL */
    ");"
    "CREATE TABLE time_account("      /* one per entrepreneur with a"
                                         movement */
    "  id INTEGER PRIMARY KEY,"       /* = entrepreneur.id */
    "  cooperative_id INTEGER NOT NULL," /* the entrepreneur's, kept in step"
                                         by time_account_move */
    "  balance INTEGER NOT NULL DEFAULT 0," /* always the sum of its"
                                         movements (written with them) */
    "  created_at TEXT NOT NULL DEFAULT " NOW
    ");"
    "CREATE INDEX time_account_cooperative"
    "  ON time_account(cooperative_id, balance);"
    "CREATE TABLE time_transfer("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  from_id INTEGER NOT NULL,"     /* entrepreneur who received the help"
                                         and pays the hours */
    "  to_id INTEGER NOT NULL,"       /* entrepreneur who helped and earns"
                                         them */
    "  amount INTEGER NOT NULL CHECK (amount > 0)," /* quarter-hours */
    "  note TEXT,"                    /* or NULL; blanked at an erasure */
    "  post_id INTEGER"               /* the post it answers, or NULL */
    "    REFERENCES time_post(id) ON DELETE SET NULL,"
    "  recorded_by INTEGER NOT NULL," /* from_id or to_id: the side that"
                                         recorded it; the other answers */
    "  recorded_account INTEGER,"     /* the account that recorded it */
    "  status TEXT NOT NULL DEFAULT 'pending'," /* pending, confirmed,"
                                         rejected, cancelled (a side"
                                         erased while pending) */
    "  reason TEXT,"                  /* of a rejection, or NULL */
    "  created_at TEXT NOT NULL DEFAULT " NOW ","
    "  answered_at TEXT,"             /* confirmed, rejected or cancelled */
    "  CHECK (from_id <> to_id),"
    "  CHECK (recorded_by IN (from_id, to_id))"
    ");"
    "CREATE INDEX time_transfer_from ON time_transfer(from_id, status);"
    "CREATE INDEX time_transfer_to ON time_transfer(to_id, status);"
    "CREATE TABLE time_movement("     /* the ledger: two rows per confirmed"
                                         transfer, summing to zero; never"
                                         changed */
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  transfer_id INTEGER NOT NULL REFERENCES time_transfer(id),"
    "  account_id INTEGER NOT NULL,"  /* time_account.id */
    "  amount INTEGER NOT NULL,"      /* signed quarter-hours: - the payer,"
                                         + the earner */
    "  balance_after INTEGER NOT NULL," /* the account's balance after it */
    "  coop_id INTEGER NOT NULL,"     /* the account's cooperative then */
    "  other_id INTEGER NOT NULL,"    /* the other account of the transfer */
    "  other_coop_id INTEGER NOT NULL," /* its cooperative then */
    "  at TEXT NOT NULL DEFAULT " NOW "," /* when it was confirmed */
    "  UNIQUE(transfer_id, account_id)"
    ");"
    "CREATE INDEX time_movement_account ON time_movement(account_id, id);"
    "CREATE INDEX time_movement_coop ON time_movement(coop_id, at);"
    "CREATE INDEX time_movement_pair"
    "  ON time_movement(coop_id, other_coop_id, amount);"
    "CREATE TRIGGER time_movement_frozen BEFORE UPDATE ON time_movement"
    " BEGIN SELECT RAISE(ABORT, 'the ledger is never changed'); END;"
    "CREATE TRIGGER time_movement_kept BEFORE DELETE ON time_movement"
    " BEGIN SELECT RAISE(ABORT, 'the ledger is never changed'); END;"
    "CREATE TABLE time_idem("         /* Idempotency-Keys of POST"
                                         /time/transfers, kept 24 h */
    "  account_id INTEGER NOT NULL,"  /* the account that sent it */
    "  key TEXT NOT NULL,"            /* the header's value */
    "  body_hash BLOB NOT NULL,"      /* BLAKE2b of the checked body */
    "  transfer_id INTEGER NOT NULL REFERENCES time_transfer(id),"
    "  created_at TEXT NOT NULL DEFAULT " NOW ","
    "  PRIMARY KEY(account_id, key)"
    ") WITHOUT ROWID;"
    "CREATE INDEX time_idem_created ON time_idem(created_at);"
    /* A profile moved to another cooperative takes its account along
     * (its balance then counts in the new cooperative's sum); an erased
     * one leaves its balance where it was, its pending transfers
     * cancelled and the texts of its transfers blanked. */
    "CREATE TRIGGER time_account_move AFTER UPDATE OF cooperative_id"
    " ON entrepreneur BEGIN"
    "  UPDATE time_account SET cooperative_id = NEW.cooperative_id"
    "    WHERE id = NEW.id;"
    " END;"
    "CREATE TRIGGER time_entrepreneur_erase AFTER DELETE ON entrepreneur"
    " BEGIN"
    "  UPDATE time_transfer SET status = 'cancelled', answered_at = " NOW
    "    WHERE status = 'pending' AND (from_id = OLD.id OR to_id = OLD.id);"
    "  UPDATE time_transfer SET note = NULL, reason = NULL"
    "    WHERE (from_id = OLD.id OR to_id = OLD.id)"
    "    AND (note IS NOT NULL OR reason IS NOT NULL);"
    " END;",

    /* 10 -> 11: time posts in the search (search/search_item.h, kind 3
     * in the index rowid). As for offers (8 -> 9), these triggers mark
     * in search_dirty the posts a write changes, and the search engine
     * reindexes them just before COMMIT. A post's entry holds its title,
     * description, trades and its author's name (a rename marks the
     * author's posts); a closed post leaves the index. The author's
     * place, cooperative and visibility are read from the author's own
     * entry when a search runs: no trigger needed for those. The seq
     * column is written by the indexer itself, so it marks nothing.
     * Also: notifications name the transfer they are about. */
    "CREATE TRIGGER search_time_post_insert AFTER INSERT ON time_post"
    " BEGIN"
    "  INSERT OR IGNORE INTO search_dirty VALUES(3, NEW.id);"
    " END;"
    "CREATE TRIGGER search_time_post_update AFTER UPDATE OF"
    "  entrepreneur_id, kind, status, title, doc, insee, departement,"
    "  avail_from, avail_until ON time_post BEGIN"
    "  INSERT OR IGNORE INTO search_dirty VALUES(3, NEW.id);"
    " END;"
    "CREATE TRIGGER search_time_post_delete AFTER DELETE ON time_post"
    " BEGIN"
    "  INSERT OR IGNORE INTO search_dirty VALUES(3, OLD.id);"
    " END;"
    "CREATE TRIGGER search_time_post_trade_insert"
    " AFTER INSERT ON time_post_trade BEGIN"
    "  INSERT OR IGNORE INTO search_dirty VALUES(3, NEW.post_id);"
    " END;"
    "CREATE TRIGGER search_time_post_trade_delete"
    " AFTER DELETE ON time_post_trade BEGIN"
    "  INSERT OR IGNORE INTO search_dirty VALUES(3, OLD.post_id);"
    " END;"
    "CREATE TRIGGER search_entrepreneur_post_update"
    " AFTER UPDATE OF display_name ON entrepreneur"
    " WHEN OLD.display_name IS NOT NEW.display_name BEGIN"
    "  INSERT OR IGNORE INTO search_dirty"
    "    SELECT 3, id FROM time_post WHERE entrepreneur_id = NEW.id;"
    " END;"
    /* The posts that exist are indexed at this migration's COMMIT. */
    "INSERT OR IGNORE INTO search_dirty SELECT 3, id FROM time_post;"
    /* An inbox line about a transfer names it, so that the inbox links
     * to /time.html#transfer=ID (as request_id and group_id do). */
    "ALTER TABLE notification ADD COLUMN transfer_id INTEGER"
    "  REFERENCES time_transfer(id) ON DELETE SET NULL;",

    /* 11 -> 12: federation (federation/fed.h): the instance's key, its
     * peers, and the cooperatives that came from a peer. A peer's
     * entrepreneurs are rows of entrepreneur under such cooperatives
     * (external_id: their id at the peer), so the one search engine
     * finds them; the feed never passes them on. */
    "CREATE TABLE fed_key("           /* the instance's Ed25519 key pair */
    "  id INTEGER PRIMARY KEY CHECK (id = 1),"
    "  public_key BLOB NOT NULL,"     /* 32 bytes */
    "  secret_key BLOB NOT NULL,"     /* 64 bytes (libsodium's form) */
    "  created_at TEXT NOT NULL DEFAULT " NOW
    ");"
    "CREATE TABLE peer("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  url TEXT NOT NULL UNIQUE,"     /* base URL as registered, no final /"
                                         */
    "  token TEXT,"                   /* bearer token it issued us, or NULL"
                                         (then signed requests) */
    "  origin TEXT UNIQUE,"           /* base_url of its descriptor: the"
                                         origin its changes must carry */
    "  name TEXT,"                    /* from its descriptor */
    "  public_key TEXT,"              /* base64, from its descriptor */
    "  cursor TEXT NOT NULL DEFAULT '0'," /* its feed's next 'since' */
    "  next_at INTEGER NOT NULL DEFAULT 0," /* unix time of the next pull */
    "  failures INTEGER NOT NULL DEFAULT 0," /* in a row: the backoff */
    "  last_try_at TEXT,"
    "  last_ok_at TEXT,"              /* last pull that reached the end */
    "  last_error TEXT,"              /* of the last pull, NULL if none */
    "  last_rejection TEXT,"          /* the last document refused, why */
    "  accepted INTEGER NOT NULL DEFAULT 0," /* documents, all time */
    "  rejected INTEGER NOT NULL DEFAULT 0,"
    "  created_at TEXT NOT NULL DEFAULT " NOW ","
    "  created_by INTEGER"            /* account id */
    ");"
    "ALTER TABLE cooperative ADD COLUMN peer_id INTEGER"
    "  REFERENCES peer(id);"          /* NULL: a cooperative of this"
                                         instance */
    "ALTER TABLE cooperative ADD COLUMN remote_id TEXT;" /* its id there */
    "CREATE UNIQUE INDEX cooperative_remote"
    "  ON cooperative(peer_id, remote_id) WHERE peer_id IS NOT NULL;",

    /* 12 -> 13: client requests across the network (federation/fed_msg.c,
     * matching/request.h): the signed messages to peers, queued with the
     * change that causes them and sent with retries; the copies of the
     * requests peers sent us (request.peer_id, remote_id). */
    "CREATE TABLE fed_message("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT," /* the order of sending */
    "  peer_id INTEGER NOT NULL"      /* to whom */
    "    REFERENCES peer(id) ON DELETE CASCADE,"
    "  request_id INTEGER"            /* what it is about: erased with it */
    "    REFERENCES request(id) ON DELETE CASCADE,"
    "  path TEXT NOT NULL,"           /* after the peer's base URL */
    "  body TEXT NOT NULL,"           /* JSON, as signed */
    "  status TEXT NOT NULL DEFAULT 'pending'," /* pending, sent, failed */
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  next_at INTEGER NOT NULL DEFAULT 0," /* unix time of the next try */
    "  last_error TEXT,"
    "  created_at TEXT NOT NULL DEFAULT " NOW ","
    "  sent_at TEXT"
    ");"
    "CREATE INDEX fed_message_due ON fed_message(status, peer_id, id);"
    "CREATE INDEX fed_message_request ON fed_message(request_id);"
    "ALTER TABLE request ADD COLUMN peer_id INTEGER"
    "  REFERENCES peer(id) ON DELETE CASCADE;" /* NULL: a request of this"
                                                  instance */
    "ALTER TABLE request ADD COLUMN remote_id TEXT;" /* its id at the peer */
    "CREATE UNIQUE INDEX request_remote"
    "  ON request(peer_id, remote_id) WHERE peer_id IS NOT NULL;",

    /* 13 -> 14: the peers' offers and groups (federation/fed_pull.c), and
     * a feed that tells a deletion only to who may have seen the
     * document (federation/fed_feed.c).
     *
     * shown: to which audiences a document was ever shown, OR-ed at each
     * write: bit 1 anyone (it was public), bit 2 signed-in users and
     * peers (public or network). An entrepreneur's is set by its writes
     * (directory/dir_db.c); an offer's and a group's by the search
     * engine's flush that gives them their change number
     * (search/search_item_db.c): a group of a listed kind and its offers
     * are public, an entrepreneur's offer is shown as its owner is. A
     * tombstone keeps the shown of what it deletes. Rows that exist get
     * 3: the feed behaves for them as before (a tombstone to anyone). */
    "ALTER TABLE entrepreneur ADD COLUMN"
    "  shown INTEGER NOT NULL DEFAULT 3;"
    "ALTER TABLE offer ADD COLUMN shown INTEGER NOT NULL DEFAULT 3;"
    "ALTER TABLE grp ADD COLUMN shown INTEGER NOT NULL DEFAULT 3;"
    "ALTER TABLE tombstone ADD COLUMN shown INTEGER NOT NULL DEFAULT 3;"
    /* The shown of an offer or a group deleted, for its tombstone (the
     * flush writes it after the row is gone, then empties the table). */
    "CREATE TABLE item_gone("
    "  kind INTEGER NOT NULL,"        /* 1 offer, 2 group */
    "  id INTEGER NOT NULL,"
    "  shown INTEGER NOT NULL,"
    "  PRIMARY KEY(kind, id)"
    ") WITHOUT ROWID;"
    "CREATE TRIGGER item_gone_offer AFTER DELETE ON offer BEGIN"
    "  INSERT OR REPLACE INTO item_gone VALUES(1, OLD.id, OLD.shown);"
    " END;"
    "CREATE TRIGGER item_gone_grp AFTER DELETE ON grp BEGIN"
    "  INSERT OR REPLACE INTO item_gone VALUES(2, OLD.id, OLD.shown);"
    " END;"
    /* A profile whose visibility changes: its offers take new change
     * numbers, so that the feed sends them again after the profile (a
     * profile made public again brings its offers back to the peers). */
    "CREATE TRIGGER fed_entrepreneur_visibility"
    " AFTER UPDATE OF visibility ON entrepreneur"
    " WHEN OLD.visibility IS NOT NEW.visibility BEGIN"
    "  INSERT OR IGNORE INTO search_dirty SELECT 1, id FROM offer"
    "    WHERE entrepreneur_id = NEW.id;"
    " END;"
    /* A peer's offers and groups: copies under the peer, read-only here,
     * never passed on; remote_id is the id at the peer. Their owners and
     * members are the copies of the peer's entrepreneurs and groups. */
    "ALTER TABLE offer ADD COLUMN peer_id INTEGER"
    "  REFERENCES peer(id) ON DELETE CASCADE;" /* NULL: this instance's */
    "ALTER TABLE offer ADD COLUMN remote_id TEXT;"
    "CREATE UNIQUE INDEX offer_remote"
    "  ON offer(peer_id, remote_id) WHERE peer_id IS NOT NULL;"
    "ALTER TABLE grp ADD COLUMN peer_id INTEGER"
    "  REFERENCES peer(id) ON DELETE CASCADE;" /* NULL: this instance's */
    "ALTER TABLE grp ADD COLUMN remote_id TEXT;"
    "CREATE UNIQUE INDEX grp_remote"
    "  ON grp(peer_id, remote_id) WHERE peer_id IS NOT NULL;"
    /* A peer's offer or group that names what is not here yet (an offer
     * before its owner, a group before its members: a feed is in the
     * order of the last writes, and a profile edited after its offer
     * comes after it). It waits here, as the peer sent it, and is
     * applied again when one of what it waits for arrives; a newer
     * change of it, or its tombstone, replaces it. */
    "CREATE TABLE fed_pending("
    "  peer_id INTEGER NOT NULL REFERENCES peer(id) ON DELETE CASCADE,"
    "  kind TEXT NOT NULL,"           /* offer, group */
    "  remote_id TEXT NOT NULL,"      /* its id at the peer */
    "  waits TEXT NOT NULL,"          /* what it waits for, ' e:ID g:ID '"
                                         (ids at the peer) */
    "  change TEXT NOT NULL,"         /* the change, as the peer sent it */
    "  since TEXT NOT NULL DEFAULT " NOW ","
    "  PRIMARY KEY(peer_id, kind, remote_id)"
    ") WITHOUT ROWID;",

    /* 14 -> 15: a peer's group invites one of our entrepreneurs
     * (group/group_peer.c): the invitation comes as a signed message
     * (federation/fed_msg.c) and we keep a copy of it, which the
     * entrepreneur answers here; the answer goes back to the group's
     * instance. Its own ids, shown as "p" and digits ("p12"), never meet
     * a local invitation's (grp_member.id, digits only). */
    "CREATE TABLE grp_invitation_in("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  peer_id INTEGER NOT NULL"      /* the group's instance */
    "    REFERENCES peer(id) ON DELETE CASCADE,"
    "  remote_id TEXT NOT NULL,"      /* the invitation's id there */
    "  entrepreneur_id INTEGER NOT NULL" /* ours, invited */
    "    REFERENCES entrepreneur(id) ON DELETE CASCADE,"
    "  grp TEXT NOT NULL,"            /* JSON, the group's public facts:"
                                         {id, kind, name, description,"
                                         tender {title, lot {id, title}}} */
    "  invited_by TEXT,"              /* the inviter's display name, or NULL"
                                         */
    "  role TEXT NOT NULL,"           /* admin, member: once accepted */
    "  status TEXT NOT NULL,"         /* invited, accepted, declined, left */
    "  round INTEGER NOT NULL,"       /* the peer's number for this round"
                                         of the invitation: another is a new"
                                         invitation (after a decline or a"
                                         departure), the same a repeat */
    "  invited_at TEXT NOT NULL DEFAULT " NOW "," /* reached us (again) */
    "  answered_at TEXT,"
    "  left_at TEXT,"                 /* left, removed or withdrawn */
    "  reason TEXT,"                  /* of a decline or an end */
    "  UNIQUE(peer_id, remote_id)"
    ");"
    "CREATE INDEX grp_invitation_in_entrepreneur"
    "  ON grp_invitation_in(entrepreneur_id, invited_at);",
};

int db_schema_version(void)
{
    return (int)(sizeof migrations / sizeof migrations[0]);
}

const char *db_schema_migration(int from_version)
{
    if (from_version < 0 || from_version >= db_schema_version()) return "";
    return migrations[from_version];
}
