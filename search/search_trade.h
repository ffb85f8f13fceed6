/*
 * search_trade.h: the trade vocabulary: ROME codes and their job titles
 * (appellations), NAF codes, the CPV codes of CAE trades, and the
 * ROME -> NAF links. Loaded from data/ (embedded in the binary).
 *
 * Codes are compared in a canonical form: ROME "F1603", NAF "43.22A" (any
 * level: "43", "43.2", "43.22", "43.22A"), CPV eight digits without the
 * check digit ("45330000"). Pure functions in search_trade.c, SQL in
 * search_trade_db.c. Thread-safe given one struct db per thread.
 */
#ifndef ESSAIM_SEARCH_TRADE_H
#define ESSAIM_SEARCH_TRADE_H

#include <stddef.h>

#include "../store/db.h"

/* search_trade_scheme_ok: 1 for "rome", "naf", "cpv" (coded schemes). */
int search_trade_scheme_ok(const char *scheme);

/* search_trade_normalize: the canonical form of code in scheme into out
 * (size >= 16): "f1603" -> "F1603", "4322a" -> "43.22A", "45330000-3" ->
 * "45330000". Returns 1 when the code has the scheme's form, else 0. */
int search_trade_normalize(const char *scheme, const char *code, char *out,
                           size_t size);

/* search_trade_label: the French label of a canonical code into label.
 * A CPV code missing from the shipped subset takes the label of its
 * nearest listed ancestor (45331000 -> 45330000). RC_NOTFOUND when the
 * code is unknown. */
enum rc search_trade_label(struct db *db, const char *scheme,
                           const char *code, char *label, size_t size);

/* search_trade_check: validate the array in[key] of trade references
 * ({code, scheme: rome|naf|cpv|free, label}) and set out[key] to the clean
 * array: codes in canonical form, labels from the vocabulary (a free
 * trade keeps its own label), duplicates dropped. Unknown codes are
 * refused, naming the item ("trades[1].code"). Returns as check.h. */
struct check;
#include <jansson.h>
int search_trade_check(struct db *db, const struct check *c, json_t *in,
                       const char *key, size_t max_items, json_t *out);

/* search_trade_ref: a trade as written in a list ("rome:F1603", "F1603",
 * "43.22A", "45330000": the form tells the scheme) -> a new trade
 * reference {scheme, code}; anything else is {scheme: "free", label}. */
json_t *search_trade_ref(const char *s);

/* search_trade_load: replace the vocabulary with the embedded data, in
 * one transaction. */
enum rc search_trade_load(struct db *db);

/* search_trade_ensure: load it if the table is empty. */
enum rc search_trade_ensure(struct db *db);

#endif
