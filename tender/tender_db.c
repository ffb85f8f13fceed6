/*
 * tender_db.c: stored tenders (see tender_db.h): writing a checked
 * document with its side tables (CPV codes, départements, full-text
 * index), importing notices in one transaction, fetching them from a URL
 * with conditional requests, the board, and the tenders that fit an
 * entrepreneur. The SQL is at the top.
 */
#include "tender_db.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../matching/demand.h"
#include "../search/search_place.h"
#include "../search/search_text.h"
#include "../util/buf.h"
#include "../util/check.h"
#include "../util/fetch.h"
#include "../util/ids.h"
#include "../util/log.h"
#include "../util/viewer.h"
#include "tender.h"
#include "tender_ref.h"

#define FETCH_TIMEOUT_S 30
#define QUERY_WORDS_MAX 8
#define DEPS_CAP 24 /* départements of a NUTS-1 code */

/* ----------------------------------------------------------------- SQL */

static const char sql_seat[] =
    "SELECT insee FROM commune WHERE departement = ?1 AND kind = 'commune'"
    " AND lat IS NOT NULL ORDER BY population DESC, insee LIMIT 1";
static const char sql_by_ocid[] = "SELECT id FROM tender WHERE ocid = ?1";
static const char sql_insert[] =
    "INSERT INTO tender(ocid, source, status, title, departement, insee, lat,"
    " lon, deadline, cpv, doc, imported_by, created_at, updated_at)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13)";
static const char sql_update[] =
    "UPDATE tender SET ocid = ?1, source = ?2, status = ?3, title = ?4,"
    " departement = ?5, insee = ?6, lat = ?7, lon = ?8, deadline = ?9,"
    " cpv = ?10, doc = ?11, imported_by = ?12, updated_at = ?13"
    " WHERE id = ?14";
static const char sql_cpv_del[] = "DELETE FROM tender_cpv WHERE tender_id = ?1";
static const char sql_cpv_add[] =
    "INSERT OR IGNORE INTO tender_cpv(cpv, tender_id) VALUES(?1, ?2)";
static const char sql_dep_del[] = "DELETE FROM tender_dep WHERE tender_id = ?1";
static const char sql_dep_add[] =
    "INSERT OR IGNORE INTO tender_dep(departement, tender_id) VALUES(?1, ?2)";
static const char sql_fts_del[] = "DELETE FROM tender_fts WHERE rowid = ?1";
static const char sql_fts_add[] =
    "INSERT INTO tender_fts(rowid, title, body) VALUES(?1, ?2, ?3)";
static const char sql_get[] =
    "SELECT doc, created_at, updated_at FROM tender WHERE id = ?1";
static const char sql_src_get[] =
    "SELECT etag, last_modified FROM tender_source WHERE url = ?1";
static const char sql_src_seen[] =
    "INSERT INTO tender_source(url, fetched_at) VALUES(?1, ?2)"
    " ON CONFLICT(url) DO UPDATE SET fetched_at = excluded.fetched_at";
static const char sql_src_put[] =
    "INSERT INTO tender_source(url, etag, last_modified, fetched_at,"
    " imported_at) VALUES(?1, ?2, ?3, ?4, ?4)"
    " ON CONFLICT(url) DO UPDATE SET etag = excluded.etag,"
    " last_modified = excluded.last_modified,"
    " fetched_at = excluded.fetched_at, imported_at = excluded.imported_at";
static const char sql_ent[] =
    "SELECT insee, lat, lon, radius_km, zones, doc FROM entrepreneur"
    " WHERE id = ?1";
static const char sql_ent_trades[] =
    "SELECT scheme, code FROM entrepreneur_trade WHERE entrepreneur_id = ?1";

/* The board. The order key k: open tenders by deadline (the epoch
 * second), then those without a deadline, newest first, then those whose
 * deadline has passed, most recent first; ?8 is "now". Filters: ?1 the
 * FTS5 expression (the _q statements only), ?2..?3 a CPV range, ?4 a
 * département, ?5 the earliest deadline, ?6 a status; ?9, ?10 the
 * cursor's (k, id); ?11 the limit (-1: all). */
#define BOARD_KEY                                                            \
    " CASE WHEN t.deadline IS NULL THEN 1000000000000 - t.id"                \
    " WHEN t.deadline >= ?8 THEN unixepoch(t.deadline)"                      \
    " ELSE 2000000000000 - unixepoch(t.deadline) END"
#define BOARD_WHERE(fts)                                                     \
    " WHERE " fts " (?2 = '' OR EXISTS (SELECT 1 FROM tender_cpv c"          \
    " WHERE c.tender_id = t.id AND c.cpv >= ?2 AND c.cpv < ?3))"             \
    " AND (?4 = '' OR EXISTS (SELECT 1 FROM tender_dep d"                    \
    " WHERE d.tender_id = t.id AND d.departement = ?4))"                     \
    " AND (?5 = '' OR t.deadline >= ?5) AND (?6 = '' OR t.status = ?6)"      \
    " AND ?8 = ?8"
#define FTS_IN                                                               \
    " t.id IN (SELECT rowid FROM tender_fts WHERE tender_fts MATCH ?1) AND"
#define FTS_NONE " ?1 = '' AND"
#define BOARD_LIST(fts)                                                      \
    "SELECT id, k, doc, updated_at FROM (SELECT t.id, t.doc, t.updated_at,"  \
    BOARD_KEY " AS k FROM tender t" BOARD_WHERE(fts) ")"                     \
    " WHERE k > ?9 OR (k = ?9 AND id > ?10) ORDER BY k, id LIMIT ?11"
#define BOARD_COUNT(fts)                                                     \
    "SELECT count(*) FROM tender t" BOARD_WHERE(fts)

static const char sql_list[] = BOARD_LIST(FTS_NONE);
static const char sql_list_q[] = BOARD_LIST(FTS_IN);
static const char sql_count[] = BOARD_COUNT(FTS_NONE);
static const char sql_count_q[] = BOARD_COUNT(FTS_IN);

const char *const tender_sql[] = {
    sql_seat,    sql_by_ocid,  sql_insert,  sql_update,     sql_cpv_del,
    sql_cpv_add, sql_dep_del,  sql_dep_add, sql_fts_del,    sql_fts_add,
    sql_get,     sql_src_get,  sql_src_seen, sql_src_put,   sql_ent,
    sql_ent_trades, sql_list,  sql_list_q,  sql_count,      sql_count_q,
    NULL};

/* ------------------------------------------------------------- helpers */

static const char *str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));

    return s ? s : "";
}

static void now_iso(char *buf, size_t size)
{
    time_t t = time(NULL);
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}


static void add_err(json_t *errs, const char *field, const char *msg)
{
    json_array_append_new(errs, json_pack("{s:s, s:s}", "field", field,
                                          "message", msg));
}

enum rc tender_seat(struct db *db, const char *dep, struct place *out)
{
    sqlite3_stmt *st = db_stmt(db, sql_seat);
    char insee[8] = "";
    int src;

    if (!st) return RC_DB;
    sqlite3_bind_text(st, 1, dep, -1, SQLITE_STATIC);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) snprintf(insee, sizeof insee, "%s", db_text(st, 0));
    db_stmt_done(st);
    if (src != SQLITE_ROW && src != SQLITE_DONE) return db_rc(db, src);
    if (!*insee) return RC_NOTFOUND;
    return search_place_get(db, insee, out);
}

/* ------------------------------------------------------------- writing */

/* The full-text index holds analyzed tokens: its tokenizer, essaim_fr,
 * only splits on spaces (search/search_text_db.c); the analysis runs
 * here, as search_index_build does for profiles. */
static int on_index_tok(void *arg, const char *tok, int ntok, const char *word,
                        int nword, int start, int end)
{
    struct buf *b = arg;

    (void)word, (void)nword, (void)start, (void)end;
    if (b->len) buf_addc(b, ' ');
    buf_add(b, tok, (size_t)ntok);
    return 0;
}

/* index_text: the tokens of s appended to b ('_', the analyzer's tag
 * mark, is never in indexed user text). */
static void index_text(struct search_text *an, struct buf *b, const char *s)
{
    char *c, *p;

    if (!s || !*s) return;
    c = strdup(s);
    if (!c) {
        b->oom = 1;
        return;
    }
    for (p = c; *p; p++)
        if (*p == '_') *p = ' ';
    search_text_each(an, c, (int)strlen(c), 0, on_index_tok, b);
    free(c);
}

/* side_tables: the CPV codes, départements and index entry of tender id. */
static enum rc side_tables(struct db *db, long long id, json_t *doc)
{
    json_t *place = json_object_get(doc, "place"), *l, *x;
    struct buf title = {0}, body = {0};
    struct search_text *an;
    sqlite3_stmt *st;
    size_t i, j;
    enum rc rc = RC_OK;

    static const char *const dels[] = {sql_cpv_del, sql_dep_del, sql_fts_del};
    for (i = 0; i < 3 && rc == RC_OK; i++) {
        st = db_stmt(db, dels[i]);
        if (!st) return RC_DB;
        sqlite3_bind_int64(st, 1, id);
        rc = db_step_done(db, st);
    }
    /* CPV codes of the tender and of its lots. */
    json_array_foreach(json_object_get(doc, "cpv"), i, x) {
        if (rc != RC_OK) break;
        st = db_stmt(db, sql_cpv_add);
        if (!st) return RC_DB;
        sqlite3_bind_text(st, 1, json_string_value(x), -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, id);
        rc = db_step_done(db, st);
    }
    json_array_foreach(json_object_get(doc, "lots"), i, l) {
        json_array_foreach(json_object_get(l, "cpv"), j, x) {
            if (rc != RC_OK) break;
            st = db_stmt(db, sql_cpv_add);
            if (!st) return RC_DB;
            sqlite3_bind_text(st, 1, json_string_value(x), -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 2, id);
            rc = db_step_done(db, st);
        }
    }
    /* Départements: the place's, or those of a NUTS-1 or NUTS-2 code. */
    if (rc == RC_OK && *str(place, "departement")) {
        st = db_stmt(db, sql_dep_add);
        if (!st) return RC_DB;
        sqlite3_bind_text(st, 1, str(place, "departement"), -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, id);
        rc = db_step_done(db, st);
    }
    json_array_foreach(json_object_get(place, "departements"), i, x) {
        if (rc != RC_OK) break;
        st = db_stmt(db, sql_dep_add);
        if (!st) return RC_DB;
        sqlite3_bind_text(st, 1, json_string_value(x), -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, id);
        rc = db_step_done(db, st);
    }
    if (rc != RC_OK) return rc;
    an = search_text_new(1024);
    if (!an) return RC_NOMEM;
    index_text(an, &title, str(doc, "title"));
    index_text(an, &body, str(doc, "description"));
    index_text(an, &body, str(doc, "buyer"));
    json_array_foreach(json_object_get(doc, "lots"), i, l) {
        index_text(an, &body, str(l, "title"));
        index_text(an, &body, str(l, "description"));
    }
    search_text_free(an);
    st = db_stmt(db, sql_fts_add);
    if (!st || buf_oom(&title) || buf_oom(&body)) {
        rc = st ? RC_NOMEM : RC_DB;
        db_stmt_done(st);
    } else {
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, buf_str(&title), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, buf_str(&body), -1, SQLITE_STATIC);
        rc = db_step_done(db, st);
    }
    buf_free(&title);
    buf_free(&body);
    return rc;
}

/* count_demand: a new tender in the pooled demand (kind tender), once per
 * CPV code, in the département of its place ("" when none or several). */
static enum rc count_demand(struct db *db, json_t *doc)
{
    json_t *trades = json_array(), *x;
    size_t i;
    enum rc rc;

    if (!trades) return RC_NOMEM;
    json_array_foreach(json_object_get(doc, "cpv"), i, x) {
        char t[16];

        snprintf(t, sizeof t, "cpv:%s", json_string_value(x));
        json_array_append_new(trades, json_string(t));
    }
    rc = demand_add(db, "tender",
                    str(json_object_get(doc, "place"), "departement"),
                    trades);
    json_decref(trades);
    return rc;
}

/* store: write a checked document (an existing ocid is updated in place,
 * same id), in the caller's transaction. */
static enum rc store(struct db *db, const struct viewer *v, json_t *doc,
                     long long *id, int *created)
{
    json_t *place = json_object_get(doc, "place"), *l, *x;
    sqlite3_stmt *st = db_stmt(db, sql_by_ocid);
    struct buf cpv = {0};
    char now[32], *text = NULL;
    size_t i, j;
    enum rc rc;
    int src;

    *id = 0;
    *created = 0;
    if (!st) return RC_DB;
    sqlite3_bind_text(st, 1, str(doc, "ocid"), -1, SQLITE_STATIC);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) *id = sqlite3_column_int64(st, 0);
    db_stmt_done(st);
    if (src != SQLITE_ROW && src != SQLITE_DONE) return db_rc(db, src);
    json_array_foreach(json_object_get(doc, "cpv"), i, x) {
        if (cpv.len) buf_addc(&cpv, ' ');
        buf_adds(&cpv, json_string_value(x));
    }
    json_array_foreach(json_object_get(doc, "lots"), i, l) {
        json_array_foreach(json_object_get(l, "cpv"), j, x) {
            if (strstr(buf_str(&cpv), json_string_value(x))) continue;
            if (cpv.len) buf_addc(&cpv, ' ');
            buf_adds(&cpv, json_string_value(x));
        }
    }
    text = json_dumps(doc, JSON_COMPACT | JSON_REAL_PRECISION(15));
    rc = RC_NOMEM;
    if (!text || buf_oom(&cpv)) goto out;
    now_iso(now, sizeof now);
    st = db_stmt(db, *id ? sql_update : sql_insert);
    rc = RC_DB;
    if (!st) goto out;
    sqlite3_bind_text(st, 1, str(doc, "ocid"), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, str(doc, "source"), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, str(doc, "status"), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, str(doc, "title"), -1, SQLITE_STATIC);
    db_bind_text(st, 5, str(place, "departement"));
    db_bind_text(st, 6, str(place, "insee"));
    if (json_is_number(json_object_get(place, "lat"))) {
        sqlite3_bind_double(st, 7,
                            json_number_value(json_object_get(place, "lat")));
        sqlite3_bind_double(st, 8,
                            json_number_value(json_object_get(place, "lon")));
    }
    db_bind_text(st, 9, str(doc, "deadline"));
    sqlite3_bind_text(st, 10, buf_str(&cpv), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 11, text, -1, SQLITE_STATIC);
    if (v->account_id) sqlite3_bind_int64(st, 12, v->account_id);
    sqlite3_bind_text(st, 13, now, -1, SQLITE_STATIC);
    if (*id) sqlite3_bind_int64(st, 14, *id);
    rc = db_step_done(db, st);
    if (rc != RC_OK) goto out;
    if (!*id) {
        *id = sqlite3_last_insert_rowid(db_handle(db));
        *created = 1;
    }
    rc = side_tables(db, *id, doc);
    if (rc == RC_OK && *created) rc = count_demand(db, doc);
out:
    free(text);
    buf_free(&cpv);
    return rc;
}

enum rc tender_get(struct db *db, const char *id, json_t **out)
{
    sqlite3_stmt *st;
    long long n;
    json_t *doc = NULL;
    enum rc rc = RC_NOTFOUND;
    int src;

    *out = NULL;
    if (!id || !ids_parse(id, &n)) return RC_NOTFOUND;
    st = db_stmt(db, sql_get);
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, n);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        doc = json_loads(db_text(st, 0), 0, NULL);
        if (doc) {
            json_object_set_new(doc, "id", ids_json(n));
            json_object_set_new(doc, "created_at",
                                json_string(db_text(st, 1)));
            json_object_set_new(doc, "updated_at",
                                json_string(db_text(st, 2)));
            rc = RC_OK;
        } else {
            rc = RC_INTERNAL;
        }
    } else if (src != SQLITE_DONE) {
        rc = db_rc(db, src);
    }
    db_stmt_done(st);
    if (rc == RC_OK) *out = doc;
    return rc;
}

enum rc tender_create(struct db *db, const struct viewer *v, json_t *in,
                      json_t *errs, int *created, json_t **out)
{
    json_t *doc = NULL;
    long long id = 0;
    char ids[24];
    enum rc rc;

    *out = NULL;
    *created = 0;
    if (!viewer_can_write_tenders(v)) return RC_FORBIDDEN;
    rc = tender_check(db, in, errs, &doc);
    if (rc != RC_OK) return rc;
    rc = db_begin(db);
    if (rc == RC_OK) {
        rc = store(db, v, doc, &id, created);
        if (rc == RC_OK)
            rc = db_commit(db);
        else
            db_rollback(db);
    }
    json_decref(doc);
    if (rc != RC_OK) return rc;
    snprintf(ids, sizeof ids, "%lld", id);
    return tender_get(db, ids, out);
}

/* ------------------------------------------------------------- import */

/* reject: errors of one record into rejected[] as {record, field,
 * message}: record is the ocid (or the parser's "releases[2]"), field
 * the path inside it. */
static void reject(json_t *rejected, const char *record, json_t *errs)
{
    json_t *e;
    size_t i;

    json_array_foreach(errs, i, e) {
        json_array_append_new(rejected,
                              json_pack("{s:s, s:s, s:s}", "record", record,
                                        "field", str(e, "field"), "message",
                                        str(e, "message")));
    }
}

/* parser_rejects: the errors of a parser that left some records out:
 * "releases[2].tender.title" is record "releases[2]", field
 * "tender.title". */
static void parser_rejects(json_t *rejected, json_t *errs)
{
    json_t *e;
    size_t i;

    json_array_foreach(errs, i, e) {
        const char *f = str(e, "field"), *dot = strchr(f, '.');
        char record[64];

        if (!strncmp(f, "releases[", 9) && dot) {
            snprintf(record, sizeof record, "%.*s", (int)(dot - f), f);
            f = dot + 1;
        } else {
            snprintf(record, sizeof record, "document");
        }
        json_array_append_new(rejected,
                              json_pack("{s:s, s:s, s:s}", "record", record,
                                        "field", f, "message",
                                        str(e, "message")));
    }
}

/* record_name: how a rejected record is named: its ocid, else its
 * position. */
static void record_name(json_t *doc, size_t i, char *buf, size_t size)
{
    const char *ocid = json_string_value(json_object_get(doc, "ocid"));

    if (ocid && *ocid && strlen(ocid) <= 200)
        snprintf(buf, size, "%s", ocid);
    else
        snprintf(buf, size, "records[%zu]", i);
}

static enum rc source_put(struct db *db, const char *url, const char *etag,
                          const char *last_modified)
{
    sqlite3_stmt *st = db_stmt(db, sql_src_put);
    char now[32];

    if (!st) return RC_DB;
    now_iso(now, sizeof now);
    sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
    db_bind_text(st, 2, etag);
    db_bind_text(st, 3, last_modified);
    sqlite3_bind_text(st, 4, now, -1, SQLITE_TRANSIENT);
    return db_step_done(db, st);
}

enum rc tender_import(struct db *db, const struct viewer *v, const char *buf,
                      size_t len, const char *url, const char *etag,
                      const char *last_modified, json_t *errs,
                      json_t *rejected_out, json_t **out)
{
    json_t *perrs = json_array(), *docs = NULL, *clean = json_array();
    json_t *rejected = json_array(), *ids = json_array(), *d;
    const char *format = tender_format(buf, len);
    long imported = 0, updated = 0;
    size_t i;
    enum rc rc = RC_NOMEM;

    *out = NULL;
    if (!viewer_can_write_tenders(v)) {
        rc = RC_FORBIDDEN;
        goto out;
    }
    if (!perrs || !clean || !rejected || !ids) goto out;
    rc = tender_parse(buf, len, perrs, &docs);
    if (rc != RC_OK) {
        /* Nothing could be read. */
        json_array_extend(errs, perrs);
        if (!json_array_size(errs))
            add_err(errs, "document", "cannot be read");
        if (rc == RC_UNSUPPORTED) rc = RC_INVALID;
        goto out;
    }
    parser_rejects(rejected, perrs);
    /* Check every record before writing any. */
    json_array_foreach(docs, i, d) {
        json_t *derrs = json_array(), *doc = NULL;
        char record[220];
        enum rc crc;

        if (!derrs) goto out;
        crc = tender_check(db, d, derrs, &doc);
        if (crc == RC_OK) {
            json_array_append_new(clean, doc);
        } else if (crc == RC_INVALID) {
            record_name(d, i, record, sizeof record);
            reject(rejected, record, derrs);
        } else {
            json_decref(derrs);
            rc = crc;
            goto out;
        }
        json_decref(derrs);
    }
    if (rejected_out) json_array_extend(rejected_out, rejected);
    if (!json_array_size(clean) && json_array_size(rejected)) {
        json_t *r;

        json_array_foreach(rejected, i, r) {
            char field[512];

            if (*str(r, "field"))
                snprintf(field, sizeof field, "%s.%s", str(r, "record"),
                         str(r, "field"));
            else
                snprintf(field, sizeof field, "%s", str(r, "record"));
            add_err(errs, field, str(r, "message"));
        }
        rc = RC_INVALID;
        goto out;
    }
    /* One transaction: every accepted record, or none. */
    rc = db_begin(db);
    if (rc != RC_OK) goto out;
    json_array_foreach(clean, i, d) {
        long long id;
        int created;

        rc = store(db, v, d, &id, &created);
        if (rc != RC_OK) break;
        if (created)
            imported++;
        else
            updated++;
        json_array_append_new(ids, ids_json(id));
    }
    if (rc == RC_OK && url) rc = source_put(db, url, etag, last_modified);
    if (rc == RC_OK) {
        rc = db_commit(db);
    } else {
        db_rollback(db);
    }
    if (rc != RC_OK) goto out;
    *out = json_pack("{s:s?, s:I, s:I, s:O, s:O}", "format", format,
                     "imported", (json_int_t)imported, "updated",
                     (json_int_t)updated, "rejected", rejected, "ids", ids);
    if (*out && url) json_object_set_new(*out, "url", json_string(url));
    if (!*out) rc = RC_NOMEM;
out:
    json_decref(perrs);
    json_decref(docs);
    json_decref(clean);
    json_decref(rejected);
    json_decref(ids);
    return rc;
}

enum rc tender_import_url(struct db *db, const struct viewer *v,
                          const char *url, json_t *errs, json_t *rejected,
                          json_t **out)
{
    struct fetch_opts o = {TENDER_MAX_BYTES, FETCH_TIMEOUT_S, NULL, NULL,
                           NULL, NULL};
    struct fetch_result res;
    sqlite3_stmt *st;
    char etag[160] = "", lm[64] = "", msg[320];
    enum rc rc;
    int src;

    *out = NULL;
    memset(&res, 0, sizeof res);
    if (!viewer_can_write_tenders(v)) return RC_FORBIDDEN;
    if (!url || !fetch_is_url(url) || strlen(url) > 2000) {
        add_err(errs, "url", "must be an http or https URL");
        return RC_INVALID;
    }
    st = db_stmt(db, sql_src_get);
    if (!st) return RC_DB;
    sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        snprintf(etag, sizeof etag, "%s", db_text(st, 0));
        snprintf(lm, sizeof lm, "%s", db_text(st, 1));
    }
    db_stmt_done(st);
    if (src != SQLITE_ROW && src != SQLITE_DONE) return db_rc(db, src);
    o.etag = *etag ? etag : NULL;
    o.last_modified = *lm ? lm : NULL;
    rc = fetch_url(url, &o, &res);
    if (rc == RC_TOOBIG) {
        snprintf(msg, sizeof msg, "the document is larger than %ld bytes",
                 (long)TENDER_MAX_BYTES);
        add_err(errs, "url", msg);
        rc = RC_INVALID;
        goto out;
    }
    if (rc == RC_INVALID) {
        add_err(errs, "url", "must be an http or https URL");
        goto out;
    }
    if (rc != RC_OK) {
        snprintf(msg, sizeof msg, "cannot be fetched: %s", res.error);
        log_warn("tender import: %s: %s", url, res.error);
        add_err(errs, "url", msg);
        goto out;
    }
    if (res.status == 304) {
        /* Unchanged since the last import: nothing to do. */
        char now[32];

        now_iso(now, sizeof now);
        st = db_stmt(db, sql_src_seen);
        if (!st) {
            rc = RC_DB;
            goto out;
        }
        sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
        rc = db_step_done(db, st);
        if (rc == RC_OK) {
            *out = json_pack("{s:s, s:b, s:i, s:i, s:[], s:[]}", "url", url,
                             "not_modified", 1, "imported", 0, "updated", 0,
                             "rejected", "ids");
            if (!*out) rc = RC_NOMEM;
        }
        goto out;
    }
    rc = tender_import(db, v, res.body, res.len, url, res.etag,
                       res.last_modified, errs, rejected, out);
    if (rc == RC_OK) json_object_set_new(*out, "not_modified", json_false());
out:
    fetch_result_free(&res);
    return rc;
}

/* --------------------------------------------------------------- board */

struct board {
    const struct tender_query *q;
    char match[512];      /* FTS5 expression, "" for none */
    char lo[12], hi[12];  /* CPV range, "" for none */
    char after[32];       /* earliest deadline, "" for none */
    char now[32];
    long long now_s, ck, cid; /* the cursor: its now, key and id */
};

struct qwords {
    char tok[QUERY_WORDS_MAX][SEARCH_TEXT_MAX_WORD + 8];
    char word[QUERY_WORDS_MAX][SEARCH_TEXT_MAX_WORD + 1];
    int n;
    int last_end; /* byte offset after the last word */
};

static int on_query_word(void *arg, const char *tok, int ntok, const char *word,
                         int nword, int start, int end)
{
    struct qwords *m = arg;

    (void)start;
    if (m->n == QUERY_WORDS_MAX) return 1;
    if (memchr(tok, '"', (size_t)ntok) || memchr(word, '"', (size_t)nword))
        return 0; /* never: tokens are letters and digits */
    snprintf(m->tok[m->n], sizeof m->tok[m->n], "%.*s", ntok, tok);
    snprintf(m->word[m->n], sizeof m->word[m->n], "%.*s", nword, word);
    m->last_end = end;
    m->n++;
    return 0;
}

/* match_expr: the FTS5 expression of q: every word's analyzed token (the
 * tokenizer takes a query's strings as tokens); the last word, while it
 * is typed (nothing after it), also as a prefix: "jard" finds
 * "jardinier". Words are letters and digits: quoting is safe. */
static int match_expr(const char *q, char *out, size_t size)
{
    struct search_text *an = search_text_new(0);
    struct qwords m;
    struct buf b = {0};
    int i, n = (int)strlen(q);

    out[0] = 0;
    if (!an) return -1;
    memset(&m, 0, sizeof m);
    search_text_each(an, q, n, 0, on_query_word, &m);
    search_text_free(an);
    for (i = 0; i < m.n; i++) {
        if (i) buf_adds(&b, " AND ");
        if (i == m.n - 1 && m.last_end == n && strlen(m.word[i]) >= 3)
            buf_addf(&b, "(\"%s\" OR \"%s\" *)", m.tok[i], m.word[i]);
        else
            buf_addf(&b, "\"%s\"", m.tok[i]);
    }
    if (buf_oom(&b) || b.len >= size) {
        buf_free(&b);
        return -1;
    }
    snprintf(out, size, "%s", buf_str(&b));
    buf_free(&b);
    return 0;
}

/* test_error: errs names field already. */
static int has_error(json_t *errs, const char *field)
{
    json_t *e;
    size_t i;

    json_array_foreach(errs, i, e) {
        if (!strcmp(str(e, "field"), field)) return 1;
    }
    return 0;
}

/* board_params: check the question; errors name the parameter. */
static int board_params(struct db *db, const struct tender_query *q,
                        struct board *b, json_t *errs)
{
    size_t errs0 = json_array_size(errs);
    char dname[128];

    memset(b, 0, sizeof *b);
    b->q = q;
    b->ck = -1000000000000000LL;
    if ((q->limit < 1 || q->limit > TENDER_LIST_MAX) &&
        !has_error(errs, "limit"))
        add_err(errs, "limit", "must be an integer from 1 to 100");
    if (q->q && *q->q && match_expr(q->q, b->match, sizeof b->match) < 0)
        add_err(errs, "q", "is too long");
    if (q->cpv && *q->cpv) {
        char code[9], digitsbuf[12];
        const char *s = q->cpv;
        size_t n = strlen(s), i;
        int ok = n >= 2 && n <= 8;

        if (strchr(s, '-')) {
            ok = tender_cpv_valid(s, code);
            if (ok) {
                s = code;
                n = 8;
            }
        }
        for (i = 0; ok && i < n; i++)
            if (s[i] < '0' || s[i] > '9') ok = 0;
        if (!ok) {
            add_err(errs, "cpv", "must be the beginning of a CPV code: 2 to 8"
                                 " digits (4533, 77310000)");
        } else {
            while (n > 2 && s[n - 1] == '0') n--; /* 77310000: 7731... */
            snprintf(digitsbuf, sizeof digitsbuf, "%.*s", (int)n, s);
            snprintf(b->lo, sizeof b->lo, "%s", digitsbuf);
            snprintf(b->hi, sizeof b->hi, "%s:", digitsbuf);
        }
    }
    if (q->departement && *q->departement &&
        (strlen(q->departement) > 3 ||
         search_place_departement_name(db, q->departement, dname,
                                       sizeof dname) != RC_OK))
        add_err(errs, "departement", "must be a département code (76, 2A,"
                                     " 974)");
    if (q->deadline_after && *q->deadline_after) {
        char day[32];

        if (strlen(q->deadline_after) == 10)
            snprintf(day, sizeof day, "%sT00:00:00Z", q->deadline_after);
        else
            snprintf(day, sizeof day, "%.31s", q->deadline_after);
        if (tender_deadline_utc(day, b->after, sizeof b->after) < 0)
            add_err(errs, "deadline_after",
                    "must be a date (2026-06-01) or an ISO 8601 date-time");
    }
    if (q->status && *q->status) {
        static const char *const st[] = {"planned",   "active",
                                          "complete",  "cancelled",
                                          "unsuccessful", NULL};
        int i, ok = 0;

        for (i = 0; st[i]; i++)
            if (!strcmp(st[i], q->status)) ok = 1;
        if (!ok)
            add_err(errs, "status", "must be one of: planned, active,"
                                    " complete, cancelled, unsuccessful");
    }
    b->now_s = (long long)time(NULL);
    if (q->cursor && *q->cursor) {
        long long a, k, id;
        int used = 0;

        if (sscanf(q->cursor, "%lld.%lld.%lld%n", &a, &k, &id, &used) != 3 ||
            used != (int)strlen(q->cursor) || a < 0 || id < 0)
            add_err(errs, "cursor", "is not a cursor of this list");
        else {
            b->now_s = a;
            b->ck = k;
            b->cid = id;
        }
    }
    {
        time_t t = (time_t)b->now_s;
        struct tm tm;

        gmtime_r(&t, &tm);
        strftime(b->now, sizeof b->now, "%Y-%m-%dT%H:%M:%SZ", &tm);
    }
    return json_array_size(errs) == errs0;
}

static void board_bind(sqlite3_stmt *st, const struct board *b)
{
    const struct tender_query *q = b->q;

    sqlite3_bind_text(st, 1, b->match, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, b->lo, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, b->hi, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, q->departement ? q->departement : "", -1,
                      SQLITE_STATIC);
    sqlite3_bind_text(st, 5, b->after, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, q->status ? q->status : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, b->now, -1, SQLITE_STATIC);
}

/* summary: the board's shape of a stored document. New reference. */
static json_t *summary(long long id, json_t *doc, const char *updated_at)
{
    static const char *const keys[] = {"ocid",     "source",   "status",
                                       "title",    "buyer",    "procedure",
                                       "deadline", "value",    "cpv",
                                       "place",    NULL};
    json_t *s = json_object(), *lots = json_array(), *l;
    size_t i;

    if (!s || !lots) {
        json_decref(s);
        json_decref(lots);
        return NULL;
    }
    json_object_set_new(s, "id", ids_json(id));
    for (i = 0; keys[i]; i++)
        if (json_object_get(doc, keys[i]))
            json_object_set(s, keys[i], json_object_get(doc, keys[i]));
    json_array_foreach(json_object_get(doc, "lots"), i, l) {
        json_array_append_new(lots, json_pack("{s:s, s:s*}", "id",
                                              str(l, "id"), "title",
                                              json_string_value(json_object_get(
                                                  l, "title"))));
    }
    json_object_set_new(s, "lots", lots);
    /* The CPV codes' French labels, for the board: {code: label}. */
    {
        json_t *labels = json_object(), *x;

        json_array_foreach(json_object_get(doc, "cpv"), i, x) {
            const char *lab = tender_cpv_label(json_string_value(x));

            if (labels && lab)
                json_object_set_new(labels, json_string_value(x),
                                    json_string(lab));
        }
        if (labels) json_object_set_new(s, "cpv_labels", labels);
    }
    json_object_set_new(s, "updated_at", json_string(updated_at));
    return s;
}

/* board_fn: called on each tender of the board in order (id, key, doc);
 * returns 1 to keep it (with *extra, a new object merged into its
 * summary, or NULL), 0 to skip it, -1 on an error (rc in arg). */
typedef int (*board_fn)(void *arg, long long id, json_t *doc,
                        json_t **extra);

/* board_run: a page of the board; without fn, counted and paged by SQL;
 * with fn, every tender is read and fn keeps some (count and page are
 * over those). */
static enum rc board_run(struct db *db, const struct board *b, board_fn fn,
                         void *arg, json_t **out)
{
    int fts = b->match[0] != 0;
    sqlite3_stmt *st = NULL;
    json_t *results = json_array(), *next = json_null();
    long long total = 0, lk = 0, lid = 0;
    int limit = b->q->limit, src, more = 0;
    enum rc rc = RC_NOMEM;

    *out = NULL;
    if (!results) goto out;
    if (!fn) {
        st = db_stmt(db, fts ? sql_count_q : sql_count);
        rc = RC_DB;
        if (!st) goto out;
        board_bind(st, b);
        src = sqlite3_step(st);
        if (src == SQLITE_ROW) total = sqlite3_column_int64(st, 0);
        db_stmt_done(st);
        if (src != SQLITE_ROW) {
            rc = db_rc(db, src);
            goto out;
        }
    }
    st = db_stmt(db, fts ? sql_list_q : sql_list);
    rc = RC_DB;
    if (!st) goto out;
    board_bind(st, b);
    /* With fn, every tender is visited (to count), the page kept. */
    sqlite3_bind_int64(st, 9, fn ? -1000000000000000LL : b->ck);
    sqlite3_bind_int64(st, 10, fn ? 0 : b->cid);
    sqlite3_bind_int(st, 11, fn ? -1 : limit + 1);
    rc = RC_OK;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        long long id = sqlite3_column_int64(st, 0);
        long long k = sqlite3_column_int64(st, 1);
        json_t *doc = json_loads(db_text(st, 2), 0, NULL), *extra = NULL, *s;
        int keep = 1, after;

        if (!doc) continue;
        after = k > b->ck || (k == b->ck && id > b->cid);
        if (fn) {
            keep = fn(arg, id, doc, &extra);
            if (keep < 0) {
                json_decref(doc);
                rc = RC_INTERNAL;
                break;
            }
            if (keep) total++;
        }
        if (keep && after) {
            if ((int)json_array_size(results) == limit) {
                more = 1;
            } else {
                s = summary(id, doc, db_text(st, 3));
                if (s && extra) json_object_update(s, extra);
                if (!s || json_array_append_new(results, s)) rc = RC_NOMEM;
                lk = k;
                lid = id;
            }
        }
        json_decref(extra);
        json_decref(doc);
        if (rc != RC_OK || (!fn && more)) break;
    }
    if (src != SQLITE_ROW && src != SQLITE_DONE && rc == RC_OK)
        rc = db_rc(db, src);
    db_stmt_done(st);
    if (rc != RC_OK) goto out;
    if (more) {
        char c[80];

        snprintf(c, sizeof c, "%lld.%lld.%lld", b->now_s, lk, lid);
        json_decref(next);
        next = json_string(c);
    }
    *out = json_pack("{s:I, s:O, s:O}", "total", (json_int_t)total,
                     "results", results, "next_cursor", next);
    if (!*out) rc = RC_NOMEM;
out:
    json_decref(results);
    json_decref(next);
    return rc;
}

enum rc tender_list(struct db *db, const struct tender_query *q,
                    json_t *errs, json_t **out)
{
    struct board b;

    *out = NULL;
    if (!board_params(db, q, &b, errs)) return RC_INVALID;
    return board_run(db, &b, NULL, NULL, out);
}

/* ---------------------------------------------------------------- fit */

/* An entrepreneur as me/tenders sees them: home, area, trades, words. */
struct ent {
    struct db *db;
    char insee[8];
    double lat, lon;
    double radius;    /* km; < 0: none */
    char zones[512];  /* "dep:44 reg:52 FR" */
    json_t *trades;   /* [[scheme, code, label]] */
    char **toks;      /* sorted analyzed words of the profile */
    size_t ntoks;
    enum rc rc;       /* an error met while visiting */
};

static int cmp_tok(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

struct toks {
    char **t;
    size_t n, cap;
    int oom;
};

static int on_tok(void *arg, const char *tok, int ntok, const char *word,
                  int nword, int start, int end)
{
    struct toks *x = arg;

    (void)word, (void)nword, (void)start, (void)end;
    if (x->n == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 64;
        char **t = realloc(x->t, cap * sizeof *t);

        if (!t) {
            x->oom = 1;
            return 1;
        }
        x->t = t;
        x->cap = cap;
    }
    x->t[x->n] = strndup(tok, (size_t)ntok);
    if (!x->t[x->n]) {
        x->oom = 1;
        return 1;
    }
    x->n++;
    return 0;
}

static void analyze(struct search_text *an, const char *s, struct toks *x)
{
    if (s && *s) search_text_each(an, s, (int)strlen(s), 0, on_tok, x);
}

static void ent_free(struct ent *e)
{
    size_t i;

    for (i = 0; i < e->ntoks; i++) free(e->toks[i]);
    free(e->toks);
    json_decref(e->trades);
}

/* ent_load: the entrepreneur of v: row, trades and the words of their
 * profile (for skills). */
static enum rc ent_load(struct db *db, long long id, struct ent *e)
{
    sqlite3_stmt *st = db_stmt(db, sql_ent);
    struct search_text *an = NULL;
    struct toks x;
    json_t *doc = NULL, *v;
    size_t i;
    enum rc rc = RC_NOTFOUND;
    int src;

    memset(e, 0, sizeof *e);
    memset(&x, 0, sizeof x);
    e->db = db;
    e->radius = -1;
    e->trades = json_array();
    if (!st) return RC_DB;
    sqlite3_bind_int64(st, 1, id);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        snprintf(e->insee, sizeof e->insee, "%s", db_text(st, 0));
        e->lat = sqlite3_column_double(st, 1);
        e->lon = sqlite3_column_double(st, 2);
        if (sqlite3_column_type(st, 3) != SQLITE_NULL)
            e->radius = sqlite3_column_double(st, 3);
        snprintf(e->zones, sizeof e->zones, "%s", db_text(st, 4));
        doc = json_loads(db_text(st, 5), 0, NULL);
        rc = RC_OK;
    } else if (src != SQLITE_DONE) {
        rc = db_rc(db, src);
    }
    db_stmt_done(st);
    if (rc != RC_OK) return rc;
    /* Trades with their labels, from the profile. */
    json_array_foreach(json_object_get(doc, "trades"), i, v) {
        if (!strcmp(str(v, "scheme"), "free")) continue;
        json_array_append_new(e->trades,
                              json_pack("[s, s, s]", str(v, "scheme"),
                                        str(v, "code"), str(v, "label")));
    }
    /* The words of the profile: skills, headline, description,
     * qualifications, trade labels. */
    an = search_text_new(0);
    if (!an) {
        json_decref(doc);
        return RC_NOMEM;
    }
    analyze(an, str(doc, "headline"), &x);
    analyze(an, str(doc, "description"), &x);
    json_array_foreach(json_object_get(doc, "skills"), i, v) {
        analyze(an, json_string_value(v), &x);
    }
    json_array_foreach(json_object_get(doc, "qualifications"), i, v) {
        analyze(an, json_string_value(v), &x);
    }
    json_array_foreach(json_object_get(doc, "trades"), i, v) {
        analyze(an, str(v, "label"), &x);
    }
    search_text_free(an);
    json_decref(doc);
    if (x.oom) {
        for (i = 0; i < x.n; i++) free(x.t[i]);
        free(x.t);
        return RC_NOMEM;
    }
    qsort(x.t, x.n, sizeof *x.t, cmp_tok);
    e->toks = x.t;
    e->ntoks = x.n;
    return RC_OK;
}

/* under: is code under (or equal to) prefix? CPV codes compare by their
 * significant digits (77310000 holds 77311000). */
static int under(const char *scheme, const char *code, const char *prefix)
{
    size_t n = strlen(prefix);

    if (!strcmp(scheme, "cpv"))
        while (n > 2 && prefix[n - 1] == '0') n--;
    return n && !strncmp(code, prefix, n);
}

/* item_match: does the entrepreneur cover wanted item w? *by is the
 * index of the trade (in e->trades) that does, -1 for a skill. The rule
 * (README "Tenders"): a trade reference when they have a code under it;
 * a CPV item also when one of its trades is under one of their codes or
 * one of their codes under it; a skill when every word of it is among
 * the words of their profile. */
static int item_match(const struct ent *e, json_t *w, int *by)
{
    json_t *t, *r;
    size_t i, j;

    *by = -1;
    if (json_object_get(w, "skill")) {
        struct search_text *an = search_text_new(0);
        struct toks x;
        int all = 1;

        memset(&x, 0, sizeof x);
        if (!an) return 0;
        analyze(an, str(w, "skill"), &x);
        search_text_free(an);
        for (i = 0; i < x.n; i++) {
            if (!bsearch(&x.t[i], e->toks, e->ntoks, sizeof *e->toks,
                         cmp_tok))
                all = 0;
            free(x.t[i]);
        }
        free(x.t);
        return all && x.n > 0 && !x.oom;
    }
    json_array_foreach(e->trades, i, t) {
        const char *sch = json_string_value(json_array_get(t, 0));
        const char *code = json_string_value(json_array_get(t, 1));

        if (!strcmp(sch, str(w, "scheme")) && under(sch, code, str(w, "code"))) {
            *by = (int)i;
            return 1;
        }
        if (strcmp(str(w, "scheme"), "cpv")) continue;
        json_array_foreach(json_object_get(w, "trades"), j, r) {
            const char *ref = json_string_value(r), *colon = strchr(ref, ':');

            if (!colon || strncmp(ref, sch, (size_t)(colon - ref)) ||
                sch[colon - ref])
                continue;
            if (under(sch, colon + 1, code) || under(sch, code, colon + 1)) {
                *by = (int)i;
                return 1;
            }
        }
    }
    return 0;
}

/* Where the area covers a place, as search.c's cover(): the home commune,
 * within the radius (great-circle distance, 10 m of tolerance), a
 * département zone, a region zone, all of France. */
enum { AREA_NONE, AREA_COMMUNE, AREA_RADIUS, AREA_DEP, AREA_REG, AREA_FR };

static int has_zone(const char *zones, const char *z)
{
    size_t n = strlen(z);
    const char *p = zones;

    while ((p = strstr(p, z)) != NULL) {
        if ((p == zones || p[-1] == ' ') && (p[n] == ' ' || !p[n])) return 1;
        p += n;
    }
    return 0;
}

static int area_covers(const struct ent *e, const struct place *p,
                       double *km)
{
    char z[16];
    int best = AREA_NONE;

    *km = search_place_km(e->lat, e->lon, p->lat, p->lon);
    if (*e->insee && !strcmp(e->insee, p->insee)) return AREA_COMMUNE;
    if (e->radius >= 0 && *km <= e->radius + 0.01) return AREA_RADIUS;
    snprintf(z, sizeof z, "dep:%s", p->departement);
    if (has_zone(e->zones, z)) return AREA_DEP;
    snprintf(z, sizeof z, "reg:%s", p->region);
    if (has_zone(e->zones, z)) best = AREA_REG;
    else if (has_zone(e->zones, "FR")) best = AREA_FR;
    return best;
}

/* tender_places: the communes that stand for the tender's place: its
 * commune (or its département's), or those of each département of a
 * NUTS-1 or NUTS-2 code; none outside France. */
static size_t tender_places(struct db *db, json_t *doc, struct place *out,
                            size_t max)
{
    json_t *place = json_object_get(doc, "place"), *d;
    size_t n = 0, i;

    if (!place || json_is_false(json_object_get(place, "in_france")))
        return 0;
    if (*str(place, "insee")) {
        if (search_place_get(db, str(place, "insee"), &out[0]) == RC_OK &&
            out[0].located)
            return 1;
        return 0;
    }
    json_array_foreach(json_object_get(place, "departements"), i, d) {
        if (n < max && tender_seat(db, json_string_value(d), &out[n]) == RC_OK)
            n++;
    }
    return n;
}

static json_t *area_why(int area, const struct ent *e, const struct place *p,
                        double km, json_t *place)
{
    char s[300];
    const char *prec = str(place, "precision");
    const char *rep =
        !strcmp(prec, "commune") ? ""
        : !strcmp(prec, "buyer")
            ? " (le lieu n'est connu que par son département: la commune"
              " de l'acheteur le représente)"
            : " (le lieu n'est connu que par son département, sa commune"
              " la plus peuplée le représente)";

    switch (area) {
    case AREA_COMMUNE:
        snprintf(s, sizeof s, "vous êtes à %s%s", p->name, rep);
        break;
    case AREA_RADIUS:
        snprintf(s, sizeof s, "%s à %.0f km, dans votre rayon de %.0f km%s",
                 p->name, km, e->radius, rep);
        break;
    case AREA_DEP:
        snprintf(s, sizeof s, "vous intervenez dans tout le département %s",
                 p->departement);
        break;
    case AREA_REG:
        snprintf(s, sizeof s, "vous intervenez dans toute la région de %s",
                 p->name);
        break;
    default:
        snprintf(s, sizeof s, "vous intervenez dans toute la France");
    }
    return json_string(s);
}

static const char *const area_names[] = {"none",        "commune", "radius",
                                         "departement", "region",  "france"};

/* fits: board_fn of me/tenders. */
static int fits(void *arg, long long id, json_t *doc, json_t **extra)
{
    struct ent *e = arg;
    struct place places[DEPS_CAP];
    json_t *lots = NULL, *why = NULL, *l, *w;
    size_t np, i, j, best_i = 0;
    double km = 0, best_km = 0;
    int area = AREA_NONE, a;

    (void)id;
    *extra = NULL;
    np = tender_places(e->db, doc, places, DEPS_CAP);
    for (i = 0; i < np; i++) {
        a = area_covers(e, &places[i], &km);
        if (a != AREA_NONE && (area == AREA_NONE || a < area ||
                               (a == area && km < best_km))) {
            area = a;
            best_km = km;
            best_i = i;
        }
    }
    if (area == AREA_NONE) return 0;
    lots = json_array();
    why = json_array();
    if (!lots || !why) goto fail;
    json_array_foreach(json_object_get(doc, "lots"), i, l) {
        json_t *got = json_array();

        if (!got) goto fail;
        json_array_foreach(json_object_get(l, "wanted"), j, w) {
            int by;

            if (!item_match(e, w, &by)) continue;
            if (by >= 0) {
                json_t *t = json_array_get(e->trades, (size_t)by);
                char ref[48], reason[600];

                snprintf(ref, sizeof ref, "%s:%s",
                         json_string_value(json_array_get(t, 0)),
                         json_string_value(json_array_get(t, 1)));
                json_array_append_new(
                    got, json_pack("{s:s*, s:s*, s:s*, s:s}", "scheme",
                                   json_string_value(json_object_get(w, "scheme")),
                                   "code",
                                   json_string_value(json_object_get(w, "code")),
                                   "label",
                                   json_string_value(json_object_get(w, "label")),
                                   "by", ref));
                snprintf(reason, sizeof reason, "lot %s : %s, par votre"
                                                " métier %s",
                         str(l, "id"), *str(w, "label") ? str(w, "label")
                                                        : str(w, "code"),
                         json_string_value(json_array_get(t, 2)));
                json_array_append_new(why, json_string(reason));
            } else {
                char reason[300];

                json_array_append_new(got, json_pack("{s:s, s:s}", "skill",
                                                     str(w, "skill"), "by",
                                                     "profile"));
                snprintf(reason, sizeof reason, "lot %s : compétence « %s »"
                                                " dans votre profil",
                         str(l, "id"), str(w, "skill"));
                json_array_append_new(why, json_string(reason));
            }
        }
        if (json_array_size(got))
            json_array_append_new(lots, json_pack("{s:s, s:s*, s:o}", "id",
                                                  str(l, "id"), "title",
                                                  json_string_value(
                                                      json_object_get(l, "title")),
                                                  "wanted", got));
        else
            json_decref(got);
    }
    if (!json_array_size(lots)) {
        json_decref(lots);
        json_decref(why);
        return 0;
    }
    json_array_append_new(why, area_why(area, e, &places[best_i], best_km,
                                        json_object_get(doc, "place")));
    *extra = json_pack("{s:{s:o, s:s, s:f}, s:o}", "fit", "lots", lots,
                       "area", area_names[area], "distance_km",
                       round(best_km * 10) / 10, "why", why);
    return *extra ? 1 : -1;
fail:
    json_decref(lots);
    json_decref(why);
    return -1;
}

enum rc tender_mine(struct db *db, const struct viewer *v,
                    const struct tender_query *q, json_t *errs,
                    json_t **out)
{
    struct board b;
    struct ent e;
    enum rc rc;

    *out = NULL;
    if (v->role != VIEWER_ENTREPRENEUR || !v->entrepreneur_id)
        return RC_FORBIDDEN;
    if (!board_params(db, q, &b, errs)) return RC_INVALID;
    rc = db_begin_read(db);
    if (rc != RC_OK) return rc;
    rc = ent_load(db, v->entrepreneur_id, &e);
    if (rc == RC_NOTFOUND) rc = RC_FORBIDDEN; /* their profile is gone */
    if (rc == RC_OK) rc = board_run(db, &b, fits, &e, out);
    db_commit(db); /* a read */
    ent_free(&e);
    return rc;
}
