/*
 * dir_import.c: bulk import (see dir_import.h).
 */
#include "dir_import.h"

#include <ctype.h>
#include <pthread.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../util/buf.h"
#include "../util/csv.h"
#include "../search/search_text.h"
#include "../search/search_trade.h"
#include "../util/text.h"
#include "../util/viewer.h"
#include "dir_coop.h"
#include "dir_ent.h"

typedef enum rc (*create_fn)(struct db *, const struct viewer *, json_t *,
                             json_t *, int *, json_t **);

/* A checked record on its way to the writer. */
struct item {
    long line;                /* where it starts in the input */
    char *refused;            /* its report line when refused, else NULL */
    char *ext;                /* its external_id, for a late refusal */
    struct dir_ent_prep prep; /* when accepted */
};

#define QUEUE 512
#define HANDFUL 64 /* records the writer takes at once */
#define READ_BATCH 256

/* The pipeline of an entrepreneurs import: one thread reads and checks
 * records on its own connection, the caller's thread writes them. The two
 * cores of the machine each get half of the work (reading JSON and
 * checking fields, then SQL and the full-text index). */
struct pipe {
    pthread_mutex_t lock;
    pthread_cond_t filled, emptied;
    struct item q[QUEUE];
    size_t head, n;
    /* Written records go back to the reader, which frees them: memory
     * freed on the thread that allocated it takes no lock of another
     * thread's malloc arena (that contention cost a quarter of the
     * import). At most QUEUE + HANDFUL records are ever out. */
    struct item spent[QUEUE + HANDFUL];
    size_t nspent;
    struct item freeing[QUEUE + HANDFUL]; /* the reader's, to free */
    int done;                 /* the reader has finished */
    int stop;                 /* the writer failed: stop reading */
    enum rc rc;               /* the reader's result */
    struct db *reader;        /* the reader's connection */
    long read;                /* records it has checked */
    struct search_text *an;   /* the reader's analyzer */
};

struct run {
    struct db *db;
    create_fn create;
    int batch;
    long pending;   /* records in the open transaction */
    FILE *report;
    FILE *progress;
    int tty;        /* progress on a terminal: rewrite one line */
    struct dir_import_stats *st;
    struct pipe *pipe; /* the reader side of a pipeline, or NULL */
    const struct viewer *viewer; /* who imports */
    json_t *records;   /* dir_import_records: the records, parsed */
};

/* CSV columns: the name in the header -> where it goes in the record. */
struct column {
    const char *name;   /* header name */
    const char *object; /* nested object ("location"), or NULL */
    const char *key;    /* field name */
    char type;          /* 's' string, 'n' number, 'l' list, 't' trades,
                           'z' zones, 'r' references (titles) */
};

static const struct column ent_columns[] = {
    {"external_id", NULL, "external_id", 's'},
    {"cooperative_id", NULL, "cooperative_id", 's'},
    {"cooperative_external_id", NULL, "cooperative_external_id", 's'},
    {"display_name", NULL, "display_name", 's'},
    {"headline", NULL, "headline", 's'},
    {"description", NULL, "description", 's'},
    {"status", NULL, "status", 's'},
    {"visibility", NULL, "visibility", 's'},
    {"trades", NULL, "trades", 't'},
    {"skills", NULL, "skills", 'l'},
    {"qualifications", NULL, "qualifications", 'l'},
    {"references", NULL, "references", 'r'},
    {"insee", "location", "insee", 's'},
    {"postcode", "location", "postcode", 's'},
    {"city", "location", "city", 's'},
    {"lat", "location", "lat", 'n'},
    {"lon", "location", "lon", 'n'},
    {"radius_km", "intervention", "radius_km", 'n'},
    {"zones", "intervention", "zones", 'z'},
    {"from", "availability", "from", 's'},
    {"until", "availability", "until", 's'},
    {"days_per_week", "availability", "days_per_week", 'n'},
    {NULL, NULL, NULL, 0},
};

static const struct column coop_columns[] = {
    {"external_id", NULL, "external_id", 's'},
    {"name", NULL, "name", 's'},
    {"kind", NULL, "kind", 's'},
    {"siret", NULL, "siret", 's'},
    {"sites", NULL, "sites", 'S'},
    {"website", NULL, "website", 's'},
    {"email", NULL, "email", 's'},
    {"phone", NULL, "phone", 's'},
    {"description", NULL, "description", 's'},
    {NULL, NULL, NULL, 0},
};

/* find_column: a header name, with or without its object prefix
 * ("location.insee" or "insee"; "available_from" for "from"). */
static const struct column *find_column(const struct column *cols,
                                        const char *name)
{
    const struct column *c;
    const char *dot = strchr(name, '.');

    if (!strcmp(name, "available_from")) name = "from";
    if (!strcmp(name, "available_until")) name = "until";
    for (c = cols; c->name; c++) {
        if (!strcmp(c->name, name)) return c;
        if (dot && c->object && !strncmp(name, c->object, (size_t)(dot - name)) &&
            strlen(c->object) == (size_t)(dot - name) &&
            !strcmp(dot + 1, c->key))
            return c;
    }
    return NULL;
}

/* split: the items of a list cell, separated by '|' or ';' (and spaces
 * too when spaces is set), trimmed, as a new array of strings. */
static json_t *split(const char *s, int spaces)
{
    json_t *arr = json_array();
    const char *p = s;

    while (*p) {
        const char *e = p;
        size_t n;

        while (*e && *e != '|' && *e != ';' && !(spaces && (*e == ' ' ||
                                                            *e == ',')))
            e++;
        n = (size_t)(e - p);
        while (n && isspace((unsigned char)p[n - 1])) n--;
        while (n && isspace((unsigned char)*p)) {
            p++;
            n--;
        }
        if (n) json_array_append_new(arr, json_stringn(p, n));
        p = *e ? e + 1 : e;
    }
    return arr;
}

/* cell_value: a CSV cell as the JSON value its column wants. */
static json_t *cell_value(const struct column *col, const char *s)
{
    json_t *arr, *v, *out;
    size_t i;
    char *end;
    double d;

    switch (col->type) {
    case 'n':
        d = strtod(s, &end);
        if (end != s && !*end) return json_real(d);
        return json_string(s);
    case 'l':
        return split(s, 0);
    case 'z':
        return split(s, 1);
    case 't':
    case 'r':
    case 'S':
        arr = split(s, col->type == 'S');
        out = json_array();
        json_array_foreach(arr, i, v) {
            const char *item = json_string_value(v);

            if (col->type == 't')
                json_array_append_new(out, search_trade_ref(item));
            else if (col->type == 'r')
                json_array_append_new(out, json_pack("{s:s}", "title", item));
            else
                json_array_append_new(out, json_pack("{s:s}", "insee", item));
        }
        json_decref(arr);
        return out;
    default:
        return json_string(s);
    }
}

/* commit: close the open batch and report progress; 0 on success. */
static int commit(struct run *r)
{
    if (!r->pending) return 0;
    if (db_commit(r->db) != RC_OK) return -1;
    r->pending = 0;
    if (r->progress) {
        if (r->tty)
            fprintf(r->progress, "\rimported %ld, rejected %ld ...",
                    r->st->imported, r->st->rejected);
        else if ((r->st->imported + r->st->rejected) % 10000 < (long)r->batch)
            fprintf(r->progress, "progress: imported %ld, rejected %ld\n",
                    r->st->imported, r->st->rejected);
        fflush(r->progress);
    }
    return 0;
}

/* refusal: the report line of a refused record. New string. */
static char *refusal(long line, const char *ext, const char *why,
                     json_t *errs)
{
    struct buf msg = {0};
    json_t *e;
    size_t i;

    buf_addf(&msg, "line %ld", line);
    if (ext) buf_addf(&msg, " (external_id %s)", ext);
    buf_adds(&msg, ": ");
    if (why) buf_adds(&msg, why);
    json_array_foreach(errs, i, e) {
        buf_addf(&msg, "%s%s: %s", i ? "; " : "",
                 json_string_value(json_object_get(e, "field")),
                 json_string_value(json_object_get(e, "message")));
    }
    return buf_take(&msg);
}

static void refused(struct run *r, const char *line)
{
    r->st->rejected++;
    fprintf(r->report, "%s\n", line);
}

/* open_batch / counted: the writer's batches. */
static enum rc open_batch(struct run *r)
{
    enum rc rc = RC_OK;

    if (!r->pending) rc = db_begin(r->db);
    if (rc == RC_OK) r->pending++;
    return rc;
}

static enum rc counted(struct run *r)
{
    return r->pending >= r->batch && commit(r) ? RC_DB : RC_OK;
}

static void item_free(struct item *it)
{
    dir_ent_prep_free(&it->prep);
    free(it->refused);
    free(it->ext);
}

/* push: hand a checked record to the writer, waiting for room; free
 * what the writer has given back. */
static enum rc push(struct pipe *p, struct item *it)
{
    size_t i, nspent;
    enum rc rc = RC_OK;

    pthread_mutex_lock(&p->lock);
    while (p->n == QUEUE && !p->stop) pthread_cond_wait(&p->emptied, &p->lock);
    if (p->stop) {
        rc = RC_INTERNAL;
    } else {
        p->q[(p->head + p->n) % QUEUE] = *it;
        /* Wake the writer once a handful waits: it sleeps until then. */
        if (++p->n == HANDFUL) pthread_cond_signal(&p->filled);
    }
    nspent = p->nspent;
    memcpy(p->freeing, p->spent, nspent * sizeof *p->spent);
    p->nspent = 0;
    pthread_mutex_unlock(&p->lock);
    for (i = 0; i < nspent; i++) item_free(&p->freeing[i]);
    return rc;
}

/* one: import one record; RC_OK also when it was refused (reported). In
 * a pipeline, only check it and hand it over. */
static enum rc one(struct run *r, json_t *rec, long line, const char *why)
{
    json_t *errs = json_array();
    int created;
    enum rc rc;

    if (r->pipe) {
        struct item it;

        memset(&it, 0, sizeof it);
        it.line = line;
        /* Checks read in transactions of READ_BATCH records, not one per
         * statement (each takes the WAL's read lock: system calls, and a
         * lock the writer's commits take too). */
        if (!db_in_transaction(r->pipe->reader) &&
            db_begin_read(r->pipe->reader) != RC_OK) {
            json_decref(errs);
            return RC_DB;
        }
        rc = rec ? dir_ent_prepare(r->pipe->reader, r->pipe->an, rec, errs,
                                   &it.prep)
                 : RC_INVALID;
        if (++r->pipe->read % READ_BATCH == 0) db_commit(r->pipe->reader);
        if (rc == RC_INVALID || rc == RC_CONFLICT) {
            it.refused = refusal(line, json_string_value(json_object_get(
                                           rec, "external_id")),
                                 why, errs);
            rc = RC_OK;
        } else if (rc == RC_OK) {
            const char *ext =
                json_string_value(json_object_get(rec, "external_id"));

            it.ext = ext ? strdup(ext) : NULL;
        }
        if (rc == RC_OK) rc = push(r->pipe, &it);
        if (rc != RC_OK) {
            dir_ent_prep_free(&it.prep);
            free(it.refused);
            free(it.ext);
        }
        json_decref(errs);
        return rc;
    }
    rc = open_batch(r);
    if (rc == RC_OK)
        rc = rec ? r->create(r->db, r->viewer, rec, errs, &created, NULL)
                 : RC_INVALID;
    if (rc == RC_OK) {
        r->st->imported++;
    } else if (rc == RC_INVALID || rc == RC_CONFLICT) {
        char *msg = refusal(line, json_string_value(json_object_get(
                                      rec, "external_id")),
                            why, errs);

        refused(r, msg ? msg : "refused");
        free(msg);
        rc = RC_OK;
    }
    if (rc == RC_OK) rc = counted(r);
    json_decref(errs);
    return rc;
}

static enum rc import_json_lines(struct run *r, const char *data, size_t len)
{
    const char *p = data, *end = data + len;
    long line = 0;
    enum rc rc = RC_OK;

    while (p < end && rc == RC_OK) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        json_error_t jerr;
        json_t *rec;
        char why[300];
        size_t k;

        line++;
        for (k = 0; k < n && isspace((unsigned char)p[k]); k++)
            ;
        if (k < n) {
            rec = json_loadb(p, n, JSON_REJECT_DUPLICATES, &jerr);
            if (!rec || !json_is_object(rec)) {
                snprintf(why, sizeof why, "record: %s",
                         rec ? "must be a JSON object" : jerr.text);
                json_decref(rec);
                rec = NULL;
                rc = one(r, NULL, line, why);
            } else {
                rc = one(r, rec, line, NULL);
            }
            json_decref(rec);
        }
        p += n + (nl ? 1 : 0);
    }
    return rc;
}

/* import_records: each record of the array arr (borrowed). */
static enum rc import_records(struct run *r, json_t *arr)
{
    json_t *rec;
    size_t i;
    enum rc rc = RC_OK;

    json_array_foreach(arr, i, rec) {
        if (rc != RC_OK) break;
        if (json_is_object(rec))
            rc = one(r, rec, (long)i + 1, NULL);
        else
            rc = one(r, NULL, (long)i + 1, "record: must be a JSON object");
    }
    return rc;
}

static enum rc import_json_array(struct run *r, const char *data, size_t len)
{
    json_error_t jerr;
    json_t *arr = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
    enum rc rc;

    if (!arr || !json_is_array(arr)) {
        fprintf(r->report, "line %d: not a JSON array: %s\n", jerr.line,
                arr ? "" : jerr.text);
        json_decref(arr);
        return RC_INVALID;
    }
    rc = import_records(r, arr);
    json_decref(arr);
    return rc;
}

static enum rc import_csv(struct run *r, const struct column *cols,
                          const char *data, size_t len)
{
    const struct column *map[CSV_MAX_FIELDS];
    struct csv c;
    int i, ncols, got;
    enum rc rc = RC_OK;

    csv_init(&c, data, len, csv_sniff(data, len));
    if (csv_next(&c) != 1) {
        fprintf(r->report, "line 1: no CSV header\n");
        csv_free(&c);
        return RC_INVALID;
    }
    ncols = c.n;
    for (i = 0; i < ncols; i++) {
        map[i] = find_column(cols, c.field[i]);
        if (!map[i] && *c.field[i]) {
            fprintf(r->report, "line 1: unknown column '%s'\n", c.field[i]);
            rc = RC_INVALID;
        }
    }
    while (rc == RC_OK && (got = csv_next(&c)) != 0) {
        json_t *rec;

        if (got < 0) {
            rc = one(r, NULL, c.lineno, "record: malformed CSV");
            break;
        }
        rec = json_object();
        for (i = 0; i < c.n && i < ncols; i++) {
            json_t *target = rec, *v;

            if (!map[i] || !*c.field[i]) continue;
            if (!text_utf8_valid(c.field[i], strlen(c.field[i]))) {
                json_decref(rec);
                rec = NULL;
                break;
            }
            if (map[i]->object) {
                target = json_object_get(rec, map[i]->object);
                if (!target) {
                    target = json_object();
                    json_object_set_new(rec, map[i]->object, target);
                }
            }
            v = cell_value(map[i], c.field[i]);
            json_object_set_new(target, map[i]->key, v);
        }
        if (rec)
            rc = one(r, rec, c.lineno, NULL);
        else
            rc = one(r, NULL, c.lineno, "record: not valid UTF-8");
        json_decref(rec);
    }
    csv_free(&c);
    return rc;
}

struct reader_args {
    struct run r;             /* a copy, with r.pipe set */
    const struct column *cols;
    const char *data;
    size_t len;
    enum rc (*parse)(struct run *, const struct column *, const char *,
                     size_t);
};

static void *reader_main(void *arg)
{
    struct reader_args *a = arg;
    struct pipe *p = a->r.pipe;
    enum rc rc = a->parse(&a->r, a->cols, a->data, a->len);

    if (db_in_transaction(p->reader)) db_commit(p->reader);
    pthread_mutex_lock(&p->lock);
    p->rc = rc;
    p->done = 1;
    pthread_cond_signal(&p->filled);
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

/* write_item: the writer's side for one checked record. */
static enum rc write_item(struct run *r, struct item *it)
{
    json_t *errs;
    int created;
    enum rc rc;

    if (it->refused) {
        refused(r, it->refused);
        return RC_OK;
    }
    errs = json_array();
    rc = open_batch(r);
    if (rc == RC_OK)
        rc = dir_ent_store(r->db, r->viewer, &it->prep, errs, &created);
    if (rc == RC_OK) {
        r->st->imported++;
    } else if (rc == RC_INVALID || rc == RC_CONFLICT) {
        char *msg = refusal(it->line, it->ext, NULL, errs);

        refused(r, msg ? msg : "refused");
        free(msg);
        rc = RC_OK;
    }
    if (rc == RC_OK) rc = counted(r);
    json_decref(errs);
    return rc;
}

/* pipeline: parse and check on a thread with its own connection, write
 * here. RC_UNSUPPORTED when a second connection cannot be opened (a
 * :memory: database): the caller then imports on one thread. */
static enum rc pipeline(struct run *r, const struct column *cols,
                        const char *data, size_t len,
                        enum rc (*parse)(struct run *, const struct column *,
                                         const char *, size_t))
{
    const char *file = sqlite3_db_filename(db_handle(r->db), "main");
    struct reader_args a;
    struct pipe *p;
    pthread_t th;
    enum rc rc = RC_OK;

    if (!file || !*file) return RC_UNSUPPORTED;
    /* Three queues of records: too big for a thread's stack. */
    p = calloc(1, sizeof *p);
    if (!p) return RC_NOMEM;
    p->an = search_text_new(8192);
    if (!p->an) {
        free(p);
        return RC_NOMEM;
    }
    if (db_open(file, NULL, &p->reader) != RC_OK) {
        search_text_free(p->an);
        free(p);
        return RC_UNSUPPORTED;
    }
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->filled, NULL);
    pthread_cond_init(&p->emptied, NULL);
    a.r = *r;
    a.r.pipe = p;
    a.cols = cols;
    a.data = data;
    a.len = len;
    a.parse = parse;
    if (pthread_create(&th, NULL, reader_main, &a)) {
        db_close(p->reader);
        search_text_free(p->an);
        free(p);
        return RC_UNSUPPORTED;
    }
    for (;;) {
        struct item got[HANDFUL];
        size_t k, n;

        /* Take a handful at once: one lock and one wake-up per handful,
         * not per record. */
        pthread_mutex_lock(&p->lock);
        while (p->n < HANDFUL && !p->done)
            pthread_cond_wait(&p->filled, &p->lock);
        if (!p->n) {
            pthread_mutex_unlock(&p->lock);
            break;
        }
        for (n = 0; n < HANDFUL && p->n; n++) {
            got[n] = p->q[p->head];
            p->head = (p->head + 1) % QUEUE;
            p->n--;
        }
        pthread_cond_signal(&p->emptied);
        pthread_mutex_unlock(&p->lock);
        for (k = 0; k < n && rc == RC_OK; k++) rc = write_item(r, &got[k]);
        pthread_mutex_lock(&p->lock);
        memcpy(p->spent + p->nspent, got, n * sizeof *got);
        p->nspent += n;
        if (rc != RC_OK) {
            p->stop = 1;
            pthread_cond_signal(&p->emptied);
        }
        pthread_mutex_unlock(&p->lock);
    }
    pthread_join(th, NULL);
    /* What the reader did not take back after its last record. */
    while (p->nspent) item_free(&p->spent[--p->nspent]);
    if (rc == RC_OK) rc = p->rc;
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->filled);
    pthread_cond_destroy(&p->emptied);
    db_close(p->reader);
    search_text_free(p->an);
    free(p);
    return rc;
}

/* The parsers with one signature, for the pipeline. */
static enum rc parse_lines(struct run *r, const struct column *cols,
                           const char *data, size_t len)
{
    (void)cols;
    return import_json_lines(r, data, len);
}

static enum rc parse_array(struct run *r, const struct column *cols,
                           const char *data, size_t len)
{
    (void)cols;
    return import_json_array(r, data, len);
}

/* run_init: an import run's settings. */
static void run_init(struct run *r, struct db *db, const struct viewer *v,
                     int batch, FILE *report, FILE *progress,
                     struct dir_import_stats *st)
{
    memset(st, 0, sizeof *st);
    memset(r, 0, sizeof *r);
    r->db = db;
    r->viewer = v;
    r->batch = batch > 0 ? batch : 1000;
    r->report = report;
    r->progress = progress;
    r->tty = progress && isatty(fileno(progress));
    r->st = st;
}

static enum rc parse_records(struct run *r, const struct column *cols,
                             const char *data, size_t len)
{
    (void)cols, (void)data, (void)len;
    return import_records(r, r->records);
}

enum rc dir_import_records(struct db *db, const struct viewer *v,
                           json_t *records, int batch, FILE *report,
                           struct dir_import_stats *st)
{
    struct run r;
    enum rc rc;

    run_init(&r, db, v, batch, report, NULL, st);
    r.create = dir_ent_create;
    r.records = records;
    rc = pipeline(&r, ent_columns, "", 0, parse_records);
    if (rc == RC_UNSUPPORTED) rc = import_records(&r, records);
    if (rc == RC_OK && commit(&r)) rc = RC_DB;
    if (r.pending) db_rollback(db);
    return rc;
}

enum rc dir_import(struct db *db, const struct viewer *v, const char *kind,
                   const char *data, size_t len, int batch, FILE *report,
                   FILE *progress, struct dir_import_stats *st)
{
    enum rc (*parse)(struct run *, const struct column *, const char *,
                     size_t);
    struct run r;
    const struct column *cols;
    size_t i = 0;
    enum rc rc;

    run_init(&r, db, v, batch, report, progress, st);
    if (!strcmp(kind, "cooperatives")) {
        r.create = dir_coop_create;
        cols = coop_columns;
    } else if (!strcmp(kind, "entrepreneurs")) {
        r.create = dir_ent_create;
        cols = ent_columns;
    } else {
        fprintf(report, "unknown kind '%s'\n", kind);
        return RC_INVALID;
    }
    /* A byte order mark is skipped; the first significant character
     * tells the format. Broken UTF-8 is reported with its record. */
    if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) {
        data += 3;
        len -= 3;
    }
    while (i < len && isspace((unsigned char)data[i])) i++;
    parse = i < len && data[i] == '{'   ? parse_lines
            : i < len && data[i] == '[' ? parse_array
                                        : import_csv;
    rc = RC_UNSUPPORTED;
    if (r.create == dir_ent_create)
        rc = pipeline(&r, cols, data, len, parse);
    if (rc == RC_UNSUPPORTED) rc = parse(&r, cols, data, len);
    if (rc == RC_OK && commit(&r)) rc = RC_DB;
    if (r.pending) db_rollback(db);
    if (r.tty) fputc('\n', progress);
    return rc;
}
