/*
 * dir_import.h: bulk import of cooperatives and entrepreneurs.
 *
 * Input: JSON lines (one object per line, the API's fields), a JSON array
 * of such objects, or CSV with a header line (',' or ';'; columns named
 * like the API's fields, with location, intervention and availability
 * flattened: insee, postcode, city, lat, lon, radius_km, zones, from,
 * until, days_per_week; lists such as skills and trades separated by '|'
 * or ';'). Each record goes through the same validation as the API; a
 * refused record is reported and skipped, the others go on. Records are
 * committed every `batch` records, so a crash loses at most the batch in
 * progress, never one already reported. Re-importing the same
 * external_id updates the record. Not thread-safe (one import at a time
 * per connection).
 */
#ifndef ESSAIM_DIR_IMPORT_H
#define ESSAIM_DIR_IMPORT_H

#include <stdio.h>

#include "../store/db.h"

struct dir_import_stats {
    long imported; /* records created or updated */
    long rejected; /* records refused */
};

/* dir_import: import data[0..len) as kind "cooperatives" or
 * "entrepreneurs", as v (the command line: &viewer_system). One line per refused record goes to report ("line N
 * (external_id X): field: reason; ..."), progress lines to progress (may
 * be NULL). RC_INVALID when the input as a whole cannot be read (the
 * reason goes to report); RC_OK otherwise, whatever was refused. */
struct viewer;
enum rc dir_import(struct db *db, const struct viewer *v, const char *kind,
                   const char *data, size_t len, int batch, FILE *report,
                   FILE *progress, struct dir_import_stats *st);

/* dir_import_records: import the entrepreneurs of the JSON array records
 * (already parsed; borrowed, read by a second thread while this one
 * writes), as dir_import does: the federation's pulls (federation/). */
#include <jansson.h>
enum rc dir_import_records(struct db *db, const struct viewer *v,
                           json_t *records, int batch, FILE *report,
                           struct dir_import_stats *st);

#endif
