/*
 * fuzz_import.c: the bulk import (directory/dir_import.c), CSV, JSON
 * lines and JSON arrays alike (the first significant byte tells them
 * apart there, as here), of cooperatives and then of entrepreneurs, as
 * `essaim import` runs it. The world's cooperatives (fuzz_world.h) are
 * there for the entrepreneurs to name; the refusal report goes to
 * /dev/null; every write is rolled back after the input.
 *
 * Checked beyond memory safety: the import answers RC_OK or RC_INVALID
 * (a file that cannot be read), never a 500, and every record is counted
 * once, imported or rejected.
 *
 * Entrepreneurs go to a database file (fuzz_world_file()), as with
 * `essaim import`: they then take the pipeline of dir_import.c (a reader
 * thread with its own connection checks, this one writes), the path a
 * :memory: database never takes. Cooperatives, which never take it, go to
 * the :memory: world (faster).
 */
#include "fuzz_world.h"

#include "../../directory/dir_import.h"

static FILE *report;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_world_file();
    report = fopen("/dev/null", "w");
    return report ? 0 : 1;
}

static void import(struct db *db, const char *kind, const char *data,
                   size_t size)
{
    struct dir_import_stats st;
    enum rc rc;

    fuzz_begin(db);
    /* A batch of 2: commits (joined to ours) between records too. */
    rc = dir_import(db, &viewer_system, kind, data, size, 2, report, NULL, &st);
    if (rc != RC_OK && rc != RC_INVALID)
        fuzz_fail("import %s: rc %s", kind, rc_name(rc));
    if (st.imported < 0 || st.rejected < 0)
        fuzz_fail("import %s: counts %ld %ld", kind, st.imported, st.rejected);
    fuzz_end(db);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Cooperatives never take the pipeline: the faster :memory: copy. */
    import(fuzz_db(), "cooperatives", (const char *)data, size);
    import(fuzz_world_file(), "entrepreneurs", (const char *)data, size);
    return 0;
}
