/*
 * ids.h: record ids as the API shows them.
 *
 * Ids are opaque strings to clients; inside they are SQLite rowids,
 * written in decimal. Input accepts a string of digits or a JSON integer.
 * Pure; thread-safe.
 */
#ifndef ESSAIM_IDS_H
#define ESSAIM_IDS_H

#include <jansson.h>

/* ids_parse: "42" -> 1 and *id = 42; anything else (empty, signs, over
 * 18 digits, trailing characters) -> 0. */
int ids_parse(const char *s, long long *id);

/* ids_parse_json: the same for a JSON string or a positive integer. */
int ids_parse_json(json_t *v, long long *id);

/* ids_json: a new JSON string for id. */
json_t *ids_json(long long id);

#endif
