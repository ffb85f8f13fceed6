/*
 * fuzz.h: what the fuzz targets share (header-only, like testutil.h).
 *
 * Each tests/fuzz/fuzz_NAME.c defines LLVMFuzzerInitialize (run once) and
 * LLVMFuzzerTestOneInput (run per input). The same file is linked either
 * with libFuzzer (make fuzz: clang, -fsanitize=fuzzer,address,undefined)
 * or with tests/fuzz/replay.c, a plain main that feeds it files (make
 * test: every corpus and regression file, with any compiler).
 *
 * A target must leave no trace of one input on the next: it frees what it
 * allocates (LeakSanitizer checks every input), and its database writes
 * happen inside fuzz_begin()/fuzz_end(), an outer transaction that is
 * always rolled back (store/db.h: inner levels join it), so every input
 * meets the same database. Not thread-safe: libFuzzer runs one input at a
 * time.
 */
#ifndef ESSAIM_FUZZ_H
#define ESSAIM_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../../account/account.h"
#include "../../search/search.h"
#include "../../search/search_place.h"
#include "../../search/search_trade.h"
#include "../../store/db.h"
#include "../../util/log.h"
#include "../../util/rc.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fuzz_fail: a broken promise of the code under test (an rc that would
 * be a 500, a refusal that names no field): report it and abort, which
 * libFuzzer and the replay driver both count as a crash. */
#define fuzz_fail(...)                                                         \
    do {                                                                       \
        fprintf(stderr, "fuzz: %s:%d: ", __FILE__, __LINE__);                  \
        fprintf(stderr, __VA_ARGS__);                                          \
        fputc('\n', stderr);                                                   \
        abort();                                                               \
    } while (0)

/* fuzz_db: the one :memory: database of the process, with the schema,
 * the communes, départements, régions and trade codes loaded, opened on
 * first use. Exits on failure (nothing can be fuzzed then). */
static inline struct db *fuzz_db(void)
{
    static struct db *db;

    if (db) return db;
    log_set_level(LOG_ERROR);
    search_init();
    /* The cheapest argon2id libsodium allows, as in the tests. */
    if (account_init(1, 8192, 0) != 0 ||
        db_open(":memory:", NULL, &db) != RC_OK ||
        search_place_ensure(db) != RC_OK || search_trade_ensure(db) != RC_OK) {
        fprintf(stderr, "fuzz: cannot open the database\n");
        exit(1);
    }
    return db;
}

/* fuzz_begin / fuzz_end: the outer transaction around one input. Every
 * write of the code under test joins it; fuzz_end rolls it all back. */
static inline void fuzz_begin(struct db *db)
{
    if (db_begin(db) != RC_OK) fuzz_fail("cannot begin");
}

static inline void fuzz_end(struct db *db)
{
    /* The code under test may have rolled our level back already (a
     * failed call rolls back whatever transaction is open). */
    if (db_in_transaction(db)) db_rollback(db);
    if (db_in_transaction(db)) fuzz_fail("a transaction was left open");
}

/* fuzz_str: data[0..size) as a new NUL-terminated string (free() it);
 * a NUL inside cuts it short, as a C caller would see it. */
static inline char *fuzz_str(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);

    if (!s) abort();
    if (size) memcpy(s, data, size);
    s[size] = 0;
    return s;
}

/* fuzz_check_rc: the contract of every API call on untrusted input: bad
 * input is a 4xx answer (never RC_DB, RC_NOMEM or RC_INTERNAL, the 500s),
 * and RC_INVALID lists at least one {"field","message"} in errs. what
 * names the call for the report. */
static inline void fuzz_check_rc(const char *what, enum rc rc, json_t *errs)
{
    size_t i;
    json_t *e;

    if (rc == RC_DB || rc == RC_NOMEM || rc == RC_INTERNAL)
        fuzz_fail("%s: rc %s (a 500) on client input", what, rc_name(rc));
    if (rc == RC_INVALID && errs) {
        if (!json_array_size(errs))
            fuzz_fail("%s: invalid, but no error says why", what);
        json_array_foreach(errs, i, e) {
            if (!json_is_string(json_object_get(e, "field")) ||
                !json_is_string(json_object_get(e, "message")))
                fuzz_fail("%s: an error without field or message", what);
        }
    }
}

#endif
