/*
 * search_text_db.c: the FTS5 tokenizer "essaim_fr" over the French
 * analyzer (see search_text.h).
 *
 * Everything it sees is already analyzed: index columns are written as
 * lists of index tokens (search_index_build), query strings by the query
 * builder (search_query.c). So it only splits on spaces; the analysis
 * runs before, where it can run on another thread than the write.
 */

#include "../store/db.h"
#include "search_text.h"

/* The tokenizer has no state: it splits on spaces. */
static int tok_create(void *ctx, const char **argv, int argc,
                      Fts5Tokenizer **out)
{
    static int instance;

    (void)ctx;
    (void)argv;
    (void)argc;
    *out = (Fts5Tokenizer *)&instance;
    return SQLITE_OK;
}

static void tok_delete(Fts5Tokenizer *p)
{
    (void)p;
}

static int tok_tokenize(Fts5Tokenizer *p, void *ctx, int flags,
                        const char *text, int len,
                        int (*token)(void *, int, const char *, int, int,
                                     int))
{
    int i = 0, rc;

    (void)p;
    (void)flags;
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
    fts5_api *api = db_fts5(h);

    if (!api) return SQLITE_ERROR;
    return api->xCreateTokenizer(api, "essaim_fr", NULL, &tok, NULL);
}
