/*
 * check.h: validation of JSON input, one field at a time.
 *
 * A validator reads an untrusted object `in` and copies each accepted
 * field into a clean object `out`, so that what is stored is exactly what
 * was checked. Each refusal appends {"field","message"} to c->errs, with
 * the field named by its full path ("location.insee", "trades[2].code"),
 * and validation goes on so that one answer lists every bad field.
 * Messages are French-free plain English for API clients.
 *
 * Return values of the check_* field functions: 1 the field was accepted
 * and copied, 0 it is absent (JSON null counts as absent), -1 it was
 * refused. Pure functions on borrowed jansson values; thread-safe.
 */
#ifndef ESSAIM_CHECK_H
#define ESSAIM_CHECK_H

#include <jansson.h>
#include <stddef.h>

struct check {
    json_t *errs;     /* array collecting {"field","message"}; borrowed */
    const char *path; /* prefix of field names: "" or "location" */
};

enum {
    CHECK_REQUIRED = 1,  /* absent, null or empty is an error */
    CHECK_MULTILINE = 2, /* a string may hold line breaks */
};

/* check_fail: record an error on field path.key (key may be NULL or ""). */
void check_fail(const struct check *c, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* check_nested: a child context for in[key] or in[key][index] (index < 0:
 * none); names are written into buf, which must outlive the child. */
struct check check_nested(const struct check *c, const char *key, int index,
                          char *buf, size_t size);

/* check_failed: number of errors recorded so far. */
size_t check_failed(const struct check *c);

/* check_unknown: refuse every key of in that is not in known[] (a NULL-
 * terminated list). Returns the number of unknown keys. */
int check_unknown(const struct check *c, json_t *in, const char *const *known);

/* check_string: a string of at most max characters, trimmed of spaces;
 * control characters refused (line breaks too unless CHECK_MULTILINE). */
int check_string(const struct check *c, json_t *in, const char *key,
                 size_t max, unsigned flags, json_t *out);

/* check_email: an address "name@domain.tld" of at most 254 characters. */
int check_email(const struct check *c, json_t *in, const char *key,
                unsigned flags, json_t *out);

/* check_enum: a string among values[] (NULL-terminated). */
int check_enum(const struct check *c, json_t *in, const char *key,
               const char *const *values, unsigned flags, json_t *out);

/* check_real: a number in [min, max], copied as a JSON real or integer. */
int check_real(const struct check *c, json_t *in, const char *key, double min,
               double max, unsigned flags, json_t *out);

/* check_date: a calendar date "YYYY-MM-DD". */
int check_date(const struct check *c, json_t *in, const char *key,
               unsigned flags, json_t *out);

/* check_strings: an array of at most max_items strings of at most
 * max_chars characters each; empty strings dropped, duplicates (after
 * trimming) kept once. */
int check_strings(const struct check *c, json_t *in, const char *key,
                  size_t max_items, size_t max_chars, json_t *out);

/* check_string_value: validate one string value (not a field of an
 * object); on success *out is a new trimmed copy (free() it). */
int check_string_value(const struct check *c, const char *key, json_t *v,
                       size_t max, unsigned flags, char **out);

/* check_date_str: 1 if s is a real calendar date "YYYY-MM-DD". */
int check_date_str(const char *s);

/* check_merge_patch: a new object: current with each key of patch set
 * (JSON null removes the key). Top level only: nested objects are
 * replaced whole, so {"location": {"insee": "75056"}} moves a profile. */
json_t *check_merge_patch(json_t *current, json_t *patch);

/* check_present: in[key] exists and is not null. */
int check_present(json_t *in, const char *key);

#endif
