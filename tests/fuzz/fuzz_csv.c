/*
 * fuzz_csv.c: the CSV reader (util/csv.c), as the bulk import uses it:
 * the separator sniffed from the header line, then every record to the
 * end or to the first malformed one. Checks what csv.h promises: at most
 * CSV_MAX_FIELDS fields, each a NUL-terminated string inside the
 * record's storage, line numbers that only grow.
 */
#include "fuzz.h"

#include "../../util/csv.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    struct csv c;
    long last = 0;
    int got, i;
    char sep = csv_sniff(text, size);

    if (sep != ',' && sep != ';') fuzz_fail("separator %d", sep);
    csv_init(&c, text, size, sep);
    while ((got = csv_next(&c)) == 1) {
        if (c.n < 1 || c.n > CSV_MAX_FIELDS) fuzz_fail("%d fields", c.n);
        if (c.lineno <= last || c.nextline < c.lineno)
            fuzz_fail("line %ld after %ld", c.lineno, last);
        last = c.lineno;
        for (i = 0; i < c.n; i++) {
            const char *f = c.field[i];

            if (f < c.store.p || f >= c.store.p + c.store.len ||
                f + strlen(f) >= c.store.p + c.store.len)
                fuzz_fail("field %d outside its record", i);
        }
    }
    if (got != 0 && got != -1) fuzz_fail("csv_next returned %d", got);
    csv_free(&c);
    return 0;
}
