/*
 * fuzz_federation.c: what a peer instance sends (federation/fed_pull.c):
 * a page of its change feed, or its descriptor, applied through
 * fed_apply() as the puller applies them: every change checked (shape,
 * origin, visibility, coordinates, the profile checks of a local write
 * through the bulk import), deletions made, cooperatives made, the
 * cursor moved. One peer, origin https://a.essaim.example (the seeds'),
 * registered in LLVMFuzzerInitialize; every input rolled back.
 *
 * Checked beyond memory safety: a peer's document is never a 500 (RC_DB,
 * RC_NOMEM, RC_INTERNAL): a bad page is RC_UPSTREAM, a bad change is
 * counted and skipped.
 */
#include "fuzz.h"

#include "../../federation/fed.h"

static long long peer;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct db *db = fuzz_db();

    (void)argc;
    (void)argv;
    if (db_exec(db, "INSERT INTO peer(url, origin, name)"
                    " VALUES('https://a.essaim.example',"
                    " 'https://a.essaim.example', 'essaim Nantes')") !=
        RC_OK)
        fuzz_fail("cannot register the peer");
    peer = sqlite3_last_insert_rowid(db_handle(db));
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct db *db = fuzz_db();
    struct fed_pull_stats st;
    enum rc rc;

    fuzz_begin(db);
    rc = fed_apply(db, peer, (const char *)data, size, &st);
    if (rc != RC_OK && rc != RC_UPSTREAM)
        fuzz_fail("fed_apply: rc %s: %s", rc_name(rc), st.error);
    if (rc == RC_UPSTREAM && !*st.error)
        fuzz_fail("fed_apply: a refused document without a reason");
    fuzz_end(db);
    return 0;
}
