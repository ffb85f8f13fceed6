/*
 * test_offer.c: offers, the catalogue items of entrepreneurs and groups.
 * Pure: every field's rules (title, description, trades, price and its
 * units, status, delivered_by for both owners), the image types from
 * their magic bytes and their sizes, who may do what. :memory: an
 * entrepreneur's offer and a group's whose members are in two
 * cooperatives, delivered_by among the accepted members only, a change
 * number on every write, retiring and putting back, photos (types, sizes,
 * the sixth and the seventh), nothing written on a refusal. End to end:
 * the routes and their status codes, a photo served byte for byte with
 * its headers, and an authorization matrix of the offer routes.
 */
#include "testutil.h"

#include <math.h>
#include <strings.h>

#include "../directory/dir_coop.h"
#include "../directory/dir_ent.h"
#include "../group/group.h"
#include "../offer/offer.h"
#include "../util/check.h"
#include "../util/ids.h"
#include "../util/viewer.h"

extern const char *const offer_sql[];
extern const char *const dir_person_sql[];

static const char *sget(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));

    return s ? s : "";
}

/* ============================================================ images */

/* A PNG of w x h pixels (the header is what counts here), with NUL and
 * 0xFF bytes in it, into p; its length. */
static size_t png(unsigned char *p, unsigned w, unsigned h)
{
    static const unsigned char head[] = {0x89, 'P', 'N', 'G', '\r', '\n',
                                         0x1a, '\n', 0,    0,   0,   13,
                                         'I',  'H', 'D',  'R'};
    static const unsigned char tail[] = {
        8,    6,    0,    0,    0,    0x1f, 0x15, 0xc4, 0x89, 0,    0,
        0,    13,   'I',  'D',  'A',  'T',  0x78, 0x9c, 0x63, 0,    1,
        0,    0,    5,    0,    1,    0x0d, 0x0a, 0x2d, 0xb4, 0,    0,
        0,    0,    'I',  'E',  'N',  'D',  0xae, 0x42, 0x60, 0x82, 0xff};
    size_t n = 0;

    memcpy(p, head, sizeof head);
    n = sizeof head;
    p[n++] = (unsigned char)(w >> 24);
    p[n++] = (unsigned char)(w >> 16);
    p[n++] = (unsigned char)(w >> 8);
    p[n++] = (unsigned char)w;
    p[n++] = (unsigned char)(h >> 24);
    p[n++] = (unsigned char)(h >> 16);
    p[n++] = (unsigned char)(h >> 8);
    p[n++] = (unsigned char)h;
    memcpy(p + n, tail, sizeof tail);
    return n + sizeof tail;
}

/* A JPEG (JFIF, a quantization table, then the frame header sof: 0xC0
 * baseline, 0xC2 progressive) of w x h. */
static size_t jpeg(unsigned char *p, unsigned w, unsigned h, unsigned sof)
{
    static const unsigned char app0[] = {0xff, 0xd8, 0xff, 0xe0, 0, 16,
                                         'J',  'F',  'I',  'F',  0, 1,
                                         1,    0,    0,    1,    0, 1,
                                         0,    0};
    size_t n = 0, i;

    memcpy(p, app0, sizeof app0);
    n = sizeof app0;
    p[n++] = 0xff; /* DQT, 67 bytes */
    p[n++] = 0xdb;
    p[n++] = 0;
    p[n++] = 67;
    p[n++] = 0;
    for (i = 0; i < 64; i++) p[n++] = (unsigned char)(i + 1);
    p[n++] = 0xff; /* a fill byte before the marker */
    p[n++] = 0xff;
    p[n++] = (unsigned char)sof;
    p[n++] = 0;
    p[n++] = 17;
    p[n++] = 8;
    p[n++] = (unsigned char)(h >> 8);
    p[n++] = (unsigned char)h;
    p[n++] = (unsigned char)(w >> 8);
    p[n++] = (unsigned char)w;
    p[n++] = 3;
    for (i = 0; i < 9; i++) p[n++] = (unsigned char)(i % 3 + 1);
    p[n++] = 0xff; /* SOS, a scan, EOI */
    p[n++] = 0xda;
    p[n++] = 0;
    p[n++] = 8;
    for (i = 0; i < 6; i++) p[n++] = 0;
    p[n++] = 0x12;
    p[n++] = 0x34;
    p[n++] = 0xff;
    p[n++] = 0xd9;
    return n;
}

/* A WebP: kind 'L' (lossless VP8L), ' ' (lossy VP8) or 'X' (VP8X). */
static size_t webp(unsigned char *p, unsigned w, unsigned h, char kind)
{
    size_t n = 0;

    memset(p, 0, 64);
    memcpy(p, "RIFF", 4);
    p[4] = 40; /* RIFF size, not checked */
    memcpy(p + 8, "WEBP", 4);
    if (kind == 'L') {
        unsigned long b = (unsigned long)(w - 1) |
                          (unsigned long)(h - 1) << 14;

        memcpy(p + 12, "VP8L", 4);
        p[16] = 5;
        p[20] = 0x2f;
        p[21] = (unsigned char)b;
        p[22] = (unsigned char)(b >> 8);
        p[23] = (unsigned char)(b >> 16);
        p[24] = (unsigned char)(b >> 24);
        n = 26;
    } else if (kind == ' ') {
        memcpy(p + 12, "VP8 ", 4);
        p[16] = 18;
        p[23] = 0x9d;
        p[24] = 0x01;
        p[25] = 0x2a;
        p[26] = (unsigned char)w;
        p[27] = (unsigned char)(w >> 8);
        p[28] = (unsigned char)h;
        p[29] = (unsigned char)(h >> 8);
        n = 38;
    } else {
        memcpy(p + 12, "VP8X", 4);
        p[16] = 10;
        p[24] = (unsigned char)(w - 1);
        p[25] = (unsigned char)((w - 1) >> 8);
        p[26] = (unsigned char)((w - 1) >> 16);
        p[27] = (unsigned char)(h - 1);
        p[28] = (unsigned char)((h - 1) >> 8);
        p[29] = (unsigned char)((h - 1) >> 16);
        n = 30;
    }
    return n;
}

static const char html[] = "<!DOCTYPE html><html><script>alert(1)"
                           "</script></html>";
static const char svg[] = "<svg xmlns=\"http://www.w3.org/2000/svg\">"
                          "<script>alert(1)</script></svg>";

/* ================================================================ pure */

static void image_types(void **state)
{
    unsigned char b[256];
    size_t n;
    int w, h;

    (void)state;
    n = png(b, 1200, 800);
    assert_string_equal(offer_image_type(b, n, &w, &h), "image/png");
    assert_int_equal(w, 1200);
    assert_int_equal(h, 800);
    /* A signature alone: a PNG, size unknown. */
    assert_string_equal(offer_image_type(b, 8, &w, &h), "image/png");
    assert_int_equal(w, 0);
    assert_int_equal(h, 0);
    n = jpeg(b, 640, 480, 0xc0);
    assert_string_equal(offer_image_type(b, n, &w, &h), "image/jpeg");
    assert_int_equal(w, 640);
    assert_int_equal(h, 480);
    n = jpeg(b, 4000, 3000, 0xc2);
    assert_string_equal(offer_image_type(b, n, &w, &h), "image/jpeg");
    assert_int_equal(w, 4000);
    assert_int_equal(h, 3000);
    /* Cut before the frame header: a JPEG of unknown size. */
    assert_string_equal(offer_image_type(b, 30, &w, &h), "image/jpeg");
    assert_int_equal(w, 0);
    n = webp(b, 400, 300, 'L');
    assert_string_equal(offer_image_type(b, n, &w, &h), "image/webp");
    assert_int_equal(w, 400);
    assert_int_equal(h, 300);
    n = webp(b, 1024, 768, ' ');
    assert_string_equal(offer_image_type(b, n, &w, &h), "image/webp");
    assert_int_equal(w, 1024);
    assert_int_equal(h, 768);
    n = webp(b, 5000, 2, 'X');
    assert_string_equal(offer_image_type(b, n, &w, &h), "image/webp");
    assert_int_equal(w, 5000);
    assert_int_equal(h, 2);
    /* Not images we take. */
    assert_null(offer_image_type(html, strlen(html), &w, &h));
    assert_null(offer_image_type(svg, strlen(svg), &w, &h));
    assert_null(offer_image_type("GIF89a\1\0\1\0", 10, &w, &h));
    assert_null(offer_image_type("RIFF\0\0\0\0WAVEfmt ", 16, &w, &h));
    assert_null(offer_image_type("\xff\xd8", 2, &w, &h));
    assert_null(offer_image_type("", 0, &w, &h));
    assert_null(offer_image_type(NULL, 0, &w, &h));

    assert_string_equal(offer_media_type("image/jpeg"), "image/jpeg");
    assert_string_equal(offer_media_type(" Image/PNG; q=1"), "image/png");
    assert_string_equal(offer_media_type("image/webp"), "image/webp");
    assert_null(offer_media_type("image/svg+xml"));
    assert_null(offer_media_type("text/html"));
    assert_null(offer_media_type("image/pngx"));
    assert_null(offer_media_type("image/gif"));
    assert_null(offer_media_type(""));
    assert_null(offer_media_type(NULL));
}

/* price: offer_check_price on a JSON literal; want 1, 0 or -1 and the
 * field of the error. The clean price, or NULL. */
static json_t *price(const char *text, int want, const char *field)
{
    json_t *in = test_json(text), *errs = json_array(), *out = json_object();
    struct check c = {errs, ""};
    int r = offer_check_price(&c, in, "price", out);
    json_t *p;

    if (r != want)
        fail_msg("%s: %d, want %d: %s", text, r, want, json_dumps(errs, 0));
    if (field && !test_has_error(errs, field))
        fail_msg("%s: no error on %s: %s", text, field, json_dumps(errs, 0));
    if (want >= 0) assert_int_equal(json_array_size(errs), 0);
    p = json_incref(json_object_get(out, "price"));
    json_decref(in);
    json_decref(errs);
    json_decref(out);
    return p;
}

static void price_rules(void **state)
{
    json_t *p;

    (void)state;
    p = price("{'price':{'min':40,'max':60.5,'unit':'hour'}}", 1, NULL);
    assert_true(json_is_integer(json_object_get(p, "min")));
    assert_true(fabs(json_number_value(json_object_get(p, "max")) - 60.5) <
                1e-9);
    assert_string_equal(sget(p, "unit"), "hour");
    json_decref(p);
    p = price("{'price':{'min':350.0,'unit':'day'}}", 1, NULL);
    assert_true(json_is_integer(json_object_get(p, "min")));
    assert_null(json_object_get(p, "max"));
    json_decref(p);
    p = price("{'price':{'max':1200,'unit':'package'}}", 1, NULL);
    json_decref(p);
    p = price("{'price':{'min':0,'max':0,'unit':'package'}}", 1, NULL);
    json_decref(p);
    p = price("{'price':{'min':10,'max':10,'unit':'day'}}", 1, NULL);
    json_decref(p);
    /* A unit alone: priced by the day, amount on request. */
    p = price("{'price':{'unit':'day'}}", 1, NULL);
    json_decref(p);
    assert_null(price("{'price':null}", 0, NULL));
    assert_null(price("{}", 0, NULL));

    /* The unit: required with a price, one of three. */
    price("{'price':{'min':40}}", -1, "price.unit");
    price("{'price':{}}", -1, "price.unit");
    price("{'price':{'min':40,'unit':'week'}}", -1, "price.unit");
    price("{'price':{'min':40,'unit':'HOUR'}}", -1, "price.unit");
    price("{'price':{'min':40,'unit':3}}", -1, "price.unit");
    /* Amounts: numbers, 0 or more, cents at most, min <= max. */
    price("{'price':{'min':-1,'unit':'hour'}}", -1, "price.min");
    price("{'price':{'max':'50','unit':'hour'}}", -1, "price.max");
    price("{'price':{'min':10.005,'unit':'hour'}}", -1, "price.min");
    price("{'price':{'max':2e9,'unit':'hour'}}", -1, "price.max");
    price("{'price':{'min':70,'max':60,'unit':'hour'}}", -1, "price.min");
    price("{'price':{'min':40,'unit':'hour','currency':'EUR'}}", -1,
          "price.currency");
    price("{'price':'40 euros'}", -1, "price");
    price("{'price':[40,60]}", -1, "price");
}

/* delivered: offer_check_delivered_by on a literal (owner 0: a group's
 * offer with members 5, 6, 7 accepted); want and the field. */
static json_t *delivered(const char *text, long long owner, int want,
                         const char *field)
{
    static const long long members[] = {5, 6, 7};
    json_t *in = test_json(text), *errs = json_array(), *out = json_object();
    struct check c = {errs, ""};
    int r = offer_check_delivered_by(&c, in, "delivered_by", owner, members,
                                     3, out);
    json_t *d;

    if (r != want)
        fail_msg("%s: %d, want %d: %s", text, r, want, json_dumps(errs, 0));
    if (field && !test_has_error(errs, field))
        fail_msg("%s: no error on %s: %s", text, field, json_dumps(errs, 0));
    d = json_incref(json_object_get(out, "delivered_by"));
    json_decref(in);
    json_decref(errs);
    json_decref(out);
    return d;
}

static void delivered_by_rules(void **state)
{
    json_t *d;

    (void)state;
    /* An entrepreneur's: the owner, by default and only. */
    d = delivered("{}", 12, 1, NULL);
    assert_int_equal(json_array_size(d), 1);
    assert_string_equal(json_string_value(json_array_get(d, 0)), "12");
    json_decref(d);
    d = delivered("{'delivered_by':['12']}", 12, 1, NULL);
    json_decref(d);
    d = delivered("{'delivered_by':[12]}", 12, 1, NULL);
    json_decref(d);
    d = delivered("{'delivered_by':[{'entrepreneur_id':'12','name':'Ana',"
                  "'cooperative_id':'1','cooperative':'A'}]}",
                  12, 1, NULL);
    json_decref(d);
    delivered("{'delivered_by':['13']}", 12, -1, "delivered_by");
    delivered("{'delivered_by':['12','13']}", 12, -1, "delivered_by");
    delivered("{'delivered_by':[]}", 12, -1, "delivered_by");
    delivered("{'delivered_by':'12'}", 12, -1, "delivered_by");
    /* A group's: required, accepted members, each once. */
    d = delivered("{'delivered_by':['5',7]}", 0, 1, NULL);
    assert_int_equal(json_array_size(d), 2);
    assert_string_equal(json_string_value(json_array_get(d, 1)), "7");
    json_decref(d);
    d = delivered("{'delivered_by':[{'entrepreneur_id':6}]}", 0, 1, NULL);
    json_decref(d);
    delivered("{}", 0, -1, "delivered_by");
    delivered("{'delivered_by':null}", 0, -1, "delivered_by");
    delivered("{'delivered_by':[]}", 0, -1, "delivered_by");
    delivered("{'delivered_by':{'5':true}}", 0, -1, "delivered_by");
    delivered("{'delivered_by':['5','8']}", 0, -1, "delivered_by[1]");
    delivered("{'delivered_by':['5','5']}", 0, -1, "delivered_by[1]");
    delivered("{'delivered_by':['x']}", 0, -1, "delivered_by[0]");
    delivered("{'delivered_by':[-5]}", 0, -1, "delivered_by[0]");
    delivered("{'delivered_by':[{'id':'5'}]}", 0, -1,
              "delivered_by[0].id");
}

/* check: offer_check of a literal as Ana's offer (owner 12); the number
 * of errors wanted (0: accepted), and a field that must be named. */
static json_t *check(struct db *db, const char *text, size_t want,
                     const char *field)
{
    json_t *in = test_json(text), *errs = json_array(), *out = json_object();
    struct check c = {errs, ""};
    size_t n = offer_check(db, &c, in, 12, NULL, 0, out);

    if (n != want)
        fail_msg("%s: %zu errors, want %zu: %s", text, n, want,
                 json_dumps(errs, 0));
    if (field && !test_has_error(errs, field))
        fail_msg("%s: no error on %s: %s", text, field, json_dumps(errs, 0));
    json_decref(in);
    json_decref(errs);
    if (want) {
        json_decref(out);
        return NULL;
    }
    return out;
}

static void every_field(void **state)
{
    struct db *db = test_db_new();
    char text[8192], big[6000];
    json_t *o;

    (void)state;
    o = check(db,
              "{'title':'  Taille de haies  ','description':'Ligne 1\\nLigne"
              " 2','trades':[{'scheme':'rome','code':'a1203'},"
              "{'scheme':'free','label':'Haies fleuries'}],"
              "'price':{'min':30,'max':45,'unit':'hour'}}",
              0, NULL);
    assert_string_equal(sget(o, "title"), "Taille de haies");
    assert_string_equal(sget(o, "description"), "Ligne 1\nLigne 2");
    assert_string_equal(
        sget(json_array_get(json_object_get(o, "trades"), 0), "code"),
        "A1203");
    assert_true(*sget(json_array_get(json_object_get(o, "trades"), 0),
                      "label"));
    assert_string_equal(sget(o, "status"), "active");
    assert_string_equal(
        json_string_value(json_array_get(json_object_get(o, "delivered_by"),
                                         0)),
        "12");
    json_decref(o);
    /* The read-only fields of an answer are ignored. */
    o = check(db,
              "{'id':'3','owner':{'kind':'entrepreneur','id':'12'},'title':"
              "'x','trades':[{'scheme':'naf','code':'81.30Z'}],'photos':[],"
              "'status':'retired','created_at':'2026-01-01T00:00:00Z',"
              "'updated_at':'x','retired_at':null,'can_edit':true}",
              0, NULL);
    assert_string_equal(sget(o, "status"), "retired");
    assert_null(json_object_get(o, "id"));
    json_decref(o);
    /* title */
    check(db, "{'trades':[{'scheme':'rome','code':'A1203'}]}", 1, "title");
    check(db, "{'title':'  ','trades':[{'scheme':'rome','code':'A1203'}]}", 1,
          "title");
    check(db, "{'title':'a\\nb','trades':[{'scheme':'rome','code':'A1203'}]}",
          1, "title");
    check(db, "{'title':42,'trades':[{'scheme':'rome','code':'A1203'}]}", 1,
          "title");
    memset(big, 'x', 201);
    big[201] = 0;
    snprintf(text, sizeof text,
             "{'title':'%s','trades':[{'scheme':'rome','code':'A1203'}]}",
             big);
    check(db, text, 1, "title");
    big[200] = 0;
    snprintf(text, sizeof text,
             "{'title':'%s','trades':[{'scheme':'rome','code':'A1203'}]}",
             big);
    json_decref(check(db, text, 0, NULL));
    /* 200 characters, not bytes: é is two bytes. */
    memset(big, 0, sizeof big);
    {
        int i;

        for (i = 0; i < 200; i++) strcat(big, "é");
    }
    snprintf(text, sizeof text,
             "{'title':'%s','trades':[{'scheme':'rome','code':'A1203'}]}",
             big);
    json_decref(check(db, text, 0, NULL));
    /* description */
    memset(big, 'x', 5001);
    big[5001] = 0;
    snprintf(text, sizeof text,
             "{'title':'t','description':'%s','trades':[{'scheme':'rome',"
             "'code':'A1203'}]}",
             big);
    check(db, text, 1, "description");
    check(db,
          "{'title':'t','description':'a\\u0007b','trades':[{'scheme':"
          "'rome','code':'A1203'}]}",
          1, "description");
    /* trades: at least one, known codes */
    check(db, "{'title':'t'}", 1, "trades");
    check(db, "{'title':'t','trades':[]}", 1, "trades");
    check(db, "{'title':'t','trades':'A1203'}", 1, "trades");
    check(db, "{'title':'t','trades':[{'scheme':'rome','code':'Z9999'}]}", 1,
          "trades[0].code");
    check(db, "{'title':'t','trades':[{'scheme':'isco','code':'7126'}]}", 1,
          "trades[0].scheme");
    check(db, "{'title':'t','trades':[{'scheme':'free'}]}", 1,
          "trades[0].label");
    /* status, price, delivered_by, unknown fields */
    check(db,
          "{'title':'t','trades':[{'scheme':'rome','code':'A1203'}],"
          "'status':'draft'}",
          1, "status");
    check(db,
          "{'title':'t','trades':[{'scheme':'rome','code':'A1203'}],"
          "'price':{'min':5}}",
          1, "price.unit");
    check(db,
          "{'title':'t','trades':[{'scheme':'rome','code':'A1203'}],"
          "'delivered_by':['13']}",
          1, "delivered_by");
    check(db,
          "{'title':'t','trades':[{'scheme':'rome','code':'A1203'}],"
          "'titel':'x'}",
          1, "titel");
    /* Every error in one answer. */
    check(db, "{'title':'','trades':[],'price':{'min':-1},'status':'x'}", 5,
          NULL);
    db_close(db);
}

static void who_may_do_what(void **state)
{
    const struct viewer anon = viewer_anonymous;
    const struct viewer client = {VIEWER_CLIENT, 0, 0, 5};
    const struct viewer ana = {VIEWER_ENTREPRENEUR, 1, 10, 6};
    const struct viewer bob = {VIEWER_ENTREPRENEUR, 1, 11, 7};
    const struct viewer carla = {VIEWER_ENTREPRENEUR, 2, 20, 8};
    const struct viewer staff1 = {VIEWER_STAFF, 1, 0, 9};
    const struct viewer staff2 = {VIEWER_STAFF, 2, 0, 10};
    const struct viewer admin = {VIEWER_ADMIN, 0, 0, 11};
    struct viewer_offer pub = {0, "public", 1, 10, 0, 0, 0};
    struct viewer_offer coop = {0, "cooperative", 1, 10, 0, 0, 0};
    struct viewer_offer gone = {0, "public", 1, 10, 0, 0, 1};
    struct viewer_offer grp = {1, NULL, 0, 0, 1, VIEWER_GROUP_PUBLIC, 0};

    (void)state;
    /* An entrepreneur's offer: its editors edit, its readers read. */
    assert_int_equal(viewer_offer_access(&anon, &pub), VIEWER_OFFER_READ);
    assert_int_equal(viewer_offer_access(&ana, &pub), VIEWER_OFFER_EDIT);
    assert_int_equal(viewer_offer_access(&bob, &pub), VIEWER_OFFER_READ);
    assert_int_equal(viewer_offer_access(&staff1, &pub), VIEWER_OFFER_EDIT);
    assert_int_equal(viewer_offer_access(&staff2, &pub), VIEWER_OFFER_READ);
    assert_int_equal(viewer_offer_access(&admin, &pub), VIEWER_OFFER_EDIT);
    assert_int_equal(viewer_offer_access(&anon, &coop), VIEWER_OFFER_NONE);
    assert_int_equal(viewer_offer_access(&client, &coop), VIEWER_OFFER_NONE);
    assert_int_equal(viewer_offer_access(&bob, &coop), VIEWER_OFFER_READ);
    assert_int_equal(viewer_offer_access(&carla, &coop), VIEWER_OFFER_NONE);
    assert_int_equal(viewer_offer_access(&staff2, &coop), VIEWER_OFFER_NONE);
    /* Retired: its editors only. */
    assert_int_equal(viewer_offer_access(&anon, &gone), VIEWER_OFFER_NONE);
    assert_int_equal(viewer_offer_access(&bob, &gone), VIEWER_OFFER_NONE);
    assert_int_equal(viewer_offer_access(&ana, &gone), VIEWER_OFFER_EDIT);
    assert_int_equal(viewer_offer_access(&staff1, &gone), VIEWER_OFFER_EDIT);
    /* A group's: public; edited by those who edit the group. */
    assert_int_equal(viewer_offer_access(&anon, &grp), VIEWER_OFFER_READ);
    grp.group = VIEWER_GROUP_READ; /* a member, staff of a member's coop */
    assert_int_equal(viewer_offer_access(&carla, &grp), VIEWER_OFFER_READ);
    grp.group = VIEWER_GROUP_EDIT;
    assert_int_equal(viewer_offer_access(&ana, &grp), VIEWER_OFFER_EDIT);
    grp.group = VIEWER_GROUP_NONE; /* a group whose members all hide */
    assert_int_equal(viewer_offer_access(&anon, &grp), VIEWER_OFFER_READ);
    grp.retired = 1;
    assert_int_equal(viewer_offer_access(&anon, &grp), VIEWER_OFFER_NONE);
    grp.listed = 0; /* a tender team */
    grp.retired = 0;
    assert_int_equal(viewer_offer_access(&client, &grp), VIEWER_OFFER_NONE);
}

/* ========================================================== :memory: */

static long long make_coop(struct db *db, const char *name)
{
    char text[128];

    snprintf(text, sizeof text, "{'name':'%s'}", name);
    return test_make(db, dir_coop_create, text);
}

static long long make_ent(struct db *db, long long coop, const char *name,
                          const char *vis)
{
    char text[512];

    snprintf(text, sizeof text,
             "{'cooperative_id':'%lld','display_name':'%s','trades':"
             "[{'scheme':'rome','code':'A1203'}],'location':{'insee':"
             "'76540'},'visibility':'%s'}",
             coop, name, vis);
    return test_make(db, dir_ent_create, text);
}

/* account_for: an account (entrepreneur ent of coop, staff of coop when
 * ent is 0, a client when both are 0); its viewer. */
static struct viewer account_for(struct db *db, const char *email,
                                 long long ent, long long coop)
{
    char text[256];
    json_t *in, *errs = json_array(), *out = NULL;
    struct viewer v = {ent    ? VIEWER_ENTREPRENEUR
                       : coop ? VIEWER_STAFF
                              : VIEWER_CLIENT,
                       coop, ent, 0};

    if (ent)
        snprintf(text, sizeof text,
                 "{'email':'%s','password':'a password','role':"
                 "'entrepreneur','entrepreneur_id':'%lld'}",
                 email, ent);
    else if (coop)
        snprintf(text, sizeof text,
                 "{'email':'%s','password':'a password','role':'staff',"
                 "'cooperative_id':'%lld'}",
                 email, coop);
    else
        snprintf(text, sizeof text, "{'email':'%s','password':'a password'}",
                 email);
    in = test_json(text);
    assert_int_equal(account_create(db, &viewer_system, in, errs, &out),
                     RC_OK);
    assert_true(ids_parse(sget(out, "id"), &v.account_id));
    json_decref(in);
    json_decref(errs);
    json_decref(out);
    return v;
}

struct fix {
    struct db *db;
    long long coop_a, coop_b;
    long long ana, bob, carla, dan, eve; /* ana, bob: A; the others: B */
    struct viewer va, vb, vc, vd, ve, staff_a, staff_b, client;
    char group[24];  /* a trade group: Ana (admin), Carla and Dan
                        accepted, Bob invited, Ève declined */
    char team[24];   /* a tender team of Ana's */
};

static json_t *member_of(json_t *g, long long ent)
{
    json_t *m;
    size_t i;
    char id[24];

    snprintf(id, sizeof id, "%lld", ent);
    json_array_foreach(json_object_get(g, "members"), i, m) {
        if (!strcmp(sget(m, "entrepreneur_id"), id)) return m;
    }
    return NULL;
}

static void answer(struct fix *f, const struct viewer *v, json_t *g,
                   long long ent, int accept)
{
    json_t *in = json_object(), *errs = json_array(), *out = NULL;

    assert_int_equal(group_answer(f->db, v,
                                  sget(member_of(g, ent), "invitation_id"),
                                  accept, in, errs, &out),
                     RC_OK);
    json_decref(out);
    json_decref(in);
    json_decref(errs);
}

static void make_group(struct fix *f, const char *kind, char *id,
                       size_t size)
{
    char text[512];
    json_t *in, *errs = json_array(), *g = NULL;

    /* Made by an administrator (Ana may not see Dan's profile): Ana its
     * admin once she accepts. */
    snprintf(text, sizeof text,
             "{'kind':'%s','name':'Jardins %s','members':["
             "{'entrepreneur_id':'%lld','role':'admin'},"
             "{'entrepreneur_id':'%lld'},{'entrepreneur_id':'%lld'},"
             "{'entrepreneur_id':'%lld'},{'entrepreneur_id':'%lld'}]}",
             kind, kind, f->ana, f->carla, f->dan, f->bob, f->eve);
    in = test_json(text);
    if (group_create(f->db, &viewer_system, in, NULL, errs, &g) != RC_OK)
        fail_msg("group: %s", json_dumps(errs, 0));
    snprintf(id, size, "%s", sget(g, "id"));
    answer(f, &f->va, g, f->ana, 1);
    answer(f, &f->vc, g, f->carla, 1);
    answer(f, &f->vd, g, f->dan, 1);
    answer(f, &f->ve, g, f->eve, 0);
    json_decref(in);
    json_decref(errs);
    json_decref(g);
}

static int fix_setup(void **state)
{
    struct fix *f = calloc(1, sizeof *f);

    f->db = test_db_new();
    f->coop_a = make_coop(f->db, "Coop Alpha");
    f->coop_b = make_coop(f->db, "Coop Béta");
    f->ana = make_ent(f->db, f->coop_a, "Ana Paysagiste", "public");
    f->bob = make_ent(f->db, f->coop_a, "Bob Élagueur", "cooperative");
    f->carla = make_ent(f->db, f->coop_b, "Carla Jardinière", "network");
    f->dan = make_ent(f->db, f->coop_b, "Dan Discret", "private");
    f->eve = make_ent(f->db, f->coop_b, "Ève Arboriste", "public");
    f->va = account_for(f->db, "ana@example.org", f->ana, f->coop_a);
    f->vb = account_for(f->db, "bob@example.org", f->bob, f->coop_a);
    f->vc = account_for(f->db, "carla@example.org", f->carla, f->coop_b);
    f->vd = account_for(f->db, "dan@example.org", f->dan, f->coop_b);
    f->ve = account_for(f->db, "eve@example.org", f->eve, f->coop_b);
    f->staff_a = account_for(f->db, "staff-a@example.org", 0, f->coop_a);
    f->staff_b = account_for(f->db, "staff-b@example.org", 0, f->coop_b);
    f->client = account_for(f->db, "client@example.org", 0, 0);
    make_group(f, "trade_group", f->group, sizeof f->group);
    make_group(f, "tender_team", f->team, sizeof f->team);
    *state = f;
    return 0;
}

static int fix_teardown(void **state)
{
    struct fix *f = *state;

    db_close(f->db);
    free(f);
    return 0;
}

/* expand: a JSON literal with %A %B %C %D %E the ids of ana, bob, carla,
 * dan, eve, into out. */
static void expand(struct fix *f, const char *fmt, char *out, size_t size)
{
    size_t n = 0;
    const char *p;

    for (p = fmt; *p && n + 24 < size; p++) {
        if (*p == '%' && p[1] >= 'A' && p[1] <= 'E') {
            long long id = p[1] == 'A'   ? f->ana
                           : p[1] == 'B' ? f->bob
                           : p[1] == 'C' ? f->carla
                           : p[1] == 'D' ? f->dan
                                         : f->eve;

            n += (size_t)snprintf(out + n, size - n, "%lld", id);
            p++;
        } else {
            out[n++] = *p;
        }
    }
    out[n] = 0;
}

/* create: offer_create by v for an entrepreneur (owner > 0: that id) or
 * the fixture's group (owner 0) or team (owner -1). */
static json_t *create(struct fix *f, const struct viewer *v, long long owner,
                      const char *fmt, enum rc want, const char *bad_field)
{
    char text[4096], id[24];
    json_t *in, *errs = json_array(), *out = NULL;
    enum rc rc;

    expand(f, fmt, text, sizeof text);
    in = test_json(text);
    if (owner > 0) snprintf(id, sizeof id, "%lld", owner);
    rc = offer_create(f->db, v,
                      owner > 0 ? OFFER_BY_ENTREPRENEUR : OFFER_BY_GROUP,
                      owner > 0 ? id : owner == 0 ? f->group : f->team, in,
                      errs, &out);
    if (rc != want)
        fail_msg("%s: %s, want %s: %s", text, rc_name(rc), rc_name(want),
                 json_dumps(errs, 0));
    if (bad_field && !test_has_error(errs, bad_field))
        fail_msg("%s: no error on %s: %s", text, bad_field,
                 json_dumps(errs, 0));
    json_decref(in);
    json_decref(errs);
    return out;
}

static enum rc patch(struct fix *f, const struct viewer *v, const char *id,
                     const char *fmt, const char *bad_field, json_t **got)
{
    char text[4096];
    json_t *in, *errs = json_array(), *out = NULL;
    enum rc rc;

    expand(f, fmt, text, sizeof text);
    in = test_json(text);
    rc = offer_patch(f->db, v, id, in, errs, &out);
    if (bad_field && !test_has_error(errs, bad_field))
        fail_msg("%s: no error on %s: %s", text, bad_field,
                 json_dumps(errs, 0));
    if (got)
        *got = out;
    else
        json_decref(out);
    json_decref(in);
    json_decref(errs);
    return rc;
}

static enum rc get(struct fix *f, const struct viewer *v, const char *id,
                   json_t **got)
{
    json_t *out = NULL;
    enum rc rc = offer_get(f->db, v, id, &out);

    if (got)
        *got = out;
    else
        json_decref(out);
    return rc;
}

/* list_ids: the ids listed for v (owner as create), joined by spaces;
 * the rc. */
static enum rc list_ids(struct fix *f, const struct viewer *v,
                        long long owner, const char *status, char *ids,
                        size_t size)
{
    char id[24];
    json_t *errs = json_array(), *out = NULL, *o;
    size_t i, n = 0;
    enum rc rc;

    if (owner > 0) snprintf(id, sizeof id, "%lld", owner);
    rc = offer_list(f->db, v,
                    owner > 0 ? OFFER_BY_ENTREPRENEUR : OFFER_BY_GROUP,
                    owner > 0 ? id : owner == 0 ? f->group : f->team, status,
                    20, NULL, errs, &out);
    ids[0] = 0;
    json_array_foreach(json_object_get(out, "results"), i, o) {
        n += (size_t)snprintf(ids + n, size - n, "%s%s", n ? " " : "",
                              sget(o, "id"));
    }
    if (out)
        assert_int_equal(json_integer_value(json_object_get(out, "total")),
                         json_array_size(json_object_get(out, "results")));
    json_decref(out);
    json_decref(errs);
    return rc;
}

/* seq_of: offer.seq of offer id (grp 1: grp.seq of the fixture's
 * group). */
static long long seq_of(struct fix *f, const char *id, int grp)
{
    char sql[128];

    snprintf(sql, sizeof sql, "SELECT seq FROM %s WHERE id = %s",
             grp ? "grp" : "offer", grp ? f->group : id);
    return test_count(f->db, sql);
}

static void every_statement_prepares(void **state)
{
    /* The module's statements, and the profile reader it calls. */
    const char *const *const lists[] = {offer_sql, dir_person_sql};
    struct fix *f = *state;
    size_t i, k, n = 0;

    for (k = 0; k < 2; k++)
        for (i = 0; lists[k][i]; i++, n++) {
            sqlite3_stmt *st = db_stmt(f->db, lists[k][i]);

            if (!st) fprintf(stderr, "cannot prepare: %s\n", lists[k][i]);
            assert_non_null(st);
        }
    assert_true(n >= 19);
}

static const char ana_offer[] =
    "{'title':'Création de jardin','description':'Conception et plantation."
    "\\nDevis gratuit.','trades':[{'scheme':'rome','code':'A1203'}],"
    "'price':{'min':35,'max':50,'unit':'hour'}}";

/* An entrepreneur's offer: hers alone, as she and her cooperative's
 * staff write it. */
static void entrepreneur_offer(void **state)
{
    struct fix *f = *state;
    json_t *o, *d, *got = NULL;
    char id[24], sql[512];
    int before;

    o = create(f, &f->va, f->ana, ana_offer, RC_OK, NULL);
    snprintf(id, sizeof id, "%s", sget(o, "id"));
    assert_string_equal(sget(json_object_get(o, "owner"), "kind"),
                        "entrepreneur");
    assert_int_equal(atoll(sget(json_object_get(o, "owner"), "id")), f->ana);
    assert_string_equal(sget(json_object_get(o, "owner"), "name"),
                        "Ana Paysagiste");
    assert_string_equal(sget(o, "title"), "Création de jardin");
    assert_string_equal(sget(o, "status"), "active");
    assert_true(json_is_null(json_object_get(o, "retired_at")));
    assert_true(json_is_true(json_object_get(o, "can_edit")));
    assert_int_equal(json_array_size(json_object_get(o, "photos")), 0);
    assert_string_equal(sget(json_object_get(o, "price"), "unit"), "hour");
    d = json_object_get(o, "delivered_by");
    assert_int_equal(json_array_size(d), 1);
    assert_int_equal(atoll(sget(json_array_get(d, 0), "entrepreneur_id")),
                     f->ana);
    assert_string_equal(sget(json_array_get(d, 0), "cooperative"),
                        "Coop Alpha");
    json_decref(o);
    /* Its rows for search: members, trades, a change number. */
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM offer_member WHERE offer_id = %s AND"
             " entrepreneur_id = %lld",
             id, f->ana);
    assert_int_equal(test_count(f->db, sql), 1);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM offer_trade WHERE offer_id = %s AND"
             " scheme = 'rome' AND code = 'A1203'",
             id);
    assert_int_equal(test_count(f->db, sql), 1);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM offer WHERE id = %s AND entrepreneur_id ="
             " %lld AND group_id IS NULL AND title = 'Création de jardin'"
             " AND json_extract(doc, '$.price.unit') = 'hour'"
             " AND json_extract(doc, '$.delivered_by[0]') = '%lld'",
             id, f->ana, f->ana);
    assert_int_equal(test_count(f->db, sql), 1);
    assert_true(seq_of(f, id, 0) > 0);

    /* Her staff writes for her; nobody else does. */
    o = create(f, &f->staff_a, f->ana, "{'title':'Tonte','trades':["
                                       "{'scheme':'rome','code':'A1203'}]}",
               RC_OK, NULL);
    json_decref(o);
    before = test_count(f->db, "SELECT count(*) FROM offer");
    create(f, &f->vb, f->ana, ana_offer, RC_FORBIDDEN, NULL);
    create(f, &f->vc, f->ana, ana_offer, RC_FORBIDDEN, NULL);
    create(f, &f->staff_b, f->ana, ana_offer, RC_FORBIDDEN, NULL);
    create(f, &f->client, f->ana, ana_offer, RC_FORBIDDEN, NULL);
    create(f, &viewer_anonymous, f->ana, ana_offer, RC_UNAUTHORIZED, NULL);
    /* A profile one may not see does not exist. */
    create(f, &f->va, f->dan, ana_offer, RC_NOTFOUND, NULL);
    create(f, &f->va, 987654, ana_offer, RC_NOTFOUND, NULL);
    /* Delivered by her alone; bad input names the field. */
    create(f, &f->va, f->ana,
           "{'title':'t','trades':[{'scheme':'rome','code':'A1203'}],"
           "'delivered_by':['%A','%C']}",
           RC_INVALID, "delivered_by");
    create(f, &f->va, f->ana,
           "{'title':'t','trades':[{'scheme':'rome','code':'A1203'}],"
           "'price':{'min':60,'max':50,'unit':'day'}}",
           RC_INVALID, "price.min");
    create(f, &f->va, f->ana, "{'title':'t'}", RC_INVALID, "trades");
    assert_int_equal(test_count(f->db, "SELECT count(*) FROM offer"),
                     before);
    assert_int_equal(test_count(f->db, "SELECT count(*) FROM offer_member"),
                     before);
    /* Read: who sees Ana's profile (public) reads it. */
    assert_int_equal(get(f, &viewer_anonymous, id, &got), RC_OK);
    assert_false(json_is_true(json_object_get(got, "can_edit")));
    json_decref(got);
    assert_int_equal(get(f, &f->vc, id, NULL), RC_OK);
    assert_int_equal(get(f, &f->va, "987654", NULL), RC_NOTFOUND);
    assert_int_equal(get(f, &f->va, "x1", NULL), RC_NOTFOUND);
}

/* Bob's profile is for his cooperative: so are his offers. */
static void hidden_owner(void **state)
{
    struct fix *f = *state;
    json_t *o;
    char id[24], ids[256];

    o = create(f, &f->vb, f->bob,
               "{'title':'Élagage','trades':[{'scheme':'rome','code':"
               "'A1203'}]}",
               RC_OK, NULL);
    snprintf(id, sizeof id, "%s", sget(o, "id"));
    json_decref(o);
    assert_int_equal(get(f, &viewer_anonymous, id, NULL), RC_NOTFOUND);
    assert_int_equal(get(f, &f->client, id, NULL), RC_NOTFOUND);
    assert_int_equal(get(f, &f->vc, id, NULL), RC_NOTFOUND);
    assert_int_equal(get(f, &f->staff_b, id, NULL), RC_NOTFOUND);
    assert_int_equal(get(f, &f->va, id, NULL), RC_OK);
    assert_int_equal(get(f, &f->staff_a, id, NULL), RC_OK);
    assert_int_equal(list_ids(f, &viewer_anonymous, f->bob, NULL, ids,
                              sizeof ids),
                     RC_NOTFOUND);
    assert_int_equal(list_ids(f, &f->va, f->bob, NULL, ids, sizeof ids),
                     RC_OK);
    assert_string_equal(ids, id);
    /* Writes: who cannot see it gets 404, who sees it 403. */
    assert_int_equal(patch(f, &f->vc, id, "{'title':'x'}", NULL, NULL),
                     RC_NOTFOUND);
    assert_int_equal(patch(f, &f->va, id, "{'title':'x'}", NULL, NULL),
                     RC_FORBIDDEN);
    assert_int_equal(patch(f, &viewer_anonymous, id, "{'title':'x'}", NULL,
                           NULL),
                     RC_UNAUTHORIZED);
}

static const char group_offer[] =
    "{'title':'Jardin clé en main','trades':[{'scheme':'rome','code':"
    "'A1203'},{'scheme':'rome','code':'F1603'}],'delivered_by':['%A','%C',"
    "'%D']}";

/* A group's offer, delivered by accepted members of two cooperatives. */
static void group_offer_members(void **state)
{
    struct fix *f = *state;
    json_t *o, *d, *got = NULL;
    char id[24], sql[256];
    int before, i;

    long long g0 = seq_of(f, NULL, 1);

    o = create(f, &f->va, 0, group_offer, RC_OK, NULL);
    snprintf(id, sizeof id, "%s", sget(o, "id"));
    assert_string_equal(sget(json_object_get(o, "owner"), "kind"), "group");
    assert_string_equal(sget(json_object_get(o, "owner"), "id"), f->group);
    assert_string_equal(sget(json_object_get(o, "owner"), "slug"),
                        "jardins-trade-group");
    assert_string_equal(sget(json_object_get(o, "owner"), "group_kind"),
                        "trade_group");
    d = json_object_get(o, "delivered_by");
    assert_int_equal(json_array_size(d), 3);
    assert_string_equal(sget(json_array_get(d, 1), "cooperative"),
                        "Coop Béta");
    /* Ana, an admin of the group, sees her members' names. */
    assert_string_equal(sget(json_array_get(d, 2), "name"), "Dan Discret");
    json_decref(o);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM offer_member m JOIN entrepreneur e ON"
             " e.id = m.entrepreneur_id WHERE m.offer_id = %s AND"
             " e.cooperative_id IN (%lld, %lld)",
             id, f->coop_a, f->coop_b);
    assert_int_equal(test_count(f->db, sql), 3);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM offer_trade WHERE offer_id = %s", id);
    assert_int_equal(test_count(f->db, sql), 2);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM offer WHERE id = %s AND group_id = %s"
             " AND entrepreneur_id IS NULL",
             id, f->group);
    assert_int_equal(test_count(f->db, sql), 1);
    /* A change number on the offer, and on its group (search). */
    assert_true(seq_of(f, id, 0) > 0);
    assert_true(seq_of(f, NULL, 1) > g0);

    /* The public catalogue: names of the profiles one may see. */
    assert_int_equal(get(f, &viewer_anonymous, id, &got), RC_OK);
    d = json_object_get(got, "delivered_by");
    assert_string_equal(sget(json_array_get(d, 0), "name"),
                        "Ana Paysagiste");
    assert_true(json_is_null(json_object_get(json_array_get(d, 1), "name")));
    assert_true(json_is_null(json_object_get(json_array_get(d, 2), "name")));
    assert_string_equal(sget(json_array_get(d, 2), "cooperative"),
                        "Coop Béta");
    json_decref(got);
    assert_int_equal(get(f, &f->client, id, &got), RC_OK);
    d = json_object_get(got, "delivered_by");
    assert_string_equal(sget(json_array_get(d, 1), "name"),
                        "Carla Jardinière");
    assert_true(json_is_null(json_object_get(json_array_get(d, 2), "name")));
    json_decref(got);

    /* Accepted members only: Bob is invited, Ève declined, Ève's
     * cooperative mate is not in it. */
    before = test_count(f->db, "SELECT count(*) FROM offer");
    create(f, &f->va, 0,
           "{'title':'t','trades':[{'scheme':'rome','code':'A1203'}],"
           "'delivered_by':['%A','%B']}",
           RC_INVALID, "delivered_by[1]");
    create(f, &f->va, 0,
           "{'title':'t','trades':[{'scheme':'rome','code':'A1203'}],"
           "'delivered_by':['%E']}",
           RC_INVALID, "delivered_by[0]");
    create(f, &f->va, 0,
           "{'title':'t','trades':[{'scheme':'rome','code':'A1203'}],"
           "'delivered_by':['987654']}",
           RC_INVALID, "delivered_by[0]");
    create(f, &f->va, 0,
           "{'title':'t','trades':[{'scheme':'rome','code':'A1203'}]}",
           RC_INVALID, "delivered_by");
    create(f, &f->va, 0,
           "{'title':'t','trades':[{'scheme':'rome','code':'A1203'}],"
           "'delivered_by':[]}",
           RC_INVALID, "delivered_by");
    create(f, &f->va, 0,
           "{'title':'t','trades':[{'scheme':'rome','code':'A1203'}],"
           "'delivered_by':['%C','%C']}",
           RC_INVALID, "delivered_by[1]");
    /* Who may: the group's admins and administrators. */
    create(f, &f->vc, 0, group_offer, RC_FORBIDDEN, NULL);
    create(f, &f->vb, 0, group_offer, RC_FORBIDDEN, NULL);
    create(f, &f->staff_a, 0, group_offer, RC_FORBIDDEN, NULL);
    create(f, &f->staff_b, 0, group_offer, RC_FORBIDDEN, NULL);
    create(f, &f->client, 0, group_offer, RC_FORBIDDEN, NULL);
    create(f, &viewer_anonymous, 0, group_offer, RC_UNAUTHORIZED, NULL);
    /* A tender team has no offers. */
    create(f, &f->va, -1, group_offer, RC_INVALID, "owner");
    create(f, &f->vc, -1, group_offer, RC_FORBIDDEN, NULL);
    assert_int_equal(test_count(f->db, "SELECT count(*) FROM offer"),
                     before);
    o = create(f, &viewer_system, 0,
               "{'title':'Taille','trades':[{'scheme':'rome','code':'A1203'}]"
               ",'delivered_by':[%C]}",
               RC_OK, NULL);
    json_decref(o);
    /* Who edits: Ana; Carla (a plain member) reads. */
    assert_int_equal(get(f, &f->vc, id, &got), RC_OK);
    assert_false(json_is_true(json_object_get(got, "can_edit")));
    json_decref(got);
    assert_int_equal(patch(f, &f->vc, id, "{'title':'x'}", NULL, NULL),
                     RC_FORBIDDEN);
    assert_int_equal(patch(f, &f->staff_b, id, "{'title':'x'}", NULL, NULL),
                     RC_FORBIDDEN);
    assert_int_equal(patch(f, &f->va, id, "{'title':'Jardin complet'}",
                           NULL, NULL),
                     RC_OK);
    for (i = 0; i < 2; i++) {
        char ids[256];

        assert_int_equal(list_ids(f, i ? &f->client : &viewer_anonymous, 0,
                                  NULL, ids, sizeof ids),
                         RC_OK);
        assert_non_null(strstr(ids, id));
    }
}

/* A member leaves: the offer is delivered by those who stay; when none
 * stays, a patch must name someone. */
static void member_leaves(void **state)
{
    struct fix *f = *state;
    json_t *o, *got = NULL, *errs = json_array();
    char id[24], ent[24];

    o = create(f, &f->va, 0,
               "{'title':'Potager','trades':[{'scheme':'rome','code':"
               "'A1203'}],'delivered_by':['%C','%D']}",
               RC_OK, NULL);
    snprintf(id, sizeof id, "%s", sget(o, "id"));
    json_decref(o);
    snprintf(ent, sizeof ent, "%lld", f->carla);
    assert_int_equal(group_leave(f->db, &f->vc, f->group, ent, errs, &o),
                     RC_OK);
    json_decref(o);
    assert_int_equal(get(f, &f->va, id, &got), RC_OK);
    assert_int_equal(json_array_size(json_object_get(got, "delivered_by")),
                     1);
    json_decref(got);
    assert_int_equal(patch(f, &f->va, id, "{'title':'Potager bio'}", NULL,
                           &got),
                     RC_OK);
    assert_int_equal(json_array_size(json_object_get(got, "delivered_by")),
                     1);
    json_decref(got);
    /* Carla may not be named again; Dan leaves too. */
    assert_int_equal(patch(f, &f->va, id, "{'delivered_by':['%C','%D']}",
                           "delivered_by[0]", NULL),
                     RC_INVALID);
    snprintf(ent, sizeof ent, "%lld", f->dan);
    json_array_clear(errs);
    assert_int_equal(group_leave(f->db, &f->vd, f->group, ent, errs, &o),
                     RC_OK);
    json_decref(o);
    assert_int_equal(patch(f, &f->va, id, "{'title':'Potager'}",
                           "delivered_by", NULL),
                     RC_INVALID);
    assert_int_equal(patch(f, &f->va, id,
                           "{'title':'Potager','delivered_by':['%A']}", NULL,
                           &got),
                     RC_OK);
    assert_string_equal(sget(got, "title"), "Potager");
    json_decref(got);
    json_decref(errs);
}

/* Every write takes a change number: the offer's, and its group's (the
 * group's from the search engine's precommit hook). */
static void seq_on_every_write(void **state)
{
    struct fix *f = *state;
    json_t *o, *errs = json_array();
    unsigned char b[256];
    long long s[8], g[8], n0;
    char id[24], photo[24];
    size_t n = png(b, 10, 10);
    int i;

    s[0] = test_count(f->db, "SELECT n FROM change_seq");
    g[0] = seq_of(f, NULL, 1);
    o = create(f, &f->va, 0, group_offer, RC_OK, NULL);
    snprintf(id, sizeof id, "%s", sget(o, "id"));
    json_decref(o);
    s[1] = seq_of(f, id, 0);
    g[1] = seq_of(f, NULL, 1);
    assert_int_equal(patch(f, &f->va, id, "{'price':{'max':900,'unit':"
                                          "'package'}}",
                           NULL, NULL),
                     RC_OK);
    s[2] = seq_of(f, id, 0);
    g[2] = seq_of(f, NULL, 1);
    assert_int_equal(offer_retire(f->db, &f->va, id, &o), RC_OK);
    json_decref(o);
    s[3] = seq_of(f, id, 0);
    g[3] = seq_of(f, NULL, 1);
    assert_int_equal(patch(f, &f->va, id, "{'status':'active'}", NULL, NULL),
                     RC_OK);
    s[4] = seq_of(f, id, 0);
    g[4] = seq_of(f, NULL, 1);
    for (i = 1; i <= 4; i++) {
        assert_true(s[i] > s[i - 1]);
        assert_true(g[i] > g[i - 1]);
    }
    /* Photos: the offer's number. */
    assert_int_equal(offer_photo_add(f->db, &f->va, id, "image/png", b, n,
                                     errs, &o),
                     RC_OK);
    snprintf(photo, sizeof photo, "%s", sget(o, "id"));
    json_decref(o);
    s[5] = seq_of(f, id, 0);
    assert_true(s[5] > s[4]);
    assert_int_equal(offer_photo_delete(f->db, &f->va, id, photo), RC_OK);
    s[6] = seq_of(f, id, 0);
    assert_true(s[6] > s[5]);
    /* An entrepreneur's offer too. */
    o = create(f, &f->va, f->ana, ana_offer, RC_OK, NULL);
    s[7] = seq_of(f, sget(o, "id"), 0);
    assert_true(s[7] > s[6]);
    json_decref(o);
    /* Retiring a retired offer, and refused writes, take none. */
    assert_int_equal(offer_retire(f->db, &f->va, id, &o), RC_OK);
    json_decref(o);
    n0 = test_count(f->db, "SELECT n FROM change_seq");
    s[0] = seq_of(f, id, 0);
    assert_int_equal(offer_retire(f->db, &f->va, id, &o), RC_OK);
    json_decref(o);
    assert_int_equal(patch(f, &f->va, id, "{'title':''}", "title", NULL),
                     RC_INVALID);
    assert_int_equal(patch(f, &f->vc, id, "{'title':'x'}", NULL, NULL),
                     RC_NOTFOUND); /* retired: not for Carla */
    assert_int_equal(offer_photo_add(f->db, &f->va, id, "image/jpeg", b, n,
                                     errs, &o),
                     RC_UNSUPPORTED);
    assert_int_equal(seq_of(f, id, 0), s[0]);
    assert_int_equal(test_count(f->db, "SELECT n FROM change_seq"), n0);
    json_decref(errs);
}

/* Retired: gone from the public, kept for its editors, put back. */
static void retire_and_reactivate(void **state)
{
    struct fix *f = *state;
    json_t *o, *got = NULL;
    char id[24], other[24], ids[256];

    o = create(f, &f->va, f->ana, ana_offer, RC_OK, NULL);
    snprintf(id, sizeof id, "%s", sget(o, "id"));
    json_decref(o);
    o = create(f, &f->va, f->ana,
               "{'title':'Tonte','trades':[{'scheme':'rome','code':"
               "'A1203'}]}",
               RC_OK, NULL);
    snprintf(other, sizeof other, "%s", sget(o, "id"));
    json_decref(o);
    assert_int_equal(offer_retire(f->db, &f->vc, id, &o), RC_FORBIDDEN);
    assert_int_equal(offer_retire(f->db, &viewer_anonymous, id, &o),
                     RC_UNAUTHORIZED);
    assert_int_equal(offer_retire(f->db, &f->va, id, &o), RC_OK);
    assert_string_equal(sget(o, "status"), "retired");
    assert_true(*sget(o, "retired_at"));
    json_decref(o);
    /* The public: 404, and out of the list. */
    assert_int_equal(get(f, &viewer_anonymous, id, NULL), RC_NOTFOUND);
    assert_int_equal(get(f, &f->vc, id, NULL), RC_NOTFOUND);
    assert_int_equal(get(f, &f->staff_b, id, NULL), RC_NOTFOUND);
    assert_int_equal(list_ids(f, &viewer_anonymous, f->ana, NULL, ids,
                              sizeof ids),
                     RC_OK);
    assert_string_equal(ids, other);
    assert_int_equal(list_ids(f, &f->va, f->ana, NULL, ids, sizeof ids),
                     RC_OK);
    assert_string_equal(ids, other);
    /* Its editors: the whole list on demand. */
    assert_int_equal(get(f, &f->va, id, &got), RC_OK);
    assert_string_equal(sget(got, "status"), "retired");
    json_decref(got);
    assert_int_equal(get(f, &f->staff_a, id, NULL), RC_OK);
    assert_int_equal(list_ids(f, &f->va, f->ana, "all", ids, sizeof ids),
                     RC_OK);
    assert_non_null(strstr(ids, id));
    assert_non_null(strstr(ids, other));
    assert_int_equal(list_ids(f, &f->staff_a, f->ana, "retired", ids,
                              sizeof ids),
                     RC_OK);
    assert_string_equal(ids, id);
    assert_int_equal(list_ids(f, &viewer_anonymous, f->ana, "all", ids,
                              sizeof ids),
                     RC_UNAUTHORIZED);
    assert_int_equal(list_ids(f, &f->vc, f->ana, "all", ids, sizeof ids),
                     RC_FORBIDDEN);
    assert_int_equal(list_ids(f, &f->va, f->ana, "gone", ids, sizeof ids),
                     RC_INVALID);
    /* A patch to a retired offer by another: as if it did not exist. */
    assert_int_equal(patch(f, &f->vc, id, "{'status':'active'}", NULL, NULL),
                     RC_NOTFOUND);
    /* Put back. */
    assert_int_equal(patch(f, &f->va, id, "{'status':'active'}", NULL, &got),
                     RC_OK);
    assert_string_equal(sget(got, "status"), "active");
    assert_true(json_is_null(json_object_get(got, "retired_at")));
    json_decref(got);
    assert_int_equal(get(f, &viewer_anonymous, id, NULL), RC_OK);
    /* Retired through a patch too. */
    assert_int_equal(patch(f, &f->staff_a, id, "{'status':'retired'}", NULL,
                           &got),
                     RC_OK);
    assert_true(*sget(got, "retired_at"));
    json_decref(got);
    assert_int_equal(get(f, &viewer_anonymous, id, NULL), RC_NOTFOUND);
}

/* A merge patch: keys replace, null removes, checked whole; the answer
 * of GET sent back is accepted. */
static void merge_patch(void **state)
{
    struct fix *f = *state;
    json_t *o, *got = NULL, *errs = json_array();
    char id[24];
    int before;

    o = create(f, &f->va, f->ana, ana_offer, RC_OK, NULL);
    snprintf(id, sizeof id, "%s", sget(o, "id"));
    /* Its own answer, sent back. */
    assert_int_equal(offer_patch(f->db, &f->va, id, o, errs, &got), RC_OK);
    assert_string_equal(sget(got, "title"), "Création de jardin");
    json_decref(got);
    json_decref(o);
    assert_int_equal(patch(f, &f->va, id,
                           "{'description':null,'price':null}", NULL, &got),
                     RC_OK);
    assert_true(json_is_null(json_object_get(got, "description")));
    assert_true(json_is_null(json_object_get(got, "price")));
    assert_string_equal(sget(got, "title"), "Création de jardin");
    json_decref(got);
    before = test_count(f->db, "SELECT seq FROM offer ORDER BY id DESC");
    assert_int_equal(patch(f, &f->va, id, "{'trades':[]}", "trades", NULL),
                     RC_INVALID);
    assert_int_equal(patch(f, &f->va, id, "{'title':null}", "title", NULL),
                     RC_INVALID);
    assert_int_equal(patch(f, &f->va, id, "{'price':{'min':1}}",
                           "price.unit", NULL),
                     RC_INVALID);
    assert_int_equal(patch(f, &f->va, id, "{'delivered_by':['%C']}",
                           "delivered_by", NULL),
                     RC_INVALID);
    assert_int_equal(patch(f, &f->va, id, "{'colour':'red'}", "colour",
                           NULL),
                     RC_INVALID);
    assert_int_equal(patch(f, &f->va, id, "{'status':'sold'}", "status",
                           NULL),
                     RC_INVALID);
    assert_int_equal(test_count(f->db, "SELECT seq FROM offer ORDER BY id"
                                       " DESC"),
                     before);
    assert_int_equal(patch(f, &f->va, "987654", "{'title':'x'}", NULL, NULL),
                     RC_NOTFOUND);
    assert_int_equal(patch(f, &f->va, id,
                           "{'trades':[{'scheme':'naf','code':'8130z'}],"
                           "'price':{'min':100,'unit':'package'}}",
                           NULL, &got),
                     RC_OK);
    assert_string_equal(
        sget(json_array_get(json_object_get(got, "trades"), 0), "code"),
        "81.30Z");
    json_decref(got);
    json_decref(errs);
}

/* photo: offer_photo_add of bytes as ctype by v; the rc, and the field
 * named when refused. */
static enum rc photo(struct fix *f, const struct viewer *v, const char *id,
                     const char *ctype, const void *p, size_t n,
                     const char *field, json_t **got)
{
    json_t *errs = json_array(), *out = NULL;
    enum rc rc = offer_photo_add(f->db, v, id, ctype, p, n, errs, &out);

    if (field && !test_has_error(errs, field))
        fail_msg("%s: no error on %s: %s", ctype ? ctype : "(none)", field,
                 json_dumps(errs, 0));
    if (got)
        *got = out;
    else
        json_decref(out);
    json_decref(errs);
    return rc;
}

static void photos(void **state)
{
    struct fix *f = *state;
    unsigned char b[256], *huge;
    json_t *o, *got = NULL, *p;
    struct offer_photo *ph = NULL;
    char id[24], bob_id[24], pid[24];
    size_t n, i;
    int before;

    o = create(f, &f->va, f->ana, ana_offer, RC_OK, NULL);
    snprintf(id, sizeof id, "%s", sget(o, "id"));
    json_decref(o);
    /* The three types, their sizes from their headers. */
    n = jpeg(b, 640, 480, 0xc0);
    assert_int_equal(photo(f, &f->va, id, "image/jpeg", b, n, NULL, &got),
                     RC_OK);
    assert_string_equal(sget(got, "type"), "image/jpeg");
    assert_int_equal(json_integer_value(json_object_get(got, "width")), 640);
    assert_int_equal(json_integer_value(json_object_get(got, "height")),
                     480);
    assert_int_equal(json_integer_value(json_object_get(got, "size")),
                     (json_int_t)n);
    snprintf(pid, sizeof pid, "%s", sget(got, "id"));
    assert_non_null(strstr(sget(got, "url"), "/photos/"));
    json_decref(got);
    n = png(b, 300, 200);
    assert_int_equal(photo(f, &f->staff_a, id, "image/png", b, n, NULL,
                           &got),
                     RC_OK);
    assert_int_equal(json_integer_value(json_object_get(got, "width")), 300);
    json_decref(got);
    n = webp(b, 400, 300, 'L');
    assert_int_equal(photo(f, &f->va, id, "image/webp", b, n, NULL, NULL),
                     RC_OK);
    /* Served as stored, public: Ana's profile is. */
    assert_int_equal(offer_photo_get(f->db, &viewer_anonymous, id, pid, &ph),
                     RC_OK);
    n = jpeg(b, 640, 480, 0xc0);
    assert_string_equal(ph->type, "image/jpeg");
    assert_int_equal(ph->len, n);
    assert_memory_equal(ph->bytes, b, n);
    assert_true(ph->is_public);
    offer_photo_free(ph);
    ph = NULL;
    assert_int_equal(offer_photo_get(f->db, &viewer_anonymous, id, "987654",
                                     &ph),
                     RC_NOTFOUND);
    assert_int_equal(offer_photo_get(f->db, &viewer_anonymous, "987654", pid,
                                     &ph),
                     RC_NOTFOUND);

    /* Refused: nothing written. */
    before = test_count(f->db, "SELECT count(*) FROM offer_photo");
    n = png(b, 300, 200);
    assert_int_equal(photo(f, &f->va, id, "image/jpeg", b, n, "body", NULL),
                     RC_UNSUPPORTED);
    assert_int_equal(photo(f, &f->va, id, "image/png", html, strlen(html),
                           "body", NULL),
                     RC_UNSUPPORTED);
    assert_int_equal(photo(f, &f->va, id, "text/html", html, strlen(html),
                           "Content-Type", NULL),
                     RC_UNSUPPORTED);
    assert_int_equal(photo(f, &f->va, id, "image/svg+xml", svg, strlen(svg),
                           "Content-Type", NULL),
                     RC_UNSUPPORTED);
    assert_int_equal(photo(f, &f->va, id, "image/png", svg, strlen(svg),
                           "body", NULL),
                     RC_UNSUPPORTED);
    assert_int_equal(photo(f, &f->va, id, NULL, b, n, "Content-Type", NULL),
                     RC_UNSUPPORTED);
    assert_int_equal(photo(f, &f->va, id, "image/png", b, 0, "body", NULL),
                     RC_INVALID);
    n = png(b, 20000, 10);
    assert_int_equal(photo(f, &f->va, id, "image/png", b, n, "body", NULL),
                     RC_INVALID);
    huge = calloc(1, OFFER_PHOTO_MAX_BYTES + 1);
    n = png(huge, 300, 200);
    assert_int_equal(photo(f, &f->va, id, "image/png", huge,
                           OFFER_PHOTO_MAX_BYTES + 1, "body", NULL),
                     RC_TOOBIG);
    /* Exactly 2 MiB is fine. */
    assert_int_equal(photo(f, &f->va, id, "image/png", huge,
                           OFFER_PHOTO_MAX_BYTES, NULL, NULL),
                     RC_OK);
    free(huge);
    before++;
    assert_int_equal(photo(f, &f->vc, id, "image/png", b, n, NULL, NULL),
                     RC_FORBIDDEN);
    assert_int_equal(photo(f, &viewer_anonymous, id, "image/png", b, n, NULL,
                           NULL),
                     RC_UNAUTHORIZED);
    assert_int_equal(test_count(f->db, "SELECT count(*) FROM offer_photo"),
                     before);
    /* Six at most: the fifth, the sixth, then 409. */
    n = png(b, 30, 20);
    assert_int_equal(photo(f, &f->va, id, "image/png", b, n, NULL, NULL),
                     RC_OK);
    assert_int_equal(photo(f, &f->va, id, "image/png", b, n, NULL, NULL),
                     RC_OK);
    assert_int_equal(photo(f, &f->va, id, "image/png", b, n, "photos", NULL),
                     RC_CONFLICT);
    assert_int_equal(get(f, &viewer_anonymous, id, &got), RC_OK);
    assert_int_equal(json_array_size(json_object_get(got, "photos")), 6);
    p = json_array_get(json_object_get(got, "photos"), 0);
    assert_string_equal(sget(p, "id"), pid);
    assert_int_equal(json_integer_value(json_object_get(p, "width")), 640);
    /* The photo of 2 MiB had no readable size? It had: 300 x 200. */
    json_array_foreach(json_object_get(got, "photos"), i, p) {
        assert_true(json_is_integer(json_object_get(p, "width")));
    }
    json_decref(got);
    /* Deleting one makes room. */
    assert_int_equal(offer_photo_delete(f->db, &f->vc, id, pid),
                     RC_FORBIDDEN);
    assert_int_equal(offer_photo_delete(f->db, &f->va, id, pid), RC_OK);
    assert_int_equal(offer_photo_delete(f->db, &f->va, id, pid),
                     RC_NOTFOUND);
    assert_int_equal(offer_photo_get(f->db, &f->va, id, pid, &ph),
                     RC_NOTFOUND);
    assert_int_equal(photo(f, &f->va, id, "image/png", b, n, NULL, NULL),
                     RC_OK);

    /* Bob's offer (his profile is for his cooperative): its photos are
     * not public, not for outsiders. */
    o = create(f, &f->vb, f->bob,
               "{'title':'Élagage','trades':[{'scheme':'rome','code':"
               "'A1203'}]}",
               RC_OK, NULL);
    snprintf(bob_id, sizeof bob_id, "%s", sget(o, "id"));
    json_decref(o);
    assert_int_equal(photo(f, &f->vb, bob_id, "image/png", b, n, NULL, &got),
                     RC_OK);
    snprintf(pid, sizeof pid, "%s", sget(got, "id"));
    json_decref(got);
    assert_int_equal(offer_photo_get(f->db, &viewer_anonymous, bob_id, pid,
                                     &ph),
                     RC_NOTFOUND);
    assert_int_equal(offer_photo_get(f->db, &f->va, bob_id, pid, &ph),
                     RC_OK);
    assert_false(ph->is_public);
    offer_photo_free(ph);
    ph = NULL;
    /* A photo is reached through its own offer only. */
    assert_int_equal(offer_photo_get(f->db, &f->va, id, pid, &ph),
                     RC_NOTFOUND);
    /* Retired: its editors only, and not public. */
    assert_int_equal(offer_retire(f->db, &f->vb, bob_id, &o), RC_OK);
    json_decref(o);
    assert_int_equal(offer_photo_get(f->db, &f->va, bob_id, pid, &ph),
                     RC_NOTFOUND);
    assert_int_equal(offer_photo_get(f->db, &f->staff_a, bob_id, pid, &ph),
                     RC_OK);
    assert_false(ph->is_public);
    offer_photo_free(ph);
}

/* Erasing a profile takes its offers (ON DELETE CASCADE) and its place
 * in a group's. */
static void erasure(void **state)
{
    struct fix *f = *state;
    json_t *o, *got = NULL;
    char mine[24], ours[24], ent[24];

    o = create(f, &f->va, f->carla,
               "{'title':'x','trades':[{'scheme':'rome','code':'A1203'}]}",
               RC_FORBIDDEN, NULL);
    o = create(f, &f->vc, f->carla,
               "{'title':'Conseil','trades':[{'scheme':'rome','code':"
               "'A1203'}]}",
               RC_OK, NULL);
    snprintf(mine, sizeof mine, "%s", sget(o, "id"));
    json_decref(o);
    o = create(f, &f->va, 0, group_offer, RC_OK, NULL);
    snprintf(ours, sizeof ours, "%s", sget(o, "id"));
    json_decref(o);
    snprintf(ent, sizeof ent, "%lld", f->carla);
    assert_int_equal(dir_ent_delete(f->db, &viewer_system, ent), RC_OK);
    assert_int_equal(get(f, &f->va, mine, NULL), RC_NOTFOUND);
    assert_int_equal(get(f, &f->va, ours, &got), RC_OK);
    assert_int_equal(json_array_size(json_object_get(got, "delivered_by")),
                     2);
    json_decref(got);
    assert_int_equal(test_count(f->db, "SELECT count(*) FROM offer_member"
                                       " WHERE entrepreneur_id NOT IN"
                                       " (SELECT id FROM entrepreneur)"),
                     0);
}

/* ========================================================== end to end */

TEST_SERVER_SUITE(server)

/* send_bytes: POST n bytes (binary) as ctype (NULL: no Content-Type) to
 * path as token; the reply in r (test_reply_free). */
static void send_bytes(const char *token, const char *path,
                       const char *ctype, const void *p, size_t n,
                       struct test_reply *r)
{
    struct curl_slist *h = NULL;
    char url[512], ct[128], auth[128];
    CURL *c = curl_easy_init();

    memset(r, 0, sizeof *r);
    assert_non_null(c);
    snprintf(url, sizeof url, "%s%s", server.base, path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, p);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)n);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, test_on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r->body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, test_on_data);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r->headers);
    snprintf(ct, sizeof ct, "Content-Type: %s", ctype ? ctype : "");
    h = curl_slist_append(h, ct);
    if (token && *token) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
        h = curl_slist_append(h, auth);
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    assert_int_equal(curl_easy_perform(c), CURLE_OK);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    if (r->body.len) r->json = json_loadb(r->body.p, r->body.len, 0, NULL);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
}

enum actor { ANON, CLIENT, ANA, CARLA, STAFF_A, STAFF_B, ADMIN, NACTORS };
static const char *const actor_names[] = {
    "anonymous",        "client",
    "Ana (owner, group admin)", "Carla (other entrepreneur, group member)",
    "staff of A (Ana's)", "staff of B (Carla's, not Ana's)",
    "admin"};

struct world {
    char coop_a[16], coop_b[16];
    char ana[16], bob[16], carla[16], dan[16];
    char group[16];
    char token[NACTORS][64];
};

static struct world w;

static void post_id(const char *token, const char *path, const char *body,
                    long want, char *dst, size_t size)
{
    json_t *out = NULL;
    long st = test_call(&server, token, "POST", path, body, &out);

    if (st != want)
        fail_msg("POST %s %s: %ld, want %ld: %s", path, body, st, want,
                 out ? json_dumps(out, 0) : "");
    if (dst) snprintf(dst, size, "%s", sget(out, "id"));
    json_decref(out);
}

static void ent(const char *coop, const char *name, const char *vis,
                char *id, size_t size)
{
    char body[512];

    snprintf(body, sizeof body,
             "{\"cooperative_id\":\"%s\",\"display_name\":\"%s\","
             "\"trades\":[{\"scheme\":\"rome\",\"code\":\"A1203\"}],"
             "\"location\":{\"insee\":\"76540\"},\"visibility\":\"%s\"}",
             coop, name, vis);
    post_id(server.admin, "/api/v1/entrepreneurs", body, 201, id, size);
}

static void signed_in(const char *fields, const char *email, char *token,
                      size_t size)
{
    char body[512];

    snprintf(body, sizeof body,
             "{\"email\":\"%s\",\"password\":\"secret-pass\"%s}", email,
             fields);
    post_id(server.admin, "/api/v1/accounts", body, 201, NULL, 0);
    test_login(&server, email, "secret-pass", token, size);
}

static void build_world(void)
{
    char fields[128], body[512], dan_token[64], path[96];
    json_t *g = NULL, *m;
    size_t i;

    if (*w.coop_a) return;
    post_id(server.admin, "/api/v1/cooperatives", "{\"name\":\"Coop A\"}",
            201, w.coop_a, sizeof w.coop_a);
    post_id(server.admin, "/api/v1/cooperatives", "{\"name\":\"Coop B\"}",
            201, w.coop_b, sizeof w.coop_b);
    ent(w.coop_a, "Ana", "public", w.ana, sizeof w.ana);
    ent(w.coop_a, "Bob", "cooperative", w.bob, sizeof w.bob);
    ent(w.coop_b, "Carla", "public", w.carla, sizeof w.carla);
    ent(w.coop_b, "Dan", "private", w.dan, sizeof w.dan);
    snprintf(fields, sizeof fields,
             ",\"role\":\"entrepreneur\",\"entrepreneur_id\":\"%s\"", w.ana);
    signed_in(fields, "ana@example.org", w.token[ANA], sizeof w.token[ANA]);
    snprintf(fields, sizeof fields,
             ",\"role\":\"entrepreneur\",\"entrepreneur_id\":\"%s\"",
             w.carla);
    signed_in(fields, "carla@example.org", w.token[CARLA],
              sizeof w.token[CARLA]);
    snprintf(fields, sizeof fields,
             ",\"role\":\"entrepreneur\",\"entrepreneur_id\":\"%s\"", w.dan);
    signed_in(fields, "dan@example.org", dan_token, sizeof dan_token);
    signed_in("", "client@example.org", w.token[CLIENT],
              sizeof w.token[CLIENT]);
    snprintf(fields, sizeof fields,
             ",\"role\":\"staff\",\"cooperative_id\":\"%s\"", w.coop_a);
    signed_in(fields, "staff-a@example.org", w.token[STAFF_A],
              sizeof w.token[STAFF_A]);
    snprintf(fields, sizeof fields,
             ",\"role\":\"staff\",\"cooperative_id\":\"%s\"", w.coop_b);
    signed_in(fields, "staff-b@example.org", w.token[STAFF_B],
              sizeof w.token[STAFF_B]);
    snprintf(w.token[ADMIN], sizeof w.token[ADMIN], "%s", server.admin);
    /* A trade group: Ana (its admin) with Carla and Dan (of B), made by
     * the administrator (Ana may not see Dan's profile); all accept. */
    snprintf(body, sizeof body,
             "{\"kind\":\"trade_group\",\"name\":\"Jardiniers\","
             "\"members\":[{\"entrepreneur_id\":\"%s\",\"role\":"
             "\"admin\"},{\"entrepreneur_id\":\"%s\"},"
             "{\"entrepreneur_id\":\"%s\"}]}",
             w.ana, w.carla, w.dan);
    assert_int_equal(test_call(&server, server.admin, "POST", "/api/v1/groups", body, &g),
                     201);
    snprintf(w.group, sizeof w.group, "%s", sget(g, "id"));
    json_array_foreach(json_object_get(g, "members"), i, m) {
        const char *who = sget(m, "entrepreneur_id");

        snprintf(path, sizeof path, "/api/v1/invitations/%s/accept",
                 sget(m, "invitation_id"));
        assert_int_equal(test_call(&server, !strcmp(who, w.ana)     ? w.token[ANA]
                              : !strcmp(who, w.carla) ? w.token[CARLA]
                                                      : dan_token,
                              "POST", path, NULL, NULL),
                         200);
    }
    json_decref(g);
}

static const char ana_body[] =
    "{\"title\":\"Création de jardin\",\"description\":\"Conception,"
    " plantation.\",\"trades\":[{\"scheme\":\"rome\",\"code\":\"A1203\"}],"
    "\"price\":{\"min\":35,\"max\":50,\"unit\":\"hour\"}}";

/* new_offer: an offer made by token for the entrepreneur ent, or the
 * group (ent NULL); its id. */
static void new_offer(const char *token, const char *ent_id, char *id,
                      size_t size)
{
    char path[96], body[512];

    if (ent_id) {
        snprintf(path, sizeof path, "/api/v1/entrepreneurs/%s/offers",
                 ent_id);
        post_id(token, path, ana_body, 201, id, size);
        return;
    }
    snprintf(path, sizeof path, "/api/v1/groups/%s/offers", w.group);
    snprintf(body, sizeof body,
             "{\"title\":\"Jardin clé en main\",\"trades\":[{\"scheme\":"
             "\"rome\",\"code\":\"A1203\"}],\"delivered_by\":[\"%s\","
             "\"%s\",\"%s\"]}",
             w.ana, w.carla, w.dan);
    post_id(token, path, body, 201, id, size);
}

/* header: the value of header name in the reply's headers ("" when
 * absent; several: the count in *count). */
static const char *header(const struct test_reply *r, const char *name,
                          char *buf, size_t size, int *count)
{
    const char *p = buf_str(&r->headers);
    size_t n = strlen(name);

    buf[0] = 0;
    if (count) *count = 0;
    while (p && *p) {
        const char *eol = strstr(p, "\r\n");

        if (!strncasecmp(p, name, n) && p[n] == ':') {
            const char *v = p + n + 1;

            while (*v == ' ') v++;
            snprintf(buf, size, "%.*s", (int)(eol ? eol - v : (long)strlen(v)),
                     v);
            if (count) (*count)++;
        }
        p = eol ? eol + 2 : NULL;
    }
    return buf;
}

/* The routes, their answers and a photo served byte for byte. */
static void routes_and_photos(void **state)
{
    char id[16], gid[16], path[128], loc[128], hv[256], body[512];
    unsigned char b[256], *huge;
    struct test_reply r;
    json_t *out = NULL, *x;
    size_t n, i;
    int count;

    (void)state;
    build_world();
    new_offer(w.token[ANA], w.ana, id, sizeof id);
    new_offer(w.token[ANA], NULL, gid, sizeof gid);
    snprintf(path, sizeof path, "/api/v1/offers/%s", id);
    assert_int_equal(test_call(&server, NULL, "GET", path, NULL, &out), 200);
    assert_string_equal(sget(out, "title"), "Création de jardin");
    assert_string_equal(sget(json_object_get(out, "owner"), "kind"),
                        "entrepreneur");
    json_decref(out);
    snprintf(path, sizeof path, "/api/v1/offers/%s", gid);
    assert_int_equal(test_call(&server, NULL, "GET", path, NULL, &out), 200);
    assert_int_equal(json_array_size(json_object_get(out, "delivered_by")),
                     3);
    /* Dan's profile is private: his name is not shown. */
    assert_true(json_is_null(json_object_get(
        json_array_get(json_object_get(out, "delivered_by"), 2), "name")));
    json_decref(out);
    assert_int_equal(test_call(&server, NULL, "GET", "/api/v1/offers/999999", NULL, NULL),
                     404);
    assert_int_equal(test_call(&server, NULL, "GET", "/api/v1/offers/abc", NULL, NULL),
                     404);

    /* A photo: PNG bytes, NULs and 0xFF included. */
    n = png(b, 300, 200);
    snprintf(path, sizeof path, "/api/v1/offers/%s/photos", id);
    send_bytes(w.token[ANA], path, "image/png", b, n, &r);
    assert_int_equal(r.status, 201);
    assert_int_equal(json_integer_value(json_object_get(r.json, "width")),
                     300);
    snprintf(loc, sizeof loc, "%s", sget(r.json, "url"));
    assert_string_equal(header(&r, "Location", hv, sizeof hv, NULL), loc);
    test_reply_free(&r);
    test_http_as(&server, NULL, "GET", loc, NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.body.len, n);
    assert_memory_equal(r.body.p, b, n);
    assert_string_equal(header(&r, "Content-Type", hv, sizeof hv, NULL),
                        "image/png");
    snprintf(body, sizeof body, "%zu", n);
    assert_string_equal(header(&r, "Content-Length", hv, sizeof hv, NULL),
                        body);
    assert_string_equal(
        header(&r, "X-Content-Type-Options", hv, sizeof hv, &count),
        "nosniff");
    assert_int_equal(count, 1);
    assert_string_equal(
        header(&r, "Content-Disposition", hv, sizeof hv, NULL), "inline");
    assert_string_equal(header(&r, "Cache-Control", hv, sizeof hv, &count),
                        "public, max-age=86400");
    assert_int_equal(count, 1);
    assert_string_equal(
        header(&r, "Content-Security-Policy", hv, sizeof hv, NULL),
        "default-src 'none'");
    test_reply_free(&r);
    test_http_as(&server, NULL, "HEAD", loc, NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.body.len, 0);
    test_reply_free(&r);
    /* ... listed in the offer. */
    snprintf(path, sizeof path, "/api/v1/offers/%s", id);
    assert_int_equal(test_call(&server, NULL, "GET", path, NULL, &out), 200);
    assert_string_equal(
        sget(json_array_get(json_object_get(out, "photos"), 0), "url"), loc);
    json_decref(out);

    /* Refused photos: 415, 413, 400, with the field named. */
    snprintf(path, sizeof path, "/api/v1/offers/%s/photos", id);
    send_bytes(w.token[ANA], path, "image/jpeg", b, n, &r);
    assert_int_equal(r.status, 415);
    assert_true(test_has_error(json_object_get(r.json, "errors"), "body"));
    test_reply_free(&r);
    send_bytes(w.token[ANA], path, "text/html", html, strlen(html), &r);
    assert_int_equal(r.status, 415);
    assert_true(
        test_has_error(json_object_get(r.json, "errors"), "Content-Type"));
    test_reply_free(&r);
    send_bytes(w.token[ANA], path, "image/svg+xml", svg, strlen(svg), &r);
    assert_int_equal(r.status, 415);
    test_reply_free(&r);
    send_bytes(w.token[ANA], path, "image/png", html, strlen(html), &r);
    assert_int_equal(r.status, 415);
    test_reply_free(&r);
    send_bytes(w.token[ANA], path, "image/png", b, 0, &r);
    assert_int_equal(r.status, 400);
    test_reply_free(&r);
    huge = calloc(1, OFFER_PHOTO_MAX_BYTES + 1);
    png(huge, 300, 200);
    send_bytes(w.token[ANA], path, "image/png", huge,
               OFFER_PHOTO_MAX_BYTES + 1, &r);
    assert_int_equal(r.status, 413);
    assert_true(test_has_error(json_object_get(r.json, "errors"), "body"));
    test_reply_free(&r);
    free(huge);
    send_bytes(NULL, path, "image/png", b, n, &r);
    assert_int_equal(r.status, 401);
    test_reply_free(&r);
    send_bytes(w.token[CARLA], path, "image/png", b, n, &r);
    assert_int_equal(r.status, 403);
    test_reply_free(&r);
    /* Up to six, then 409. */
    for (i = 0; i < 5; i++) {
        n = i % 2 ? jpeg(b, 64, 48, 0xc0) : webp(b, 64, 48, 'L');
        send_bytes(w.token[ANA], path, i % 2 ? "image/jpeg" : "image/webp",
                   b, n, &r);
        assert_int_equal(r.status, 201);
        test_reply_free(&r);
    }
    send_bytes(w.token[ANA], path, "image/webp", b, n, &r);
    assert_int_equal(r.status, 409);
    assert_true(test_has_error(json_object_get(r.json, "errors"), "photos"));
    test_reply_free(&r);
    /* Deleted: 204, then 404. */
    assert_int_equal(test_call(&server, w.token[CARLA], "DELETE", loc, NULL, NULL), 403);
    assert_int_equal(test_call(&server, NULL, "DELETE", loc, NULL, NULL), 401);
    assert_int_equal(test_call(&server, w.token[ANA], "DELETE", loc, NULL, NULL), 204);
    assert_int_equal(test_call(&server, NULL, "GET", loc, NULL, NULL), 404);
    assert_int_equal(test_call(&server, w.token[ANA], "DELETE", loc, NULL, NULL), 404);

    /* Bad input names the field. */
    snprintf(path, sizeof path, "/api/v1/offers/%s", id);
    assert_int_equal(test_call(&server, w.token[ANA], "PATCH", path,
                          "{\"price\":{\"min\":5,\"unit\":\"week\"}}", &out),
                     400);
    assert_true(test_has_error(json_object_get(out, "errors"), "price.unit"));
    json_decref(out);
    snprintf(path, sizeof path, "/api/v1/groups/%s/offers", w.group);
    snprintf(body, sizeof body,
             "{\"title\":\"x\",\"trades\":[{\"scheme\":\"rome\",\"code\":"
             "\"A1203\"}],\"delivered_by\":[\"%s\"]}",
             w.bob);
    assert_int_equal(test_call(&server, w.token[ANA], "POST", path, body, &out), 400);
    assert_true(
        test_has_error(json_object_get(out, "errors"), "delivered_by[0]"));
    json_decref(out);
    assert_int_equal(test_call(&server, w.token[ANA], "POST", path, "[]", NULL), 400);
    test_http_as(&server, w.token[ANA], "POST", path, "{}", "text/plain",
                 &r);
    assert_int_equal(r.status, 415);
    test_reply_free(&r);

    /* Retired: 200 with it; 404 for the public; out of the lists. */
    snprintf(path, sizeof path, "/api/v1/offers/%s", id);
    assert_int_equal(test_call(&server, w.token[ANA], "DELETE", path, NULL, &out), 200);
    assert_string_equal(sget(out, "status"), "retired");
    json_decref(out);
    assert_int_equal(test_call(&server, NULL, "GET", path, NULL, NULL), 404);
    assert_int_equal(test_call(&server, w.token[CARLA], "GET", path, NULL, NULL), 404);
    assert_int_equal(test_call(&server, w.token[STAFF_A], "GET", path, NULL, &out), 200);
    assert_string_equal(sget(out, "status"), "retired");
    json_decref(out);
    snprintf(path, sizeof path, "/api/v1/entrepreneurs/%s/offers", w.ana);
    assert_int_equal(test_call(&server, NULL, "GET", path, NULL, &out), 200);
    json_array_foreach(json_object_get(out, "results"), i, x) {
        assert_string_not_equal(sget(x, "id"), id);
    }
    json_decref(out);
    snprintf(path, sizeof path,
             "/api/v1/entrepreneurs/%s/offers?status=all&limit=100", w.ana);
    assert_int_equal(test_call(&server, w.token[ANA], "GET", path, NULL, &out), 200);
    assert_int_equal(json_array_size(json_object_get(out, "results")),
                     json_integer_value(json_object_get(out, "total")));
    count = 0;
    json_array_foreach(json_object_get(out, "results"), i, x) {
        if (!strcmp(sget(x, "id"), id)) count++;
    }
    assert_int_equal(count, 1);
    json_decref(out);
    assert_int_equal(test_call(&server, NULL, "GET", path, NULL, NULL), 401);
    assert_int_equal(test_call(&server, w.token[CARLA], "GET", path, NULL, NULL), 403);
    snprintf(path, sizeof path,
             "/api/v1/entrepreneurs/%s/offers?status=gone", w.ana);
    assert_int_equal(test_call(&server, w.token[ANA], "GET", path, NULL, &out), 400);
    assert_true(test_has_error(json_object_get(out, "errors"), "status"));
    json_decref(out);
    /* Put back with a patch. */
    snprintf(path, sizeof path, "/api/v1/offers/%s", id);
    assert_int_equal(test_call(&server, w.token[ANA], "PATCH", path,
                          "{\"status\":\"active\"}", &out),
                     200);
    assert_true(json_is_null(json_object_get(out, "retired_at")));
    json_decref(out);
    assert_int_equal(test_call(&server, NULL, "GET", path, NULL, NULL), 200);
}

/* Lists page with limit and cursor. */
static void list_pages(void **state)
{
    char ids[5][16], path[128], cursor[32] = "";
    json_t *out = NULL;
    int i, seen = 0, pages = 0;

    (void)state;
    build_world();
    for (i = 0; i < 5; i++) new_offer(w.token[STAFF_B], w.carla, ids[i], 16);
    do {
        snprintf(path, sizeof path,
                 "/api/v1/entrepreneurs/%s/offers?limit=2%s%s", w.carla,
                 *cursor ? "&cursor=" : "", cursor);
        assert_int_equal(test_call(&server, NULL, "GET", path, NULL, &out), 200);
        assert_int_equal(json_integer_value(json_object_get(out, "total")),
                         5);
        seen += (int)json_array_size(json_object_get(out, "results"));
        snprintf(cursor, sizeof cursor, "%s", sget(out, "next_cursor"));
        json_decref(out);
        pages++;
    } while (*cursor);
    assert_int_equal(seen, 5);
    assert_int_equal(pages, 3);
    snprintf(path, sizeof path, "/api/v1/entrepreneurs/%s/offers?limit=0",
             w.carla);
    assert_int_equal(test_call(&server, NULL, "GET", path, NULL, NULL), 400);
    snprintf(path, sizeof path, "/api/v1/entrepreneurs/%s/offers?cursor=x",
             w.carla);
    assert_int_equal(test_call(&server, NULL, "GET", path, NULL, NULL), 400);
    snprintf(path, sizeof path, "/api/v1/entrepreneurs/%s/offers", w.dan);
    assert_int_equal(test_call(&server, NULL, "GET", path, NULL, NULL), 404);
    assert_int_equal(test_call(&server, NULL, "GET", "/api/v1/groups/999999/offers", NULL,
                          NULL),
                     404);
}

/* The authorization matrix of the offer routes. %O: a fresh offer of
 * Ana's (or %Q: of her group's; %H: of Bob's, seen by his cooperative
 * only; %R: of Ana's, retired), %P a photo of it, %A Ana, %G the
 * group. */
struct cell {
    const char *method;
    const char *path;
    const char *body; /* "PNG": a photo */
    long want[NACTORS];
};

static const struct cell matrix[] = {
    /* want: anonymous, client, Ana, Carla, staff A, staff B, admin */
    {"GET", "/api/v1/offers/%O", NULL,
     {200, 200, 200, 200, 200, 200, 200}},
    {"PATCH", "/api/v1/offers/%O", "{\"title\":\"Renommée\"}",
     {401, 403, 200, 403, 200, 403, 200}},
    {"DELETE", "/api/v1/offers/%O", NULL,
     {401, 403, 200, 403, 200, 403, 200}},
    {"POST", "/api/v1/entrepreneurs/%A/offers", "ANA",
     {401, 403, 201, 403, 201, 403, 201}},
    {"GET", "/api/v1/entrepreneurs/%A/offers", NULL,
     {200, 200, 200, 200, 200, 200, 200}},
    {"GET", "/api/v1/entrepreneurs/%A/offers?status=all", NULL,
     {401, 403, 200, 403, 200, 403, 200}},
    {"POST", "/api/v1/offers/%O/photos", "PNG",
     {401, 403, 201, 403, 201, 403, 201}},
    {"GET", "/api/v1/offers/%O/photos/%P", NULL,
     {200, 200, 200, 200, 200, 200, 200}},
    {"DELETE", "/api/v1/offers/%O/photos/%P", NULL,
     {401, 403, 204, 403, 204, 403, 204}},
    /* A group's: its admins and administrators; its members and their
     * staff read, like everyone. */
    {"GET", "/api/v1/offers/%Q", NULL,
     {200, 200, 200, 200, 200, 200, 200}},
    {"PATCH", "/api/v1/offers/%Q", "{\"title\":\"Renommée\"}",
     {401, 403, 200, 403, 403, 403, 200}},
    {"DELETE", "/api/v1/offers/%Q", NULL,
     {401, 403, 200, 403, 403, 403, 200}},
    {"POST", "/api/v1/groups/%G/offers", "GROUP",
     {401, 403, 201, 403, 403, 403, 201}},
    {"GET", "/api/v1/groups/%G/offers", NULL,
     {200, 200, 200, 200, 200, 200, 200}},
    {"GET", "/api/v1/groups/%G/offers?status=all", NULL,
     {401, 403, 200, 403, 403, 403, 200}},
    /* Bob's (his cooperative's eyes only): 404 to those who cannot see
     * it. */
    {"GET", "/api/v1/offers/%H", NULL,
     {404, 404, 200, 404, 200, 404, 200}},
    {"PATCH", "/api/v1/offers/%H", "{\"title\":\"Renommée\"}",
     {401, 404, 403, 404, 200, 404, 200}},
    {"GET", "/api/v1/offers/%H/photos/%P", NULL,
     {404, 404, 200, 404, 200, 404, 200}},
    /* Retired: its editors only. */
    {"GET", "/api/v1/offers/%R", NULL,
     {404, 404, 200, 404, 200, 404, 200}},
    {"GET", "/api/v1/offers/%R/photos/%P", NULL,
     {404, 404, 200, 404, 200, 404, 200}},
};

/* photo_of: a photo added to offer id by the admin; its id. */
static void photo_of(const char *id, char *pid, size_t size)
{
    unsigned char b[256];
    size_t n = png(b, 40, 30);
    char path[96];
    struct test_reply r;

    snprintf(path, sizeof path, "/api/v1/offers/%s/photos", id);
    send_bytes(server.admin, path, "image/png", b, n, &r);
    assert_int_equal(r.status, 201);
    snprintf(pid, size, "%s", sget(r.json, "id"));
    test_reply_free(&r);
}

static void cell_expand(const char *in, const char *o, const char *p,
                        char *out, size_t size)
{
    size_t n = 0;

    for (; *in && n + 20 < size; in++) {
        const char *with = NULL;

        if (*in == '%' && in[1] && strchr("OQHR", in[1])) with = o;
        if (*in == '%' && in[1] == 'P') with = p;
        if (*in == '%' && in[1] == 'A') with = w.ana;
        if (*in == '%' && in[1] == 'G') with = w.group;
        if (with) {
            n += (size_t)snprintf(out + n, size - n, "%s", with);
            in++;
        } else {
            out[n++] = *in;
        }
    }
    out[n] = 0;
}

static void authorization_matrix(void **state)
{
    size_t i;
    int a;

    (void)state;
    build_world();
    for (i = 0; i < sizeof matrix / sizeof matrix[0]; i++)
        for (a = 0; a < NACTORS; a++) {
            const struct cell *m = &matrix[i];
            const char *tok = a == ANON ? NULL : w.token[a];
            char o[16] = "", p[16] = "", path[160], body[512];
            struct test_reply r;
            const char *k = strchr(m->path, '%');
            long st;

            /* A fresh offer (and photo) for each cell. */
            if (k && k[1] == 'Q')
                new_offer(server.admin, NULL, o, sizeof o);
            else if (k && k[1] == 'H')
                new_offer(server.admin, w.bob, o, sizeof o);
            else
                new_offer(server.admin, w.ana, o, sizeof o);
            if (strstr(m->path, "%P")) photo_of(o, p, sizeof p);
            if (k && k[1] == 'R') {
                snprintf(path, sizeof path, "/api/v1/offers/%s", o);
                assert_int_equal(test_call(&server, server.admin, "DELETE", path, NULL,
                                      NULL),
                                 200);
            }
            cell_expand(m->path, o, p, path, sizeof path);
            if (m->body && !strcmp(m->body, "PNG")) {
                unsigned char b[256];
                size_t n = png(b, 40, 30);

                send_bytes(tok, path, "image/png", b, n, &r);
            } else {
                const char *b = m->body;

                if (b && !strcmp(b, "ANA")) {
                    b = ana_body;
                } else if (b && !strcmp(b, "GROUP")) {
                    snprintf(body, sizeof body,
                             "{\"title\":\"Haies\",\"trades\":[{\"scheme\":"
                             "\"rome\",\"code\":\"A1203\"}],"
                             "\"delivered_by\":[\"%s\"]}",
                             w.carla);
                    b = body;
                }
                test_http_as(&server, tok, m->method, path, b, NULL, &r);
            }
            st = r.status;
            if (st != m->want[a])
                fail_msg("%s %s as %s: %ld, want %ld: %s", m->method,
                         m->path, actor_names[a], st, m->want[a],
                         buf_str(&r.body));
            if (st >= 400 &&
                (!r.json ||
                 json_integer_value(json_object_get(r.json, "status")) != st))
                fail_msg("%s %s as %s: not a problem document", m->method,
                         m->path, actor_names[a]);
            test_reply_free(&r);
        }
}

int main(void)
{
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(image_types),
        cmocka_unit_test(price_rules),
        cmocka_unit_test(delivered_by_rules),
        cmocka_unit_test(every_field),
        cmocka_unit_test(who_may_do_what),
    };
#define MEM(f) cmocka_unit_test_setup_teardown(f, fix_setup, fix_teardown)
    const struct CMUnitTest mem[] = {
        MEM(every_statement_prepares), MEM(entrepreneur_offer),
        MEM(hidden_owner),             MEM(group_offer_members),
        MEM(member_leaves),            MEM(seq_on_every_write),
        MEM(retire_and_reactivate),    MEM(merge_patch),
        MEM(photos),                   MEM(erasure),
    };
#undef MEM
    const struct CMUnitTest e2e[] = {
        cmocka_unit_test(routes_and_photos),
        cmocka_unit_test(list_pages),
        cmocka_unit_test(authorization_matrix),
    };
    int failed = 0;

    failed += cmocka_run_group_tests_name("offer (pure)", pure, NULL, NULL);
    failed += cmocka_run_group_tests_name("offer (:memory:)", mem, NULL,
                                          NULL);
    failed += cmocka_run_group_tests_name("offer (end to end)", e2e,
                                          srv_setup, srv_teardown);
    return failed;
}
