/*
 * search_text.h: French text analysis, the same for the index and for
 * queries: names, headlines, descriptions, skills, trade labels, offers.
 *
 * A word is a run of letters and digits after folding (util/text.h:
 * case, accents, ligatures; apostrophes split elisions, so "l'atelier"
 * gives "l" and "atelier"). Stop words and one-character words are
 * dropped. Each word is stemmed with Snowball's French stemmer (Debian's
 * libstemmer) on its folded form, so that a query typed without accents
 * meets a text written with them; then the trade-family rule removes one
 * derivational ending (menuisier, menuisière, menuiserie -> "menuis";
 * plombier, plomberie -> "plomb"; traducteur, traductrice, traduction ->
 * "traduct") when at least five letters remain, and a final doubled
 * consonant is made single (maçonnerie -> "macon").
 *
 * Tags: a word starting with '_' in indexed text ("_d_44") is taken as it
 * is. The index writes them in its tags column; user text never holds
 * '_' (the indexer turns it into a space), so a profile cannot forge one.
 *
 * An analyzer owns a Snowball stemmer, which is not thread-safe: one
 * analyzer per thread. The FTS5 tokenizer "essaim_fr" (search_text_db.c)
 * wraps it: documents are analyzed; query strings, which only the query
 * builder writes, are taken as already analyzed tokens.
 */
#ifndef ESSAIM_SEARCH_TEXT_H
#define ESSAIM_SEARCH_TEXT_H

#include <stddef.h>

#define SEARCH_TEXT_MAX_WORD 64 /* longer words are cut */

struct search_text;

/* search_text_new: a new analyzer, or NULL when out of memory, with a
 * cache of recent words of `slots` entries (rounded up to a power of two;
 * 0 for none; 50 bytes each: 8192 for indexing, 1024 for queries). */
struct search_text *search_text_new(unsigned slots);
void search_text_free(struct search_text *t);

/* search_text_fn: called for each analyzed word: tok[0..ntok) is the
 * index token, word[0..nword) the folded word before stemming, and
 * [start, end) the word's bytes in the text. Non-zero stops the walk and
 * is returned by search_text_each. */
typedef int (*search_text_fn)(void *arg, const char *tok, int ntok,
                              const char *word, int nword, int start,
                              int end);

/* search_text_each: analyze text[0..len) (valid UTF-8). Stop words are
 * skipped unless keep_stop is set (queries of only stop words). */
int search_text_each(struct search_text *t, const char *text, int len,
                     int keep_stop, search_text_fn fn, void *arg);

/* search_text_norm: the index token of one folded word (lower-case
 * letters and digits) into out (size > SEARCH_TEXT_MAX_WORD); returns its
 * length. */
int search_text_norm(struct search_text *t, const char *word, int n,
                     char *out, size_t size);

/* search_text_is_stop: is the folded word a French stop word? */
int search_text_is_stop(const char *word, int n);

/* search_text_register: register the FTS5 tokenizer "essaim_fr" on a
 * connection (a db_extension_fn, see store/db.h). */
struct sqlite3;
int search_text_register(struct sqlite3 *h);

#endif
