/*
 * eforms.c: the tender of an eForms notice (UBL 2.3 XML as published on
 * TED: ContractNotice, ContractAwardNotice, PriorInformationNotice); see
 * tender.h and the README section "Tender notices".
 *
 * Untrusted input: libxml2 parses from memory with no network access
 * (XML_PARSE_NONET), no DTD loading and no entity substitution; a
 * document type declaration stops the parse at once (eForms notices have
 * none, and entity bombs and external entities need one), the default
 * depth and size limits of libxml2 stay on (no XML_PARSE_HUGE), and
 * libxml2's own messages go to the errs array, never to stderr. The tree
 * is read by walking element children by namespace and local name: no
 * XPath, and no recursion deeper than a fixed path. Thread-safe
 * (xmlInitParser() runs once).
 */
#include "tender.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../util/check.h"
#include "parse_int.h"


#define UBL "urn:oasis:names:specification:ubl:schema:xsd:"
#define EF  "http://data.europa.eu/p27/"

/* Namespace prefixes used in paths below, as the notices write them. */
static const char *const prefixes[][2] = {
    {"cbc", UBL "CommonBasicComponents-2"},
    {"cac", UBL "CommonAggregateComponents-2"},
    {"ext", UBL "CommonExtensionComponents-2"},
    {"efext", EF "eforms-ubl-extensions/1"},
    {"efac", EF "eforms-ubl-extension-aggregate-components/1"},
    {"efbc", EF "eforms-ubl-extension-basic-components/1"},
};

/* The notices read: root element and its namespace. */
static const char *const roots[][2] = {
    {"ContractNotice", UBL "ContractNotice-2"},
    {"ContractAwardNotice", UBL "ContractAwardNotice-2"},
    {"PriorInformationNotice", UBL "PriorInformationNotice-2"},
};

#define ORGS                                                                   \
    "ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent/"                 \
    "efext:EformsExtension/efac:Organizations"

/* One parse: what the libxml2 callbacks report. */
struct xml_state {
    int doctype;   /* a document type declaration was met */
    char msg[256]; /* libxml2's first error, "line N: ..." */
};

/* One notice being read. */
struct notice {
    xmlNode *root;
    struct check c; /* errors, field names are node paths */
};

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

/* init_libxml: once per process, before the first parse (libxml2 2.9
 * needs it for thread safety). */
static void init_libxml(void)
{
    xmlInitParser();
}

/* on_error: libxml2's structured error handler for one parse: keeps the
 * first error (the others follow from it), prints nothing. */
static void on_error(void *data, xmlErrorPtr err)
{
    xmlParserCtxtPtr ctxt = data;
    struct xml_state *st = ctxt ? ctxt->_private : NULL;
    size_t n;

    if (!st || !err || err->level < XML_ERR_ERROR || st->msg[0]) return;
    snprintf(st->msg, sizeof st->msg, "line %d: %s", err->line,
             err->message ? err->message : "error");
    n = strlen(st->msg);
    while (n && (st->msg[n - 1] == '\n' || st->msg[n - 1] == ' '))
        st->msg[--n] = '\0';
}

/* on_doctype: SAX internalSubset callback, called as soon as <!DOCTYPE
 * is read, before any declaration in it: stop there. */
static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *ext_id,
                       const xmlChar *sys_id)
{
    xmlParserCtxtPtr ctxt = ctx;
    struct xml_state *st = ctxt->_private;

    (void)name;
    (void)ext_id;
    (void)sys_id;
    st->doctype = 1;
    xmlStopParser(ctxt);
}

/* read_xml: parse buf into a tree (*out, xmlFreeDoc() it). RC_INVALID
 * with an error on "document" for a DTD or a document that is not well
 * formed; RC_NOMEM. */
static enum rc read_xml(const char *buf, size_t len, const struct check *c,
                        xmlDoc **out)
{
    struct xml_state st = {0, ""};
    xmlParserCtxtPtr ctxt;
    enum rc rc = RC_INVALID;

    *out = NULL;
    if (!len) {
        check_fail(c, "document", "empty");
        return RC_INVALID;
    }
    pthread_once(&init_once, init_libxml);
    ctxt = xmlCreateMemoryParserCtxt(buf, (int)len);
    if (!ctxt) return RC_NOMEM;
    ctxt->_private = &st;
    ctxt->sax->serror = on_error;
    ctxt->sax->internalSubset = on_doctype;
    xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR |
                                XML_PARSE_NOWARNING);
    xmlParseDocument(ctxt);
    if (st.doctype) {
        check_fail(c, "document", "DTDs are not accepted");
    } else if (!ctxt->wellFormed || !ctxt->myDoc) {
        check_fail(c, "document", "not well-formed XML: %s",
                   st.msg[0] ? st.msg : "unreadable");
    } else {
        *out = ctxt->myDoc;
        ctxt->myDoc = NULL;
        rc = RC_OK;
    }
    if (ctxt->myDoc) xmlFreeDoc(ctxt->myDoc);
    ctxt->myDoc = NULL;
    xmlFreeParserCtxt(ctxt);
    return rc;
}

/* ------------------------------------------------------------ the tree */

/* is: n is the element named name in namespace ns. */
static int is(const xmlNode *n, const char *ns, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
           !strcmp((const char *)n->ns->href, ns) &&
           !strcmp((const char *)n->name, name);
}

/* qname: the namespace and local name of "cbc:Name" (len: its length). */
static int qname(const char *s, size_t len, const char **ns, char *name,
                 size_t size)
{
    const char *colon = memchr(s, ':', len);

    if (!colon || (size_t)(s + len - colon) > size) return -1;
    for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++) {
        if (strlen(prefixes[i][0]) == (size_t)(colon - s) &&
            !strncmp(s, prefixes[i][0], (size_t)(colon - s))) {
            *ns = prefixes[i][1];
            memcpy(name, colon + 1, (size_t)(s + len - colon - 1));
            name[s + len - colon - 1] = '\0';
            return 0;
        }
    }
    return -1;
}

/* find: the first element, in document order, at the relative path
 * "cac:A/cbc:B" under n (every branch is tried), or NULL. */
static xmlNode *find(const xmlNode *n, const char *path)
{
    const char *slash = strchr(path, '/'), *ns;
    size_t len = slash ? (size_t)(slash - path) : strlen(path);
    char name[64];

    if (!n || qname(path, len, &ns, name, sizeof name)) return NULL;
    for (xmlNode *k = n->children; k; k = k->next) {
        if (!is(k, ns, name)) continue;
        if (!slash) return k;
        xmlNode *hit = find(k, slash + 1);
        if (hit) return hit;
    }
    return NULL;
}

/* next_same: the next sibling element with n's name and namespace. */
static xmlNode *next_same(const xmlNode *n)
{
    for (xmlNode *k = n->next; k; k = k->next)
        if (k->type == XML_ELEMENT_NODE && k->ns == n->ns &&
            !strcmp((const char *)k->name, (const char *)n->name))
            return k;
    return NULL;
}

/* attr_is: n's attribute name equals value (ASCII case ignored). */
static int attr_is(const xmlNode *n, const char *name, const char *value)
{
    xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
    int r = v && !strcasecmp((const char *)v, value);

    xmlFree(v);
    return r;
}

enum { ONE_LINE, LINES }; /* how text_of treats white space */

/* text_of: the text of element n in a new string (free() it), without
 * the indentation of the XML: runs of spaces and tabs become one space,
 * spaces around line breaks go, and so do leading and trailing white
 * space; ONE_LINE also turns line breaks into spaces (titles, codes),
 * LINES keeps them (descriptions). NULL when n is NULL, the text is
 * empty, or out of memory. */
static char *text_of(const xmlNode *n, int mode)
{
    xmlChar *raw = n ? xmlNodeGetContent(n) : NULL;
    const char *s = (const char *)raw;
    char *out = NULL, *o;

    if (!raw) return NULL;
    while (*s && strchr(" \t\r\n", *s)) s++;
    if (*s) out = malloc(strlen(s) + 1);
    for (o = out; out && *s; s++) {
        char ch = *s == '\t' ? ' ' : *s;

        if (ch == '\r') continue;
        if (ch == '\n' && mode == ONE_LINE) ch = ' ';
        if (ch == ' ' && o > out && (o[-1] == ' ' || o[-1] == '\n')) continue;
        if (ch == '\n' && o > out && o[-1] == ' ') o--;
        *o++ = ch;
    }
    while (o && o > out && (o[-1] == ' ' || o[-1] == '\n')) o--;
    if (out) *o = '\0';
    xmlFree(raw);
    return out;
}

/* in_french: among the children of parent at path (the last step
 * repeated, one per language), the one with languageID="FRA", else the
 * first. */
static xmlNode *in_french(const xmlNode *parent, const char *path)
{
    xmlNode *first = find(parent, path);

    for (xmlNode *n = first; n; n = next_same(n))
        if (attr_is(n, "languageID", "FRA")) return n;
    return first;
}

/* fail_at: an error on the element n (or on its missing child, when
 * child is not NULL), named by its path in the document. */
static void fail_at(const struct notice *nt, const xmlNode *n,
                    const char *child, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void fail_at(const struct notice *nt, const xmlNode *n,
                    const char *child, const char *fmt, ...)
{
    xmlChar *path = xmlGetNodePath(n);
    const char *p = path ? (const char *)path : "/?";
    char field[512], msg[512];
    va_list ap;

    /* libxml2 writes a star for the root, which is in the default
     * namespace; name it */
    if (!strncmp(p, "/*", 2) && (p[2] == '/' || !p[2])) {
        snprintf(field, sizeof field, "/%s%s%s%s", (const char *)nt->root->name,
                 p + 2, child ? "/" : "", child ? child : "");
    } else {
        snprintf(field, sizeof field, "%s%s%s", p, child ? "/" : "",
                 child ? child : "");
    }
    xmlFree(path);
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    check_fail(&nt->c, field, "%s", msg);
}

/* ------------------------------------------------------------- fields */

/* set: out[key] = v (stolen); -1 when v is NULL or out of memory. */
static int set(json_t *out, const char *key, json_t *v)
{
    return json_object_set_new(out, key, v) ? -1 : 0;
}

/* set_text: out[key] = the text of n (see text_of) when there is one. */
static int set_text(json_t *out, const char *key, const xmlNode *n, int mode)
{
    char *s = text_of(n, mode);
    int r = s ? set(out, key, json_string(s)) : 0;

    free(s);
    return r;
}

/* add_cpv: the CPV codes (listName="cpv") under the classification
 * elements of the ProcurementProject pp, main first, to cpv and, when not
 * NULL, to lot_cpv. -1 when out of memory. */
static int add_cpv(const struct notice *nt, const xmlNode *pp, json_t *cpv,
                   json_t *lot_cpv)
{
    static const char *const kinds[] = {
        "cac:MainCommodityClassification",
        "cac:AdditionalCommodityClassification",
    };

    for (size_t i = 0; i < 2; i++) {
        for (xmlNode *cl = find(pp, kinds[i]); cl; cl = next_same(cl)) {
            xmlNode *code = find(cl, "cbc:ItemClassificationCode");
            char buf[9], *s;
            int bad;

            if (!code || !attr_is(code, "listName", "cpv")) continue;
            s = text_of(code, ONE_LINE);
            bad = !s || tender_cpv_code(s, buf);
            if (bad)
                fail_at(nt, code, NULL,
                        "\"%.40s\" is not a CPV code (8 digits)", s ? s : "");
            free(s);
            if (bad) continue;
            if (tender_add_unique(cpv, buf)) return -1;
            if (lot_cpv && tender_add_unique(lot_cpv, buf)) return -1;
        }
    }
    return 0;
}

/* read_place: the first cac:RealizedLocation/cac:Address of the
 * ProcurementProject pp as {nuts, postcode, city, country}; NULL when
 * it says none of them (a region code like "anyw" alone is not a
 * place). */
static json_t *read_address(const xmlNode *a)
{
    json_t *place = json_object();
    xmlNode *nuts;
    int fail = 0;

    if (!place) return NULL;
    for (nuts = find(a, "cbc:CountrySubentityCode"); nuts;
         nuts = next_same(nuts))
        if (attr_is(nuts, "listName", "nuts")) break;
    fail |= set_text(place, "nuts", nuts, ONE_LINE);
    fail |= set_text(place, "postcode", find(a, "cbc:PostalZone"), ONE_LINE);
    fail |= set_text(place, "city", find(a, "cbc:CityName"), ONE_LINE);
    fail |= set_text(place, "country",
                     find(a, "cac:Country/cbc:IdentificationCode"), ONE_LINE);
    if (!fail && json_object_size(place)) return place;
    json_decref(place);
    return NULL;
}

static json_t *read_place(const xmlNode *pp)
{
    xmlNode *loc = find(pp, "cac:RealizedLocation");
    json_t *place;

    for (; loc; loc = next_same(loc)) {
        xmlNode *a = find(loc, "cac:Address");

        if (!a) continue;
        place = read_address(a);
        if (place) return place;
    }
    return NULL;
}

/* split_offset: the length of the value part of an xs:date or xs:time
 * ("2019-06-24Z" -> 10, "16:00:00+01:00" -> 8); its offset starts
 * there. */
static size_t split_offset(const char *s, size_t from)
{
    size_t n = strlen(s);

    for (size_t i = from; i < n; i++)
        if (s[i] == 'Z' || s[i] == 'z' || s[i] == '+' || s[i] == '-') return i;
    return n;
}

/* period_end: the cbc:EndDate (and cbc:EndTime) of a period as UTC
 * "YYYY-MM-DDTHH:MM:SSZ" into buf: the time's offset when it has one,
 * else the date's; a date without a time is the end of that day. -1
 * (and an error) when malformed, 1 when there is no EndDate, 0 on
 * success. */
static int period_end(const struct notice *nt, const xmlNode *period, char *buf,
                      size_t size)
{
    xmlNode *dn = find(period, "cbc:EndDate"),
            *tn = find(period, "cbc:EndTime");
    char *date = text_of(dn, ONE_LINE), *time = text_of(tn, ONE_LINE), iso[96];
    size_t dv, tv;
    int r = 1;

    if (!date) goto out;
    dv = split_offset(date, 10);
    if (time) {
        tv = split_offset(time, 0);
        snprintf(iso, sizeof iso, "%.*sT%.*s%s", (int)dv, date, (int)tv, time,
                 time[tv] ? time + tv : date + dv);
    } else {
        snprintf(iso, sizeof iso, "%s", date);
    }
    r = 0;
    if (dv != 10 || (time && tv < 8) || tender_utc(iso, buf, size)) {
        fail_at(nt, time ? period : dn, NULL,
                "end date \"%.30s\"%s%.30s is not an xs:date and xs:time", date,
                time ? " " : "", time ? time : "");
        r = -1;
    }
out:
    free(date);
    free(time);
    return r;
}

/* read_deadline: the earliest cac:TenderSubmissionDeadlinePeriod of the
 * lots; when no lot has one (restricted procedures), the earliest
 * cac:ParticipationRequestReceptionPeriod: the date to apply by. 1 with
 * buf set, 0 when none. */
static int read_deadline(const struct notice *nt, char *buf, size_t size)
{
    static const char *const periods[] = {
        "cac:TenderingProcess/cac:TenderSubmissionDeadlinePeriod",
        "cac:TenderingProcess/cac:ParticipationRequestReceptionPeriod",
    };
    char one[32];

    buf[0] = '\0';
    for (size_t i = 0; i < 2 && !buf[0]; i++) {
        for (xmlNode *lot = find(nt->root, "cac:ProcurementProjectLot"); lot;
             lot = next_same(lot)) {
            xmlNode *p = find(lot, periods[i]);

            if (p && !period_end(nt, p, one, sizeof one) &&
                (!buf[0] || strcmp(one, buf) < 0))
                snprintf(buf, size, "%s", one);
        }
    }
    return buf[0] != '\0';
}

/* amount_of: the cbc:EstimatedOverallContractAmount of the Procurement-
 * Project pp: 1 with *amount and currency (3 capital letters, "" when not
 * said) set, 0 when absent, -1 (and an error) when malformed. */
static int amount_of(const struct notice *nt, const xmlNode *pp, double *amount,
                     char currency[4])
{
    xmlNode *n = find(pp, "cac:RequestedTenderTotal/"
                          "cbc:EstimatedOverallContractAmount");
    char *s = text_of(n, ONE_LINE), *end = NULL;
    xmlChar *cur;
    int r = -1;

    if (!n) return 0;
    if (s && strspn(s, "0123456789.") == strlen(s)) *amount = strtod(s, &end);
    if (!s || !end || *end || !isfinite(*amount)) {
        fail_at(nt, n, NULL, "\"%.30s\" is not an amount", s ? s : "");
        goto out;
    }
    cur = xmlGetNoNsProp(n, (const xmlChar *)"currencyID");
    if (cur && (strlen((const char *)cur) != 3 ||
                strspn((const char *)cur, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3)) {
        fail_at(nt, n, NULL, "currencyID \"%.10s\" is not an ISO 4217 code",
                (const char *)cur);
        xmlFree(cur);
        goto out;
    }
    snprintf(currency, 4, "%s", cur ? (const char *)cur : "");
    xmlFree(cur);
    r = 1;
out:
    free(s);
    return r;
}

/* amount_json: a JSON number, an integer when the amount is whole. */
static json_t *amount_json(double v)
{
    if (v == floor(v) && fabs(v) < 9007199254740992.0)
        return json_integer((json_int_t)v);
    return json_real(v);
}

/* read_value: the procedure's estimated value; else the sum of the lots'
 * when every lot with one says the same currency. NULL when none. */
static json_t *read_value(const struct notice *nt, const xmlNode *pp)
{
    double amount = 0, sum = 0;
    char cur[4] = "", first[4] = "";
    int n = 0, mixed = 0;

    if (amount_of(nt, pp, &amount, cur) == 1) {
        return cur[0] ? json_pack("{s:o, s:s}", "amount", amount_json(amount),
                                  "currency", cur)
                      : json_pack("{s:o}", "amount", amount_json(amount));
    }
    for (xmlNode *lot = find(nt->root, "cac:ProcurementProjectLot"); lot;
         lot = next_same(lot)) {
        if (!attr_is(find(lot, "cbc:ID"), "schemeName", "Lot")) continue;
        if (amount_of(nt, find(lot, "cac:ProcurementProject"), &amount, cur) !=
            1)
            continue;
        if (n++ == 0) snprintf(first, sizeof first, "%s", cur);
        mixed |= strcmp(first, cur) != 0;
        sum += amount;
    }
    if (!n || mixed) return NULL;
    return first[0] ? json_pack("{s:o, s:s}", "amount", amount_json(sum),
                                "currency", first)
                    : json_pack("{s:o}", "amount", amount_json(sum));
}

/* read_buyer: the name of the organisation (efac:Organizations) whose id
 * is the first contracting party's; else that party's own cac:PartyName.
 * New string or NULL. *address: that organisation's postal address
 * {postcode, city, nuts, country} (new), or NULL. */
static char *read_buyer(const xmlNode *root, json_t **address)
{
    xmlNode *party = find(root, "cac:ContractingParty/cac:Party");
    char *id = text_of(find(party, "cac:PartyIdentification/cbc:ID"), ONE_LINE);
    char *name = NULL;

    *address = NULL;
    for (xmlNode *org = find(find(root, ORGS), "efac:Organization");
         id && org && !name; org = next_same(org)) {
        xmlNode *co = find(org, "efac:Company");
        char *oid =
            text_of(find(co, "cac:PartyIdentification/cbc:ID"), ONE_LINE);

        if (oid && !strcmp(oid, id)) {
            name = text_of(in_french(co, "cac:PartyName/cbc:Name"), ONE_LINE);
            *address = read_address(find(co, "cac:PostalAddress"));
        }
        free(oid);
    }
    free(id);
    if (!name)
        name = text_of(in_french(party, "cac:PartyName/cbc:Name"), ONE_LINE);
    return name;
}

/* status_of: pin-* -> planned (pin-cfc-*, a call for competition ->
 * active), cn-* -> active, can-* -> complete; NULL for other types
 * (veat, corrections, modifications of other kinds...). */
static const char *status_of(const char *type)
{
    if (!type) return NULL;
    if (!strncmp(type, "pin-cfc", 7)) return "active";
    if (!strncmp(type, "pin-", 4)) return "planned";
    if (!strncmp(type, "cn-", 3)) return "active";
    if (!strncmp(type, "can-", 4)) return "complete";
    return NULL;
}

/* read_lots: the cac:ProcurementProjectLot with a cbc:ID of schemeName
 * "Lot" as {id, title, description, cpv}, into lots; every lot's (and
 * part's) CPV codes also go to cpv. -1 when out of memory. */
static int read_lots(const struct notice *nt, json_t *lots, json_t *cpv)
{
    for (xmlNode *n = find(nt->root, "cac:ProcurementProjectLot"); n;
         n = next_same(n)) {
        xmlNode *idn = find(n, "cbc:ID"),
                *pp = find(n, "cac:ProcurementProject");
        json_t *lot, *lot_cpv;
        char *id;
        int fail = 0;

        if (!attr_is(idn, "schemeName", "Lot")) {
            if (add_cpv(nt, pp, cpv, NULL)) return -1; /* a part (PIN) */
            continue;
        }
        id = text_of(idn, ONE_LINE);
        if (!id) {
            fail_at(nt, idn, NULL, "is required");
            continue;
        }
        lot = json_object();
        lot_cpv = json_array();
        fail |= !lot || !lot_cpv;
        if (!fail) {
            fail |= set(lot, "id", json_string(id));
            fail |= set_text(lot, "title", in_french(pp, "cbc:Name"), ONE_LINE);
            fail |= set_text(lot, "description",
                             in_french(pp, "cbc:Description"), LINES);
            fail |= add_cpv(nt, pp, cpv, lot_cpv);
            fail |= set(lot, "cpv", json_incref(lot_cpv));
            fail |= json_array_append(lots, lot);
        }
        free(id);
        json_decref(lot);
        json_decref(lot_cpv);
        if (fail) return -1;
    }
    return 0;
}

/* notice_doc: the document of the notice nt. RC_INVALID when an error was
 * recorded, RC_NOMEM. */
static enum rc notice_doc(const struct notice *nt, json_t **out)
{
    xmlNode *root = nt->root, *pp = find(root, "cac:ProcurementProject");
    json_t *doc = json_object(), *cpv = json_array(), *lots = json_array();
    json_t *place = NULL, *value;
    char *id = text_of(find(root, "cbc:ID"), ONE_LINE);
    char *version = text_of(find(root, "cbc:VersionID"), ONE_LINE);
    char *folder = text_of(find(root, "cbc:ContractFolderID"), ONE_LINE);
    char *type = text_of(find(root, "cbc:NoticeTypeCode"), ONE_LINE);
    json_t *buyer_place = NULL;
    char *buyer = read_buyer(root, &buyer_place), buf[512], deadline[32];
    char *title = text_of(in_french(pp, "cbc:Name"), ONE_LINE);
    size_t errs0 = json_array_size(nt->c.errs);
    enum rc rc = RC_NOMEM;
    int fail = 0;

    *out = NULL;
    if (!doc || !cpv || !lots) goto out;
    if (folder)
        snprintf(buf, sizeof buf, "eforms:%s", folder);
    else if (id)
        snprintf(buf, sizeof buf, "eforms:notice:%s", id);
    else
        fail_at(nt, root, "cbc:ContractFolderID", "is required");
    if (folder || id) fail |= set(doc, "ocid", json_string(buf));
    fail |= set(doc, "source", json_string("eforms"));
    if (id) {
        snprintf(buf, sizeof buf, "%s%s%s", id, version ? "-" : "",
                 version ? version : "");
        fail |= set(doc, "notice_id", json_string(buf));
    }
    if (status_of(type))
        fail |= set(doc, "status", json_string(status_of(type)));
    if (title)
        fail |= set(doc, "title", json_string(title));
    else
        fail_at(nt, pp ? pp : root,
                pp ? "cbc:Name" : "cac:ProcurementProject/cbc:Name",
                "is required");
    fail |=
        set_text(doc, "description", in_french(pp, "cbc:Description"), LINES);
    if (buyer) fail |= set(doc, "buyer", json_string(buyer));
    if (buyer_place) {
        fail |= set(doc, "buyer_place", buyer_place);
        buyer_place = NULL;
    }
    fail |= set_text(doc, "procedure",
                     find(root, "cac:TenderingProcess/cbc:ProcedureCode"),
                     ONE_LINE);
    fail |= add_cpv(nt, pp, cpv, NULL);
    fail |= read_lots(nt, lots, cpv);
    fail |= set(doc, "cpv", json_incref(cpv));
    place = read_place(pp);
    for (xmlNode *l = find(root, "cac:ProcurementProjectLot"); l && !place;
         l = next_same(l))
        place = read_place(find(l, "cac:ProcurementProject"));
    if (place) fail |= set(doc, "place", place);
    fail |= set(doc, "lots", json_incref(lots));
    if (read_deadline(nt, deadline, sizeof deadline))
        fail |= set(doc, "deadline", json_string(deadline));
    value = read_value(nt, pp);
    if (value) fail |= set(doc, "value", value);
    if (fail) goto out;
    if (json_array_size(nt->c.errs) > errs0) {
        rc = RC_INVALID;
        goto out;
    }
    *out = doc;
    doc = NULL;
    rc = RC_OK;
out:
    json_decref(doc);
    json_decref(cpv);
    json_decref(lots);
    free(id);
    free(version);
    free(folder);
    free(type);
    free(buyer);
    json_decref(buyer_place);
    free(title);
    return rc;
}

enum rc tender_from_eforms(const char *buf, size_t len, json_t *errs,
                           json_t **out)
{
    struct notice nt = {NULL, {errs, ""}};
    xmlDoc *xml = NULL;
    json_t *doc = NULL, *res = NULL;
    enum rc rc;
    size_t i;

    *out = NULL;
    if (tender_too_big(len, errs)) return RC_TOOBIG;
    rc = read_xml(buf, len, &nt.c, &xml);
    if (rc) goto out;
    nt.root = xmlDocGetRootElement(xml);
    for (i = 0; i < sizeof roots / sizeof *roots; i++)
        if (is(nt.root, roots[i][1], roots[i][0])) break;
    if (i == sizeof roots / sizeof *roots) {
        check_fail(&nt.c, "document",
                   "the root element <%.40s> is not an eForms notice "
                   "(ContractNotice, ContractAwardNotice or "
                   "PriorInformationNotice, UBL 2.3)",
                   nt.root ? (const char *)nt.root->name : "");
        rc = RC_INVALID;
        goto out;
    }
    rc = notice_doc(&nt, &doc);
    if (rc) goto out;
    rc = RC_NOMEM;
    res = json_array();
    if (!res) goto out;
    i = (size_t)json_array_append_new(res, doc); /* steals doc */
    doc = NULL;
    if (i) goto out;
    *out = res;
    res = NULL;
    rc = RC_OK;
out:
    json_decref(doc);
    json_decref(res);
    xmlFreeDoc(xml);
    return rc;
}
