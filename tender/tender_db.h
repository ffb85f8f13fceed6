/*
 * tender_db.h: public tenders once read: checking a document into the one
 * stored shape (tender_check.c), storing and importing it, the tender
 * board and the tenders that fit an entrepreneur (tender_db.c).
 *
 * The stored document (what GET /tenders/{id} answers), as tender.h's
 * shape, checked and completed:
 *
 *   {"id": "12", "ocid": "...", "source": "eforms", "notice_id": "...",
 *    "status": "active", "title": "...", "description": "...",
 *    "buyer": "...", "procedure": "open",
 *    "cpv": ["77310000", ...],               8 digits, main first, once
 *    "place": {"in_france": true, "departement": "76",
 *              "departement_name": "Seine-Maritime",
 *              "insee": "76540", "name": "Rouen", "lat": 49.44,
 *              "lon": 1.1, "precision": "departement",
 *              "nuts": "FRD22", "postcode": "76000"},
 *    "lots": [{"id": "LOT-0001", "title": "...", "description": "...",
 *              "cpv": [...],
 *              "wanted": [{"scheme": "cpv", "code": "77310000",
 *                          "label": "...", "trades": ["rome:A1203",
 *                          "naf:81.30Z"]},
 *                         {"scheme": "rome", "code": "A1203",
 *                          "label": "...", "from": "text"}]}],
 *    "deadline": "2019-06-24T16:00:00Z", "value": {"amount": 150000,
 *    "currency": "EUR"}, "created_at": "...", "updated_at": "..."}
 *
 * The place: `precision` "commune" (an INSEE code, a postcode or a commune
 * name was given), "buyer" (only a NUTS code or a département, and the
 * notice's `buyer_place` address lies in it: the buyer's commune stands
 * for the place), "departement" (only a NUTS-3 code or a département: the
 * département's most populous commune stands for the place: its insee,
 * name, lat, lon); otherwise a NUTS-2 or NUTS-1 code gives
 * `departements[]` and no single commune (no lat/lon, no precision); a
 * place outside France
 * (country, or a NUTS code not French) is kept as given with
 * `in_france: false`. A tender without any place has no `place`.
 *
 * Thread-safe given one struct db per thread; the job-title table of
 * tender_check is built once per process.
 */
#ifndef ESSAIM_TENDER_DB_H
#define ESSAIM_TENDER_DB_H

#include <jansson.h>
#include <stddef.h>

#include "../store/db.h"

struct viewer;
struct place;

#define TENDER_LIST_MAX 100 /* results per page */

/* ------------------------------------------------------ tender_check.c */

/* tender_check: validate a tender document `in` (from POST /tenders or a
 * parser; borrowed) into *out, a new clean document as described above
 * (without id and timestamps). Every refusal is appended to errs as
 * {"field","message"} with the field's path ("lots[1].cpv[0]",
 * "place.insee"), and checking goes on. RC_INVALID when something was
 * refused; RC_DB, RC_NOMEM. */
enum rc tender_check(struct db *db, json_t *in, json_t *errs, json_t **out);

/* tender_deadline_utc: an ISO 8601 date ("2019-06-24": the end of that
 * day, 23:59:59 UTC), date-time ("2019-06-24T16:00", seconds and a
 * fraction optional) with "Z", an offset ("+02:00", "+0200", "+02") or
 * none (UTC), or a date with an offset ("2019-06-24+02:00"), into out
 * (size >= 21) as "YYYY-MM-DDTHH:MM:SSZ". 0 on success, -1 when s is not
 * such a date or the day does not exist. Pure. */
int tender_deadline_utc(const char *s, char *out, size_t size);

/* tender_text_trades: the ROME codes named by job titles in text
 * ("jardinier", "paysagiste", "plombières"): into codes (room for max
 * entries of 8 bytes), each once, in their order; returns how many.
 * The rule (README "Tenders"): a word of the text (folded by the search
 * analysis, a final s or x dropped when needed) calls for a ROME code when
 * it is the first or second word of one of France Travail's job titles,
 * ends as a person's noun (-ier, -ière, -eur, -euse, -rice, -iste, -ien,
 * -ienne, -logue, -graphe), has 5 letters or more, is no word of a ROME,
 * NAF or CPV label (activities: "entretien", "nettoyage"), is not on a
 * short list of common words, and at least two job titles of that code
 * hold it, 25% more than of any other code. Pure (the table is built
 * from the embedded data once per process); thread-safe. */
size_t tender_text_trades(const char *text, char (*codes)[8], size_t max);

/* --------------------------------------------------------- tender_db.c */

/* tender_seat: the place that stands for département dep: its most
 * populous commune (located). RC_NOTFOUND for an unknown département. */
enum rc tender_seat(struct db *db, const char *dep, struct place *out);

/* tender_create: POST /tenders: check `in` and store it (an existing ocid
 * is updated, same id). *created 1 for a new tender, 0 for an update;
 * *out the stored document. Staff and administrators only (RC_FORBIDDEN).
 * In the caller's transaction or its own. */
enum rc tender_create(struct db *db, const struct viewer *v, json_t *in,
                      json_t *errs, int *created, json_t **out);

/* tender_import: the notices of buf (an OCDS release package or release,
 * or an eForms notice: tender.h's tender_parse), checked, then written in
 * one transaction: all of the accepted ones, or nothing. *out is
 * {"format", "imported": new, "updated": existing ocids,
 * "rejected": [{"record","field","message"}], "ids": [...]}.
 * RC_INVALID (errs naming the field: "document", "releases[0].ocid", or
 * "<record>.<field>") when nothing could be read or every notice was
 * refused: nothing is written then. RC_UNSUPPORTED when buf is neither
 * JSON nor XML; RC_TOOBIG over TENDER_MAX_BYTES. Staff and
 * administrators only. url: where buf came from (its ETag and
 * Last-Modified are then recorded in tender_source with the batch), or
 * NULL; etag, last_modified may be NULL. When rejected is not NULL, the
 * refused records are also appended to it, whatever the rc (the command
 * line prints them). */
enum rc tender_import(struct db *db, const struct viewer *v, const char *buf,
                      size_t len, const char *url, const char *etag,
                      const char *last_modified, json_t *errs,
                      json_t *rejected, json_t **out);

/* tender_import_url: fetch url (util/fetch.h: http(s), TLS verified, 30 s,
 * 5 redirects, TENDER_MAX_BYTES; If-None-Match and If-Modified-Since from
 * the last fetch of that URL) and import it. A 304 imports nothing:
 * *out is {"url", "not_modified": true, "imported": 0, "updated": 0,
 * "rejected": [], "ids": []}. RC_INVALID naming "url" for a URL that is
 * not http(s) or too large; RC_UPSTREAM naming "url" when the fetch
 * fails. rejected as for tender_import. */
enum rc tender_import_url(struct db *db, const struct viewer *v,
                          const char *url, json_t *errs, json_t *rejected,
                          json_t **out);

/* tender_get: GET /tenders/{id}: the stored document with id, created_at
 * and updated_at. RC_NOTFOUND. Tenders are public. */
enum rc tender_get(struct db *db, const char *id, json_t **out);

/* The question of the board (every string "" for none). */
struct tender_query {
    const char *q;              /* words of title, description, buyer, lots */
    const char *cpv;            /* code prefix: "45", "4533", "77310000"
                                   (trailing zeros are not significant),
                                   a check digit allowed */
    const char *departement;    /* "76", "2A", "974" */
    const char *deadline_after; /* date or date-time: deadline at or after */
    const char *status;         /* planned, active, complete, cancelled,
                                   unsuccessful */
    int limit;                  /* 1..TENDER_LIST_MAX */
    const char *cursor;         /* next_cursor of the previous page */
};

/* tender_list: GET /tenders: {total, results: [summary], next_cursor}.
 * Order: open tenders first, soonest deadline first; then those without
 * a deadline, newest first; then those whose deadline has passed, most
 * recent first. A summary is {id, ocid, source, status, title, buyer,
 * procedure, deadline, value, cpv, place, lots: [{id, title}],
 * updated_at}. RC_INVALID with errs naming the parameter. */
enum rc tender_list(struct db *db, const struct tender_query *q,
                    json_t *errs, json_t **out);

/* tender_mine: GET /me/tenders: the tenders of the board (same filters
 * and order) that fit the signed-in entrepreneur: a lot wants one of
 * their trades and their intervention area covers the tender's place.
 * Each result is a summary with "fit": {"lots": [{"id", "title",
 * "wanted": [{"code", "scheme", "label", "by"}]}], "area": "...",
 * "distance_km"} and "why": [reasons in French]. RC_FORBIDDEN for any
 * other viewer (401 anonymous). */
enum rc tender_mine(struct db *db, const struct viewer *v,
                    const struct tender_query *q, json_t *errs,
                    json_t **out);

#endif
