/*
 * search_text_db.c: the FTS5 tokenizer "essaim_fr" over the French
 * analyzer (see search_text.h).
 *
 * Documents (and auxiliary functions) are analyzed; query strings are
 * split on spaces and taken as they are, because only the query builder
 * (search_query.c) writes them, with tokens it analyzed itself.
 */
#include <stdlib.h>
#include <string.h>

#include "../store/db.h"
#include "search_text.h"

struct tokenizer {
    struct search_text *text;
};

static int tok_create(void *ctx, const char **argv, int argc,
                      Fts5Tokenizer **out)
{
    struct tokenizer *t = calloc(1, sizeof *t);

    (void)ctx;
    (void)argv;
    (void)argc;
    *out = NULL;
    if (!t) return SQLITE_NOMEM;
    t->text = search_text_new(1);
    if (!t->text) {
        free(t);
        return SQLITE_NOMEM;
    }
    *out = (Fts5Tokenizer *)t;
    return SQLITE_OK;
}

static void tok_delete(Fts5Tokenizer *p)
{
    struct tokenizer *t = (struct tokenizer *)p;

    if (!t) return;
    search_text_free(t->text);
    free(t);
}

struct emit {
    void *ctx;
    int (*token)(void *, int, const char *, int, int, int);
};

static int on_word(void *arg, const char *tok, int ntok, const char *word,
                   int nword, int start, int end)
{
    struct emit *e = arg;

    (void)word;
    (void)nword;
    return e->token(e->ctx, 0, tok, ntok, start, end);
}

static int tok_tokenize(Fts5Tokenizer *p, void *ctx, int flags,
                        const char *text, int len,
                        int (*token)(void *, int, const char *, int, int,
                                     int))
{
    struct tokenizer *t = (struct tokenizer *)p;
    struct emit e = {ctx, token};
    int i = 0, rc;

    if (!(flags & FTS5_TOKENIZE_QUERY))
        return search_text_each(t->text, text, len, 0, on_word, &e);
    while (i < len) {
        int s;

        while (i < len && text[i] == ' ') i++;
        s = i;
        while (i < len && text[i] != ' ') i++;
        if (i > s) {
            rc = token(ctx, 0, text + s, i - s, s, i);
            if (rc != SQLITE_OK) return rc;
        }
    }
    return SQLITE_OK;
}

int search_text_register(sqlite3 *h)
{
    static fts5_tokenizer tok = {tok_create, tok_delete, tok_tokenize};
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;
    int rc;

    rc = sqlite3_prepare_v2(h, "SELECT fts5(?1)", -1, &st, NULL);
    if (rc != SQLITE_OK) return rc;
    sqlite3_bind_pointer(st, 1, &api, "fts5_api_ptr", NULL);
    sqlite3_step(st);
    rc = sqlite3_finalize(st);
    if (rc != SQLITE_OK || !api) return rc != SQLITE_OK ? rc : SQLITE_ERROR;
    return api->xCreateTokenizer(api, "essaim_fr", NULL, &tok, NULL);
}
