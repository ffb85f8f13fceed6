/*
 * search_place_db.c: the SQL of places: loading the communes, looking
 * them up (see search_place.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/assets.h"
#include "../util/log.h"
#include "../util/text.h"
#include "../util/check.h"
#include "../util/tsv.h"
#include "search_place.h"

#define COLS                                                                 \
    "c.insee, c.name, c.departement, c.region, c.population, c.postcodes,"   \
    " c.lat, c.lon, c.precision"

static const char sql_by_insee[] =
    "SELECT " COLS " FROM commune c WHERE c.insee = ?1";
static const char sql_by_code[] =
    "SELECT " COLS " FROM commune_code k JOIN commune c ON c.insee = k.insee"
    " WHERE k.code = ?1 AND k.kind = ?2"
    " ORDER BY c.kind = 'arrondissement' DESC, c.population DESC LIMIT 20";
static const char sql_by_fold[] =
    "SELECT " COLS " FROM commune c WHERE c.fold = ?1"
    " ORDER BY c.population DESC LIMIT 50";
static const char sql_nearest[] =
    "SELECT " COLS ", (c.lat - ?1) * (c.lat - ?1)"
    " + ((c.lon - ?2) * ?3) * ((c.lon - ?2) * ?3) AS d2"
    " FROM commune c WHERE c.lat BETWEEN ?1 - ?4 AND ?1 + ?4"
    " AND c.lon BETWEEN ?2 - ?5 AND ?2 + ?5 ORDER BY d2 LIMIT 1";
static const char sql_complete_name[] =
    "SELECT " COLS " FROM commune c WHERE c.fold >= ?1 AND c.fold < ?2"
    " ORDER BY c.population DESC LIMIT ?3";
static const char sql_complete_postcode[] =
    "SELECT " COLS " FROM commune_code k JOIN commune c ON c.insee = k.insee"
    " WHERE k.kind = 'postcode' AND k.code >= ?1 AND k.code < ?2"
    " ORDER BY k.code, c.population DESC LIMIT ?3";
/* Every located current commune (no municipal arrondissement, no
 * 'unknown' precision), in INSEE order so that walks are reproducible. */
static const char sql_each[] =
    "SELECT " COLS " FROM commune c"
    " WHERE c.kind = 'commune' AND c.lat IS NOT NULL ORDER BY c.insee";
static const char sql_dep_name[] = "SELECT name FROM departement WHERE code = ?1";
static const char sql_reg_name[] = "SELECT name FROM region WHERE code = ?1";
static const char sql_count[] = "SELECT count(*) FROM commune";
static const char sql_clear[] =
    "DELETE FROM commune; DELETE FROM commune_code;"
    " DELETE FROM departement; DELETE FROM region;";
static const char sql_ins_commune[] =
    "INSERT OR REPLACE INTO commune(insee, name, fold, kind, departement,"
    " region, population, postcodes, lat, lon, precision)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
static const char sql_ins_code[] =
    "INSERT OR IGNORE INTO commune_code(code, kind, insee) VALUES(?1, ?2, ?3)";
static const char sql_ins_dep[] =
    "INSERT OR REPLACE INTO departement(code, name, region) VALUES(?1, ?2, ?3)";
static const char sql_ins_reg[] =
    "INSERT OR REPLACE INTO region(code, name) VALUES(?1, ?2)";
/* Last resort for communes without coordinates: their département's
 * centroid (mean of its located communes). */
static const char sql_dep_fallback[] =
    "UPDATE commune SET precision = 'departement',"
    " lat = (SELECT avg(x.lat) FROM commune x"
    "        WHERE x.departement = commune.departement AND x.lat IS NOT NULL),"
    " lon = (SELECT avg(x.lon) FROM commune x"
    "        WHERE x.departement = commune.departement AND x.lon IS NOT NULL)"
    " WHERE lat IS NULL AND EXISTS (SELECT 1 FROM commune x"
    "   WHERE x.departement = commune.departement AND x.lat IS NOT NULL)";

/* The statements of this file, for tests/test_db.c. */
const char *const search_place_sql[] = {
    sql_by_insee, sql_by_code, sql_by_fold, sql_nearest, sql_complete_name,
    sql_complete_postcode, sql_dep_name, sql_reg_name, sql_count,
    sql_ins_commune, sql_ins_code, sql_ins_dep, sql_ins_reg,
    sql_dep_fallback, sql_each, NULL};

static void copy(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

/* row_place: fill p from a row of COLS. */
static void row_place(sqlite3_stmt *st, struct place *p)
{
    const char *pcs = db_text(st, 5), *comma;

    memset(p, 0, sizeof *p);
    copy(p->insee, sizeof p->insee, db_text(st, 0));
    copy(p->name, sizeof p->name, db_text(st, 1));
    copy(p->departement, sizeof p->departement, db_text(st, 2));
    copy(p->region, sizeof p->region, db_text(st, 3));
    p->population = (long)sqlite3_column_int64(st, 4);
    comma = strchr(pcs, ',');
    if (comma && (size_t)(comma - pcs) < sizeof p->postcode)
        memcpy(p->postcode, pcs, (size_t)(comma - pcs));
    else
        copy(p->postcode, sizeof p->postcode, pcs);
    p->located = sqlite3_column_type(st, 6) != SQLITE_NULL;
    p->lat = sqlite3_column_double(st, 6);
    p->lon = sqlite3_column_double(st, 7);
    copy(p->precision, sizeof p->precision, db_text(st, 8));
}

/* alt_json: a short description of a place, for alternatives[]. */
static json_t *alt_json(const struct place *p)
{
    return json_pack("{s:s, s:s, s:s, s:I}", "insee", p->insee, "name",
                     p->name, "departement", p->departement, "population",
                     (json_int_t)p->population);
}

/* in_list: is item one of the comma-joined list's items? */
static int in_list(const char *list, const char *item)
{
    size_t n = strlen(item);

    while (*list) {
        const char *e = strchr(list, ',');
        size_t len = e ? (size_t)(e - list) : strlen(list);

        if (len == n && !strncmp(list, item, n)) return 1;
        list += len;
        if (*list) list++;
    }
    return 0;
}

/* query: run st (bound) and collect the places: the first into *first,
 * the others (up to 20) into *alts when alts is not NULL. Returns
 * RC_NOTFOUND when there is no row. qual filters by département or
 * postcode when not empty. */
static enum rc query(struct db *db, sqlite3_stmt *st, const char *qual,
                     struct place *first, json_t **alts)
{
    struct place p;
    json_t *arr = NULL;
    int src, found = 0;
    enum rc rc = RC_OK;

    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        row_place(st, &p);
        if (qual && *qual && strcmp(p.departement, qual) != 0 &&
            !in_list(db_text(st, 5), qual))
            continue;
        if (!found) {
            *first = p;
            found = 1;
            continue;
        }
        if (!alts) break;
        if (!arr) arr = json_array();
        if (arr && json_array_size(arr) < 20)
            json_array_append_new(arr, alt_json(&p));
    }
    if (src != SQLITE_ROW && src != SQLITE_DONE) rc = db_rc(db, src);
    db_stmt_done(st);
    if (rc == RC_OK && !found) rc = RC_NOTFOUND;
    if (rc == RC_OK && alts)
        *alts = arr;
    else
        json_decref(arr);
    return rc;
}

enum rc search_place_get(struct db *db, const char *insee, struct place *out)
{
    sqlite3_stmt *st = db_stmt(db, sql_by_insee);
    char code[8];
    enum rc rc;

    if (!st) return RC_DB;
    copy(code, sizeof code, insee);
    if (code[1] == 'a' || code[1] == 'b') code[1] = (char)(code[1] - 32);
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    rc = query(db, st, NULL, out, NULL);
    if (rc != RC_NOTFOUND) return rc;
    st = db_stmt(db, sql_by_code);
    if (!st) return RC_DB;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, "former", -1, SQLITE_STATIC);
    return query(db, st, NULL, out, NULL);
}

enum rc search_place_nearest(struct db *db, double lat, double lon,
                             double max_km, struct place *out)
{
    sqlite3_stmt *st = db_stmt(db, sql_nearest);
    double k = cos(lat * M_PI / 180.0), dlat = max_km / 111.0, dlon;
    enum rc rc;

    if (!st) return RC_DB;
    if (k < 0.05) k = 0.05;
    dlon = dlat / k;
    sqlite3_bind_double(st, 1, lat);
    sqlite3_bind_double(st, 2, lon);
    sqlite3_bind_double(st, 3, k);
    sqlite3_bind_double(st, 4, dlat);
    sqlite3_bind_double(st, 5, dlon);
    rc = query(db, st, NULL, out, NULL);
    if (rc == RC_OK &&
        search_place_km(lat, lon, out->lat, out->lon) > max_km)
        rc = RC_NOTFOUND;
    return rc;
}

/* by_code: the communes of a postcode or a former code. */
static enum rc by_code(struct db *db, const char *code, const char *kind,
                       struct place *out, json_t **alternatives)
{
    sqlite3_stmt *st = db_stmt(db, sql_by_code);

    if (!st) return RC_DB;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
    return query(db, st, NULL, out, alternatives);
}

/* also_postcode: add to *alternatives the communes whose postcode is the
 * INSEE code that resolved to first. */
static enum rc also_postcode(struct db *db, const char *code,
                             const struct place *first, json_t **alternatives)
{
    struct place p;
    json_t *alts = NULL, *a;
    size_t i;
    enum rc rc = by_code(db, code, "postcode", &p, &alts);

    if (rc == RC_NOTFOUND) return RC_OK;
    if (rc != RC_OK) return rc;
    if (!alts) alts = json_array();
    json_array_insert_new(alts, 0, alt_json(&p));
    json_array_foreach(alts, i, a) {
        if (!strcmp(json_string_value(json_object_get(a, "insee")),
                    first->insee)) {
            json_array_remove(alts, i);
            break;
        }
    }
    if (json_array_size(alts))
        *alternatives = alts;
    else
        json_decref(alts);
    return RC_OK;
}

enum rc search_place_resolve(struct db *db, const char *q, struct place *out,
                             json_t **alternatives)
{
    struct place p;
    sqlite3_stmt *st;
    char qual[8], code[8];
    char *fold = NULL;
    double lat, lon;
    enum rc rc;
    int ll;

    *alternatives = NULL;
    while (*q == ' ') q++;
    ll = search_place_parse_latlon(q, &lat, &lon);
    if (ll < 0) return RC_INVALID;
    if (ll > 0) {
        rc = search_place_nearest(db, lat, lon, 30, &p);
        if (rc == RC_NOTFOUND) {
            memset(&p, 0, sizeof p);
            rc = RC_OK;
        }
        if (rc != RC_OK) return rc;
        p.lat = lat;
        p.lon = lon;
        p.located = 1;
        copy(p.precision, sizeof p.precision, "coordinates");
        *out = p;
        return RC_OK;
    }
    /* Five characters: a current INSEE code first (what API clients
     * send), then a postcode (what people type), then a former INSEE
     * code. A code that is both an INSEE code and another commune's
     * postcode lists the postcode's communes as alternatives. */
    if (search_place_is_insee(q) || search_place_is_postcode(q)) {
        copy(code, sizeof code, q);
        if (code[1] == 'a' || code[1] == 'b') code[1] = (char)(code[1] - 32);
        st = db_stmt(db, sql_by_insee);
        if (!st) return RC_DB;
        sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
        rc = query(db, st, NULL, out, NULL);
        if (rc != RC_NOTFOUND && rc != RC_OK) return rc;
        if (rc == RC_OK) {
            if (search_place_is_postcode(q))
                return also_postcode(db, code, out, alternatives);
            return RC_OK;
        }
        rc = by_code(db, code, "postcode", out, alternatives);
        if (rc != RC_NOTFOUND) return rc;
        return by_code(db, code, "former", out, alternatives);
    }
    fold = search_place_fold_query(q, qual);
    if (!fold) return RC_NOMEM;
    st = db_stmt(db, sql_by_fold);
    if (!st) {
        free(fold);
        return RC_DB;
    }
    sqlite3_bind_text(st, 1, fold, -1, SQLITE_STATIC);
    rc = query(db, st, qual, out, alternatives);
    free(fold);
    return rc;
}

enum rc search_place_complete(struct db *db, const char *prefix, int limit,
                              json_t **out)
{
    sqlite3_stmt *st;
    json_t *arr = json_array();
    struct place p;
    char qual[8], *fold = NULL, *hi = NULL;
    enum rc rc = RC_NOMEM;
    int src, digits = 1;
    size_t i;

    *out = NULL;
    if (!arr) goto out;
    for (i = 0; prefix[i]; i++)
        if (prefix[i] < '0' || prefix[i] > '9') digits = 0;
    if (search_place_is_insee(prefix) &&
        search_place_get(db, prefix, &p) == RC_OK)
        json_array_append_new(arr, search_place_json(&p)); /* INSEE code */
    if (digits && *prefix) {
        fold = strdup(prefix);
        st = db_stmt(db, sql_complete_postcode);
    } else {
        fold = search_place_fold_query(prefix, qual);
        st = db_stmt(db, sql_complete_name);
    }
    if (!fold) goto out;
    if (!st) {
        rc = RC_DB;
        goto out;
    }
    if (!*fold) {
        *out = arr;
        arr = NULL;
        rc = RC_OK;
        goto out;
    }
    hi = malloc(strlen(fold) + 2);
    if (!hi) goto out;
    memcpy(hi, fold, strlen(fold));
    hi[strlen(fold)] = (char)0x7f; /* above every folded byte but UTF-8 */
    hi[strlen(fold) + 1] = 0;
    sqlite3_bind_text(st, 1, fold, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, hi, -1, SQLITE_STATIC);
    /* The commune of an INSEE code found above counts in the limit. */
    sqlite3_bind_int(st, 3, limit - (int)json_array_size(arr));
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        row_place(st, &p);
        json_array_append_new(arr, search_place_json(&p));
    }
    db_stmt_done(st);
    if (src != SQLITE_DONE) {
        rc = db_rc(db, src);
        goto out;
    }
    *out = arr;
    arr = NULL;
    rc = RC_OK;
out:
    free(fold);
    free(hi);
    json_decref(arr);
    return rc;
}

enum rc search_place_each(struct db *db,
                          int (*fn)(const struct place *p, void *arg),
                          void *arg)
{
    sqlite3_stmt *st = db_stmt(db, sql_each);
    struct place p;
    enum rc rc = RC_OK;
    int src;

    if (!st) return RC_DB;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        row_place(st, &p);
        if (fn(&p, arg)) break;
    }
    if (src != SQLITE_ROW && src != SQLITE_DONE) rc = db_rc(db, src);
    db_stmt_done(st);
    return rc;
}

static enum rc name_of(struct db *db, const char *sql, const char *code,
                       char *buf, size_t size)
{
    sqlite3_stmt *st = db_stmt(db, sql);
    enum rc rc = RC_NOTFOUND;
    int src;

    if (!st) return RC_DB;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        copy(buf, size, db_text(st, 0));
        rc = RC_OK;
    } else if (src != SQLITE_DONE) {
        rc = db_rc(db, src);
    }
    db_stmt_done(st);
    return rc;
}

enum rc search_place_departement_name(struct db *db, const char *code,
                                      char *buf, size_t size)
{
    return name_of(db, sql_dep_name, code, buf, size);
}

enum rc search_place_region_name(struct db *db, const char *code, char *buf,
                                 size_t size)
{
    return name_of(db, sql_reg_name, code, buf, size);
}

/* ------------------------------------------------------------- loading */

/* Coordinates of the embedded communes, for files that lack them. */
struct located {
    char insee[8];
    char former[128]; /* comma-joined former codes */
    double lat, lon;
    char precision[20];
};

static int cmp_located(const void *a, const void *b)
{
    return strcmp(((const struct located *)a)->insee,
                  ((const struct located *)b)->insee);
}

/* embedded_coords: parse the embedded communes into a sorted array. */
static struct located *embedded_coords(size_t *n)
{
    struct tsv t;
    struct located *arr = NULL, *grown;
    size_t cap = 0;
    int ci, cf, clat, clon, cp;

    *n = 0;
    tsv_init_mem(&t, asset_communes, ASSET_LEN(asset_communes));
    if (tsv_next(&t, '\t') != 1) goto out;
    ci = tsv_col(&t, "insee");
    cf = tsv_col(&t, "former_codes");
    clat = tsv_col(&t, "lat");
    clon = tsv_col(&t, "lon");
    cp = tsv_col(&t, "precision");
    while (tsv_next(&t, '\t') == 1) {
        struct located *l;

        if (!*tsv_get(&t, clat)) continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 40000;
            grown = realloc(arr, cap * sizeof *arr);
            if (!grown) break;
            arr = grown;
        }
        l = &arr[(*n)++];
        copy(l->insee, sizeof l->insee, tsv_get(&t, ci));
        copy(l->former, sizeof l->former, tsv_get(&t, cf));
        l->lat = strtod(tsv_get(&t, clat), NULL);
        l->lon = strtod(tsv_get(&t, clon), NULL);
        copy(l->precision, sizeof l->precision, tsv_get(&t, cp));
    }
    qsort(arr, *n, sizeof *arr, cmp_located);
out:
    tsv_free(&t);
    return arr;
}

/* find_coords: the embedded coordinates for insee, or for the commune
 * that absorbed it (its former codes). */
static const struct located *find_coords(const struct located *arr, size_t n,
                                         const char *insee)
{
    struct located key;
    const struct located *hit;
    size_t i;

    copy(key.insee, sizeof key.insee, insee);
    hit = bsearch(&key, arr, n, sizeof *arr, cmp_located);
    if (hit) return hit;
    for (i = 0; i < n; i++)
        if (*arr[i].former && strstr(arr[i].former, insee)) return &arr[i];
    return NULL;
}

static enum rc load_divisions(struct db *db)
{
    sqlite3_stmt *st;
    struct tsv t;
    enum rc rc = RC_OK;
    int pass;

    for (pass = 0; pass < 2 && rc == RC_OK; pass++) {
        if (pass == 0)
            tsv_init_mem(&t, asset_departements,
                         ASSET_LEN(asset_departements));
        else
            tsv_init_mem(&t, asset_regions, ASSET_LEN(asset_regions));
        st = db_stmt(db, pass == 0 ? sql_ins_dep : sql_ins_reg);
        if (!st) rc = RC_DB;
        if (rc == RC_OK && tsv_next(&t, '\t') != 1) rc = RC_INTERNAL;
        while (rc == RC_OK && tsv_next(&t, '\t') == 1) {
            int i;

            for (i = 0; i < (pass == 0 ? 3 : 2); i++)
                sqlite3_bind_text(st, i + 1, tsv_get(&t, i), -1,
                                  SQLITE_TRANSIENT);
            if (sqlite3_step(st) != SQLITE_DONE)
                rc = db_rc(db, sqlite3_errcode(db_handle(db)));
            sqlite3_reset(st);
        }
        db_stmt_done(st);
        tsv_free(&t);
    }
    return rc;
}

/* col2: index of the column named a, or else b. */
static int col2(const struct tsv *t, const char *a, const char *b)
{
    int i = tsv_col(t, a);

    return i >= 0 ? i : tsv_col(t, b);
}

/* add_codes: insert each code of a comma-joined list. */
static enum rc add_codes(struct db *db, const char *list, const char *kind,
                         const char *insee)
{
    sqlite3_stmt *st = db_stmt(db, sql_ins_code);
    char code[16];
    enum rc rc = RC_OK;

    if (!st) return RC_DB;
    while (*list && rc == RC_OK) {
        const char *e = strchr(list, ',');
        size_t n = e ? (size_t)(e - list) : strlen(list);

        if (n > 0 && n < sizeof code) {
            memcpy(code, list, n);
            code[n] = 0;
            sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 3, insee, -1, SQLITE_TRANSIENT);
            if (sqlite3_step(st) != SQLITE_DONE)
                rc = db_rc(db, sqlite3_errcode(db_handle(db)));
            sqlite3_reset(st);
        }
        list += n;
        if (*list) list++;
    }
    db_stmt_done(st);
    return rc;
}

/* reject: report one refused line of a communes file. */
static void reject(long *rejected, long line, const char *field,
                   const char *why)
{
    (*rejected)++;
    fprintf(stderr, "line %ld: %s: %s\n", line, field, why);
}

enum rc search_place_load(struct db *db, const char *file, long *loaded,
                          long *rejected)
{
    struct located *ref = NULL;
    size_t nref = 0;
    struct tsv t;
    sqlite3_stmt *st;
    enum rc rc;
    int ci, cn, ck, cd, cr, cpop, cpc, cf, clat, clon, cp;

    *loaded = *rejected = 0;
    if (file) {
        if (tsv_init_file(&t, file)) {
            log_error("cannot read %s", file);
            return RC_INVALID;
        }
    } else {
        tsv_init_mem(&t, asset_communes, ASSET_LEN(asset_communes));
    }
    rc = db_begin(db);
    if (rc != RC_OK) {
        tsv_free(&t);
        return rc;
    }
    rc = db_exec(db, sql_clear);
    if (rc == RC_OK) rc = load_divisions(db);
    if (rc != RC_OK) goto out;
    if (tsv_next(&t, '\t') != 1) {
        log_error("communes file: no header line");
        rc = RC_INVALID;
        goto out;
    }
    ci = tsv_col(&t, "insee");
    cn = col2(&t, "name", "nom");
    ck = col2(&t, "kind", "type");
    cd = tsv_col(&t, "departement");
    cr = tsv_col(&t, "region");
    cpop = tsv_col(&t, "population");
    cpc = col2(&t, "postcodes", "codes_postaux");
    cf = col2(&t, "former_codes", "anciens_codes");
    clat = tsv_col(&t, "lat");
    clon = tsv_col(&t, "lon");
    cp = tsv_col(&t, "precision");
    if (ci < 0 || cn < 0 || cd < 0 || cr < 0) {
        log_error("communes file: needs the columns insee, name (or nom),"
                  " departement and region");
        rc = RC_INVALID;
        goto out;
    }
    if (clat < 0 || clon < 0) ref = embedded_coords(&nref);
    st = db_stmt(db, sql_ins_commune);
    if (!st) {
        rc = RC_DB;
        goto out;
    }
    while (rc == RC_OK && tsv_next(&t, '\t') == 1) {
        const char *insee = tsv_get(&t, ci), *name = tsv_get(&t, cn);
        const char *kind = tsv_get(&t, ck), *prec = "unknown";
        double lat = 0, lon = 0;
        int located = 0;
        const struct located *l;
        char *fold;

        if (!search_place_is_insee(insee)) {
            reject(rejected, t.lineno, "insee", "not an INSEE code");
            continue;
        }
        if (!*name || !text_utf8_valid(name, strlen(name))) {
            reject(rejected, t.lineno, "name", "empty or not UTF-8");
            continue;
        }
        if (!*tsv_get(&t, cd) || !*tsv_get(&t, cr)) {
            reject(rejected, t.lineno, "departement",
                   "departement and region are required");
            continue;
        }
        if (!*kind || !strcmp(kind, "commune-actuelle"))
            kind = "commune";
        else if (!strcmp(kind, "arrondissement-municipal"))
            kind = "arrondissement";
        if (strcmp(kind, "commune") && strcmp(kind, "arrondissement")) {
            reject(rejected, t.lineno, "type", "not a current commune");
            continue;
        }
        l = NULL;
        if (ref && (clat < 0 || !*tsv_get(&t, clat)))
            l = find_coords(ref, nref, insee);
        if (clat >= 0 && *tsv_get(&t, clat)) {
            lat = strtod(tsv_get(&t, clat), NULL);
            lon = strtod(tsv_get(&t, clon), NULL);
            located = 1;
            prec = cp >= 0 && *tsv_get(&t, cp) ? tsv_get(&t, cp) : "commune";
        } else if (l) {
            lat = l->lat;
            lon = l->lon;
            located = 1;
            prec = strcmp(l->insee, insee) ? "former_communes" : l->precision;
        }
        fold = text_fold_dup(name);
        if (!fold) {
            rc = RC_NOMEM;
            break;
        }
        sqlite3_bind_text(st, 1, insee, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, fold, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 4, kind, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, tsv_get(&t, cd), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 6, tsv_get(&t, cr), -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 7, strtoll(tsv_get(&t, cpop), NULL, 10));
        sqlite3_bind_text(st, 8, tsv_get(&t, cpc), -1, SQLITE_TRANSIENT);
        if (located) {
            sqlite3_bind_double(st, 9, lat);
            sqlite3_bind_double(st, 10, lon);
        } else {
            sqlite3_bind_null(st, 9);
            sqlite3_bind_null(st, 10);
        }
        sqlite3_bind_text(st, 11, prec, -1, SQLITE_TRANSIENT);
        free(fold);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = db_rc(db, sqlite3_errcode(db_handle(db)));
        sqlite3_reset(st);
        if (rc == RC_OK)
            rc = add_codes(db, tsv_get(&t, cpc), "postcode", insee);
        if (rc == RC_OK && cf >= 0)
            rc = add_codes(db, tsv_get(&t, cf), "former", insee);
        (*loaded)++;
    }
    db_stmt_done(st);
    if (rc == RC_OK) rc = db_exec(db, sql_dep_fallback);
out:
    if (rc == RC_OK)
        rc = db_commit(db);
    else
        db_rollback(db);
    free(ref);
    tsv_free(&t);
    return rc;
}

enum rc search_place_ensure(struct db *db)
{
    sqlite3_stmt *st = db_stmt(db, sql_count);
    long loaded, rejected;
    int n = 0;

    if (!st) return RC_DB;
    if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int(st, 0);
    db_stmt_done(st);
    if (n > 0) return RC_OK;
    return search_place_load(db, NULL, &loaded, &rejected);
}

/* ------------------------------------------------------------ checking */

/* pick_by_city: among the communes of a postcode, the one named city. */
static enum rc pick_by_city(struct db *db, const char *postcode,
                            const char *city, struct place *out)
{
    sqlite3_stmt *st = db_stmt(db, sql_by_code);
    char qual[8], *want = search_place_fold_query(city, qual);
    struct place p;
    enum rc rc = RC_NOTFOUND;
    int src;

    if (!want) return RC_NOMEM;
    if (!st) {
        free(want);
        return RC_DB;
    }
    sqlite3_bind_text(st, 1, postcode, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, "postcode", -1, SQLITE_STATIC);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        char *f = text_fold_dup(db_text(st, 1));

        if (f && !strcmp(f, want)) {
            row_place(st, &p);
            *out = p;
            rc = RC_OK;
        }
        free(f);
        if (rc == RC_OK) break;
    }
    if (src != SQLITE_ROW && src != SQLITE_DONE) rc = db_rc(db, src);
    db_stmt_done(st);
    free(want);
    return rc;
}

/* alt_list: "Saint-Denis (93), Saint-Denis (974)" from alternatives. */
static void alt_list(const struct place *first, json_t *alts, char *buf,
                     size_t size)
{
    size_t i, used;
    json_t *a;

    snprintf(buf, size, "%s (%s)", first->name, first->departement);
    json_array_foreach(alts, i, a) {
        used = strlen(buf);
        if (i >= 5 || used + 4 >= size) break;
        snprintf(buf + used, size - used, ", %s (%s)",
                 json_string_value(json_object_get(a, "name")),
                 json_string_value(json_object_get(a, "departement")));
    }
}

/* known_keys: is key in the place keys or in extra[]? */
static int known_key(const char *key, const char *const *extra)
{
    static const char *const known[] = {"insee", "postcode", "city",
                                        "departement", "lat", "lon", NULL};
    const char *const *k;

    for (k = known; *k; k++)
        if (!strcmp(*k, key)) return 1;
    for (k = extra; k && *k; k++)
        if (!strcmp(*k, key)) return 1;
    return 0;
}

int search_place_check_value(struct db *db, const struct check *c, json_t *v,
                             const char *const *extra, json_t **cleanp,
                             struct place *place)
{
    json_t *clean = NULL, *alts = NULL, *x;
    struct place p;
    char pc[8] = "", list[300];
    const char *insee = NULL, *postcode = NULL, *city = NULL, *key;
    double lat = 0, lon = 0;
    int has_ll = 0, nll, r = -1, unknown = 0;
    enum rc rc = RC_NOTFOUND;

    *cleanp = NULL;
    if (!json_is_object(v)) {
        check_fail(c, NULL, "must be an object with insee, postcode, city or"
                            " lat and lon");
        return -1;
    }
    json_object_foreach(v, key, x) {
        if (known_key(key, extra)) continue;
        check_fail(c, key, "unknown field");
        unknown = 1;
    }
    clean = json_object();
    if (!clean || unknown) goto out;
    if (check_string(c, v, "insee", 5, 0, clean) < 0 ||
        check_string(c, v, "postcode", 5, 0, clean) < 0 ||
        check_string(c, v, "city", 100, 0, clean) < 0)
        goto out;
    nll = check_present(v, "lat") + check_present(v, "lon");
    if (nll == 1) {
        check_fail(c, check_present(v, "lat") ? "lon" : "lat",
                   "lat and lon go together");
        goto out;
    }
    if (nll == 2) {
        if (check_real(c, v, "lat", -90, 90, 0, clean) < 0 ||
            check_real(c, v, "lon", -180, 180, 0, clean) < 0)
            goto out;
        lat = json_number_value(json_object_get(clean, "lat"));
        lon = json_number_value(json_object_get(clean, "lon"));
        has_ll = 1;
    }
    insee = json_string_value(json_object_get(clean, "insee"));
    postcode = json_string_value(json_object_get(clean, "postcode"));
    city = json_string_value(json_object_get(clean, "city"));
    if (insee) {
        if (!search_place_is_insee(insee)) {
            check_fail(c, "insee", "must be an INSEE code like 44109");
            goto out;
        }
        rc = search_place_get(db, insee, &p);
        if (rc == RC_NOTFOUND) {
            check_fail(c, "insee", "unknown commune %s", insee);
            goto out;
        }
    } else if (postcode) {
        if (!search_place_is_postcode(postcode)) {
            check_fail(c, "postcode", "must be five digits");
            goto out;
        }
        if (city) {
            rc = pick_by_city(db, postcode, city, &p);
            if (rc == RC_NOTFOUND) {
                check_fail(c, "city", "no commune named %s has the"
                                      " postcode %s", city, postcode);
                goto out;
            }
        } else {
            rc = by_code(db, postcode, "postcode", &p, &alts);
            if (rc == RC_NOTFOUND) {
                check_fail(c, "postcode", "unknown postcode %s", postcode);
                goto out;
            }
        }
        snprintf(pc, sizeof pc, "%s", postcode);
    } else if (city) {
        rc = search_place_resolve(db, city, &p, &alts);
        if (rc == RC_NOTFOUND) {
            check_fail(c, "city", "unknown commune %s", city);
            goto out;
        }
        if (rc == RC_OK && alts) {
            alt_list(&p, alts, list, sizeof list);
            check_fail(c, "city", "several communes are named %s: %s;"
                       " give insee or postcode", city, list);
            goto out;
        }
    } else if (has_ll) {
        rc = search_place_nearest(db, lat, lon, 30, &p);
        if (rc == RC_NOTFOUND) {
            check_fail(c, NULL, "lat and lon are not in France");
            goto out;
        }
    } else {
        check_fail(c, NULL, "needs insee, postcode, city, or lat and lon");
        goto out;
    }
    if (rc != RC_OK) {
        check_fail(c, NULL, "cannot be checked now (%s)", rc_name(rc));
        goto out;
    }
    if (!has_ll && !p.located) {
        check_fail(c, NULL, "commune %s has no known coordinates; give lat"
                            " and lon", p.insee);
        goto out;
    }
    if (has_ll) {
        p.lat = lat;
        p.lon = lon;
        p.located = 1;
    }
    json_object_clear(clean);
    json_object_set_new(clean, "insee", json_string(p.insee));
    json_object_set_new(clean, "postcode", json_string(*pc ? pc : p.postcode));
    json_object_set_new(clean, "city", json_string(p.name));
    json_object_set_new(clean, "departement", json_string(p.departement));
    json_object_set_new(clean, "lat", json_real(p.lat));
    json_object_set_new(clean, "lon", json_real(p.lon));
    if (place) *place = p;
    *cleanp = clean;
    clean = NULL;
    r = 1;
out:
    json_decref(alts);
    json_decref(clean);
    return r;
}

int search_place_check(struct db *db, const struct check *c, json_t *in,
                       const char *key, unsigned flags, json_t *out,
                       struct place *place)
{
    json_t *v = json_object_get(in, key), *clean;
    struct check sub;
    char name[256];
    int r;

    if (!v || json_is_null(v)) {
        if (!(flags & CHECK_REQUIRED)) return 0;
        check_fail(c, key, "is required");
        return -1;
    }
    sub = check_nested(c, key, -1, name, sizeof name);
    r = search_place_check_value(db, &sub, v, NULL, &clean, place);
    if (r > 0) json_object_set_new(out, key, clean);
    return r;
}

int search_place_check_zone(struct db *db, const char *zone, char *buf,
                            size_t size)
{
    char code[8], name[128];
    enum rc rc;
    size_t n;

    if (!strcmp(zone, "FR") || !strcmp(zone, "fr")) {
        snprintf(buf, size, "FR");
        return 1;
    }
    if (strncmp(zone, "dep:", 4) != 0 && strncmp(zone, "reg:", 4) != 0)
        return 0;
    n = strlen(zone + 4);
    if (n < 2 || n > 3) return 0;
    snprintf(code, sizeof code, "%s", zone + 4);
    if (code[1] == 'a' || code[1] == 'b') code[1] = (char)(code[1] - 32);
    if (zone[0] == 'd')
        rc = search_place_departement_name(db, code, name, sizeof name);
    else
        rc = search_place_region_name(db, code, name, sizeof name);
    if (rc == RC_NOTFOUND) return 0;
    if (rc != RC_OK) return -1;
    snprintf(buf, size, "%.4s%s", zone, code);
    return 1;
}
