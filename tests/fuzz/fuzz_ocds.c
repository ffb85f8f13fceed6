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
#include "fuzz_tender.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_db();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_tender("ocds", tender_from_ocds, data, size);
    return 0;
}
