/*
 * dir_demo.h: a realistic, deterministic demo data set.
 *
 * About 30 cooperatives at real French cities, and entrepreneurs spread
 * by commune population around them, with ROME trades, French headlines
 * and descriptions, all three statuses, radii and zones, and some
 * private profiles. The same size and seed give the same data; records
 * carry external ids ("demo-...") so running it again updates them.
 */
#ifndef ESSAIM_DIR_DEMO_H
#define ESSAIM_DIR_DEMO_H

#include "../store/db.h"

struct dir_demo_stats {
    long cooperatives;
    long entrepreneurs;
};

/* dir_demo: create (or update) size entrepreneurs from seed. */
enum rc dir_demo(struct db *db, int size, unsigned long seed,
                 struct dir_demo_stats *st);

#endif
