/*
 * search_item.h: offers, groups and time posts in the search engine
 * (kind=offer, kind=group, kind=post), beside the entrepreneurs.
 *
 * The index. An offer, a business or trade group and a contribution-temps
 * post (timebank.h: help offered or needed) each have an entry in the
 * same FTS5 index as the profiles (search_index.h), rowid id * 4 +
 * SEARCH_KIND_OFFER, SEARCH_KIND_GROUP or SEARCH_KIND_POST, analyzed by
 * the same French analysis:
 *
 *   offer  name: its title; headline: its owner's name (an entrepreneur's
 *          display name or a group's name); trades: its trades' labels;
 *          body: its description; tags: _k_o and its trade codes.
 *   group  name: its name; trades: the labels of its trades; skills: the
 *          titles of its active offers; body: its description; tags: _k_g
 *          and its trade codes. A group's trades are those of its active
 *          offers and of its accepted members.
 *   post   name: its title; headline: its author's display name; trades:
 *          its trades' labels; body: its description; tags: _k_p and its
 *          trade codes.
 *
 * Retired offers, tender teams and their offers, and closed posts have no
 * entry. A post whose `until` has passed keeps its entry: no write marks
 * the day it ends, so the search leaves it out by its date (held in the
 * in-memory table).
 *
 * Keeping it current. Offers are written by offer/, groups by group/ and
 * posts by timebank/, which do not call the search engine: triggers
 * (store/db_schema.c, migrations 8 -> 9 and 10 -> 11) mark what a write
 * changes in the table search_dirty (an offer, its trades or who delivers
 * it; a group, its members; the group of a changed offer; a profile's
 * groups, offers and posts, since a group's trades and the owner name of
 * an offer or a post come from profiles; a post, its trades), and just
 * before COMMIT (search_index_flush, a precommit hook of every write
 * transaction) search_item_flush analyzes the marked ones into the
 * pending index changes, gives each a new change number (offer.seq,
 * grp.seq, time_post.seq; a tombstone 'offer', 'group' or 'post' for one
 * that is gone), and empties search_dirty. So the index changes in the
 * transaction of the write, and the in-memory table (search_mem.h) sees
 * the change at the next search, whatever module wrote it. A write
 * outside db_commit (raw SQL in autocommit) is indexed with the next
 * transaction that commits through db_commit. A database made while
 * migration 8 -> 9 was a placeholder (user_version 9 without
 * search_dirty) gets the table and its triggers at its first write
 * transaction, which indexes every offer and group.
 *
 * The in-memory table then holds, for each offer, its owner and who
 * delivers it, for each group its accepted members, for each post its
 * author, trades and dates; areas, places, cooperatives and visibility
 * are read from the people's own entries at query time, so a profile's
 * change needs no propagation. A post is found near a place as its
 * author would be: through the author's intervention area, as an offer
 * through its deliverers' (the post's own place is shown, not searched:
 * it is the author's location unless they gave another).
 *
 * Thread-safety: as search_index.h (one struct db per thread).
 */
#ifndef ESSAIM_SEARCH_ITEM_H
#define ESSAIM_SEARCH_ITEM_H

#include <jansson.h>

#include "../store/db.h"

/* search_item_flush: in a write transaction, index the offers, groups
 * and posts marked in search_dirty (see above) and unmark them; nothing
 * in a read transaction, or while the schema is older than 9. */
enum rc search_item_flush(struct db *db);

/* search_item_all: mark every offer, group and post (a rebuild of the
 * index). */
enum rc search_item_all(struct db *db);

/* search_item_post: what a search result shows of post id: {id, kind
 * (offer|need), status, title, doc (the stored document: description,
 * trades, place, from, until), entrepreneur_id, author_name,
 * cooperative_id, cooperative_name, created_at}; a new reference in
 * *out; RC_NOTFOUND when there is no such post. Read in the caller's
 * transaction. */
enum rc search_item_post(struct db *db, long long id, json_t **out);

#endif
