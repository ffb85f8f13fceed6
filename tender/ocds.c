/*
 * ocds.c: tenders from Open Contracting Data Standard releases (see
 * tender.h and the README section "Tender notices").
 *
 * A release package {"releases": [...]} or one release object. Each
 * release with a tender section gives one document; the releases of one
 * ocid are reduced to the latest (by date, then by position) before
 * anything else is read, so an old malformed release does not hide the
 * current one and errors are reported for the release that counts. Field
 * names in errors are paths into the document:
 * "releases[2].tender.items[0].classification.id". Pure and thread-safe.
 */
#include "tender.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../util/check.h"
#include "../util/text.h"
#include "parse_int.h"


#define PATH_MAX_LEN 256

/* A release with a tender section, before the latest of each ocid is
 * chosen. */
struct cand {
    json_t *rel;       /* borrowed from the parsed document */
    size_t index;      /* position in releases[] */
    const char *ocid;  /* borrowed, or in ocid_buf */
    char ocid_buf[32]; /* an ocid written as an integer */
    char date[24];     /* release date in UTC, "" when absent */
    int latest;        /* 1: the one kept for its ocid */
};

/* type_name: how an error message names a JSON type. */
static const char *type_name(json_type t)
{
    switch (t) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    default:
        return "a number";
    }
}

/* member: in[key] when it has type t (JSON_REAL stands for any number);
 * NULL when absent or null; NULL and an error on the field when it has
 * another type. */
static json_t *member(const struct check *c, json_t *in, const char *key,
                      json_type t)
{
    json_t *v = json_object_get(in, key);

    if (!v || json_is_null(v)) return NULL;
    if (t == JSON_REAL ? json_is_number(v) : json_typeof(v) == t) return v;
    check_fail(c, key, "must be %s", type_name(t));
    return NULL;
}

/* text: the string in[key], NULL when absent, null, empty or blank (an
 * error on the field when it is not a string). */
static const char *text(const struct check *c, json_t *in, const char *key)
{
    json_t *v = member(c, in, key, JSON_STRING);
    const char *s = v ? json_string_value(v) : NULL;

    if (!s || !s[strspn(s, " \t\r\n")]) return NULL;
    return s;
}

/* ident: an identifier in[key], a string or an integer (OCDS allows both
 * for ids); integers are written into buf. NULL as for text(). */
static const char *ident(const struct check *c, json_t *in, const char *key,
                         char *buf, size_t size)
{
    json_t *v = json_object_get(in, key);

    if (json_is_integer(v)) {
        snprintf(buf, size, "%lld", (long long)json_integer_value(v));
        return buf;
    }
    if (v && !json_is_null(v) && !json_is_string(v)) {
        check_fail(c, key, "must be a string or an integer");
        return NULL;
    }
    return text(c, in, key);
}

/* required_ident: ident() of a field that must be there, with an error
 * when it is absent or blank. */
static const char *required_ident(const struct check *c, json_t *in,
                                  const char *key, char *buf, size_t size)
{
    json_t *v = json_object_get(in, key);
    const char *s = ident(c, in, key, buf, size);

    if (!s && (!v || json_is_null(v)))
        check_fail(c, key, "is required");
    else if (!s && json_is_string(v))
        check_fail(c, key, "must not be empty");
    return s;
}

/* set: out[key] = v (stolen); -1 when v is NULL or out of memory. */
static int set(json_t *out, const char *key, json_t *v)
{
    return json_object_set_new(out, key, v) ? -1 : 0;
}

/* set_text: out[key] = the string s when s is not NULL. */
static int set_text(json_t *out, const char *key, const char *s)
{
    return s ? set(out, key, json_string(s)) : 0;
}

/* Tender status codelist (closed) -> document status. The tenderFinal-
 * Status codelist of OCDS 1.2 uses the same words. */
static const char *const status_map[][2] = {
    {"planning", "planned"},    {"planned", "planned"},
    {"active", "active"},       {"complete", "complete"},
    {"cancelled", "cancelled"}, {"unsuccessful", "unsuccessful"},
    {"withdrawn", "cancelled"},
};

/* map_status: the document status for an OCDS status code, or NULL and
 * an error on c.key when the code is not in the codelist. */
static const char *map_status(const struct check *c, const char *key,
                              const char *s)
{
    for (size_t i = 0; i < sizeof status_map / sizeof *status_map; i++)
        if (!strcmp(s, status_map[i][0])) return status_map[i][1];
    check_fail(c, key, "unknown tender status \"%.40s\"", s);
    return NULL;
}

/* has_tag: 1 if the release's tag[] holds one of the NULL-terminated
 * names. */
static int has_tag(json_t *tags, const char *const *names)
{
    size_t i;
    json_t *t;

    json_array_foreach(tags, i, t)
    {
        for (const char *const *n = names; *n; n++)
            if (json_is_string(t) && !strcmp(json_string_value(t), *n))
                return 1;
    }
    return 0;
}

/* release_status: tender.status; else tender.finalStatus (OCDS 1.2);
 * else what the release tags say: tenderCancellation -> cancelled, an
 * award or contract stage -> complete, a tender stage -> active, planning
 * -> planned. NULL when none applies. */
static const char *release_status(const struct check *c, json_t *rel,
                                  const struct check *ct, json_t *tender)
{
    static const char *const cancel[] = {"tenderCancellation", NULL};
    static const char *const done[] = {"award",
                                       "awardUpdate",
                                       "awardCancellation",
                                       "contract",
                                       "contractUpdate",
                                       "contractAmendment",
                                       "implementation",
                                       "implementationUpdate",
                                       "contractTermination",
                                       NULL};
    static const char *const open[] = {"tender", "tenderUpdate",
                                       "tenderAmendment", NULL};
    static const char *const plan[] = {"planning", "planningUpdate", NULL};
    const char *s = text(ct, tender, "status");
    json_t *tags;

    if (s) return map_status(ct, "status", s);
    s = text(ct, tender, "finalStatus");
    if (s) return map_status(ct, "finalStatus", s);
    tags = member(c, rel, "tag", JSON_ARRAY);
    if (has_tag(tags, cancel)) return "cancelled";
    if (has_tag(tags, done)) return "complete";
    if (has_tag(tags, open)) return "active";
    if (has_tag(tags, plan)) return "planned";
    return NULL;
}

/* party_with_role: the name of the first party of parties[] holding the
 * role, or NULL. */
static const char *party_with_role(const struct check *c, json_t *parties,
                                   const char *role)
{
    size_t i;
    json_t *p;

    json_array_foreach(parties, i, p)
    {
        char path[PATH_MAX_LEN];
        struct check cp = check_nested(c, "parties", (int)i, path, sizeof path);
        json_t *roles;
        size_t j;
        json_t *r;

        if (!json_is_object(p)) continue; /* reported by buyer_name */
        roles = member(&cp, p, "roles", JSON_ARRAY);
        json_array_foreach(roles, j, r)
        {
            if (json_is_string(r) && !strcmp(json_string_value(r), role))
                return text(&cp, p, "name");
        }
    }
    return NULL;
}

/* buyer_name: buyer.name; else the first party with the role "buyer",
 * else with "procuringEntity"; else tender.procuringEntity.name. */
static const char *buyer_name(const struct check *c, json_t *rel,
                              const struct check *ct, json_t *tender)
{
    json_t *buyer = member(c, rel, "buyer", JSON_OBJECT);
    json_t *parties = member(c, rel, "parties", JSON_ARRAY), *p;
    const char *name = NULL;
    char path[PATH_MAX_LEN];
    size_t i;

    if (buyer) {
        struct check cb = check_nested(c, "buyer", -1, path, sizeof path);

        name = text(&cb, buyer, "name");
    }
    json_array_foreach(parties, i, p)
    {
        if (!json_is_object(p)) {
            struct check cp =
                check_nested(c, "parties", (int)i, path, sizeof path);

            check_fail(&cp, NULL, "must be an object");
        }
    }
    if (!name) name = party_with_role(c, parties, "buyer");
    if (!name) name = party_with_role(c, parties, "procuringEntity");
    if (!name) {
        json_t *pe = member(ct, tender, "procuringEntity", JSON_OBJECT);
        struct check cpe =
            check_nested(ct, "procuringEntity", -1, path, sizeof path);

        if (pe) name = text(&cpe, pe, "name");
    }
    return name;
}

/* add_cpv: when the classification cl (at the path of c) is in the CPV
 * scheme, its code is added to cpv and, when lot_cpv is not NULL, to
 * lot_cpv. Other schemes are ignored. -1 when out of memory. */
static int add_cpv(const struct check *c, json_t *cl, json_t *cpv,
                   json_t *lot_cpv)
{
    const char *scheme, *id;
    char buf[32], code[9];

    if (!json_is_object(cl)) {
        check_fail(c, NULL, "must be an object");
        return 0;
    }
    scheme = text(c, cl, "scheme");
    if (!scheme || strcasecmp(scheme, "CPV")) return 0;
    id = required_ident(c, cl, "id", buf, sizeof buf);
    if (!id) return 0;
    if (tender_cpv_code(id, code)) {
        check_fail(c, "id",
                   "\"%.40s\" is not a CPV code (8 digits, with or without "
                   "its check digit: 45000000 or 45000000-7)",
                   id);
        return 0;
    }
    if (tender_add_unique(cpv, code)) return -1;
    if (lot_cpv && tender_add_unique(lot_cpv, code)) return -1;
    return 0;
}

/* find_lot: the lot of lots[] whose id is id, or NULL. */
static json_t *find_lot(json_t *lots, const char *id)
{
    size_t i;
    json_t *lot;

    json_array_foreach(lots, i, lot)
    {
        if (!strcmp(json_string_value(json_object_get(lot, "id")), id))
            return lot;
    }
    return NULL;
}

/* read_lots: tender.lots[] as document lots {id, title, description,
 * cpv: []} into lots. -1 when out of memory. */
static int read_lots(const struct check *ct, json_t *tender, json_t *lots)
{
    json_t *in = member(ct, tender, "lots", JSON_ARRAY), *l;
    size_t i;

    json_array_foreach(in, i, l)
    {
        char path[PATH_MAX_LEN], buf[32];
        struct check cl = check_nested(ct, "lots", (int)i, path, sizeof path);
        const char *id;
        json_t *lot;
        int fail = 0;

        if (!json_is_object(l)) {
            check_fail(&cl, NULL, "must be an object");
            continue;
        }
        id = required_ident(&cl, l, "id", buf, sizeof buf);
        if (!id) continue;
        if (find_lot(lots, id)) {
            check_fail(&cl, "id", "lot \"%.40s\" appears twice", id);
            continue;
        }
        lot = json_object();
        if (!lot) return -1;
        fail |= set_text(lot, "id", id);
        fail |= set_text(lot, "title", text(&cl, l, "title"));
        fail |= set_text(lot, "description", text(&cl, l, "description"));
        fail |= set(lot, "cpv", json_array());
        if (json_array_append_new(lots, lot) || fail) return -1;
    }
    return 0;
}

/* read_items: the CPV codes of tender.items[] (classification, then
 * additionalClassifications) into cpv, and into the cpv of the lot each
 * item relates to. -1 when out of memory. */
static int read_items(const struct check *ct, json_t *tender, json_t *cpv,
                      json_t *lots)
{
    json_t *items = member(ct, tender, "items", JSON_ARRAY), *item;
    size_t i;

    json_array_foreach(items, i, item)
    {
        char path[PATH_MAX_LEN], sub[PATH_MAX_LEN], buf[32];
        struct check ci = check_nested(ct, "items", (int)i, path, sizeof path);
        struct check cc;
        const char *rel_lot;
        json_t *lot = NULL, *lot_cpv = NULL, *cl, *adds, *a;
        size_t j;

        if (!json_is_object(item)) {
            check_fail(&ci, NULL, "must be an object");
            continue;
        }
        rel_lot = ident(&ci, item, "relatedLot", buf, sizeof buf);
        if (rel_lot) lot = find_lot(lots, rel_lot);
        if (lot) lot_cpv = json_object_get(lot, "cpv");
        cl = json_object_get(item, "classification");
        if (cl && !json_is_null(cl)) {
            cc = check_nested(&ci, "classification", -1, sub, sizeof sub);
            if (add_cpv(&cc, cl, cpv, lot_cpv)) return -1;
        }
        adds = member(&ci, item, "additionalClassifications", JSON_ARRAY);
        json_array_foreach(adds, j, a)
        {
            cc = check_nested(&ci, "additionalClassifications", (int)j, sub,
                              sizeof sub);
            if (add_cpv(&cc, a, cpv, lot_cpv)) return -1;
        }
    }
    return 0;
}

/* read_address: an OCDS Address as a document place {postcode, city,
 * region, country}; NULL when it holds none of them. */
static json_t *read_address(const struct check *c, json_t *a)
{
    const char *country;
    json_t *place;
    int fail = 0;

    if (!json_is_object(a)) {
        check_fail(c, NULL, "must be an object");
        return NULL;
    }
    place = json_object();
    if (!place) return NULL;
    country = text(c, a, "country");
    if (!country) country = text(c, a, "countryName");
    fail |= set_text(place, "postcode", text(c, a, "postalCode"));
    fail |= set_text(place, "city", text(c, a, "locality"));
    fail |= set_text(place, "region", text(c, a, "region"));
    fail |= set_text(place, "country", country);
    if (fail || !json_object_size(place)) {
        json_decref(place);
        return NULL;
    }
    return place;
}

/* first_address: the first useful address of the array in[key]. */
static json_t *first_address(const struct check *c, json_t *in, const char *key)
{
    json_t *arr = member(c, in, key, JSON_ARRAY), *a, *place;
    size_t i;

    json_array_foreach(arr, i, a)
    {
        char path[PATH_MAX_LEN];
        struct check ca = check_nested(c, key, (int)i, path, sizeof path);

        place = read_address(&ca, a);
        if (place) return place;
    }
    return NULL;
}

/* read_place: the first address among tender.deliveryAddresses[], then
 * each item's deliveryAddress (OCDS 1.1 location extension) and
 * deliveryAddresses[] (OCDS 1.2). Delivery locations (coordinates or a
 * gazetteer) are not read. New reference or NULL. */
static json_t *read_place(const struct check *ct, json_t *tender)
{
    json_t *place = first_address(ct, tender, "deliveryAddresses");
    json_t *items = json_object_get(tender, "items"), *item;
    size_t i;

    if (place || !json_is_array(items)) return place;
    json_array_foreach(items, i, item)
    {
        char path[PATH_MAX_LEN], sub[PATH_MAX_LEN];
        struct check ci = check_nested(ct, "items", (int)i, path, sizeof path);
        json_t *a;

        if (!json_is_object(item)) continue; /* reported by read_items */
        a = json_object_get(item, "deliveryAddress");
        if (a && !json_is_null(a)) {
            struct check ca =
                check_nested(&ci, "deliveryAddress", -1, sub, sizeof sub);

            place = read_address(&ca, a);
        }
        if (!place) place = first_address(&ci, item, "deliveryAddresses");
        if (place) return place;
    }
    return NULL;
}

/* read_deadline: tender.tenderPeriod.endDate, else tender.expressionOf-
 * InterestDeadline (a first stage: the date to apply by), in UTC. */
static const char *read_deadline(const struct check *ct, json_t *tender,
                                 char *buf, size_t size)
{
    json_t *period = member(ct, tender, "tenderPeriod", JSON_OBJECT);
    char path[PATH_MAX_LEN];
    struct check cp = check_nested(ct, "tenderPeriod", -1, path, sizeof path);
    const struct check *c = &cp;
    const char *key = "endDate", *s = NULL;

    if (period) s = text(&cp, period, key);
    if (!s) {
        c = ct;
        key = "expressionOfInterestDeadline";
        s = text(ct, tender, key);
    }
    if (!s) return NULL;
    if (tender_utc(s, buf, size)) {
        check_fail(c, key, "must be an ISO 8601 date-time, not \"%.40s\"", s);
        return NULL;
    }
    return buf;
}

/* read_value: tender.value as {amount, currency}; NULL when absent. */
static json_t *read_value(const struct check *ct, json_t *tender)
{
    json_t *in = member(ct, tender, "value", JSON_OBJECT), *value, *amount;
    char path[PATH_MAX_LEN];
    struct check cv = check_nested(ct, "value", -1, path, sizeof path);
    const char *currency;
    int fail = 0;

    if (!in) return NULL;
    amount = member(&cv, in, "amount", JSON_REAL);
    currency = text(&cv, in, "currency");
    if (!amount && !currency) return NULL;
    value = json_object();
    if (!value) return NULL;
    if (amount) fail |= set(value, "amount", json_copy(amount));
    fail |= set_text(value, "currency", currency);
    if (fail) {
        json_decref(value);
        return NULL;
    }
    return value;
}

/* procedure: "method (details)", the method or the details alone;
 * NULL when neither is given or out of memory. */
static json_t *procedure(const struct check *ct, json_t *tender)
{
    const char *m = text(ct, tender, "procurementMethod");
    const char *d = text(ct, tender, "procurementMethodDetails");
    size_t n;
    json_t *v;
    char *s;

    if (!m || !d) return m ? json_string(m) : d ? json_string(d) : NULL;
    n = strlen(m) + strlen(d) + 4;
    s = malloc(n);
    if (!s) return NULL;
    snprintf(s, n, "%s (%s)", m, d);
    v = json_string(s);
    free(s);
    return v;
}

/* release_doc: the document of one release (c names it); errors go to
 * c->errs. *out is NULL when out of memory, else a new object (complete
 * only when no error was recorded). */
static enum rc release_doc(const struct check *c, json_t *rel, json_t *tender,
                           const char *ocid, json_t **out)
{
    char path[PATH_MAX_LEN], id_buf[32], deadline[32];
    struct check ct = check_nested(c, "tender", -1, path, sizeof path);
    json_t *doc = json_object(), *cpv = json_array(), *lots = json_array();
    json_t *place, *value, *proc;
    const char *title, *status, *deadline_s;
    enum rc rc = RC_NOMEM;
    int fail = 0;

    *out = NULL;
    if (!doc || !cpv || !lots) goto out;
    title = text(&ct, tender, "title");
    if (!title) title = text(c, rel, "title");
    if (!title) check_fail(&ct, "title", "is required");
    status = release_status(c, rel, &ct, tender);
    if (read_lots(&ct, tender, lots) || read_items(&ct, tender, cpv, lots))
        goto out;
    deadline_s = read_deadline(&ct, tender, deadline, sizeof deadline);
    place = read_place(&ct, tender);
    value = read_value(&ct, tender);
    proc = procedure(&ct, tender);

    fail |= set_text(doc, "ocid", ocid);
    fail |= set_text(doc, "source", "ocds");
    fail |=
        set_text(doc, "notice_id", ident(c, rel, "id", id_buf, sizeof id_buf));
    fail |= set_text(doc, "status", status);
    fail |= set_text(doc, "title", title);
    fail |= set_text(doc, "description", text(&ct, tender, "description"));
    fail |= set_text(doc, "buyer", buyer_name(c, rel, &ct, tender));
    if (proc) fail |= set(doc, "procedure", proc);
    fail |= set(doc, "cpv", cpv);
    cpv = NULL;
    if (place) fail |= set(doc, "place", place);
    fail |= set(doc, "lots", lots);
    lots = NULL;
    fail |= set_text(doc, "deadline", deadline_s);
    if (value) fail |= set(doc, "value", value);
    if (fail) goto out;
    *out = doc;
    doc = NULL;
    rc = RC_OK;
out:
    json_decref(doc);
    json_decref(cpv);
    json_decref(lots);
    return rc;
}

/* cand_cmp: by ocid, then date, then position: the last of each ocid is
 * its latest release. */
static int cand_cmp(const void *a, const void *b)
{
    const struct cand *x = *(const struct cand *const *)a;
    const struct cand *y = *(const struct cand *const *)b;
    int r = strcmp(x->ocid, y->ocid);

    if (!r) r = strcmp(x->date, y->date);
    if (!r) r = x->index < y->index ? -1 : x->index > y->index;
    return r;
}

/* candidate: fill k from release rel when it has a tender section.
 * 1: a candidate; 0: skipped (no tender) or refused (errors recorded). */
static int candidate(const struct check *c, json_t *rel, size_t index,
                     struct cand *k)
{
    json_t *tender;
    const char *date;

    if (!json_is_object(rel)) {
        check_fail(c, NULL, "must be an object");
        return 0;
    }
    tender = json_object_get(rel, "tender");
    if (!tender || json_is_null(tender)) return 0;
    k->rel = rel;
    k->index = index;
    k->ocid = required_ident(c, rel, "ocid", k->ocid_buf, sizeof k->ocid_buf);
    if (!k->ocid) return 0;
    if (!json_is_object(tender)) {
        check_fail(c, "tender", "must be an object");
        return 0;
    }
    date = text(c, rel, "date");
    k->date[0] = '\0';
    if (date && tender_utc(date, k->date, sizeof k->date)) {
        check_fail(c, "date", "must be an ISO 8601 date-time, not \"%.40s\"",
                   date);
        return 0;
    }
    return 1;
}

/* release_check: the context of release i: "releases[i]", or "" for a
 * document that is one release. */
static struct check release_check(json_t *errs, int package, size_t i,
                                  char *buf, size_t size)
{
    struct check root = {errs, ""};

    if (package) return check_nested(&root, "releases", (int)i, buf, size);
    buf[0] = '\0';
    root.path = buf;
    return root;
}

enum rc tender_from_ocds(const char *buf, size_t len, json_t *errs,
                         json_t **out)
{
    struct check root = {errs, ""};
    json_t *doc = NULL, *releases = NULL, *res = NULL;
    struct cand *cands = NULL, **order = NULL;
    size_t n = 0, nc = 0, errs0 = json_array_size(errs);
    json_error_t jerr;
    enum rc rc = RC_INVALID;
    int package;

    *out = NULL;
    if (tender_too_big(len, errs)) return RC_TOOBIG;
    /* jansson 2.14 stops at 2048 levels of nesting, but a CivetWeb
     * worker's 100 KiB stack overflows at about 400 (text.h). */
    if (text_json_depth(buf, len) > TEXT_JSON_DEPTH) {
        check_fail(&root, "document",
                   "maximum depth exceeded: nested deeper than %d levels",
                   TEXT_JSON_DEPTH);
        goto out;
    }
    doc = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc) {
        check_fail(&root, "document", "not valid JSON: %s (line %d, column %d)",
                   jerr.text, jerr.line, jerr.column);
        goto out;
    }
    if (!json_is_object(doc)) {
        check_fail(&root, "document",
                   "must be an OCDS release package or release (a JSON "
                   "object)");
        goto out;
    }
    releases = json_object_get(doc, "releases");
    package = releases != NULL;
    if (package && !json_is_array(releases)) {
        check_fail(&root, "releases", "must be an array");
        goto out;
    }
    if (!package && json_object_get(doc, "records")) {
        check_fail(&root, "document",
                   "record packages are not read: send a release package");
        goto out;
    }
    if (!package && !json_object_get(doc, "ocid")) {
        check_fail(&root, "document",
                   "neither an OCDS release package ({\"releases\": [...]}) "
                   "nor a release (no \"ocid\")");
        goto out;
    }
    n = package ? json_array_size(releases) : 1;
    rc = RC_NOMEM;
    cands = calloc(n ? n : 1, sizeof *cands);
    order = calloc(n ? n : 1, sizeof *order);
    res = json_array();
    if (!cands || !order || !res) goto out;
    for (size_t i = 0; i < n; i++) {
        char path[PATH_MAX_LEN];
        struct check c = release_check(errs, package, i, path, sizeof path);
        json_t *rel = package ? json_array_get(releases, i) : doc;

        if (candidate(&c, rel, i, &cands[nc])) {
            order[nc] = &cands[nc];
            nc++;
        }
    }
    qsort(order, nc, sizeof *order, cand_cmp);
    for (size_t i = 0; i < nc; i++)
        if (i + 1 == nc || strcmp(order[i]->ocid, order[i + 1]->ocid))
            order[i]->latest = 1;
    for (size_t i = 0; i < nc; i++) {
        char path[PATH_MAX_LEN];
        struct check c;
        size_t before = json_array_size(errs);
        json_t *one;

        if (!cands[i].latest) continue;
        c = release_check(errs, package, cands[i].index, path, sizeof path);
        if (release_doc(&c, cands[i].rel,
                        json_object_get(cands[i].rel, "tender"), cands[i].ocid,
                        &one))
            goto out;
        if (json_array_size(errs) > before)
            json_decref(one); /* a release with errors is left out */
        else if (json_array_append_new(res, one))
            goto out;
    }
    /* Nothing usable and something wrong: the document is refused. */
    if (!json_array_size(res) && json_array_size(errs) > errs0) {
        rc = RC_INVALID;
        goto out;
    }
    *out = res;
    res = NULL;
    rc = RC_OK;
out:
    json_decref(res);
    json_decref(doc);
    free(cands);
    free(order);
    return rc;
}
