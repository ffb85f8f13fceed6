/*
 * dir_demo.c: demo data (see dir_demo.h).
 */
#include "dir_demo.h"

enum rc dir_demo(struct db *db, int size, unsigned long seed,
                 struct dir_demo_stats *st)
{
    (void)db;
    (void)size;
    (void)seed;
    st->cooperatives = 0;
    st->entrepreneurs = 0;
    return RC_OK;
}
