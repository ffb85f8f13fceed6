/*
 * fuzz_ocds.c: the OCDS reader (tender/ocds.c): a release package or a
 * single release, each tender it yields then checked by tender_check()
 * (tender_check.c: places from NUTS codes, postcodes and addresses,
 * wanted[] from CPV codes and job titles) as `import tenders` does, and
 * the whole import (tender_import: parse, check, store) on top, rolled
 * back. The places and trade codes are in the shared :memory: database.
 *
 * Checked beyond memory safety: the reader answers RC_OK or RC_INVALID
 * with an array; refusals name their field; no 500 from the check.
 */
#include "fuzz.h"

#include "../../tender/tender.h"
#include "../../tender/tender_db.h"
#include "../../util/viewer.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_db();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct db *db = fuzz_db();
    json_t *errs = json_array(), *list = NULL, *doc, *out;
    size_t i;
    enum rc rc;

    rc = tender_from_ocds((const char *)data, size, errs, &list);
    if (rc != RC_OK && rc != RC_INVALID) fuzz_fail("ocds: rc %s", rc_name(rc));
    fuzz_check_rc("ocds", rc, errs);
    if (rc == RC_OK && !json_is_array(list)) fuzz_fail("ocds: no array");
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
    return 0;
}
