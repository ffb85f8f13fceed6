/*
 * fuzz_tender.h: what the two tender readers' targets (fuzz_ocds.c,
 * fuzz_eforms.c) run on an input: the reader, each tender it yields
 * checked by tender_check() as `import tenders` does, then the whole
 * import (tender_import: parse, check, store), rolled back.
 */
#ifndef ESSAIM_FUZZ_TENDER_H
#define ESSAIM_FUZZ_TENDER_H

#include "fuzz.h"

#include "../../tender/tender.h"
#include "../../tender/tender_db.h"
#include "../../util/viewer.h"

/* fuzz_tender: data through read (named name in failures). */
static void fuzz_tender(const char *name,
                        enum rc (*read)(const char *, size_t, json_t *,
                                        json_t **),
                        const uint8_t *data, size_t size)
{
    struct db *db = fuzz_db();
    json_t *errs = json_array(), *list = NULL, *doc, *out;
    size_t i;
    enum rc rc;

    rc = read((const char *)data, size, errs, &list);
    if (rc != RC_OK && rc != RC_INVALID)
        fuzz_fail("%s: rc %s", name, rc_name(rc));
    fuzz_check_rc(name, rc, errs);
    if (rc == RC_OK && !json_is_array(list)) fuzz_fail("%s: no array", name);
    fuzz_begin(db);
    json_array_foreach(list, i, doc) {
        json_t *cerrs = json_array();

        out = NULL;
        rc = tender_check(db, doc, cerrs, &out);
        fuzz_check_rc("tender_check", rc, cerrs);
        json_decref(out);
        json_decref(cerrs);
    }
    json_decref(list);
    json_decref(errs);

    errs = json_array();
    out = NULL;
    rc = tender_import(db, &viewer_system, (const char *)data, size, NULL, NULL,
                       NULL, errs, NULL, &out);
    fuzz_check_rc("tender_import", rc, errs);
    fuzz_end(db);
    json_decref(out);
    json_decref(errs);
}

#endif
