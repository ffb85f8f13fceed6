/*
 * search_item.h: offers and groups in the search engine (kind=offer,
 * kind=group), beside the entrepreneurs.
 *
 * The index. An offer and a business or trade group each have an entry
 * in the same FTS5 index as the profiles (search_index.h), rowid id * 4 +
 * SEARCH_KIND_OFFER or SEARCH_KIND_GROUP, analyzed by the same French
 * analysis:
 *
 *   offer  name: its title; headline: its owner's name (an entrepreneur's
 *          display name or a group's name); trades: its trades' labels;
 *          body: its description; tags: _k_o and its trade codes.
 *   group  name: its name; trades: the labels of its trades; skills: the
 *          titles of its active offers; body: its description; tags: _k_g
 *          and its trade codes. A group's trades are those of its active
 *          offers and of its accepted members.
 *
 * Retired offers, tender teams and their offers have no entry.
 *
 * Keeping it current. Offers are written by offer/ and groups by group/,
 * which do not call the search engine: triggers (store/db_schema.c,
 * migration 8 -> 9) mark what a write changes in the table search_dirty
 * (an offer, its trades or who delivers it; a group, its members; the
 * group of a changed offer; a profile's groups and offers, since a
 * group's trades and an offer's owner name come from profiles), and just
 * before COMMIT (search_index_flush, a precommit hook of every write
 * transaction) search_item_flush analyzes the marked ones into the
 * pending index changes, gives each a new change number (offer.seq,
 * grp.seq; a tombstone 'offer' or 'group' for one that is gone), and
 * empties search_dirty. So the index changes in the transaction of the
 * write, and the in-memory table (search_mem.h) sees the change at the
 * next search, whatever module wrote it. A write outside db_commit (raw
 * SQL in autocommit) is indexed with the next transaction that commits
 * through db_commit. A database made while migration 8 -> 9 was a
 * placeholder (user_version 9 without search_dirty) gets the table and
 * its triggers at its first write transaction, which indexes every offer
 * and group.
 *
 * The in-memory table then holds, for each offer, its owner and who
 * delivers it, and for each group its accepted members; areas, places,
 * cooperatives and visibility are read from the members' own entries at
 * query time, so a profile's change needs no propagation.
 *
 * Thread-safety: as search_index.h (one struct db per thread).
 */
#ifndef ESSAIM_SEARCH_ITEM_H
#define ESSAIM_SEARCH_ITEM_H

#include "../store/db.h"

/* search_item_flush: in a write transaction, index the offers and groups
 * marked in search_dirty (see above) and unmark them; nothing in a read
 * transaction, or while the schema is older than 9. */
enum rc search_item_flush(struct db *db);

/* search_item_all: mark every offer and group (a rebuild of the index). */
enum rc search_item_all(struct db *db);

#endif
