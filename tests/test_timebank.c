/*
 * test_timebank.c: contribution-temps (timebank/): hours and limits
 * (pure); posts, the transfer lifecycle, double entry, every limit,
 * idempotency, who may answer and read, cooperative reports (on a
 * :memory: database); a concurrent property test (threads with their own
 * connections to one database file doing random transfers and answers
 * under tight limits, then every invariant checked); and end to end
 * over HTTP, with the "done when".
 */
#include "testutil.h"

#include <math.h>
#include <pthread.h>
#include <time.h>

#include "../directory/dir_coop.h"
#include "../search/search.h"
#include "../directory/dir_ent.h"
#include "../timebank/timebank.h"
#include "../util/ids.h"
#include "../util/viewer.h"

extern const char *const timebank_sql[];

/* ================================================================ pure */

static long long parse_q(const char *text, long long max_q, int *ok)
{
    json_t *v = json_loads(text, JSON_DECODE_ANY, NULL);
    char why[160];
    long long q = -1;

    *ok = timebank_hours_parse(v, max_q, &q, why, sizeof why) == 0;
    json_decref(v);
    return q;
}

static void hours_are_checked(void **state)
{
    static const char *const bad[] = {
        "0",     "-1",   "-0.25", "0.3", "0.1", "1.2",  "8.25",   "9", "1e300",
        "\"2\"", "true", "null",  "{}",  "[2]", "2.51", "0.0001", NULL};
    struct {
        const char *text;
        long long q;
    } good[] = {{"0.25", 1}, {"1", 4},    {"1.5", 6}, {"2.75", 11},
                {"8", 32},   {"8.0", 32}, {"0.5", 2}};
    size_t i;
    int ok;

    (void)state;
    for (i = 0; bad[i]; i++) {
        parse_q(bad[i], 32, &ok);
        if (ok) fail_msg("hours %s accepted", bad[i]);
    }
    for (i = 0; i < sizeof good / sizeof good[0]; i++) {
        assert_int_equal(parse_q(good[i].text, 32, &ok), good[i].q);
        assert_true(ok);
    }
    /* The reasons are plain words. */
    {
        json_t *v = json_real(0.3);
        char why[160];
        long long q;

        assert_int_equal(timebank_hours_parse(v, 32, &q, why, sizeof why), -1);
        assert_non_null(strstr(why, "0.25"));
        json_decref(v);
        v = json_integer(9);
        assert_int_equal(timebank_hours_parse(v, 32, &q, why, sizeof why), -1);
        assert_non_null(strstr(why, "at most 8 hours"));
        json_decref(v);
        assert_int_equal(timebank_hours_parse(NULL, 32, &q, why, sizeof why),
                         -1);
        assert_string_equal(why, "is required");
    }
    /* No cap: only the absolute bound. */
    assert_int_equal(parse_q("500", 0, &ok), 2000);
    assert_true(ok);
}

static void hours_convert(void **state)
{
    char buf[32];
    json_t *j;
    long long q;
    int ok;

    (void)state;
    j = timebank_hours_json(8);
    assert_true(json_is_integer(j));
    assert_int_equal(json_integer_value(j), 2);
    json_decref(j);
    j = timebank_hours_json(6);
    assert_true(json_is_real(j));
    assert_true(json_real_value(j) == 1.5);
    json_decref(j);
    j = timebank_hours_json(-1);
    assert_true(json_real_value(j) == -0.25);
    json_decref(j);
    timebank_hours_text(6, 0, buf, sizeof buf);
    assert_string_equal(buf, "1.5");
    timebank_hours_text(6, 1, buf, sizeof buf);
    assert_string_equal(buf, "1,5");
    timebank_hours_text(-81, 0, buf, sizeof buf);
    assert_string_equal(buf, "-20.25");
    timebank_hours_text(3, 0, buf, sizeof buf);
    assert_string_equal(buf, "0.75");
    timebank_hours_text(0, 0, buf, sizeof buf);
    assert_string_equal(buf, "0");
    /* Round trip: every quarter from -50 h to 50 h. */
    for (q = -200; q <= 200; q++) {
        long long back;
        char why[80];

        j = timebank_hours_json(q);
        if (q > 0 && q <= 32) {
            assert_int_equal(
                timebank_hours_parse(j, 32, &back, why, sizeof why), 0);
            assert_int_equal(back, q);
        }
        assert_int_equal(timebank_limit_parse(j, &back, why, sizeof why), 0);
        assert_int_equal(back, q);
        json_decref(j);
    }
    /* Limits: any sign, 0 allowed; quarters; bounded. */
    j = json_real(-20.3);
    assert_int_equal(timebank_limit_parse(j, &q, buf, sizeof buf), -1);
    json_decref(j);
    j = json_integer(2000000);
    assert_int_equal(timebank_limit_parse(j, &q, buf, sizeof buf), -1);
    json_decref(j);
    j = json_string("-20");
    assert_int_equal(timebank_limit_parse(j, &q, buf, sizeof buf), -1);
    json_decref(j);
    (void)ok;
}

static void limits_pure(void **state)
{
    struct timebank_state s;
    struct timebank_breach b[5];

    (void)state;
    memset(&s, 0, sizeof s);
    timebank_limits_default(&s.payer_lim);
    timebank_limits_default(&s.earner_lim);
    s.amount = 8;
    assert_int_equal(timebank_limits_check(&s, b, 5), 0);
    /* The payer at -19 h cannot pay 2 h (-20 h is the floor). */
    s.payer_balance = -19 * 4;
    assert_int_equal(timebank_limits_check(&s, b, 5), 1);
    assert_int_equal(b[0].limit, TIMEBANK_ACCOUNT_MIN);
    assert_int_equal(b[0].after, -21 * 4);
    assert_int_equal(b[0].bound, -20 * 4);
    s.amount = 4; /* exactly at the floor: allowed */
    assert_int_equal(timebank_limits_check(&s, b, 5), 0);
    s.payer_balance = 0;
    /* The earner at 39.5 h cannot earn 1 h. */
    s.earner_balance = 158;
    assert_int_equal(timebank_limits_check(&s, b, 5), 1);
    assert_int_equal(b[0].limit, TIMEBANK_ACCOUNT_MAX);
    s.earner_balance = 0;
    /* Cooperative bounds, only between two cooperatives. */
    s.payer_lim.has_coop_min = 1;
    s.payer_lim.coop_min = -4;
    s.earner_lim.has_coop_max = 1;
    s.earner_lim.coop_max = 2;
    s.same_coop = 1;
    assert_int_equal(timebank_limits_check(&s, b, 5), 0);
    s.same_coop = 0;
    assert_int_equal(timebank_limits_check(&s, b, 5), 1);
    assert_int_equal(b[0].limit, TIMEBANK_COOP_MAX);
    s.payer_coop_sum = -1;
    assert_int_equal(timebank_limits_check(&s, b, 5), 2);
    assert_int_equal(b[0].limit, TIMEBANK_COOP_MIN);
    assert_int_equal(b[1].limit, TIMEBANK_COOP_MAX);
    s.payer_lim.has_coop_min = s.earner_lim.has_coop_max = 0;
    /* The pair: the smaller cap of the two. */
    s.payer_lim.pair_max = 40;
    s.earner_lim.pair_max = 12;
    s.pair_net = -10;
    s.amount = 2;
    assert_int_equal(timebank_limits_check(&s, b, 5), 0);
    s.amount = 3;
    assert_int_equal(timebank_limits_check(&s, b, 5), 1);
    assert_int_equal(b[0].limit, TIMEBANK_PAIR_MAX);
    assert_int_equal(b[0].now, -10);
    assert_int_equal(b[0].after, -13);
    assert_int_equal(b[0].bound, 12);
    /* Beyond the cap the other way (lowered since): paying moves back,
     * allowed, as long as it does not overshoot past -cap. */
    s.pair_net = 30;
    s.amount = 32;
    assert_int_equal(timebank_limits_check(&s, b, 5), 0);
    s.amount = 43;
    assert_int_equal(timebank_limits_check(&s, b, 5), 1);
    /* A balance already under a lowered floor: paying more is refused,
     * earning is not this side's check. */
    s.pair_net = 0;
    s.amount = 1;
    s.payer_balance = -100;
    assert_int_equal(timebank_limits_check(&s, b, 5), 1);
    assert_string_equal(timebank_limit_name(b[0].limit), "account_min");
    /* All five at once; max bounds what is written. */
    s.payer_lim.has_coop_min = 1;
    s.earner_lim.has_coop_max = 1;
    s.earner_balance = 160;
    s.amount = 100;
    assert_int_equal(timebank_limits_check(&s, b, 5), 5);
    assert_int_equal(timebank_limits_check(&s, b, 2), 2);
}

/* ============================================================ fixtures */

static long long make_coop(struct db *db, const char *name)
{
    char text[256];

    snprintf(text, sizeof text, "{'name':'%s'}", name);
    return test_make(db, dir_coop_create, text);
}

static long long make_ent(struct db *db, long long coop, const char *name,
                          const char *insee, const char *vis)
{
    char text[512];

    snprintf(text, sizeof text,
             "{'cooperative_id':'%lld','display_name':'%s','trades':"
             "[{'scheme':'rome','code':'M1203'}],'location':{'insee':'%s'},"
             "'visibility':'%s'}",
             coop, name, insee, vis);
    return test_make(db, dir_ent_create, text);
}

/* ent_viewer: an account for entrepreneur ent; its viewer. */
static struct viewer ent_viewer(struct db *db, const char *email, long long ent,
                                long long coop)
{
    char text[256];
    json_t *in, *errs = json_array(), *out = NULL;
    struct viewer v = {VIEWER_ENTREPRENEUR, coop, ent, 0};

    snprintf(text, sizeof text,
             "{'email':'%s','password':'a password','role':'entrepreneur',"
             "'entrepreneur_id':'%lld'}",
             email, ent);
    in = test_json(text);
    assert_int_equal(account_create(db, &viewer_system, in, errs, &out), RC_OK);
    assert_true(ids_parse(json_string_value(json_object_get(out, "id")),
                          &v.account_id));
    json_decref(in);
    json_decref(errs);
    json_decref(out);
    return v;
}

struct fix {
    struct db *db;
    long long A, B;       /* two cooperatives */
    long long a1, a2, b1; /* a1, a2 in A; b1 in B */
    struct viewer va1, va2, vb1, sa, sb, admin;
};

static int fix_setup(void **state)
{
    struct fix *f = calloc(1, sizeof *f);

    f->db = test_db_new();
    f->A = make_coop(f->db, "Coop Atlantique");
    f->B = make_coop(f->db, "Coop Bretagne");
    f->a1 = make_ent(f->db, f->A, "Alice Abel", "44109", "public");
    f->a2 = make_ent(f->db, f->A, "Anne Ader", "44109", "network");
    f->b1 = make_ent(f->db, f->B, "Bruno Bihan", "35238", "network");
    f->va1 = ent_viewer(f->db, "alice@example.org", f->a1, f->A);
    f->va2 = ent_viewer(f->db, "anne@example.org", f->a2, f->A);
    f->vb1 = ent_viewer(f->db, "bruno@example.org", f->b1, f->B);
    f->sa = (struct viewer){VIEWER_STAFF, f->A, 0, 0};
    f->sb = (struct viewer){VIEWER_STAFF, f->B, 0, 0};
    f->admin = viewer_system;
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

static int count(struct db *db, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int count(struct db *db, const char *fmt, ...)
{
    char sql[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    return test_count(db, sql);
}

/* balance: an account's balance column, quarter-hours. */
static int balance(struct db *db, long long ent)
{
    return count(db,
                 "SELECT coalesce((SELECT balance FROM time_account WHERE"
                 " id = %lld), 0)",
                 ent);
}

/* set_vis: change a profile's visibility in place. */
static void set_vis(struct fix *f, long long ent, const char *vis)
{
    char sql[128];

    snprintf(sql, sizeof sql,
             "UPDATE entrepreneur SET visibility = '%s' WHERE id = %lld", vis,
             ent);
    assert_int_equal(db_exec(f->db, sql), RC_OK);
}

static const struct timebank_config cfg8 = {0, "http://essaim.test"};

/* record: a transfer (hours as JSON text) by v; its id (0 when refused
 * as wanted, with bad_field among the errors). */
/* The errors of the last refused record_key(), as text (for messages). */
static char last_errs[2048];

static long long record_key(struct fix *f, const struct viewer *v,
                            long long from, long long to, const char *hours,
                            const char *extra, const char *key, enum rc want,
                            const char *bad_field, int *replayed)
{
    char text[512];
    json_t *in, *errs = json_array(), *out = NULL;
    long long id = 0;
    int rep = 0;
    enum rc rc;

    snprintf(text, sizeof text, "{'from':'%lld','to':'%lld','hours':%s%s}",
             from, to, hours, extra ? extra : "");
    in = test_json(text);
    rc = timebank_transfer_create(f->db, v, &cfg8, in, key, errs, &out, &rep);
    if (rc != want)
        fail_msg("%s: %s, want %s: %s", text, rc_name(rc), rc_name(want),
                 json_dumps(errs, 0));
    if (bad_field && !test_has_error(errs, bad_field))
        fail_msg("%s: no error on %s: %s", text, bad_field,
                 json_dumps(errs, 0));
    if (rc == RC_OK) {
        assert_true(ids_parse_json(json_object_get(out, "id"), &id));
        if (!rep)
            assert_string_equal(
                json_string_value(json_object_get(out, "status")), "pending");
    }
    if (replayed) *replayed = rep;
    {
        char *d = json_dumps(errs, 0);

        snprintf(last_errs, sizeof last_errs, "%s", d ? d : "");
        free(d);
    }
    json_decref(in);
    json_decref(errs);
    json_decref(out);
    return id;
}

static long long record(struct fix *f, const struct viewer *v, long long from,
                        long long to, const char *hours, enum rc want,
                        const char *bad_field)
{
    return record_key(f, v, from, to, hours, NULL, NULL, want, bad_field, NULL);
}

/* answer: confirm or reject transfer id as v; errs kept in *errs_out when
 * not NULL. */
static void answer(struct fix *f, const struct viewer *v, long long id,
                   int confirm, const char *body, enum rc want,
                   const char *bad_field, json_t **errs_out)
{
    char sid[24];
    json_t *in = test_json(body ? body : "{}"), *errs = json_array();
    json_t *out = NULL;
    enum rc rc;

    snprintf(sid, sizeof sid, "%lld", id);
    rc =
        timebank_transfer_answer(f->db, v, &cfg8, sid, confirm, in, errs, &out);
    if (rc != want)
        fail_msg("answer %lld: %s, want %s: %s", id, rc_name(rc), rc_name(want),
                 json_dumps(errs, 0));
    if (bad_field && !test_has_error(errs, bad_field))
        fail_msg("answer %lld: no error on %s: %s", id, bad_field,
                 json_dumps(errs, 0));
    if (rc == RC_OK)
        assert_string_equal(json_string_value(json_object_get(out, "status")),
                            confirm ? "confirmed" : "rejected");
    json_decref(in);
    json_decref(out);
    if (errs_out)
        *errs_out = errs;
    else
        json_decref(errs);
}

static void set_limits(struct fix *f, const struct viewer *v, long long coop,
                       const char *body, enum rc want, const char *bad_field)
{
    char sid[24];
    json_t *in = test_json(body), *errs = json_array(), *out = NULL;
    enum rc rc;

    snprintf(sid, sizeof sid, "%lld", coop);
    rc = timebank_limits_patch(f->db, v, sid, in, errs, &out);
    if (rc != want)
        fail_msg("limits %s: %s, want %s: %s", body, rc_name(rc), rc_name(want),
                 json_dumps(errs, 0));
    if (bad_field && !test_has_error(errs, bad_field))
        fail_msg("limits %s: no error on %s: %s", body, bad_field,
                 json_dumps(errs, 0));
    json_decref(in);
    json_decref(errs);
    json_decref(out);
}

/* ledger_holds: the double-entry invariants, checked in SQL. */
static void ledger_holds(struct db *db)
{
    /* Two movements per confirmed transfer, none for the others, each
     * transfer's summing to zero, the payer's negative. */
    assert_int_equal(test_count(db, "SELECT count(*) FROM time_transfer t"
                                    " WHERE (SELECT count(*) FROM"
                                    " time_movement m WHERE m.transfer_id ="
                                    " t.id) <> CASE t.status WHEN"
                                    " 'confirmed' THEN 2 ELSE 0 END"),
                     0);
    assert_int_equal(test_count(db, "SELECT count(*) FROM (SELECT"
                                    " transfer_id FROM time_movement GROUP"
                                    " BY transfer_id HAVING sum(amount) <>"
                                    " 0)"),
                     0);
    assert_int_equal(test_count(db, "SELECT count(*) FROM time_movement m"
                                    " JOIN time_transfer t ON t.id ="
                                    " m.transfer_id WHERE (m.account_id ="
                                    " t.from_id AND m.amount <> -t.amount)"
                                    " OR (m.account_id = t.to_id AND"
                                    " m.amount <> t.amount)"),
                     0);
    /* Balances: the sums of their movements; all of them sum to zero;
     * the last movement's balance_after is the balance. */
    assert_int_equal(test_count(db, "SELECT count(*) FROM time_account a"
                                    " WHERE a.balance <> (SELECT"
                                    " coalesce(sum(amount), 0) FROM"
                                    " time_movement m WHERE m.account_id ="
                                    " a.id)"),
                     0);
    assert_int_equal(test_count(db, "SELECT coalesce(sum(balance), 0) FROM"
                                    " time_account"),
                     0);
    assert_int_equal(test_count(db, "SELECT count(*) FROM time_account a"
                                    " WHERE EXISTS (SELECT 1 FROM"
                                    " time_movement m WHERE m.account_id ="
                                    " a.id) AND a.balance <> (SELECT"
                                    " balance_after FROM time_movement m"
                                    " WHERE m.account_id = a.id ORDER BY"
                                    " m.id DESC LIMIT 1)"),
                     0);
}

/* ==================================================== module (memory) */

static void every_statement_prepares(void **state)
{
    struct fix *f = *state;
    size_t i;

    for (i = 0; timebank_sql[i]; i++)
        if (!db_stmt(f->db, timebank_sql[i]))
            fail_msg("cannot prepare: %s", timebank_sql[i]);
    assert_true(i >= 25);
}

static void transfer_lifecycle(void **state)
{
    struct fix *f = *state;
    long long t, r;
    json_t *errs = NULL;

    /* Alice received 2 h of help from Bruno and records it: she pays. */
    t = record(f, &f->va1, f->a1, f->b1, "2", RC_OK, NULL);
    assert_int_equal(count(f->db, "SELECT count(*) FROM time_movement"), 0);
    assert_int_equal(balance(f->db, f->a1), 0);
    /* Bruno hears of it: inbox and e-mail. */
    assert_int_equal(count(f->db,
                           "SELECT count(*) FROM notification WHERE"
                           " entrepreneur_id = %lld AND kind ="
                           " 'time.transfer'",
                           f->b1),
                     1);
    assert_int_equal(count(f->db, "SELECT count(*) FROM outbox WHERE"
                                  " recipient = 'bruno@example.org'"),
                     1);
    /* Only Bruno answers: not Alice, not staff, not an administrator. */
    answer(f, &f->va1, t, 1, NULL, RC_FORBIDDEN, NULL, NULL);
    answer(f, &f->sb, t, 1, NULL, RC_FORBIDDEN, NULL, NULL);
    answer(f, &f->admin, t, 1, NULL, RC_FORBIDDEN, NULL, NULL);
    answer(f, &f->va2, t, 0, NULL, RC_FORBIDDEN, NULL, NULL);
    answer(f, &viewer_anonymous, t, 1, NULL, RC_UNAUTHORIZED, NULL, NULL);
    answer(f, &f->vb1, 999, 1, NULL, RC_NOTFOUND, NULL, NULL);
    answer(f, &f->vb1, t, 1, "{'reason':'x'}", RC_INVALID, "reason", NULL);
    answer(f, &f->vb1, t, 1, NULL, RC_OK, NULL, NULL);
    /* Double entry: two movements, summing to zero. */
    assert_int_equal(count(f->db,
                           "SELECT count(*) FROM time_movement WHERE"
                           " transfer_id = %lld",
                           t),
                     2);
    assert_int_equal(count(f->db,
                           "SELECT sum(amount) FROM time_movement"
                           " WHERE transfer_id = %lld",
                           t),
                     0);
    assert_int_equal(balance(f->db, f->a1), -8);
    assert_int_equal(balance(f->db, f->b1), 8);
    assert_int_equal(count(f->db,
                           "SELECT count(*) FROM notification WHERE"
                           " entrepreneur_id = %lld AND kind ="
                           " 'time.confirmed'",
                           f->a1),
                     1);
    /* Answered once. */
    answer(f, &f->vb1, t, 1, NULL, RC_CONFLICT, "status", NULL);
    answer(f, &f->vb1, t, 0, NULL, RC_CONFLICT, "status", NULL);

    /* Bruno records that he helped Anne 1.5 h; she rejects it. */
    r = record(f, &f->vb1, f->a2, f->b1, "1.5", RC_OK, NULL);
    answer(f, &f->vb1, r, 1, NULL, RC_FORBIDDEN, NULL, NULL);
    answer(f, &f->va2, r, 0, "{'reason':'Ce n\\u2019était pas moi'}", RC_OK,
           NULL, NULL);
    answer(f, &f->va2, r, 1, NULL, RC_CONFLICT, "status", &errs);
    assert_non_null(strstr(
        json_string_value(json_object_get(json_array_get(errs, 0), "message")),
        "rejected"));
    json_decref(errs);
    assert_int_equal(balance(f->db, f->a2), 0);
    assert_int_equal(balance(f->db, f->b1), 8);
    assert_int_equal(count(f->db,
                           "SELECT count(*) FROM notification WHERE"
                           " entrepreneur_id = %lld AND kind ="
                           " 'time.rejected' AND text LIKE '%%pas moi%%'",
                           f->b1),
                     1);
    ledger_holds(f->db);
    /* The ledger cannot be rewritten. */
    assert_int_not_equal(db_exec(f->db, "UPDATE time_movement SET amount ="
                                        " 0"),
                         RC_OK);
    assert_int_not_equal(db_exec(f->db, "DELETE FROM time_movement"), RC_OK);
}

static void bad_transfers_are_refused(void **state)
{
    struct fix *f = *state;
    static const char *const hours[] = {"0",   "-1",   "0.3",  "9",   "8.5",
                                        "'2'", "true", "null", "[1]", NULL};
    char extra[96];
    size_t i;

    for (i = 0; hours[i]; i++)
        record(f, &f->va1, f->a1, f->b1, hours[i], RC_INVALID, "hours");
    record(f, &f->va1, f->a1, f->a1, "1", RC_INVALID, "to");
    record(f, &f->va1, f->a1, 999999, "1", RC_INVALID, "to");
    record_key(f, &f->va1, f->a1, f->b1, "1", ",'color':'red'", NULL,
               RC_INVALID, "color", NULL);
    record_key(f, &f->va1, f->a1, f->b1, "1", ",'note':7", NULL, RC_INVALID,
               "note", NULL);
    record_key(f, &f->va1, f->a1, f->b1, "1", ",'post_id':'98765'", NULL,
               RC_INVALID, "post_id", NULL);
    record_key(f, &f->va1, f->a1, f->b1, "1", NULL, "", RC_INVALID,
               "Idempotency-Key", NULL);
    record_key(f, &f->va1, f->a1, f->b1, "1", NULL, "a b", RC_INVALID,
               "Idempotency-Key", NULL);
    {
        json_t *in = test_json("{'to':'1','hours':1}"), *errs = json_array();
        json_t *out = NULL;
        int rep;

        assert_int_equal(timebank_transfer_create(f->db, &f->va1, &cfg8, in,
                                                  NULL, errs, &out, &rep),
                         RC_INVALID);
        assert_true(test_has_error(errs, "from"));
        json_decref(in);
        json_decref(errs);
    }
    /* A post of someone else. */
    {
        json_t *in = test_json("{'kind':'offer','title':'Relire vos"
                               " devis'}"),
               *errs = json_array(), *out = NULL;

        assert_int_equal(timebank_post_create(f->db, &f->va2, in, errs, &out),
                         RC_OK);
        snprintf(extra, sizeof extra, ",'post_id':'%s'",
                 json_string_value(json_object_get(out, "id")));
        record_key(f, &f->va1, f->a1, f->b1, "1", extra, NULL, RC_INVALID,
                   "post_id", NULL);
        json_decref(in);
        json_decref(errs);
        json_decref(out);
    }
    /* Who records: a side, nobody else. */
    record(f, &f->va2, f->a1, f->b1, "1", RC_FORBIDDEN, NULL);
    record(f, &f->sa, f->a1, f->b1, "1", RC_FORBIDDEN, NULL);
    record(f, &f->admin, f->a1, f->b1, "1", RC_FORBIDDEN, NULL);
    record(f, &viewer_anonymous, f->a1, f->b1, "1", RC_UNAUTHORIZED, NULL);
    /* A profile one cannot see is as if it did not exist: Bruno is of
     * another cooperative than Anne. */
    record(f, &f->vb1, f->a2, f->b1, "1", RC_OK, NULL);
    set_vis(f, f->a2, "cooperative");
    record(f, &f->vb1, f->a2, f->b1, "1", RC_INVALID, "from");
    /* Nothing was written by the refusals. */
    assert_int_equal(count(f->db, "SELECT count(*) FROM time_transfer"), 1);
    assert_int_equal(count(f->db, "SELECT count(*) FROM time_idem"), 0);
}

/* refused_at_confirmation: transfer t, confirmed by v, is refused on
 * limit (named); nothing is written. */
static void refused_at_confirmation(struct fix *f, const struct viewer *v,
                                    long long t, const char *limit)
{
    int moves = count(f->db, "SELECT count(*) FROM time_movement");
    int notes = count(f->db, "SELECT count(*) FROM notification");
    int mails = count(f->db, "SELECT count(*) FROM outbox");
    json_t *errs = NULL;

    answer(f, v, t, 1, NULL, RC_CONFLICT, limit, &errs);
    json_decref(errs);
    assert_int_equal(count(f->db, "SELECT count(*) FROM time_movement"), moves);
    assert_int_equal(count(f->db, "SELECT count(*) FROM notification"), notes);
    assert_int_equal(count(f->db, "SELECT count(*) FROM outbox"), mails);
    assert_int_equal(count(f->db,
                           "SELECT count(*) FROM time_transfer WHERE"
                           " id = %lld AND status = 'pending'",
                           t),
                     1);
}

/* refused_at_record: recording from -> to by v is refused on limit
 * (named); nothing is written. */
static void refused_at_record(struct fix *f, const struct viewer *v,
                              long long from, long long to, const char *hours,
                              const char *limit)
{
    int transfers = count(f->db, "SELECT count(*) FROM time_transfer");
    int notes = count(f->db, "SELECT count(*) FROM notification");
    int mails = count(f->db, "SELECT count(*) FROM outbox");

    record(f, v, from, to, hours, RC_CONFLICT, limit);
    assert_int_equal(count(f->db, "SELECT count(*) FROM time_transfer"),
                     transfers);
    assert_int_equal(count(f->db, "SELECT count(*) FROM notification"), notes);
    assert_int_equal(count(f->db, "SELECT count(*) FROM outbox"), mails);
}

/* score_of: the search score of entrepreneur id for a client looking
 * for accountants (M1203) at Nantes; -1 when not found. Its reasons go
 * to last_why. */
static char last_why[1024];

static double score_of(struct db *db, long long id)
{
    static const struct viewer client = {VIEWER_CLIENT, 0, 0, 0};
    struct search_params p;
    json_t *errs = json_array(), *out = NULL, *x;
    double score = -1;
    size_t i;

    memset(&p, 0, sizeof p);
    p.trade = "M1203";
    p.near = "44109";
    p.radius_km = -1;
    p.kind = "entrepreneur";
    p.limit = 20;
    assert_int_equal(search_run(db, &client, &p, errs, &out), RC_OK);
    json_array_foreach(json_object_get(out, "results"), i, x) {
        long long rid;

        if (ids_parse_json(json_object_get(x, "id"), &rid) && rid == id) {
            char *w = json_dumps(json_object_get(x, "why"), JSON_ENSURE_ASCII);

            score = json_number_value(json_object_get(x, "score"));
            snprintf(last_why, sizeof last_why, "%s", w ? w : "");
            free(w);
        }
    }
    json_decref(out);
    json_decref(errs);
    return score;
}

/* Cooperation as a signal: Claire helps Anne 2 h; in a search where
 * Claire and Alice fit alike, Claire now ranks half a point higher;
 * Alice, who has no history, keeps her score. */
static void helping_ranks_higher(void **state)
{
    struct fix *f = *state;
    long long claire = make_ent(f->db, f->A, "Claire Cadou", "44109",
                                "public");
    struct viewer vc = ent_viewer(f->db, "claire@example.org", claire, f->A);
    double alice0 = score_of(f->db, f->a1), claire0 = score_of(f->db, claire);
    long long t;

    assert_true(alice0 > 0);
    assert_true(claire0 == alice0);
    t = record(f, &f->va2, f->a2, claire, "2", RC_OK, NULL);
    answer(f, &vc, t, 1, NULL, RC_OK, NULL, NULL);
    assert_true(score_of(f->db, f->a1) == alice0);
    assert_null(strstr(last_why, "entraide"));
    assert_true(fabs(score_of(f->db, claire) - (alice0 + 0.005)) < 1e-9);
    assert_non_null(strstr(last_why, "2 h ou plus d'entraide"));
    /* Her export holds her time account. */
    {
        json_t *ex = NULL, *tm;

        assert_int_equal(account_export(f->db, &vc, &ex), RC_OK);
        tm = json_object_get(ex, "time");
        assert_true(json_number_value(json_object_get(tm, "balance_hours")) ==
                    2.0);
        assert_int_equal(json_array_size(json_object_get(tm, "transfers")), 1);
        json_decref(ex);
    }
    (void)f->vb1;
}

static void every_limit(void **state)
{
    struct fix *f = *state;
    long long t, u;
    json_t *in, *errs, *out = NULL;
    const char *msg;
    int rep;

    /* Limits: staff of the cooperative and administrators; checked. */
    set_limits(f, &f->va1, f->A, "{'account_min':-2}", RC_FORBIDDEN, NULL);
    set_limits(f, &f->sb, f->A, "{'account_min':-2}", RC_FORBIDDEN, NULL);
    set_limits(f, &f->sa, 999, "{'account_min':-2}", RC_NOTFOUND, NULL);
    set_limits(f, &f->sa, f->A, "{'account_min':2}", RC_INVALID, "account_min");
    set_limits(f, &f->sa, f->A, "{'account_max':-1}", RC_INVALID,
               "account_max");
    set_limits(f, &f->sa, f->A, "{'pair_max':0.1}", RC_INVALID, "pair_max");
    set_limits(f, &f->sa, f->A, "{'coop_min':'low'}", RC_INVALID, "coop_min");
    set_limits(f, &f->sa, f->A, "{'limit':1}", RC_INVALID, "limit");

    /* account_min: Alice may go down to -2 h. */
    set_limits(f, &f->sa, f->A, "{'account_min':-2}", RC_OK, NULL);
    t = record(f, &f->va1, f->a1, f->b1, "1.5", RC_OK, NULL);
    u = record(f, &f->va1, f->a1, f->b1, "0.5", RC_OK, NULL);
    answer(f, &f->vb1, t, 1, NULL, RC_OK, NULL, NULL);
    refused_at_record(f, &f->va1, f->a1, f->b1, "0.75", "account_min");
    /* Lowered after recording: the confirmation refuses. */
    set_limits(f, &f->sa, f->A, "{'account_min':-1.75}", RC_OK, NULL);
    refused_at_confirmation(f, &f->vb1, u, "account_min");
    set_limits(f, &f->sa, f->A, "{'account_min':null}", RC_OK, NULL);
    answer(f, &f->vb1, u, 1, NULL, RC_OK, NULL, NULL);
    assert_int_equal(balance(f->db, f->a1), -8);

    /* account_max: Bruno (at 2 h) may earn up to 3 h. */
    set_limits(f, &f->sb, f->B, "{'account_max':3}", RC_OK, NULL);
    t = record(f, &f->va2, f->a2, f->b1, "1", RC_OK, NULL);
    refused_at_record(f, &f->va2, f->a2, f->b1, "1.25", "account_max");
    /* Bruno's balance is his: the one who records learns of the limit,
     * not of his figures. */
    assert_non_null(strstr(last_errs, "account_max set by"));
    assert_null(strstr(last_errs, "would go from"));
    u = record(f, &f->vb1, f->a2, f->b1, "0.25", RC_OK, NULL);
    answer(f, &f->va2, u, 1, NULL, RC_OK, NULL, NULL);
    refused_at_confirmation(f, &f->vb1, t, "account_max");
    answer(f, &f->vb1, t, 0, NULL, RC_OK, NULL, NULL);
    set_limits(f, &f->admin, f->B, "{'account_max':null}", RC_OK, NULL);

    /* coop_min: A's members hold -2.25 h together; floor -3 h. Within A
     * nothing changes the sum: no check. */
    set_limits(f, &f->sa, f->A, "{'coop_min':-3}", RC_OK, NULL);
    refused_at_record(f, &f->va1, f->a1, f->b1, "1", "coop_min");
    t = record(f, &f->va1, f->a1, f->a2, "4", RC_OK, NULL);
    answer(f, &f->va2, t, 1, NULL, RC_OK, NULL, NULL);
    t = record(f, &f->va2, f->a2, f->b1, "0.75", RC_OK, NULL);
    set_limits(f, &f->sa, f->A, "{'coop_min':-2.5}", RC_OK, NULL);
    refused_at_confirmation(f, &f->vb1, t, "coop_min");
    set_limits(f, &f->sa, f->A, "{'coop_min':null}", RC_OK, NULL);
    answer(f, &f->vb1, t, 1, NULL, RC_OK, NULL, NULL);

    /* coop_max: B's members hold 3 h; cap 4 h. */
    assert_int_equal(count(f->db,
                           "SELECT sum(balance) FROM time_account"
                           " WHERE cooperative_id = %lld",
                           f->B),
                     12);
    set_limits(f, &f->sb, f->B, "{'coop_max':4}", RC_OK, NULL);
    refused_at_record(f, &f->va2, f->a2, f->b1, "1.25", "coop_max");
    t = record(f, &f->va2, f->a2, f->b1, "1", RC_OK, NULL);
    set_limits(f, &f->sb, f->B, "{'coop_max':3.5}", RC_OK, NULL);
    refused_at_confirmation(f, &f->vb1, t, "coop_max");
    set_limits(f, &f->sb, f->B, "{'coop_max':null}", RC_OK, NULL);
    answer(f, &f->vb1, t, 1, NULL, RC_OK, NULL, NULL);

    /* pair_max: A's net with B is -4 h; the pair's cap is the smaller of
     * A's 5 h and B's 100 h. */
    set_limits(f, &f->sa, f->A, "{'pair_max':5}", RC_OK, NULL);
    t = record(f, &f->va1, f->a1, f->b1, "1", RC_OK, NULL);
    {
        char text[128];

        snprintf(text, sizeof text, "{'from':'%lld','to':'%lld','hours':1.25}",
                 f->a1, f->b1);
        in = test_json(text);
    }
    errs = json_array();
    assert_int_equal(timebank_transfer_create(f->db, &f->va1, &cfg8, in, NULL,
                                              errs, &out, &rep),
                     RC_CONFLICT);
    assert_true(test_has_error(errs, "pair_max"));
    msg =
        json_string_value(json_object_get(json_array_get(errs, 0), "message"));
    assert_non_null(strstr(msg, "Coop Atlantique"));
    assert_non_null(strstr(msg, "Coop Bretagne"));
    assert_non_null(strstr(msg, "is -4 h"));
    assert_non_null(strstr(msg, "to -5.25 h"));
    assert_non_null(strstr(msg, "pair_max of 5 h"));
    json_decref(in);
    json_decref(errs);
    /* The other way moves back: allowed. */
    u = record(f, &f->vb1, f->b1, f->a1, "3", RC_OK, NULL);
    answer(f, &f->va1, u, 1, NULL, RC_OK, NULL, NULL);
    answer(f, &f->vb1, t, 1, NULL, RC_OK, NULL, NULL);
    t = record(f, &f->va1, f->a1, f->b1, "3", RC_OK, NULL);
    set_limits(f, &f->sb, f->B, "{'pair_max':4.75}", RC_OK, NULL);
    refused_at_confirmation(f, &f->vb1, t, "pair_max");
    ledger_holds(f->db);
}

static void idempotency(void **state)
{
    struct fix *f = *state;
    long long t, u, w;
    int rep;

    t = record_key(f, &f->va1, f->a1, f->b1, "2", ",'note':'Compta'", "key-1",
                   RC_OK, NULL, &rep);
    assert_false(rep);
    u = record_key(f, &f->va1, f->a1, f->b1, "2.0", ",'note':' Compta '",
                   "key-1", RC_OK, NULL, &rep);
    assert_true(rep);
    assert_int_equal(u, t);
    assert_int_equal(count(f->db, "SELECT count(*) FROM time_transfer"), 1);
    assert_int_equal(count(f->db, "SELECT count(*) FROM notification WHERE"
                                  " kind = 'time.transfer'"),
                     1);
    /* Another body under the same key: 409. */
    record_key(f, &f->va1, f->a1, f->b1, "3", ",'note':'Compta'", "key-1",
               RC_CONFLICT, "Idempotency-Key", NULL);
    assert_int_equal(count(f->db, "SELECT count(*) FROM time_transfer"), 1);
    /* Still the same transfer once it is confirmed. */
    answer(f, &f->vb1, t, 1, NULL, RC_OK, NULL, NULL);
    u = record_key(f, &f->va1, f->a1, f->b1, "2", ",'note':'Compta'", "key-1",
                   RC_OK, NULL, &rep);
    assert_true(rep);
    assert_int_equal(u, t);
    /* Keys are per account: Bruno's key-1 is his own. */
    w = record_key(f, &f->vb1, f->a1, f->b1, "2", ",'note':'Compta'", "key-1",
                   RC_OK, NULL, &rep);
    assert_false(rep);
    assert_true(w != t);
    /* Without a key, two posts are two transfers. */
    record(f, &f->va1, f->a1, f->b1, "1", RC_OK, NULL);
    record(f, &f->va1, f->a1, f->b1, "1", RC_OK, NULL);
    assert_int_equal(count(f->db, "SELECT count(*) FROM time_transfer"), 4);
    /* After 24 h a key is forgotten (and purged by the next one). */
    assert_int_equal(db_exec(f->db, "UPDATE time_idem SET created_at ="
                                    " '2000-01-01T00:00:00Z'"),
                     RC_OK);
    u = record_key(f, &f->va1, f->a1, f->b1, "2", ",'note':'Compta'", "key-1",
                   RC_OK, NULL, &rep);
    assert_false(rep);
    assert_true(u != t);
    assert_int_equal(count(f->db, "SELECT count(*) FROM time_idem"), 1);
}

/* account: GET /time/accounts/{id} as v; NULL when refused as wanted. */
static json_t *account(struct fix *f, const struct viewer *v, long long id,
                       int limit, const char *cursor, enum rc want)
{
    char sid[24];
    json_t *errs = json_array(), *out = NULL;
    enum rc rc;

    snprintf(sid, sizeof sid, "%lld", id);
    rc = timebank_account_get(f->db, v, sid, limit, cursor, errs, &out);
    if (rc != want)
        fail_msg("account %lld: %s, want %s", id, rc_name(rc), rc_name(want));
    json_decref(errs);
    return out;
}

static void accounts_are_read(void **state)
{
    struct fix *f = *state;
    json_t *a, *h;
    long long t;
    char cursor[32];

    t = record(f, &f->va1, f->a1, f->b1, "2", RC_OK, NULL);
    answer(f, &f->vb1, t, 1, NULL, RC_OK, NULL, NULL);
    t = record(f, &f->vb1, f->b1, f->a1, "0.5", RC_OK, NULL);
    answer(f, &f->va1, t, 1, NULL, RC_OK, NULL, NULL);
    t = record(f, &f->va1, f->a1, f->a2, "1", RC_OK, NULL);
    answer(f, &f->va2, t, 1, NULL, RC_OK, NULL, NULL);
    record(f, &f->vb1, f->a1, f->b1, "0.25", RC_OK, NULL);

    a = account(f, &f->va1, f->a1, 20, NULL, RC_OK);
    assert_true(json_real_value(json_object_get(a, "balance")) == -2.5);
    assert_int_equal(json_integer_value(
                         json_object_get(json_object_get(a, "limits"), "min")),
                     -20);
    assert_int_equal(json_integer_value(
                         json_object_get(json_object_get(a, "limits"), "max")),
                     40);
    assert_true(json_real_value(json_object_get(a, "given")) == 0.5);
    assert_int_equal(json_integer_value(json_object_get(a, "received")), 3);
    h = json_object_get(a, "history");
    assert_int_equal(json_array_size(h), 3);
    /* Newest first, with the balance after each. */
    assert_int_equal(
        json_integer_value(json_object_get(json_array_get(h, 0), "hours")), -1);
    assert_true(json_real_value(
                    json_object_get(json_array_get(h, 0), "balance")) == -2.5);
    assert_string_equal(
        json_string_value(json_object_get(
            json_object_get(json_array_get(h, 1), "counterparty"), "name")),
        "Bruno Bihan");
    assert_true(json_is_null(json_object_get(a, "next_cursor")));
    /* One pending, awaiting Alice. */
    assert_int_equal(json_array_size(json_object_get(a, "pending")), 1);
    assert_true(json_is_true(json_object_get(
        json_array_get(json_object_get(a, "pending"), 0), "can_answer")));
    json_decref(a);

    /* Pages of one. */
    a = account(f, &f->va1, f->a1, 1, NULL, RC_OK);
    assert_int_equal(json_array_size(json_object_get(a, "history")), 1);
    snprintf(cursor, sizeof cursor, "%s",
             json_string_value(json_object_get(a, "next_cursor")));
    json_decref(a);
    a = account(f, &f->va1, f->a1, 2, cursor, RC_OK);
    assert_int_equal(json_array_size(json_object_get(a, "history")), 2);
    assert_true(json_is_null(json_object_get(a, "next_cursor")));
    json_decref(a);
    assert_null(account(f, &f->va1, f->a1, 2, "x", RC_INVALID));

    /* Who reads: the entrepreneur, their staff, administrators. */
    json_decref(account(f, &f->sa, f->a1, 20, NULL, RC_OK));
    json_decref(account(f, &f->admin, f->a1, 20, NULL, RC_OK));
    assert_null(account(f, &f->sb, f->a1, 20, NULL, RC_FORBIDDEN));
    assert_null(account(f, &f->vb1, f->a1, 20, NULL, RC_FORBIDDEN));
    assert_null(account(f, &f->va2, f->a1, 20, NULL, RC_FORBIDDEN));
    assert_null(
        account(f, &viewer_anonymous, f->a1, 20, NULL, RC_UNAUTHORIZED));
    /* Anne's profile made cooperative-only: to Bruno it does not exist. */
    set_vis(f, f->a2, "cooperative");
    assert_null(account(f, &f->vb1, f->a2, 20, NULL, RC_NOTFOUND));
    assert_null(account(f, &f->sa, 99999, 20, NULL, RC_NOTFOUND));
    /* An account without movements reads as zero. */
    a = account(f, &f->sb, f->b1, 20, NULL, RC_OK);
    assert_true(json_real_value(json_object_get(a, "balance")) == 1.5);
    json_decref(a);
    a = account(f, &f->sa, f->a2, 20, NULL, RC_OK);
    assert_int_equal(json_integer_value(json_object_get(a, "balance")), 1);
    json_decref(a);
}

/* report: GET /cooperatives/{id}/time as v. */
static json_t *report(struct fix *f, const struct viewer *v, long long coop,
                      const char *from, const char *to, enum rc want,
                      const char *bad_field)
{
    char sid[24];
    json_t *errs = json_array(), *out = NULL;
    enum rc rc;

    snprintf(sid, sizeof sid, "%lld", coop);
    rc = timebank_report(f->db, v, sid, from, to, errs, &out);
    if (rc != want)
        fail_msg("report %lld: %s, want %s: %s", coop, rc_name(rc),
                 rc_name(want), json_dumps(errs, 0));
    if (bad_field && !test_has_error(errs, bad_field))
        fail_msg("report: no error on %s", bad_field);
    json_decref(errs);
    return out;
}

static double num(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);

    if (!json_is_number(v)) fail_msg("%s is not a number", key);
    return json_number_value(v);
}

static void cooperative_reports(void **state)
{
    struct fix *f = *state;
    long long t, b2;
    json_t *r, *x;
    char day[16], tomorrow[16];
    time_t now = time(NULL);
    struct tm tm;

    gmtime_r(&now, &tm);
    strftime(day, sizeof day, "%Y-%m-%d", &tm);
    now += 86400;
    gmtime_r(&now, &tm);
    strftime(tomorrow, sizeof tomorrow, "%Y-%m-%d", &tm);
    b2 = make_ent(f->db, f->B, "Berthe Bouvier", "35238", "public");
    {
        struct viewer vb2 = ent_viewer(f->db, "berthe@example.org", b2, f->B);

        /* Bruno helped Alice 2 h; Anne helped Bruno 0.5 h; Anne helped
         * Alice 1 h (within A); Berthe helped Bruno 3 h (within B); one
         * pending, one rejected. */
        t = record(f, &f->va1, f->a1, f->b1, "2", RC_OK, NULL);
        answer(f, &f->vb1, t, 1, NULL, RC_OK, NULL, NULL);
        t = record(f, &f->va2, f->b1, f->a2, "0.5", RC_OK, NULL);
        answer(f, &f->vb1, t, 1, NULL, RC_OK, NULL, NULL);
        t = record(f, &f->va1, f->a1, f->a2, "1", RC_OK, NULL);
        answer(f, &f->va2, t, 1, NULL, RC_OK, NULL, NULL);
        t = record(f, &vb2, f->b1, b2, "3", RC_OK, NULL);
        answer(f, &f->vb1, t, 1, NULL, RC_OK, NULL, NULL);
        record(f, &f->va2, f->a2, f->b1, "0.25", RC_OK, NULL);
        t = record(f, &f->va1, f->a1, b2, "1", RC_OK, NULL);
        answer(f, &vb2, t, 0, NULL, RC_OK, NULL, NULL);
    }
    r = report(f, &f->sa, f->A, NULL, NULL, RC_OK, NULL);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(r, "cooperative"), "name")),
                        "Coop Atlantique");
    assert_true(num(r, "given") == 1.5);  /* Anne: 0.5 + 1 */
    assert_true(num(r, "received") == 3); /* Alice: 2 + 1 */
    assert_true(num(r, "internal") == 1);
    assert_true(num(r, "net") == -1.5);
    assert_true(num(r, "balance") == -1.5);
    assert_true(num(r, "members") == 2);
    assert_true(num(r, "active_members") == 2);
    assert_true(num(r, "transfers") == 3);
    assert_true(num(r, "pending") == 1);
    assert_int_equal(json_array_size(json_object_get(r, "exchanges")), 1);
    x = json_array_get(json_object_get(r, "exchanges"), 0);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(x, "cooperative"), "name")),
                        "Coop Bretagne");
    assert_true(num(x, "given") == 0.5);
    assert_true(num(x, "received") == 2);
    assert_true(num(x, "net") == -1.5);
    assert_true(num(x, "net_all_time") == -1.5);
    assert_true(num(x, "pair_max") == 100);
    assert_true(num(json_object_get(r, "limits"), "account_min") == -20);
    assert_true(json_is_null(
        json_object_get(json_object_get(r, "limits"), "coop_min")));
    json_decref(r);

    r = report(f, &f->sb, f->B, day, day, RC_OK, NULL);
    assert_true(num(r, "given") == 5);      /* Bruno 2, Berthe 3 */
    assert_true(num(r, "received") == 3.5); /* Bruno 0.5 + 3 */
    assert_true(num(r, "internal") == 3);
    assert_true(num(r, "net") == 1.5);
    assert_true(num(r, "active_members") == 2);
    assert_true(num(r, "members") == 2);
    assert_true(num(r, "pending") == 1);
    x = json_array_get(json_object_get(r, "exchanges"), 0);
    assert_true(num(x, "net") == 1.5);
    assert_true(num(x, "net_all_time") == 1.5);
    json_decref(r);

    /* A period without movements: zeros, but the all-time net stays. */
    r = report(f, &f->admin, f->B, tomorrow, NULL, RC_OK, NULL);
    assert_true(num(r, "given") == 0);
    assert_true(num(r, "active_members") == 0);
    x = json_array_get(json_object_get(r, "exchanges"), 0);
    assert_true(num(x, "net") == 0);
    assert_true(num(x, "net_all_time") == 1.5);
    json_decref(r);

    /* Who: its staff, administrators. */
    assert_null(report(f, &f->sb, f->A, NULL, NULL, RC_FORBIDDEN, NULL));
    assert_null(report(f, &f->va1, f->A, NULL, NULL, RC_FORBIDDEN, NULL));
    assert_null(
        report(f, &viewer_anonymous, f->A, NULL, NULL, RC_UNAUTHORIZED, NULL));
    assert_null(report(f, &f->sa, 777, NULL, NULL, RC_NOTFOUND, NULL));
    assert_null(
        report(f, &f->sa, f->A, "2026-13-01", NULL, RC_INVALID, "from"));
    assert_null(report(f, &f->sa, f->A, tomorrow, day, RC_INVALID, "to"));
    ledger_holds(f->db);
}

/* post: timebank_post_create with a JSON literal. */
static json_t *post(struct fix *f, const struct viewer *v, const char *text,
                    enum rc want, const char *bad_field)
{
    json_t *in = test_json(text), *errs = json_array(), *out = NULL;
    enum rc rc = timebank_post_create(f->db, v, in, errs, &out);

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

static int listed(struct fix *f, const struct viewer *v, const char *kind,
                  const char *trade, const char *dep, const char *coop,
                  enum rc want, const char *bad_field)
{
    struct timebank_post_filter flt = {kind, trade, dep, coop, NULL, NULL};
    json_t *errs = json_array(), *out = NULL;
    enum rc rc = timebank_post_list(f->db, v, &flt, 20, NULL, errs, &out);
    int n = -1;

    if (rc != want) fail_msg("list: %s", rc_name(rc));
    if (bad_field && !test_has_error(errs, bad_field))
        fail_msg("list: no error on %s", bad_field);
    if (rc == RC_OK) {
        n = (int)json_integer_value(json_object_get(out, "total"));
        assert_int_equal(json_array_size(json_object_get(out, "results")), n);
    }
    json_decref(out);
    json_decref(errs);
    return n;
}

static void posts(void **state)
{
    struct fix *f = *state;
    char text[512], coop[24];
    json_t *p;

    set_vis(f, f->a2, "cooperative");
    p = post(f, &f->va1,
             "{'kind':'offer','title':'Aide à la comptabilité',"
             "'description':'Deux heures\\npar mois.','trades':"
             "[{'scheme':'rome','code':'M1203'}],'place':{'insee':'44109'},"
             "'from':'2026-01-01','until':'2099-12-31'}",
             RC_OK, NULL);
    assert_string_equal(json_string_value(json_object_get(p, "kind")), "offer");
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(p, "place"), "departement")),
                        "44");
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(p, "author"), "name")),
                        "Alice Abel");
    json_decref(p);
    /* No place: the author's. */
    p = post(f, &f->vb1, "{'kind':'need','title':'Un site web'}", RC_OK, NULL);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(p, "place"), "insee")),
                        "35238");
    assert_int_equal(json_array_size(json_object_get(p, "trades")), 0);
    json_decref(p);
    p = post(f, &f->va2, "{'kind':'need','title':'Relecture'}", RC_OK, NULL);
    json_decref(p);
    /* Refusals name the field. */
    json_decref(
        post(f, &f->va1, "{'kind':'gift','title':'x'}", RC_INVALID, "kind"));
    json_decref(post(f, &f->va1, "{'kind':'offer'}", RC_INVALID, "title"));
    json_decref(post(f, &f->va1,
                     "{'kind':'offer','title':'x','until':'2001-01-01'}",
                     RC_INVALID, "until"));
    json_decref(post(f, &f->va1,
                     "{'kind':'offer','title':'x','from':'2099-02-01',"
                     "'until':'2099-01-01'}",
                     RC_INVALID, "until"));
    json_decref(post(f, &f->va1,
                     "{'kind':'offer','title':'x','trades':[{'scheme':"
                     "'rome','code':'Z9999'}]}",
                     RC_INVALID, "trades[0].code"));
    json_decref(post(f, &f->va1,
                     "{'kind':'offer','title':'x','place':{'insee':'99999'}}",
                     RC_INVALID, "place.insee"));
    json_decref(
        post(f, &f->sa, "{'kind':'offer','title':'x'}", RC_FORBIDDEN, NULL));
    json_decref(post(f, &viewer_anonymous, "{'kind':'offer','title':'x'}",
                     RC_UNAUTHORIZED, NULL));
    assert_int_equal(count(f->db, "SELECT count(*) FROM time_post"), 3);

    /* Lists: filters, and posts of the profiles one may see. */
    assert_int_equal(listed(f, &f->va1, NULL, NULL, NULL, NULL, RC_OK, NULL),
                     3);
    assert_int_equal(listed(f, &f->va1, "need", NULL, NULL, NULL, RC_OK, NULL),
                     2);
    assert_int_equal(listed(f, &f->va1, NULL, "M12", NULL, NULL, RC_OK, NULL),
                     1);
    assert_int_equal(
        listed(f, &f->va1, NULL, "rome:m1203", NULL, NULL, RC_OK, NULL), 1);
    assert_int_equal(
        listed(f, &f->va1, NULL, "naf:43", NULL, NULL, RC_OK, NULL), 0);
    assert_int_equal(listed(f, &f->va1, NULL, NULL, "35", NULL, RC_OK, NULL),
                     1);
    snprintf(coop, sizeof coop, "%lld", f->A);
    assert_int_equal(listed(f, &f->va1, NULL, NULL, NULL, coop, RC_OK, NULL),
                     2);
    /* Anonymous: Alice's public profile only; Bruno (network): hers and
     * his; Anne's cooperative profile to her cooperative. */
    assert_int_equal(
        listed(f, &viewer_anonymous, NULL, NULL, NULL, NULL, RC_OK, NULL), 1);
    assert_int_equal(listed(f, &f->vb1, NULL, NULL, NULL, NULL, RC_OK, NULL),
                     2);
    assert_int_equal(listed(f, &f->sa, NULL, NULL, NULL, NULL, RC_OK, NULL), 3);
    listed(f, &f->va1, "gift", NULL, NULL, NULL, RC_INVALID, "kind");
    listed(f, &f->va1, NULL, "F16 03", NULL, NULL, RC_INVALID, "trade");
    listed(f, &f->va1, NULL, "xyz:F16", NULL, NULL, RC_INVALID, "trade");
    listed(f, &f->va1, NULL, NULL, "4", NULL, RC_INVALID, "departement");
    listed(f, &f->va1, NULL, NULL, NULL, "A", RC_INVALID, "cooperative");
    /* One by id, as visible. */
    snprintf(text, sizeof text, "%d",
             count(f->db,
                   "SELECT id FROM time_post WHERE entrepreneur_id ="
                   " %lld",
                   f->a2));
    p = NULL;
    assert_int_equal(timebank_post_get(f->db, &f->vb1, text, &p), RC_NOTFOUND);
    assert_int_equal(timebank_post_get(f->db, &f->va1, text, &p), RC_OK);
    json_decref(p);
    /* An expired post leaves the lists. */
    assert_int_equal(db_exec(f->db, "UPDATE time_post SET avail_until ="
                                    " '2001-01-01' WHERE kind = 'offer'"),
                     RC_OK);
    assert_int_equal(listed(f, &f->va1, "offer", NULL, NULL, NULL, RC_OK, NULL),
                     0);
}

/* edit: timebank_post_update of post id as v with a JSON literal; the
 * post answered (NULL when refused as wanted, bad_field named). */
static json_t *edit(struct fix *f, const struct viewer *v, long long id,
                    const char *text, enum rc want, const char *bad_field)
{
    json_t *in = test_json(text), *errs = json_array(), *out = NULL;
    char sid[24];
    enum rc rc;

    snprintf(sid, sizeof sid, "%lld", id);
    rc = timebank_post_update(f->db, v, sid, in, errs, &out);
    if (rc != want)
        fail_msg("edit %s: %s, want %s: %s", text, rc_name(rc), rc_name(want),
                 json_dumps(errs, 0));
    if (bad_field && !test_has_error(errs, bad_field))
        fail_msg("edit %s: no error on %s: %s", text, bad_field,
                 json_dumps(errs, 0));
    if (rc != RC_OK) assert_null(out);
    json_decref(in);
    json_decref(errs);
    return out;
}

static enum rc drop(struct fix *f, const struct viewer *v, long long id)
{
    char sid[24];

    snprintf(sid, sizeof sid, "%lld", id);
    return timebank_post_delete(f->db, v, sid);
}

/* by_status: how many posts v lists with status (and author, 0: any). */
static int by_status(struct fix *f, const struct viewer *v,
                     const char *status, long long author, enum rc want)
{
    char sauthor[24] = "";
    struct timebank_post_filter flt = {NULL, NULL, NULL, NULL, sauthor,
                                       status};
    json_t *errs = json_array(), *out = NULL;
    enum rc rc;
    int n = -1;

    if (author) snprintf(sauthor, sizeof sauthor, "%lld", author);
    rc = timebank_post_list(f->db, v, &flt, 20, NULL, errs, &out);
    if (rc != want) fail_msg("list %s: %s", status, rc_name(rc));
    if (rc == RC_OK)
        n = (int)json_integer_value(json_object_get(out, "total"));
    else
        assert_true(test_has_error(errs, status && !strcmp(status, "sold")
                                             ? "status"
                                             : "author"));
    json_decref(out);
    json_decref(errs);
    return n;
}

static const char *sget(json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));

    return v ? v : "";
}

/* Posts are changed, closed and deleted by the author, their
 * cooperative's staff and administrators, checked as at creation. */
static void posts_edited_closed_deleted(void **state)
{
    struct fix *f = *state;
    long long id, anne, t;
    json_t *p;

    set_vis(f, f->a2, "cooperative");
    p = post(f, &f->va1,
             "{'kind':'offer','title':'Aide à la comptabilité',"
             "'description':'Deux heures par mois.','trades':"
             "[{'scheme':'rome','code':'M1203'}],'until':'2099-12-31'}",
             RC_OK, NULL);
    assert_true(ids_parse_json(json_object_get(p, "id"), &id));
    assert_true(json_is_true(json_object_get(p, "can_edit")));
    json_decref(p);
    p = post(f, &f->va2, "{'kind':'need','title':'Relecture'}", RC_OK, NULL);
    assert_true(ids_parse_json(json_object_get(p, "id"), &anne));
    json_decref(p);

    /* The author changes the title and the trades; the rest stays. */
    p = edit(f, &f->va1, id,
             "{'title':'Aide à la paie','trades':[{'scheme':'rome',"
             "'code':'M1501'}]}",
             RC_OK, NULL);
    assert_string_equal(sget(p, "title"), "Aide à la paie");
    assert_string_equal(sget(p, "description"), "Deux heures par mois.");
    assert_string_equal(sget(p, "kind"), "offer");
    assert_string_equal(sget(p, "status"), "open");
    assert_string_equal(sget(p, "until"), "2099-12-31");
    assert_string_equal(
        sget(json_array_get(json_object_get(p, "trades"), 0), "code"),
        "M1501");
    assert_string_equal(sget(json_object_get(p, "place"), "insee"), "44109");
    json_decref(p);
    assert_int_equal(count(f->db,
                           "SELECT count(*) FROM time_post_trade WHERE"
                           " post_id = %lld AND code = 'M1501'",
                           id),
                     1);
    assert_int_equal(count(f->db,
                           "SELECT count(*) FROM time_post_trade WHERE"
                           " post_id = %lld",
                           id),
                     1);
    assert_int_equal(listed(f, &f->va1, NULL, "M15", NULL, NULL, RC_OK, NULL),
                     1);
    assert_int_equal(listed(f, &f->va1, NULL, "M12", NULL, NULL, RC_OK, NULL),
                     0);
    /* Another place, then back to the author's (null). */
    p = edit(f, &f->va1, id, "{'place':{'insee':'35238'},'description':null}",
             RC_OK, NULL);
    assert_string_equal(sget(json_object_get(p, "place"), "departement"),
                        "35");
    assert_true(json_is_null(json_object_get(p, "description")));
    json_decref(p);
    assert_int_equal(count(f->db,
                           "SELECT count(*) FROM time_post WHERE id = %lld"
                           " AND departement = '35' AND insee = '35238'",
                           id),
                     1);
    p = edit(f, &f->va1, id, "{'place':null}", RC_OK, NULL);
    assert_string_equal(sget(json_object_get(p, "place"), "insee"), "44109");
    json_decref(p);

    /* Bad input: 400 naming the field, nothing written. */
    json_decref(edit(f, &f->va1, id, "{'status':'sold'}", RC_INVALID,
                     "status"));
    json_decref(edit(f, &f->va1, id, "{'status':null}", RC_INVALID,
                     "status"));
    json_decref(edit(f, &f->va1, id, "{'title':null}", RC_INVALID, "title"));
    json_decref(edit(f, &f->va1, id, "{'title':''}", RC_INVALID, "title"));
    json_decref(edit(f, &f->va1, id, "{'kind':'gift'}", RC_INVALID, "kind"));
    json_decref(
        edit(f, &f->va1, id, "{'until':'2001-01-01'}", RC_INVALID, "until"));
    json_decref(
        edit(f, &f->va1, id, "{'from':'2100-01-01'}", RC_INVALID, "until"));
    json_decref(edit(f, &f->va1, id, "{'from':'2026-02-30'}", RC_INVALID,
                     "from"));
    json_decref(edit(f, &f->va1, id, "{'place':{'insee':'99999'}}",
                     RC_INVALID, "place.insee"));
    json_decref(edit(f, &f->va1, id,
                     "{'trades':[{'scheme':'rome','code':'Z9999'}]}",
                     RC_INVALID, "trades[0].code"));
    json_decref(edit(f, &f->va1, id, "{'colour':'red','title':'Paie'}",
                     RC_INVALID, "colour"));
    json_decref(edit(f, &f->va1, id, "[1]", RC_INVALID, NULL));
    assert_int_equal(count(f->db,
                           "SELECT count(*) FROM time_post WHERE id = %lld"
                           " AND title = 'Aide à la paie'",
                           id),
                     1);

    /* Who: the author, their cooperative's staff and administrators;
     * others who see it 403; those who do not 404; anonymous 401. */
    json_decref(edit(f, &f->va2, id, "{'title':'x'}", RC_FORBIDDEN, NULL));
    json_decref(edit(f, &f->vb1, id, "{'title':'x'}", RC_FORBIDDEN, NULL));
    json_decref(edit(f, &f->sb, id, "{'title':'x'}", RC_FORBIDDEN, NULL));
    json_decref(
        edit(f, &viewer_anonymous, id, "{'title':'x'}", RC_UNAUTHORIZED, NULL));
    json_decref(edit(f, &f->vb1, anne, "{'title':'x'}", RC_NOTFOUND, NULL));
    json_decref(edit(f, &f->va1, 999999, "{'title':'x'}", RC_NOTFOUND, NULL));
    p = edit(f, &f->sa, id, "{'title':'Aide à la paie (par le staff)'}",
             RC_OK, NULL);
    /* The staff sees it as editable; another entrepreneur does not. */
    assert_true(json_is_true(json_object_get(p, "can_edit")));
    json_decref(p);
    p = NULL;
    {
        char sid[24];

        snprintf(sid, sizeof sid, "%lld", id);
        assert_int_equal(timebank_post_get(f->db, &f->vb1, sid, &p), RC_OK);
        assert_true(json_is_false(json_object_get(p, "can_edit")));
        json_decref(p);
    }
    json_decref(edit(f, &f->admin, id, "{'title':'Aide à la paie'}", RC_OK,
                     NULL));

    /* Closing: out of the default list, in status=closed and all; then
     * open again. */
    assert_int_equal(by_status(f, &f->va1, NULL, f->a1, RC_OK), 1);
    p = edit(f, &f->va1, id, "{'status':'closed'}", RC_OK, NULL);
    assert_string_equal(sget(p, "status"), "closed");
    json_decref(p);
    assert_int_equal(by_status(f, &f->va1, NULL, f->a1, RC_OK), 0);
    assert_int_equal(by_status(f, &f->va1, "open", f->a1, RC_OK), 0);
    assert_int_equal(by_status(f, &f->va1, "closed", f->a1, RC_OK), 1);
    assert_int_equal(by_status(f, &f->va1, "all", f->a1, RC_OK), 1);
    assert_int_equal(by_status(f, &f->va1, "all", 0, RC_OK), 2);
    assert_int_equal(by_status(f, &f->vb1, "all", 0, RC_OK), 1);
    by_status(f, &f->va1, "sold", 0, RC_INVALID);
    {
        char sid[24];

        snprintf(sid, sizeof sid, "%lld", id);
        p = NULL;
        assert_int_equal(timebank_post_get(f->db, &f->vb1, sid, &p), RC_OK);
        assert_string_equal(sget(p, "status"), "closed");
        json_decref(p);
    }
    json_decref(edit(f, &f->va1, id, "{'status':'open'}", RC_OK, NULL));
    assert_int_equal(by_status(f, &f->va1, "open", f->a1, RC_OK), 1);
    /* A post that ended can still be closed (its past `until` stays when
     * the change does not give it). */
    assert_int_equal(db_exec(f->db, "UPDATE time_post SET avail_until ="
                                    " '2001-01-01', doc = json_set(doc,"
                                    " '$.until', '2001-01-01')"
                                    " WHERE kind = 'offer'"),
                     RC_OK);
    assert_int_equal(by_status(f, &f->va1, "open", f->a1, RC_OK), 0);
    assert_int_equal(by_status(f, &f->va1, "all", f->a1, RC_OK), 1);
    p = edit(f, &f->va1, id, "{'status':'closed'}", RC_OK, NULL);
    assert_string_equal(sget(p, "until"), "2001-01-01");
    json_decref(p);
    json_decref(
        edit(f, &f->va1, id, "{'title':'Encore','until':'2002-01-01'}",
             RC_INVALID, "until"));

    /* Deleting: a transfer that named the post keeps working. */
    {
        char sid[24];

        snprintf(sid, sizeof sid, ",'post_id':'%lld'", id);
        t = record_key(f, &f->vb1, f->b1, f->a1, "2", sid, NULL, RC_OK, NULL,
                       NULL);
    }
    assert_int_equal(drop(f, &f->vb1, id), RC_FORBIDDEN);
    assert_int_equal(drop(f, &f->sb, id), RC_FORBIDDEN);
    assert_int_equal(drop(f, &viewer_anonymous, id), RC_UNAUTHORIZED);
    assert_int_equal(drop(f, &f->vb1, anne), RC_NOTFOUND);
    assert_int_equal(drop(f, &f->va1, id), RC_OK);
    assert_int_equal(drop(f, &f->va1, id), RC_NOTFOUND);
    assert_int_equal(
        count(f->db, "SELECT count(*) FROM time_post WHERE id = %lld", id), 0);
    assert_int_equal(count(f->db,
                           "SELECT count(*) FROM time_post_trade WHERE"
                           " post_id = %lld",
                           id),
                     0);
    assert_int_equal(count(f->db,
                           "SELECT count(*) FROM time_transfer WHERE"
                           " id = %lld AND post_id IS NULL",
                           t),
                     1);
    answer(f, &f->va1, t, 1, NULL, RC_OK, NULL, NULL);
    assert_int_equal(balance(f->db, f->a1), 8);
    /* Staff of the author's cooperative may delete too. */
    assert_int_equal(drop(f, &f->sa, anne), RC_OK);
    ledger_holds(f->db);
}

/* The inbox lines of a transfer name it (transfer_id), so that the inbox
 * links to /time.html#transfer=ID. */
static void notifications_name_the_transfer(void **state)
{
    struct fix *f = *state;
    long long t;

    t = record(f, &f->va1, f->a1, f->b1, "1.5", RC_OK, NULL);
    assert_int_equal(count(f->db,
                           "SELECT count(*) FROM notification WHERE"
                           " entrepreneur_id = %lld AND kind ="
                           " 'time.transfer' AND transfer_id = %lld",
                           f->b1, t),
                     1);
    answer(f, &f->vb1, t, 0, "{'reason':'pas encore'}", RC_OK, NULL, NULL);
    assert_int_equal(count(f->db,
                           "SELECT count(*) FROM notification WHERE"
                           " entrepreneur_id = %lld AND kind ="
                           " 'time.rejected' AND transfer_id = %lld",
                           f->a1, t),
                     1);
    t = record(f, &f->vb1, f->a1, f->b1, "1", RC_OK, NULL);
    answer(f, &f->va1, t, 1, NULL, RC_OK, NULL, NULL);
    assert_int_equal(count(f->db,
                           "SELECT count(*) FROM notification WHERE"
                           " entrepreneur_id = %lld AND kind ="
                           " 'time.confirmed' AND transfer_id = %lld",
                           f->b1, t),
                     1);
    /* The e-mail links to the same place. */
    assert_int_equal(count(f->db,
                           "SELECT count(*) FROM outbox WHERE body LIKE"
                           " '%%/time.html#transfer=%lld%%'",
                           t),
                     2);
}

static void erasure_keeps_the_sum(void **state)
{
    struct fix *f = *state;
    long long t, u;
    char id[24];

    t = record_key(f, &f->va1, f->a1, f->b1, "2", ",'note':'canari-XYZ'", NULL,
                   RC_OK, NULL, NULL);
    answer(f, &f->vb1, t, 1, NULL, RC_OK, NULL, NULL);
    u = record(f, &f->vb1, f->a1, f->b1, "1", RC_OK, NULL);
    json_decref(
        post(f, &f->vb1, "{'kind':'need','title':'Un logo'}", RC_OK, NULL));
    snprintf(id, sizeof id, "%lld", f->b1);
    assert_int_equal(dir_ent_delete(f->db, &viewer_system, id), RC_OK);
    /* The pending transfer is cancelled, the texts blanked, the balances
     * kept: the ledger still sums to zero. */
    assert_int_equal(count(f->db,
                           "SELECT count(*) FROM time_transfer WHERE"
                           " id = %lld AND status = 'cancelled'",
                           u),
                     1);
    assert_int_equal(count(f->db, "SELECT count(*) FROM time_transfer WHERE"
                                  " note IS NOT NULL"),
                     0);
    assert_int_equal(balance(f->db, f->b1), 8);
    assert_int_equal(count(f->db, "SELECT count(*) FROM time_post"), 0);
    answer(f, &f->va1, u, 1, NULL, RC_CONFLICT, "status", NULL);
    ledger_holds(f->db);
    {
        json_t *a = account(f, &f->va1, f->a1, 20, NULL, RC_OK);
        json_t *h = json_array_get(json_object_get(a, "history"), 0);

        assert_true(json_is_null(
            json_object_get(json_object_get(h, "counterparty"), "name")));
        assert_true(json_is_null(json_object_get(h, "note")));
        json_decref(a);
    }
}

/* ======================================================== concurrency */

#define NCOOPS      3
#define PER_COOP    2
#define NTHREADS    8
#define RUN_SECONDS 3
#define BATCH       6 /* transfers each thread records in a round */

/* The threads work in rounds: each records BATCH random transfers (each
 * within every limit when recorded, since pending ones move nothing),
 * then all answer the pending ones at once, as their counterparties:
 * many confirmations then push the same few balances, sums and pairs at
 * the same moment, which is when a check that did not hold the write
 * lock from its reads to its writes would let two of them pass a limit
 * together. */
struct world {
    char path[128];
    long long coop[NCOOPS];
    long long ent[NCOOPS * PER_COOP];
    int coop_of[NCOOPS * PER_COOP]; /* index into coop[] */
    pthread_barrier_t round;
    time_t stop;
    int done; /* set between two barriers by one thread */
};

struct worker {
    struct world *w;
    unsigned seed;
    int recorded, confirmed, rejected, refused, busy, errors;
    char error[256];
};

static struct viewer world_viewer(const struct world *w, int i)
{
    struct viewer v = {VIEWER_ENTREPRENEUR, w->coop[w->coop_of[i]], w->ent[i],
                       w->ent[i]};

    return v;
}

static int index_of(const struct world *w, long long ent)
{
    int i;

    for (i = 0; i < NCOOPS * PER_COOP; i++)
        if (w->ent[i] == ent) return i;
    return 0;
}

/* pick_pending: a pending transfer, in an order of its own per call (0
 * when none). */
static long long pick_pending(struct db *db, unsigned *seed,
                              long long *recorded_by, long long *from,
                              long long *to)
{
    sqlite3_stmt *st = NULL;
    long long id = 0;

    if (sqlite3_prepare_v2(db_handle(db),
                           "SELECT id, recorded_by, from_id, to_id FROM"
                           " time_transfer WHERE status = 'pending'"
                           " ORDER BY (id * ?1) % 1009 LIMIT 1",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int(st, 1, (int)(rand_r(seed) % 1000) + 1);
    if (sqlite3_step(st) == SQLITE_ROW) {
        id = sqlite3_column_int64(st, 0);
        *recorded_by = sqlite3_column_int64(st, 1);
        *from = sqlite3_column_int64(st, 2);
        *to = sqlite3_column_int64(st, 3);
    }
    sqlite3_finalize(st);
    return id;
}

/* outcome: count rc; anything but OK, CONFLICT and BUSY is an error. */
static void outcome(struct worker *k, enum rc rc, json_t *errs)
{
    if (rc == RC_BUSY) {
        k->busy++;
    } else if (rc != RC_OK && rc != RC_CONFLICT) {
        char *e = json_dumps(errs, 0);

        k->errors++;
        snprintf(k->error, sizeof k->error, "%s: %s", rc_name(rc), e ? e : "");
        free(e);
    }
}

static void record_random(struct worker *k, struct db *db)
{
    const struct timebank_config cfg = {0, NULL};
    const struct world *w = k->w;
    const int n = NCOOPS * PER_COOP;
    int a = (int)(rand_r(&k->seed) % (unsigned)n);
    int b = (int)(rand_r(&k->seed) % (unsigned)(n - 1));
    int q = (int)(rand_r(&k->seed) % 6) + 1; /* 0.25 to 1.5 h */
    json_t *in, *errs = json_array(), *out = NULL;
    struct viewer v;
    char text[160];
    enum rc rc;
    int rep;

    if (b >= a) b++;
    v = world_viewer(w, rand_r(&k->seed) % 2 ? a : b);
    snprintf(text, sizeof text,
             "{\"from\":\"%lld\",\"to\":\"%lld\",\"hours\":%g}", w->ent[a],
             w->ent[b], q / 4.0);
    in = json_loads(text, 0, NULL);
    rc = timebank_transfer_create(db, &v, &cfg, in, NULL, errs, &out, &rep);
    if (rc == RC_OK) k->recorded++;
    outcome(k, rc, errs);
    json_decref(in);
    json_decref(out);
    json_decref(errs);
}

/* answer_pending: answer one pending transfer as its counterparty
 * (mostly confirm; a confirmation refused on a limit is then rejected);
 * 0 when none is left. */
static int answer_pending(struct worker *k, struct db *db)
{
    const struct timebank_config cfg = {0, NULL};
    long long rec = 0, from = 0, to = 0, id;
    int confirm = rand_r(&k->seed) % 6 != 0;
    json_t *in, *errs, *out = NULL;
    struct viewer v;
    char sid[24];
    enum rc rc;

    id = pick_pending(db, &k->seed, &rec, &from, &to);
    if (id <= 0) return 0;
    v = world_viewer(k->w, index_of(k->w, rec == from ? to : from));
    snprintf(sid, sizeof sid, "%lld", id);
    in = json_object();
    errs = json_array();
    rc = timebank_transfer_answer(db, &v, &cfg, sid, confirm, in, errs, &out);
    if (rc == RC_OK) {
        if (confirm)
            k->confirmed++;
        else
            k->rejected++;
    } else if (rc == RC_CONFLICT && !test_has_error(errs, "status")) {
        k->refused++; /* a limit: the counterparty gives up */
        json_decref(errs);
        errs = json_array();
        rc = timebank_transfer_answer(db, &v, &cfg, sid, 0, in, errs, &out);
    }
    outcome(k, rc, errs);
    json_decref(in);
    json_decref(out);
    json_decref(errs);
    return 1;
}

static void *work(void *arg)
{
    struct worker *k = arg;
    struct world *w = k->w;
    struct db_opts o = {60000, "NORMAL", 0, 0};
    struct db *db = NULL;
    int i;

    if (db_open(w->path, &o, &db) != RC_OK) {
        k->errors++;
        snprintf(k->error, sizeof k->error, "cannot open");
    }
    for (;;) {
        for (i = 0; db && i < BATCH; i++) record_random(k, db);
        pthread_barrier_wait(&w->round);
        for (i = 0; db && i < 1000 && answer_pending(k, db); i++) continue;
        if (pthread_barrier_wait(&w->round) == PTHREAD_BARRIER_SERIAL_THREAD)
            w->done = time(NULL) >= w->stop;
        pthread_barrier_wait(&w->round);
        if (w->done) break;
    }
    db_close(db);
    return NULL;
}

static void concurrent_transfers_keep_every_limit(void **state)
{
    static const char *const limits[NCOOPS] = {
        "{'account_min':-2,'account_max':3,'coop_min':-3,'coop_max':2.5,"
        "'pair_max':2}",
        "{'account_min':-1.5,'account_max':2,'coop_min':-2.5,'coop_max':3,"
        "'pair_max':3}",
        "{'account_min':-3,'account_max':2.5,'coop_min':-2,'coop_max':2,"
        "'pair_max':1.5}"};
    struct world w;
    struct worker k[NTHREADS];
    pthread_t th[NTHREADS];
    struct fix f;
    char dir[] = "/tmp/essaim-timebank-XXXXXX", cmd[96];
    int i, j, total_confirmed = 0, total_refused = 0;

    (void)state;
    memset(&w, 0, sizeof w);
    memset(&f, 0, sizeof f);
    log_set_level(LOG_ERROR);
    search_init();
    assert_non_null(mkdtemp(dir));
    snprintf(w.path, sizeof w.path, "%s/ledger.db", dir);
    assert_int_equal(db_open(w.path, NULL, &f.db), RC_OK);
    assert_int_equal(search_place_ensure(f.db), RC_OK);
    assert_int_equal(search_trade_ensure(f.db), RC_OK);
    for (i = 0; i < NCOOPS; i++) {
        char name[32];

        snprintf(name, sizeof name, "Coop %d", i);
        w.coop[i] = make_coop(f.db, name);
        set_limits(&f, &viewer_system, w.coop[i], limits[i], RC_OK, NULL);
        for (j = 0; j < PER_COOP; j++) {
            snprintf(name, sizeof name, "Membre %d-%d", i, j);
            w.ent[i * PER_COOP + j] =
                make_ent(f.db, w.coop[i], name, "44109", "network");
            w.coop_of[i * PER_COOP + j] = i;
        }
    }
    db_close(f.db);

    assert_int_equal(pthread_barrier_init(&w.round, NULL, NTHREADS), 0);
    w.stop = time(NULL) + RUN_SECONDS;
    for (i = 0; i < NTHREADS; i++) {
        memset(&k[i], 0, sizeof k[i]);
        k[i].w = &w;
        k[i].seed = 7919u * (unsigned)(i + 1);
        assert_int_equal(pthread_create(&th[i], NULL, work, &k[i]), 0);
    }
    for (i = 0; i < NTHREADS; i++) pthread_join(th[i], NULL);
    pthread_barrier_destroy(&w.round);
    for (i = 0; i < NTHREADS; i++) {
        if (k[i].errors) fail_msg("worker %d: %s", i, k[i].error);
        total_confirmed += k[i].confirmed;
        total_refused += k[i].refused;
    }
    fprintf(stderr,
            "concurrent ledger: %d threads, %d s: %d confirmed, %d refused"
            " on a limit at confirmation\n",
            NTHREADS, RUN_SECONDS, total_confirmed, total_refused);
    /* Enough happened to mean something: confirmations, and some that
     * the limits refused because others had just been confirmed. */
    assert_true(total_confirmed >= 20);
    assert_true(total_refused >= 1);

    assert_int_equal(db_open(w.path, NULL, &f.db), RC_OK);
    ledger_holds(f.db);
    /* Every account, cooperative and pair within its limits. */
    assert_int_equal(test_count(f.db, "SELECT count(*) FROM time_account a JOIN"
                                      " time_settings s ON s.cooperative_id ="
                                      " a.cooperative_id WHERE a.balance <"
                                      " s.account_min OR a.balance >"
                                      " s.account_max"),
                     0);
    assert_int_equal(test_count(f.db,
                                "SELECT count(*) FROM (SELECT"
                                " a.cooperative_id c, sum(a.balance) b FROM"
                                " time_account a GROUP BY 1) x JOIN"
                                " time_settings s ON s.cooperative_id = x.c"
                                " WHERE x.b < s.coop_min OR x.b >"
                                " s.coop_max"),
                     0);
    assert_int_equal(test_count(f.db,
                                "SELECT count(*) FROM (SELECT coop_id c,"
                                " other_coop_id o, sum(amount) net FROM"
                                " time_movement WHERE coop_id <>"
                                " other_coop_id GROUP BY 1, 2) p JOIN"
                                " time_settings s1 ON s1.cooperative_id ="
                                " p.c JOIN time_settings s2 ON"
                                " s2.cooperative_id = p.o WHERE abs(p.net)"
                                " > min(s1.pair_max, s2.pair_max)"),
                     0);
    /* The pair nets seen from each side are opposite. */
    assert_int_equal(test_count(f.db,
                                "SELECT count(*) FROM (SELECT coop_id c,"
                                " other_coop_id o, sum(amount) net FROM"
                                " time_movement GROUP BY 1, 2) p JOIN"
                                " (SELECT coop_id c, other_coop_id o,"
                                " sum(amount) net FROM time_movement GROUP"
                                " BY 1, 2) q ON q.c = p.o AND q.o = p.c"
                                " WHERE p.net <> -q.net"),
                     0);
    db_close(f.db);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

/* ========================================================= end to end */

TEST_SERVER_SUITE(server)

/* call: one request; the status; *out the body (new reference). */
static long call_h(const char *token, const char *method, const char *path,
                   const char *body, const char *const *headers, json_t **out,
                   struct buf *hdrs)
{
    struct test_reply r;
    long status;

    test_http_full(&server, token, method, path, body, NULL, headers, &r);
    status = r.status;
    if (out) *out = json_incref(r.json);
    if (hdrs) buf_adds(hdrs, buf_str(&r.headers));
    test_reply_free(&r);
    return status;
}

static long call(const char *token, const char *method, const char *path,
                 const char *body, json_t **out)
{
    return call_h(token, method, path, body, NULL, out, NULL);
}

/* has_field: a problem document names field. */
static int has_field(json_t *problem, const char *field)
{
    return test_has_error(json_object_get(problem, "errors"), field);
}

/* new_id: POST as the administrator; the id answered. */
static void new_id(const char *path, const char *body, char *id, size_t size)
{
    json_t *out = NULL;

    assert_int_equal(call(server.admin, "POST", path, body, &out), 201);
    snprintf(id, size, "%s", json_string_value(json_object_get(out, "id")));
    json_decref(out);
}

/* person_token: an account with a password for a profile or as staff;
 * signed in. */
static void sign_in(const char *email, const char *extra, char *token,
                    size_t size)
{
    char body[512];

    snprintf(body, sizeof body,
             "{\"email\":\"%s\",\"password\":\"a password\"%s}", email, extra);
    assert_int_equal(call(server.admin, "POST", "/api/v1/accounts", body, NULL),
                     201);
    test_login(&server, email, "a password", token, size);
}

static void over_http(void **state)
{
    char ca[24], cb[24], ea[24], eb[24], ec[24], body[512], path[128],
        extra[96], t1[24], t2[24];
    char ta[64], tb[64], tc[64], sa[64], sb[64];
    const char *key1[] = {"Idempotency-Key: 3f1c-aide-compta", NULL};
    struct buf hdrs = {0};
    json_t *out = NULL, *x;
    const char *msg;
    size_t i;

    (void)state;
    new_id("/api/v1/cooperatives", "{\"name\":\"Oxalis\"}", ca, sizeof ca);
    new_id("/api/v1/cooperatives", "{\"name\":\"Coopaname\"}", cb, sizeof cb);
    snprintf(body, sizeof body,
             "{\"cooperative_id\":\"%s\",\"display_name\":\"Léa Martin\","
             "\"location\":{\"insee\":\"73065\"},\"visibility\":"
             "\"public\"}",
             ca);
    new_id("/api/v1/entrepreneurs", body, ea, sizeof ea);
    snprintf(body, sizeof body,
             "{\"cooperative_id\":\"%s\",\"display_name\":\"Karim Benali\","
             "\"location\":{\"insee\":\"75056\"},\"visibility\":"
             "\"network\"}",
             cb);
    new_id("/api/v1/entrepreneurs", body, eb, sizeof eb);
    snprintf(body, sizeof body,
             "{\"cooperative_id\":\"%s\",\"display_name\":\"Chloé Roux\","
             "\"location\":{\"insee\":\"75056\"},\"visibility\":"
             "\"network\"}",
             cb);
    new_id("/api/v1/entrepreneurs", body, ec, sizeof ec);
    snprintf(extra, sizeof extra,
             ",\"role\":\"entrepreneur\",\"entrepreneur_id\":\"%s\"", ea);
    sign_in("lea@example.org", extra, ta, sizeof ta);
    snprintf(extra, sizeof extra,
             ",\"role\":\"entrepreneur\",\"entrepreneur_id\":\"%s\"", eb);
    sign_in("karim@example.org", extra, tb, sizeof tb);
    snprintf(extra, sizeof extra,
             ",\"role\":\"entrepreneur\",\"entrepreneur_id\":\"%s\"", ec);
    sign_in("chloe@example.org", extra, tc, sizeof tc);
    snprintf(extra, sizeof extra,
             ",\"role\":\"staff\",\"cooperative_id\":"
             "\"%s\"",
             ca);
    sign_in("staff-a@example.org", extra, sa, sizeof sa);
    snprintf(extra, sizeof extra,
             ",\"role\":\"staff\",\"cooperative_id\":"
             "\"%s\"",
             cb);
    sign_in("staff-b@example.org", extra, sb, sizeof sb);

    /* Karim posts an offer of help; Léa finds it. */
    assert_int_equal(call(tb, "POST", "/api/v1/time/posts",
                          "{\"kind\":\"offer\",\"title\":\"Je vous aide sur"
                          " votre site web\",\"trades\":[{\"scheme\":"
                          "\"rome\",\"code\":\"M1805\"}]}",
                          &out),
                     201);
    json_decref(out);
    assert_int_equal(
        call(ta, "GET", "/api/v1/time/posts?kind=offer&trade=M18", NULL, &out),
        200);
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 1);
    json_decref(out);
    assert_int_equal(
        call(NULL, "GET", "/api/v1/time/posts?kind=gift", NULL, &out), 400);
    assert_true(has_field(out, "kind"));
    json_decref(out);
    assert_int_equal(call(NULL, "POST", "/api/v1/time/posts",
                          "{\"kind\":\"offer\",\"title\":\"x\"}", NULL),
                     401);
    assert_int_equal(call(sa, "POST", "/api/v1/time/posts",
                          "{\"kind\":\"offer\",\"title\":\"x\"}", NULL),
                     403);

    /* Done when, 1: Karim helped Léa 2 h; she records it (she pays),
     * retried with the same Idempotency-Key. */
    snprintf(body, sizeof body,
             "{\"from\":\"%s\",\"to\":\"%s\",\"hours\":2,\"note\":\"Refonte"
             " du site\"}",
             ea, eb);
    assert_int_equal(
        call_h(ta, "POST", "/api/v1/time/transfers", body, key1, &out, NULL),
        201);
    snprintf(t1, sizeof t1, "%s",
             json_string_value(json_object_get(out, "id")));
    assert_string_equal(json_string_value(json_object_get(out, "awaiting")),
                        eb);
    json_decref(out);
    assert_int_equal(
        call_h(ta, "POST", "/api/v1/time/transfers", body, key1, &out, &hdrs),
        200);
    assert_string_equal(json_string_value(json_object_get(out, "id")), t1);
    assert_non_null(strstr(buf_str(&hdrs), "Idempotent-Replayed: true"));
    json_decref(out);
    snprintf(body, sizeof body, "{\"from\":\"%s\",\"to\":\"%s\",\"hours\":3}",
             ea, eb);
    assert_int_equal(
        call_h(ta, "POST", "/api/v1/time/transfers", body, key1, &out, NULL),
        409);
    assert_true(has_field(out, "Idempotency-Key"));
    json_decref(out);
    /* 4xx name the field. */
    snprintf(body, sizeof body, "{\"from\":\"%s\",\"to\":\"%s\",\"hours\":0.3}",
             ea, eb);
    assert_int_equal(call(ta, "POST", "/api/v1/time/transfers", body, &out),
                     400);
    assert_true(has_field(out, "hours"));
    assert_string_equal(json_string_value(json_object_get(out, "type")),
                        "/problems/invalid-request");
    json_decref(out);
    snprintf(body, sizeof body, "{\"from\":\"%s\",\"to\":\"%s\",\"hours\":12}",
             ea, eb);
    assert_int_equal(call(ta, "POST", "/api/v1/time/transfers", body, &out),
                     400);
    assert_true(has_field(out, "hours"));
    json_decref(out);
    assert_int_equal(call(NULL, "POST", "/api/v1/time/transfers", body, NULL),
                     401);
    snprintf(body, sizeof body, "{\"from\":\"%s\",\"to\":\"%s\",\"hours\":1}",
             ea, eb);
    assert_int_equal(call(tc, "POST", "/api/v1/time/transfers", body, NULL),
                     403);

    /* Only the counterparty confirms. */
    snprintf(path, sizeof path, "/api/v1/time/transfers/%s/confirm", t1);
    assert_int_equal(call(ta, "POST", path, NULL, NULL), 403);
    assert_int_equal(call(tc, "POST", path, NULL, NULL), 403);
    assert_int_equal(call(sb, "POST", path, NULL, NULL), 403);
    assert_int_equal(call(NULL, "POST", path, NULL, NULL), 401);
    assert_int_equal(call(tb, "POST", path, NULL, &out), 200);
    assert_string_equal(json_string_value(json_object_get(out, "status")),
                        "confirmed");
    json_decref(out);
    assert_int_equal(call(tb, "POST", path, "{}", &out), 409);
    assert_true(has_field(out, "status"));
    json_decref(out);
    assert_int_equal(
        call(tb, "POST", "/api/v1/time/transfers/999/confirm", NULL, NULL),
        404);

    /* Done when, 2: both balances show it... */
    snprintf(path, sizeof path, "/api/v1/time/accounts/%s", ea);
    assert_int_equal(call(ta, "GET", path, NULL, &out), 200);
    assert_int_equal(json_integer_value(json_object_get(out, "balance")), -2);
    x = json_array_get(json_object_get(out, "history"), 0);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(x, "counterparty"), "name")),
                        "Karim Benali");
    json_decref(out);
    assert_int_equal(call(sa, "GET", path, NULL, NULL), 200);
    assert_int_equal(call(sb, "GET", path, NULL, NULL), 403);
    assert_int_equal(call(NULL, "GET", path, NULL, NULL), 401);
    snprintf(path, sizeof path, "/api/v1/time/accounts/%s", eb);
    assert_int_equal(call(tb, "GET", path, NULL, &out), 200);
    assert_int_equal(json_integer_value(json_object_get(out, "balance")), 2);
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(out, "limits"), "max")),
                     40);
    json_decref(out);
    /* ... and the inter-cooperative balance, from each side. */
    snprintf(path, sizeof path, "/api/v1/cooperatives/%s/time", ca);
    assert_int_equal(call(sa, "GET", path, NULL, &out), 200);
    x = json_array_get(json_object_get(out, "exchanges"), 0);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(x, "cooperative"), "name")),
                        "Coopaname");
    assert_int_equal(json_integer_value(json_object_get(x, "net_all_time")),
                     -2);
    assert_int_equal(json_integer_value(json_object_get(out, "received")), 2);
    json_decref(out);
    assert_int_equal(call(sb, "GET", path, NULL, NULL), 403);
    assert_int_equal(call(NULL, "GET", path, NULL, NULL), 401);
    assert_int_equal(call(ta, "GET", path, NULL, NULL), 403);
    assert_int_equal(call(server.admin, "GET", path, NULL, NULL), 200);
    snprintf(path, sizeof path, "/api/v1/cooperatives/%s/time?from=x", ca);
    assert_int_equal(call(sa, "GET", path, NULL, &out), 400);
    assert_true(has_field(out, "from"));
    json_decref(out);
    snprintf(path, sizeof path, "/api/v1/cooperatives/%s/time", cb);
    assert_int_equal(call(sb, "GET", path, NULL, &out), 200);
    x = json_array_get(json_object_get(out, "exchanges"), 0);
    assert_int_equal(json_integer_value(json_object_get(x, "net_all_time")), 2);
    assert_int_equal(json_integer_value(json_object_get(out, "active_members")),
                     1);
    json_decref(out);

    /* Done when, 3: Oxalis caps its exchanges with any one cooperative at
     * 3 h; one more 1.5 h of Karim's help would pass it: refused, with a
     * message that says so. */
    snprintf(path, sizeof path, "/api/v1/cooperatives/%s/time", ca);
    assert_int_equal(call(sb, "PATCH", path, "{\"pair_max\":3}", NULL), 403);
    assert_int_equal(call(sa, "PATCH", path, "{\"pair_max\":-3}", &out), 400);
    assert_true(has_field(out, "pair_max"));
    json_decref(out);
    assert_int_equal(call(sa, "PATCH", path, "{\"pair_max\":3}", &out), 200);
    assert_int_equal(json_integer_value(json_object_get(out, "pair_max")), 3);
    assert_int_equal(json_integer_value(json_object_get(out, "account_min")),
                     -20);
    json_decref(out);
    snprintf(body, sizeof body, "{\"from\":\"%s\",\"to\":\"%s\",\"hours\":1}",
             ea, eb);
    assert_int_equal(call(tb, "POST", "/api/v1/time/transfers", body, &out),
                     201);
    snprintf(t2, sizeof t2, "%s",
             json_string_value(json_object_get(out, "id")));
    json_decref(out);
    snprintf(body, sizeof body, "{\"from\":\"%s\",\"to\":\"%s\",\"hours\":1.5}",
             ea, eb);
    assert_int_equal(call(tb, "POST", "/api/v1/time/transfers", body, &out),
                     409);
    assert_true(has_field(out, "pair_max"));
    msg = json_string_value(json_object_get(
        json_array_get(json_object_get(out, "errors"), 0), "message"));
    assert_non_null(strstr(msg, "Oxalis"));
    assert_non_null(strstr(msg, "Coopaname"));
    assert_non_null(strstr(msg, "-3.5 h"));
    assert_non_null(strstr(msg, "pair_max of 3 h"));
    json_decref(out);
    /* The confirmation is checked again: another 1 h recorded and
     * confirmed first leaves t2 over the cap. */
    snprintf(body, sizeof body, "{\"from\":\"%s\",\"to\":\"%s\",\"hours\":1}",
             ea, ec);
    assert_int_equal(call(ta, "POST", "/api/v1/time/transfers", body, &out),
                     201);
    snprintf(path, sizeof path, "/api/v1/time/transfers/%s/confirm",
             json_string_value(json_object_get(out, "id")));
    json_decref(out);
    assert_int_equal(call(tc, "POST", path, NULL, NULL), 200);
    snprintf(path, sizeof path, "/api/v1/time/transfers/%s/confirm", t2);
    assert_int_equal(call(ta, "POST", path, NULL, &out), 409);
    assert_true(has_field(out, "pair_max"));
    json_decref(out);
    snprintf(path, sizeof path, "/api/v1/time/transfers/%s/reject", t2);
    assert_int_equal(call(ta, "POST", path, "{\"reason\":\"plafond\"}", &out),
                     200);
    assert_string_equal(json_string_value(json_object_get(out, "status")),
                        "rejected");
    json_decref(out);
    snprintf(path, sizeof path, "/api/v1/time/transfers/%s", t2);
    assert_int_equal(call(tb, "GET", path, NULL, &out), 200);
    assert_string_equal(json_string_value(json_object_get(out, "reason")),
                        "plafond");
    json_decref(out);
    assert_int_equal(call(tc, "GET", path, NULL, NULL), 404);
    /* Karim's inbox tells him of each answer, and names the transfer
     * (the inbox links to /time.html#transfer=ID). */
    assert_int_equal(call(tb, "GET", "/api/v1/me/notifications", NULL, &out),
                     200);
    assert_true(json_integer_value(json_object_get(out, "total")) >= 1);
    x = json_array_get(json_object_get(out, "results"), 0);
    assert_string_equal(json_string_value(json_object_get(x, "kind")),
                        "time.rejected");
    assert_string_equal(json_string_value(json_object_get(x, "transfer_id")),
                        t2);
    json_decref(out);
    assert_int_equal(call(ta, "GET", "/api/v1/me/notifications", NULL, &out),
                     200);
    json_array_foreach(json_object_get(out, "results"), i, x) {
        if (!strcmp(json_string_value(json_object_get(x, "kind")),
                    "time.transfer") &&
            !strcmp(json_string_value(json_object_get(x, "transfer_id")), t2))
            break;
    }
    assert_true(i < json_array_size(json_object_get(out, "results")));
    json_decref(out);

    /* Posts: changed and closed by their author or their cooperative's
     * staff, over HTTP, with the same codes as the other endpoints. */
    assert_int_equal(call(tb, "GET", "/api/v1/time/posts?author=x", NULL,
                          &out),
                     400);
    assert_true(has_field(out, "author"));
    json_decref(out);
    snprintf(path, sizeof path, "/api/v1/time/posts?author=%s", eb);
    assert_int_equal(call(ta, "GET", path, NULL, &out), 200);
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 1);
    x = json_array_get(json_object_get(out, "results"), 0);
    assert_true(json_is_false(json_object_get(x, "can_edit")));
    snprintf(path, sizeof path, "/api/v1/time/posts/%s",
             json_string_value(json_object_get(x, "id")));
    json_decref(out);
    assert_int_equal(call(tb, "PATCH", path, "{\"status\":\"sold\"}", &out),
                     400);
    assert_true(has_field(out, "status"));
    json_decref(out);
    assert_int_equal(call(tb, "PATCH", path, "{\"title\":\"\"}", &out), 400);
    assert_true(has_field(out, "title"));
    json_decref(out);
    assert_int_equal(call(tb, "PATCH", path, "not json", &out), 400);
    json_decref(out);
    assert_int_equal(call(NULL, "PATCH", path, "{\"status\":\"closed\"}",
                          NULL),
                     401);
    assert_int_equal(call(ta, "PATCH", path, "{\"status\":\"closed\"}",
                          NULL),
                     403);
    assert_int_equal(call(sa, "PATCH", path, "{\"status\":\"closed\"}",
                          NULL),
                     403);
    assert_int_equal(call(tb, "PATCH", "/api/v1/time/posts/999",
                          "{\"status\":\"closed\"}", NULL),
                     404);
    assert_int_equal(call(sb, "PATCH", path,
                          "{\"title\":\"Je vous aide sur votre site\"}",
                          &out),
                     200);
    assert_string_equal(json_string_value(json_object_get(out, "title")),
                        "Je vous aide sur votre site");
    json_decref(out);
    assert_int_equal(call(tb, "PATCH", path, "{\"status\":\"closed\"}",
                          &out),
                     200);
    assert_string_equal(json_string_value(json_object_get(out, "status")),
                        "closed");
    json_decref(out);
    assert_int_equal(call(ta, "GET", "/api/v1/time/posts", NULL, &out), 200);
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 0);
    json_decref(out);
    assert_int_equal(
        call(ta, "GET", "/api/v1/time/posts?status=closed", NULL, &out), 200);
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 1);
    json_decref(out);
    assert_int_equal(
        call(ta, "GET", "/api/v1/time/posts?status=gone", NULL, &out), 400);
    assert_true(has_field(out, "status"));
    json_decref(out);
    /* Deleted: 204, then 404; by others 403 or 401. */
    assert_int_equal(call(ta, "DELETE", path, NULL, NULL), 403);
    assert_int_equal(call(NULL, "DELETE", path, NULL, NULL), 401);
    assert_int_equal(call(tb, "DELETE", path, NULL, NULL), 204);
    assert_int_equal(call(tb, "DELETE", path, NULL, NULL), 404);
    assert_int_equal(call(tb, "GET", path, NULL, NULL), 404);
    buf_free(&hdrs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hours_are_checked),
        cmocka_unit_test(hours_convert),
        cmocka_unit_test(limits_pure),
        cmocka_unit_test_setup_teardown(every_statement_prepares, fix_setup,
                                        fix_teardown),
        cmocka_unit_test_setup_teardown(transfer_lifecycle, fix_setup,
                                        fix_teardown),
        cmocka_unit_test_setup_teardown(bad_transfers_are_refused, fix_setup,
                                        fix_teardown),
        cmocka_unit_test_setup_teardown(every_limit, fix_setup, fix_teardown),
        cmocka_unit_test_setup_teardown(helping_ranks_higher, fix_setup,
                                        fix_teardown),
        cmocka_unit_test_setup_teardown(idempotency, fix_setup, fix_teardown),
        cmocka_unit_test_setup_teardown(accounts_are_read, fix_setup,
                                        fix_teardown),
        cmocka_unit_test_setup_teardown(cooperative_reports, fix_setup,
                                        fix_teardown),
        cmocka_unit_test_setup_teardown(posts, fix_setup, fix_teardown),
        cmocka_unit_test_setup_teardown(posts_edited_closed_deleted,
                                        fix_setup, fix_teardown),
        cmocka_unit_test_setup_teardown(notifications_name_the_transfer,
                                        fix_setup, fix_teardown),
        cmocka_unit_test_setup_teardown(erasure_keeps_the_sum, fix_setup,
                                        fix_teardown),
        cmocka_unit_test(concurrent_transfers_keep_every_limit),
        cmocka_unit_test_setup_teardown(over_http, srv_setup, srv_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
