/*
 * parse_int.h: helpers shared by the notice parsers (parse.c, ocds.c,
 * eforms.c), defined in parse.c; not part of the module's interface.
 */
#ifndef ESSAIM_TENDER_PARSE_INT_H
#define ESSAIM_TENDER_PARSE_INT_H

#include <jansson.h>
#include <stddef.h>

/* tender_cpv_code: "77310000" or "77310000-6" -> the 8 digits; 1 or 0. */
int tender_cpv_code(const char *in, char out[9]);
/* tender_utc: an ISO 8601 date or date-time in UTC "...Z"; 1 or 0. */
int tender_utc(const char *in, char *out, size_t size);
/* tender_add_unique: append s to the array of strings unless there. */
int tender_add_unique(json_t *arr, const char *s);
/* tender_too_big: 1 (with an error on "document") past TENDER_MAX_BYTES. */
int tender_too_big(size_t len, json_t *errs);

#endif
