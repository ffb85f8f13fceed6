/*
 * search_index.h: keeping the full-text index in step with the profiles.
 *
 * The directory calls these inside the transaction that writes a profile,
 * so the index never disagrees with the data it describes. The changes
 * wait in a temporary table and reach the FTS5 index just before COMMIT
 * (search_index_flush), in one statement per transaction: a bulk import
 * then writes one index segment per batch, not one per record.
 *
 * An entry holds the profile's text in five columns (name, headline,
 * trades, skills, body), stored analyzed (index tokens: the tokenizer
 * only splits them), and its tags: '_' tokens:
 *
 *   _k_e                 kind: entrepreneur (_k_o an offer, _k_g a group,
 *                        _k_p a time post: search_item.h)
 *   _t_rome_f _t_rome_f16 _t_rome_f1603
 *                        each trade code and its parents (NAF: 43, 43.2,
 *                        43.22, 43.22a; CPV: 45, 453, 4533, 45330...)
 *   _q_cap-menuisier     each qualification, folded, '-' for spaces
 *
 * Thread-safe given one struct db per thread.
 */
#ifndef ESSAIM_SEARCH_INDEX_H
#define ESSAIM_SEARCH_INDEX_H

#include <jansson.h>

#include "../store/db.h"
#include "../util/buf.h"

/* The version of the index layout and analysis: an index written by
 * another version is rebuilt (search_index_stale). */
#define SEARCH_INDEX_VERSION "4"

/* Kinds, in the low bits of an index rowid: rowid = id * 4 + kind (id:
 * entrepreneur.id, offer.id, grp.id, time_post.id). Two bits: there is
 * no room for a fifth kind in this layout. */
enum search_kind {
    SEARCH_KIND_ENTREPRENEUR = 0,
    SEARCH_KIND_OFFER = 1,
    SEARCH_KIND_GROUP = 2,
    SEARCH_KIND_POST = 3 /* contribution-temps: help offered or needed */
};

/* The index columns of one profile, already analyzed: each a list of
 * index tokens separated by spaces. The analysis (the costly part) can so
 * run on another thread than the write (a bulk import's reader). */
struct search_entry {
    struct buf col[6]; /* name, headline, trades, skills, body, tags */
};

struct search_text;

/* search_index_build: the entry of an entrepreneur's clean document (as
 * dir_ent stores it), analyzed with an (the caller's thread's). 0 on
 * success, -1 when out of memory. Pure. */
int search_index_build(struct search_text *an, json_t *doc,
                       struct search_entry *e);

void search_index_entry_free(struct search_entry *e);

/* search_index_put: (re)index entrepreneur id with a built entry; fresh:
 * id was never indexed, nothing to remove first. */
enum rc search_index_put(struct db *db, long long id,
                         const struct search_entry *e, int fresh);

/* search_index_entrepreneur: build and put, on this thread. doc is
 * borrowed. */
enum rc search_index_entrepreneur(struct db *db, long long id, long long coop,
                                  json_t *doc, int fresh);

/* search_index_remove: drop entrepreneur id from the index. */
enum rc search_index_remove(struct db *db, long long id);

/* search_index_put_row, search_index_remove_row: the same for any index
 * rowid (id * 4 + kind); put_row assumes the rowid may be indexed
 * already (search_item_db.c uses them for offers and groups). */
enum rc search_index_put_row(struct db *db, long long rowid,
                             const struct search_entry *e);
enum rc search_index_remove_row(struct db *db, long long rowid);

/* search_index_trade_tags: append the tags of trade (scheme, code): the
 * code and its parents ("_t_rome_f _t_rome_f16 _t_rome_f1603"); nothing
 * for a scheme that has no tags (free). */
void search_index_trade_tags(struct buf *b, const char *scheme,
                             const char *code);

/* search_index_add_text: append user text s to an index column's source
 * text, '_' made a space (it cannot forge a tag), after " ; ". */
void search_index_add_text(struct buf *b, const char *s);

/* search_index_analyze: append the analyzed tokens of text s to col. */
void search_index_analyze(struct search_text *an, struct buf *col,
                          const char *s);

/* search_index_qualification: the tag value of a qualification (folded,
 * '-' for spaces), a new string to free(), NULL when out of memory. */
char *search_index_qualification(const char *q);

/* search_index_flush: write the transaction's pending index changes
 * into the index (a db_precommit_fn, registered by search_init); first,
 * in a write transaction, the offers, groups and time posts marked
 * changed (search_item_flush). */
enum rc search_index_flush(struct db *db);

/* search_index_stale: 1 when the index was written by another version
 * (or never), 0 when current. */
int search_index_stale(struct db *db);

/* search_index_clear: empty the index (before a rebuild). */
enum rc search_index_clear(struct db *db);

/* search_index_optimize: merge the index into one segment, which drops
 * every trace of deleted entries (an erasure needs it: FTS5 only marks
 * them deleted). Costs a rewrite of the whole index. */
enum rc search_index_optimize(struct db *db);

/* search_index_done: record that the index is complete and current, and
 * merge its segments. Offers, groups and time posts are (re)indexed here
 * too (every one is marked changed: search_item_all), so that a rebuild
 * of the entrepreneurs' index (dir_ent_reindex) rebuilds theirs. */
enum rc search_index_done(struct db *db);

#endif
