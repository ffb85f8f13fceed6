/*
 * tender.h: public tenders: reading notices (OCDS release packages,
 * eForms XML), checking them into one document shape, storing and
 * listing them (the tender board).
 *
 * The one document shape (what POST /tenders takes, what the parsers
 * produce, what GET /tenders/{id} answers):
 *
 *   {"ocid": "ocds-213czf-000-00001",  the key: re-import updates
 *    "source": "ocds" | "eforms" | "api",
 *    "notice_id": "...",               eForms notice id, OCDS release id
 *    "status": "planned" | "active" | "complete" | "cancelled"
 *              | "unsuccessful",
 *    "title": "...", "description": "...",
 *    "buyer": "Ville de Rouen",       the buyer's name
 *    "procedure": "open",             as the notice says
 *    "cpv": ["77310000", ...],        8 digits, main code first
 *    "place": {"nuts": "FRD22", "postcode": "76000", "city": "Rouen",
 *              "insee": "76540", "departement": "76"},  any of them
 *    "lots": [{"id": "LOT-0001", "title": "...", "description": "...",
 *              "cpv": [...], "wanted": [...]}],
 *    "deadline": "2019-06-24T16:00:00Z",  submission deadline
 *    "value": {"amount": 150000, "currency": "EUR"}}
 *
 * Parsers copy what a notice says, without resolving anything;
 * tender_check() then validates and completes (département from the NUTS
 * code, the INSEE code from the postcode, wanted[] from the CPV codes).
 */
#ifndef ESSAIM_TENDER_H
#define ESSAIM_TENDER_H

#include <jansson.h>
#include <stddef.h>

#include "../util/rc.h"

#define TENDER_MAX_BYTES (8L * 1024 * 1024) /* one import document */

/* tender_format: "ocds" for a JSON document, "eforms" for XML, NULL when
 * neither (leading spaces and a UTF-8 BOM skipped). */
const char *tender_format(const char *buf, size_t len);

/* tender_from_ocds: the tenders of an OCDS release package (or a single
 * release), one document per ocid (the latest release of each: by date,
 * then by order). *out is a new array. Releases without a tender section
 * are skipped. Errors (each {"field","message"}, field naming the record:
 * "releases[2].tender.items[0].classification.id") go to errs; a release
 * with errors is left out of *out. RC_INVALID when the document itself is
 * unreadable (not JSON, not a package), else RC_OK. */
enum rc tender_from_ocds(const char *buf, size_t len, json_t *errs,
                         json_t **out);

/* tender_from_eforms: the tender of an eForms notice (UBL 2.3 XML:
 * ContractNotice, ContractAwardNotice or PriorInformationNotice). *out is
 * a new array of one document. No network access, no DTD, no entity
 * expansion. RC_INVALID with errs naming the element for a broken
 * notice. */
enum rc tender_from_eforms(const char *buf, size_t len, json_t *errs,
                           json_t **out);

/* tender_parse: tender_format() then the right parser. RC_UNSUPPORTED
 * when the format is neither. */
enum rc tender_parse(const char *buf, size_t len, json_t *errs,
                     json_t **out);

#endif
