/*
 * search_query_db.c: the lookups that expand a query's words: the index
 * vocabulary (typos, stems of the word being typed) and the trade words
 * (trade codes). See search_query.h.
 */
#include <stdio.h>
#include <string.h>

#include "search_query.h"

#define TRADE_CODES_MAX 6 /* trade codes a word may bring */
#define TYPO_FORMS_MAX 3

static const char sql_doc[] =
    "SELECT doc FROM temp.search_vocab WHERE term = ?1";
static const char sql_range[] =
    "SELECT term, doc FROM temp.search_vocab WHERE term >= ?1 AND term < ?2";
/* Only ROME codes: their job titles are the synonyms a profile lacks
 * (F1603's label says "équipements sanitaires", its titles "plombier").
 * NAF and CPV labels are indexed as text with the profile's trades. */
static const char sql_codes[] =
    "SELECT scheme, code, weight FROM trade_term WHERE term = ?1"
    " AND scheme = 'rome' ORDER BY weight DESC LIMIT 12";
static const char sql_trade_range[] =
    "SELECT term, count(*) FROM trade_term WHERE term >= ?1 AND term < ?2"
    " GROUP BY term";

static const char sql_best[] =
    "SELECT term FROM trade_term WHERE term >= ?1 AND term < ?2"
    " AND scheme = 'rome' GROUP BY term ORDER BY sum(weight) DESC LIMIT 1";

const char *const search_query_sql[] = {sql_doc, sql_codes, sql_range,
                                        sql_trade_range, sql_best, NULL};

/* Curated synonyms, as index tokens: each group's words find each other. */
static const char *const synonyms[][4] = {
    {"jardin", "paysag", NULL, NULL},
    {"menuis", "eben", NULL, NULL},
    {"informat", "develop", "programm", NULL},
    {"photograph", "photo", NULL, NULL},
    {"dev", "develop", NULL, NULL},
    {"web", "internet", "sit", NULL},
    {"compt", "comptabl", NULL, NULL},
    {"traduct", "interpret", NULL, NULL},
};

/* doc_count: documents holding token tok; -1 on error. */
static long doc_count(struct db *db, const char *tok, int n)
{
    sqlite3_stmt *st = db_stmt(db, sql_doc);
    long c = 0;

    if (!st) return -1;
    sqlite3_bind_text(st, 1, tok, n, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) c = sqlite3_column_int64(st, 0);
    db_stmt_done(st);
    return c;
}

/* add_trades: trade-code forms for token tok: the ROME codes whose job
 * titles hold it in two titles at least, and at least a quarter as often
 * as the best code (at most TRADE_CODES_MAX): "plomb" brings F1603 (13
 * plumber titles); "anglais", in one title of the language trainers, brings
 * nothing. Returns the number added. */
static int add_trades(struct db *db, struct search_query *q, int i,
                      const char *tok)
{
    sqlite3_stmt *st = db_stmt(db, sql_codes);
    int n = 0, top = 0;

    if (!st) return 0;
    sqlite3_bind_text(st, 1, tok, -1, SQLITE_STATIC);
    while (n < TRADE_CODES_MAX && sqlite3_step(st) == SQLITE_ROW) {
        int w = sqlite3_column_int(st, 2);
        char tag[48], *p;

        if (!top) top = w;
        if (w < 2 || w * 4 < top) break;
        snprintf(tag, sizeof tag, "_t_%s_%s", db_text(st, 0), db_text(st, 1));
        for (p = tag; *p; p++)
            if (*p >= 'A' && *p <= 'Z') *p = (char)(*p + 32);
        search_query_add_form(q, i, FORM_TRADE, tag, db_text(st, 0),
                              db_text(st, 1));
        n++;
    }
    db_stmt_done(st);
    return n;
}

struct near {
    char tok[72];
    int dist;
    long docs;
};

/* consider: keep the TYPO_FORMS_MAX best near tokens. */
static void consider(struct near *best, int *nbest, const char *tok, int n,
                     int dist, long docs)
{
    int k, worst = 0;

    for (k = 0; k < *nbest; k++)
        if (!strncmp(best[k].tok, tok, (size_t)n) && !best[k].tok[n]) {
            if (docs > best[k].docs) best[k].docs = docs;
            return;
        }
    if (*nbest < TYPO_FORMS_MAX) {
        k = (*nbest)++;
    } else {
        for (k = 1; k < *nbest; k++)
            if (best[k].dist > best[worst].dist ||
                (best[k].dist == best[worst].dist &&
                 best[k].docs < best[worst].docs))
                worst = k;
        k = worst;
        if (dist > best[k].dist ||
            (dist == best[k].dist && docs <= best[k].docs))
            return;
    }
    snprintf(best[k].tok, sizeof best[k].tok, "%.*s", n, tok);
    best[k].dist = dist;
    best[k].docs = docs;
}

/* scan: near tokens of word among the terms of a range query that share
 * its first two letters: the typed word against each token (the token
 * may stop where the word's ending begins: "coifeuse" near "coif"), or,
 * with stem set, the word's token stem against each token. */
static void scan(struct db *db, const char *sql, const char *word,
                 const char *stem, int max, struct near *best, int *nbest)
{
    sqlite3_stmt *st = db_stmt(db, sql);
    char lo[3], hi[3];
    int nw = (int)strlen(word);

    if (!st || nw < 2) return;
    lo[0] = hi[0] = word[0];
    lo[1] = word[1];
    hi[1] = (char)(word[1] + 1);
    lo[2] = hi[2] = 0;
    sqlite3_bind_text(st, 1, lo, 2, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, hi, 2, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *t = db_text(st, 0);
        int nt = sqlite3_column_bytes(st, 0), d;

        if (nt < 4 || nt > nw + max) continue;
        d = stem ? search_edit_distance(t, nt, stem, (int)strlen(stem), max)
                 : search_prefix_distance(t, nt, word, nw, max);
        if (d <= max) consider(best, nbest, t, nt, d, sqlite3_column_int64(st, 1));
    }
    db_stmt_done(st);
}

/* typos: near tokens of term i: when the index does not know its word,
 * the nearest tokens of the index and of the trade words; when it knows
 * it but a token one edit from its token is far more frequent (three
 * times, and in 20 profiles or more: "menusier" analyzes to "menus", a
 * real word, while "menuis" is what was meant), that token too. */
static void typos(struct db *db, struct search_query *q, int i, long docs)
{
    struct search_term *t = &q->terms[i];
    struct near best[TYPO_FORMS_MAX];
    int nbest = 0, n = (int)strlen(t->word), max, k;

    if (n < 5 || docs >= 2000) return;
    max = n >= 9 ? 2 : 1;
    if (docs == 0) {
        scan(db, sql_range, t->word, NULL, max, best, &nbest);
        scan(db, sql_trade_range, t->word, NULL, max, best, &nbest);
    } else {
        scan(db, sql_range, t->word, t->tok, 1, best, &nbest);
    }
    for (k = 0; k < nbest; k++) {
        if (!strcmp(best[k].tok, t->tok)) continue;
        if (docs > 0 && (best[k].docs < 3 * docs || best[k].docs < 20))
            continue;
        search_query_add_form(q, i, FORM_TYPO, best[k].tok, NULL, NULL);
        add_trades(db, q, i, best[k].tok);
    }
}

/* prefix_trades: the trade codes of the most weighty trade word that the
 * word being typed begins ("plom" -> "plomb" -> F1603). */
static void prefix_trades(struct db *db, struct search_query *q, int i)
{
    struct search_term *t = &q->terms[i];
    sqlite3_stmt *st = db_stmt(db, sql_best);
    char hi[80], best[72] = "";
    size_t n = strlen(t->tok);

    if (!st || n < 4 || n + 2 > sizeof hi) return; /* "pla": too vague */
    memcpy(hi, t->tok, n);
    hi[n] = (char)0x7f;
    hi[n + 1] = 0;
    sqlite3_bind_text(st, 1, t->tok, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, hi, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(best, sizeof best, "%s", db_text(st, 0));
    db_stmt_done(st);
    if (*best) add_trades(db, q, i, best);
}

/* stems: index tokens that the word being typed starts with. */
static void stems(struct db *db, struct search_query *q, int i)
{
    struct search_term *t = &q->terms[i];
    int n = (int)strlen(t->word), j, min = n / 2 > 4 ? n / 2 : 4;

    for (j = n - 1; j >= min; j--)
        if (doc_count(db, t->word, j) > 0) {
            char tok[72];

            snprintf(tok, sizeof tok, "%.*s", j, t->word);
            search_query_add_form(q, i, FORM_STEM, tok, NULL, NULL);
            add_trades(db, q, i, tok);
            break;
        }
}

static void synonyms_of(struct search_query *q, int i)
{
    const char *tok = q->terms[i].tok;
    size_t g, k;

    for (g = 0; g < sizeof synonyms / sizeof synonyms[0]; g++) {
        int hit = 0;

        for (k = 0; k < 4 && synonyms[g][k]; k++)
            if (!strcmp(synonyms[g][k], tok)) hit = 1;
        if (!hit) continue;
        for (k = 0; k < 4 && synonyms[g][k]; k++)
            if (strcmp(synonyms[g][k], tok))
                search_query_add_form(q, i, FORM_SYNONYM, synonyms[g][k],
                                      NULL, NULL);
    }
}

enum rc search_query_expand(struct db *db, struct search_query *q)
{
    int i;

    for (i = 0; i < q->nterms; i++) {
        struct search_term *t = &q->terms[i];
        long docs = doc_count(db, t->tok, -1);
        int codes;

        if (docs < 0) return RC_DB;
        /* A word of 6 letters or more that the index knows is complete:
         * its prefix would only cost (plombier -> plomb*). */
        if (t->prefix && docs > 0 && strlen(t->word) >= 6)
            search_query_drop_prefix(q, i);
        codes = add_trades(db, q, i, t->tok);
        synonyms_of(q, i);
        if (t->prefix) {
            stems(db, q, i);
            if (!codes) prefix_trades(db, q, i);
        }
        if (!codes) typos(db, q, i, docs);
    }
    return RC_OK;
}
