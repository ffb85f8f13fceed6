/*
 * test_viewer.c: util/viewer.c (level 1, plus a raw :memory: SQLite
 * database): the visibility rule, as a full matrix of role x visibility x
 * relation to the profile, and the agreement of the SQL predicate
 * VIEWER_SQL (viewer.h, bound by db_bind_viewer) with viewer_can_see().
 */
#include "testutil.h"

#include <sqlite3.h>

#include "../store/db.h"
#include "../util/viewer.h"

#define COOP_A 10 /* the viewer's cooperative */
#define COOP_B 20 /* another cooperative */

static const char *const vis[] = {"public", "network", "cooperative",
                                  "private"};
#define NVIS 4

/* Relations of the profile to the viewer. */
enum rel { OWN, SAME_COOP, OTHER_COOP, NREL };
static const char *const rel_name[] = {"own profile", "same cooperative",
                                       "other cooperative"};

/* Profile ids in table t: one row per visibility and relation. */
static long long row_id(int v, int r)
{
    return 100 + 10 * v + r;
}

static long long row_coop(int r)
{
    return r == OTHER_COOP ? COOP_B : COOP_A;
}

/* The viewer of a role, in COOP_A; an entrepreneur's own profile is the
 * OWN row of visibility v. */
static struct viewer viewer_of(enum viewer_role role, int v)
{
    struct viewer w = {role, 0, 0, 0};

    if (role == VIEWER_ENTREPRENEUR) {
        w.cooperative_id = COOP_A;
        w.entrepreneur_id = row_id(v, OWN);
    } else if (role == VIEWER_STAFF) {
        w.cooperative_id = COOP_A;
    }
    return w;
}

static const char *const role_name[] = {"anonymous", "client", "entrepreneur",
                                        "staff", "admin", "peer"};
#define NROLE 6

/* expected[role][visibility][relation], from the rule in viewer.h:
 * public: everyone; network: signed-in users and peers; cooperative:
 * members and staff of its cooperative; private: the entrepreneur, their
 * cooperative's staff, the admins. */
static const int expected[NROLE][NVIS][NREL] = {
    /*                  own sameco other */
    [VIEWER_ANONYMOUS] = {{1, 1, 1}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}},
    [VIEWER_CLIENT] = {{1, 1, 1}, {1, 1, 1}, {0, 0, 0}, {0, 0, 0}},
    [VIEWER_ENTREPRENEUR] = {{1, 1, 1}, {1, 1, 1}, {1, 1, 0}, {1, 0, 0}},
    [VIEWER_STAFF] = {{1, 1, 1}, {1, 1, 1}, {1, 1, 0}, {1, 1, 0}},
    [VIEWER_ADMIN] = {{1, 1, 1}, {1, 1, 1}, {1, 1, 1}, {1, 1, 1}},
    [VIEWER_PEER] = {{1, 1, 1}, {1, 1, 1}, {0, 0, 0}, {0, 0, 0}},
};

/* ------------------------------------------------------------- SQL side */

struct sqlfix {
    sqlite3 *db;
    sqlite3_stmt *all; /* SELECT id FROM t AS e WHERE VIEWER_SQL("e") */
    sqlite3_stmt *one; /* the same for one row: e.id = ?1 */
};

static void exec(sqlite3 *db, const char *sql)
{
    char *err = NULL;

    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
        fail_msg("%s: %s", sql, err);
}

/* Rows of the matrix, plus rows of visibilities the rule does not know
 * (they must fail closed). */
static const char *const odd_vis[] = {"secret", "", "Public", "PRIVATE"};

static int setup(void **state)
{
    struct sqlfix *f = calloc(1, sizeof *f);
    sqlite3_stmt *ins;
    int v, r;
    size_t k;

    assert_int_equal(sqlite3_open(":memory:", &f->db), SQLITE_OK);
    exec(f->db, "CREATE TABLE t(id INTEGER PRIMARY KEY, cooperative_id"
                " INTEGER NOT NULL, visibility TEXT NOT NULL)");
    assert_int_equal(sqlite3_prepare_v2(f->db,
                                        "INSERT INTO t(id, cooperative_id,"
                                        " visibility) VALUES(?1, ?2, ?3)",
                                        -1, &ins, NULL),
                     SQLITE_OK);
    for (v = 0; v < NVIS; v++)
        for (r = 0; r < NREL; r++) {
            sqlite3_bind_int64(ins, 1, row_id(v, r));
            sqlite3_bind_int64(ins, 2, row_coop(r));
            sqlite3_bind_text(ins, 3, vis[v], -1, SQLITE_STATIC);
            assert_int_equal(sqlite3_step(ins), SQLITE_DONE);
            sqlite3_reset(ins);
        }
    for (k = 0; k < sizeof odd_vis / sizeof *odd_vis; k++)
        for (r = 0; r < NREL; r++) {
            sqlite3_bind_int64(ins, 1, 500 + 10 * (long long)k + r);
            sqlite3_bind_int64(ins, 2, row_coop(r));
            sqlite3_bind_text(ins, 3, odd_vis[k], -1, SQLITE_STATIC);
            assert_int_equal(sqlite3_step(ins), SQLITE_DONE);
            sqlite3_reset(ins);
        }
    sqlite3_finalize(ins);
    assert_int_equal(
        sqlite3_prepare_v2(f->db,
                           "SELECT id FROM t AS e WHERE " VIEWER_SQL("e")
                           " ORDER BY id",
                           -1, &f->all, NULL),
        SQLITE_OK);
    assert_int_equal(
        sqlite3_prepare_v2(f->db,
                           "SELECT count(*) FROM t AS e WHERE e.id = ?1 AND "
                           VIEWER_SQL("e"),
                           -1, &f->one, NULL),
        SQLITE_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct sqlfix *f = *state;

    sqlite3_finalize(f->all);
    sqlite3_finalize(f->one);
    sqlite3_close(f->db);
    free(f);
    return 0;
}

/* sql_can_see: VIEWER_SQL's answer for one row. */
static int sql_can_see(struct sqlfix *f, const struct viewer *w, long long id)
{
    int n;

    sqlite3_reset(f->one);
    sqlite3_bind_int64(f->one, 1, id);
    db_bind_viewer(f->one, w);
    assert_int_equal(sqlite3_step(f->one), SQLITE_ROW);
    n = sqlite3_column_int(f->one, 0);
    sqlite3_reset(f->one);
    return n;
}

/* ---------------------------------------------------------------- tests */

/* viewer_can_see over the whole matrix. */
static void test_matrix_c(void **state)
{
    int role, v, r;

    (void)state;
    for (role = 0; role < NROLE; role++)
        for (v = 0; v < NVIS; v++)
            for (r = 0; r < NREL; r++) {
                struct viewer w = viewer_of((enum viewer_role)role, v);
                int got = viewer_can_see(&w, vis[v], row_coop(r),
                                         row_id(v, r));

                if (got != expected[role][v][r])
                    fail_msg("viewer_can_see: %s, %s profile, %s: got %d",
                             role_name[role], vis[v], rel_name[r], got);
            }
}

/* VIEWER_SQL over the whole matrix, row by row. */
static void test_matrix_sql(void **state)
{
    struct sqlfix *f = *state;
    int role, v, r;

    for (role = 0; role < NROLE; role++)
        for (v = 0; v < NVIS; v++)
            for (r = 0; r < NREL; r++) {
                struct viewer w = viewer_of((enum viewer_role)role, v);
                int got = sql_can_see(f, &w, row_id(v, r));

                if (got != expected[role][v][r])
                    fail_msg("VIEWER_SQL: %s, %s profile, %s: got %d",
                             role_name[role], vis[v], rel_name[r], got);
            }
}

/* viewer_anonymous is the anonymous role with no ids. */
static void test_anonymous_constant(void **state)
{
    (void)state;
    assert_int_equal(viewer_anonymous.role, VIEWER_ANONYMOUS);
    assert_int_equal(viewer_anonymous.cooperative_id, 0);
    assert_int_equal(viewer_anonymous.entrepreneur_id, 0);
    assert_true(viewer_can_see(&viewer_anonymous, "public", COOP_A, 1));
    assert_false(viewer_can_see(&viewer_anonymous, "network", COOP_A, 1));
}

/* Ids that do not go with the role grant nothing, and a staff or an
 * entrepreneur without a cooperative (id 0) sees no cooperative
 * profile. */
static void test_ids_without_role(void **state)
{
    struct viewer client = {VIEWER_CLIENT, COOP_A, 101, 0};
    struct viewer peer = {VIEWER_PEER, COOP_A, 101, 0};
    struct viewer staff0 = {VIEWER_STAFF, 0, 0, 0};
    struct viewer ent0 = {VIEWER_ENTREPRENEUR, 0, 0, 0};

    (void)state;
    assert_false(viewer_can_see(&client, "cooperative", COOP_A, 101));
    assert_false(viewer_can_see(&client, "private", COOP_A, 101));
    assert_false(viewer_can_see(&peer, "cooperative", COOP_A, 101));
    assert_false(viewer_can_see(&peer, "private", COOP_A, 101));
    assert_false(viewer_can_see(&staff0, "private", COOP_A, 101));
    assert_false(viewer_can_see(&staff0, "cooperative", COOP_A, 101));
    assert_true(viewer_can_see(&staff0, "network", COOP_A, 101));
    assert_false(viewer_can_see(&ent0, "private", COOP_A, 101));
    assert_false(viewer_can_see(&ent0, "cooperative", COOP_A, 101));
    /* an entrepreneur in another cooperative */
    assert_false(viewer_can_see(
        &(struct viewer){VIEWER_ENTREPRENEUR, COOP_B, 55, 0}, "cooperative",
        COOP_A, 101));
}

/* An unknown visibility (case differs, empty, made up) fails closed: only
 * those who may see private profiles see it. */
static void test_unknown_visibility_fails_closed(void **state)
{
    struct viewer ent = {VIEWER_ENTREPRENEUR, COOP_A, 999, 0};
    struct viewer staff = {VIEWER_STAFF, COOP_A, 0, 0};
    struct viewer admin = {VIEWER_ADMIN, 0, 0, 0};
    size_t k;
    int role;

    (void)state;
    for (k = 0; k < sizeof odd_vis / sizeof *odd_vis; k++) {
        for (role = 0; role < NROLE; role++) {
            struct viewer w = viewer_of((enum viewer_role)role, 0);

            if (role == VIEWER_ADMIN || role == VIEWER_STAFF) continue;
            if (viewer_can_see(&w, odd_vis[k], COOP_A, 1))
                fail_msg("%s sees visibility \"%s\"", role_name[role],
                         odd_vis[k]);
        }
        assert_false(viewer_can_see(&ent, odd_vis[k], COOP_A, 1));
        assert_true(viewer_can_see(&ent, odd_vis[k], COOP_A, 999));
        assert_true(viewer_can_see(&staff, odd_vis[k], COOP_A, 1));
        assert_false(viewer_can_see(&staff, odd_vis[k], COOP_B, 1));
        assert_true(viewer_can_see(&admin, odd_vis[k], COOP_B, 1));
    }
}

/* For many viewers, the rows VIEWER_SQL selects are exactly those
 * viewer_can_see accepts (matrix rows and unknown visibilities). */
static void test_sql_agrees_with_c(void **state)
{
    struct sqlfix *f = *state;
    const struct viewer viewers[] = {
        {VIEWER_ANONYMOUS, 0, 0, 0},
        {VIEWER_ANONYMOUS, COOP_A, 101, 0}, /* ids must not matter */
        {VIEWER_CLIENT, 0, 0, 0},
        {VIEWER_CLIENT, COOP_A, 101, 0},
        {VIEWER_ENTREPRENEUR, COOP_A, 101, 0},
        {VIEWER_ENTREPRENEUR, COOP_A, 131, 0},
        {VIEWER_ENTREPRENEUR, COOP_B, 103, 0},
        {VIEWER_ENTREPRENEUR, COOP_A, 0, 0},
        {VIEWER_ENTREPRENEUR, 0, 0, 0},
        {VIEWER_ENTREPRENEUR, COOP_A, 501, 0},
        {VIEWER_STAFF, COOP_A, 0, 0},
        {VIEWER_STAFF, COOP_B, 0, 0},
        {VIEWER_STAFF, 0, 0, 0},
        {VIEWER_STAFF, 30, 0, 0}, /* a cooperative with no profile */
        {VIEWER_ADMIN, 0, 0, 0},
        {VIEWER_PEER, 0, 0, 0},
        {VIEWER_PEER, COOP_A, 101, 0},
    };
    sqlite3_stmt *rows;
    size_t i;

    assert_int_equal(sqlite3_prepare_v2(f->db,
                                        "SELECT id, cooperative_id,"
                                        " visibility FROM t ORDER BY id",
                                        -1, &rows, NULL),
                     SQLITE_OK);
    for (i = 0; i < sizeof viewers / sizeof *viewers; i++) {
        const struct viewer *w = &viewers[i];
        struct buf want = {0}, got = {0};
        int src;

        sqlite3_reset(rows);
        while ((src = sqlite3_step(rows)) == SQLITE_ROW)
            if (viewer_can_see(w, (const char *)sqlite3_column_text(rows, 2),
                               sqlite3_column_int64(rows, 1),
                               sqlite3_column_int64(rows, 0)))
                buf_addf(&want, "%lld ", sqlite3_column_int64(rows, 0));
        assert_int_equal(src, SQLITE_DONE);
        sqlite3_reset(f->all);
        db_bind_viewer(f->all, w);
        while ((src = sqlite3_step(f->all)) == SQLITE_ROW)
            buf_addf(&got, "%lld ", sqlite3_column_int64(f->all, 0));
        assert_int_equal(src, SQLITE_DONE);
        if (strcmp(buf_str(&want), buf_str(&got)) != 0)
            fail_msg("viewer %zu (role %d, coop %lld, ent %lld):\n"
                     "  viewer_can_see: %s\n  VIEWER_SQL:     %s",
                     i, (int)w->role, w->cooperative_id, w->entrepreneur_id,
                     buf_str(&want), buf_str(&got));
        /* every viewer sees at least the public rows */
        assert_true(got.len > 0);
        buf_free(&want);
        buf_free(&got);
    }
    sqlite3_finalize(rows);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matrix_c),
        cmocka_unit_test_setup_teardown(test_matrix_sql, setup, teardown),
        cmocka_unit_test(test_anonymous_constant),
        cmocka_unit_test(test_ids_without_role),
        cmocka_unit_test(test_unknown_visibility_fails_closed),
        cmocka_unit_test_setup_teardown(test_sql_agrees_with_c, setup,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
