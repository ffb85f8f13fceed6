/*
 * fed_key.c: the instance's Ed25519 key, and signed requests between
 * instances (fed.h). libsodium does the cryptography.
 *
 * A signed request carries three headers:
 *
 *   X-Essaim-Instance: https://a.example      who signs (its base URL)
 *   X-Essaim-Date: 1796000000                 unix seconds
 *   X-Essaim-Signature: BASE64                Ed25519 of the text
 *       "GET\n" path?query "\n" date "\n" instance
 *
 * The asked instance knows the signer's key from the signer's descriptor,
 * read when its admin registered the signer as a peer. A signature is
 * good for FED_SIGN_SKEW_S seconds either side of its date: a replay in
 * that window reads the same public feed again, nothing more.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/buf.h"
#include "../util/viewer.h"
#include "fed.h"

static const char sql_key[] =
    "SELECT public_key, secret_key FROM fed_key WHERE id = 1";
static const char sql_key_add[] =
    "INSERT OR IGNORE INTO fed_key(id, public_key, secret_key)"
    " VALUES(1, ?1, ?2)";
static const char sql_peer_key[] =
    "SELECT id, public_key FROM peer WHERE origin = ?1"
    " AND public_key IS NOT NULL";

/* read_key: the key pair, RC_NOTFOUND before the first one is made. */
static enum rc read_key(struct db *db, unsigned char pk[32],
                        unsigned char sk[64])
{
    sqlite3_stmt *st = db_stmt(db, sql_key);
    enum rc rc = RC_NOTFOUND;
    int src;

    if (!st) return RC_DB;
    src = sqlite3_step(st);
    if (src == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 32 &&
        sqlite3_column_bytes(st, 1) == 64) {
        memcpy(pk, sqlite3_column_blob(st, 0), 32);
        memcpy(sk, sqlite3_column_blob(st, 1), 64);
        rc = RC_OK;
    } else if (src != SQLITE_ROW && src != SQLITE_DONE) {
        rc = db_rc(db, src);
    }
    db_stmt_done(st);
    return rc;
}

/* key_pair: the key pair, made at the first call. */
static enum rc key_pair(struct db *db, unsigned char pk[32],
                        unsigned char sk[64])
{
    unsigned char npk[32], nsk[64];
    sqlite3_stmt *st;
    enum rc rc = read_key(db, pk, sk);

    if (rc != RC_NOTFOUND) return rc;
    crypto_sign_keypair(npk, nsk);
    rc = db_begin(db);
    if (rc != RC_OK) return rc;
    st = db_stmt(db, sql_key_add);
    if (!st) rc = RC_DB;
    if (rc == RC_OK) {
        sqlite3_bind_blob(st, 1, npk, 32, SQLITE_TRANSIENT);
        sqlite3_bind_blob(st, 2, nsk, 64, SQLITE_TRANSIENT);
        rc = db_step_done(db, st);
    }
    sodium_memzero(nsk, sizeof nsk);
    if (rc == RC_OK) rc = db_commit(db);
    else db_rollback(db);
    /* Read back: another thread may have made the key first. */
    return rc == RC_OK ? read_key(db, pk, sk) : rc;
}

enum rc fed_public_key(struct db *db, char out[64])
{
    unsigned char pk[32], sk[64];
    enum rc rc = key_pair(db, pk, sk);

    sodium_memzero(sk, sizeof sk);
    *out = 0;
    if (rc == RC_OK)
        sodium_bin2base64(out, 64, pk, 32, sodium_base64_VARIANT_ORIGINAL);
    return rc;
}

/* signed_text: the text a request signature covers. */
static void signed_text(struct buf *b, const char *method, const char *pq,
                        const char *date, const char *instance)
{
    buf_adds(b, method);
    buf_adds(b, "\n");
    buf_adds(b, pq);
    buf_adds(b, "\n");
    buf_adds(b, date);
    buf_adds(b, "\n");
    buf_adds(b, instance);
}

enum rc fed_secret_key(struct db *db, unsigned char sk[64])
{
    unsigned char pk[32];

    return key_pair(db, pk, sk);
}

void fed_headers(const unsigned char sk[64], const char *base_url,
                 const char *date, const struct buf *text,
                 const char *header, char hdr[3][320])
{
    unsigned char sig[crypto_sign_BYTES];
    char b64[sodium_base64_ENCODED_LEN(crypto_sign_BYTES,
                                       sodium_base64_VARIANT_ORIGINAL)];

    crypto_sign_detached(sig, NULL, (const unsigned char *)buf_str(text),
                         text->len, sk);
    sodium_bin2base64(b64, sizeof b64, sig, sizeof sig,
                      sodium_base64_VARIANT_ORIGINAL);
    snprintf(hdr[0], 320, "X-Essaim-Instance: %s", base_url);
    snprintf(hdr[1], 320, "X-Essaim-Date: %s", date);
    snprintf(hdr[2], 320, "%s: %s", header, b64);
}

void fed_sign(const unsigned char sk[64], const char *base_url,
              const char *path_and_query, long long now, char hdr[3][320])
{
    char date[24];
    struct buf text = {0};

    snprintf(date, sizeof date, "%lld", now);
    signed_text(&text, "GET", path_and_query, date, base_url);
    fed_headers(sk, base_url, date, &text, "X-Essaim-Signature", hdr);
    buf_free(&text);
}

enum rc fed_peer_key(struct db *db, const char *instance, long long *peer,
                     unsigned char pk[32])
{
    sqlite3_stmt *st = db_stmt(db, sql_peer_key);
    size_t len = 0;
    int src;

    *peer = 0;
    if (!st) return RC_DB;
    sqlite3_bind_text(st, 1, instance, -1, SQLITE_STATIC);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        const char *k = db_text(st, 1);

        if (sodium_base642bin(pk, 32, k, strlen(k), NULL, &len, NULL,
                              sodium_base64_VARIANT_ORIGINAL) == 0 &&
            len == 32)
            *peer = sqlite3_column_int64(st, 0);
    }
    db_stmt_done(st);
    return src == SQLITE_ROW || src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

int fed_fresh(const char *date, long long now)
{
    char *end;
    long long when = strtoll(date, &end, 10);

    return *date && !*end && when >= now - FED_SIGN_SKEW_S &&
           when <= now + FED_SIGN_SKEW_S;
}

int fed_holds(const unsigned char pk[32], const char *signature,
              const struct buf *text)
{
    unsigned char sig[crypto_sign_BYTES];
    size_t len = 0;

    return sodium_base642bin(sig, sizeof sig, signature, strlen(signature),
                             NULL, &len, NULL,
                             sodium_base64_VARIANT_ORIGINAL) == 0 &&
           len == sizeof sig && buf_str(text) &&
           crypto_sign_verify_detached(sig, (const unsigned char *)text->p,
                                       text->len, pk) == 0;
}

enum rc fed_verify(struct db *db, const char *method,
                   const char *path_and_query, const char *instance,
                   const char *date, const char *signature, long long now,
                   struct viewer *v)
{
    unsigned char pk[32];
    struct buf text = {0};
    long long peer;
    enum rc rc;

    if (!fed_fresh(date, now)) return RC_FORBIDDEN;
    rc = fed_peer_key(db, instance, &peer, pk);
    if (rc != RC_OK) return rc;
    if (!peer) return RC_NOTFOUND;
    signed_text(&text, method, path_and_query, date, instance);
    rc = !buf_str(&text)                   ? RC_NOMEM
         : fed_holds(pk, signature, &text) ? RC_OK
                                           : RC_FORBIDDEN;
    buf_free(&text);
    if (rc == RC_OK) {
        *v = viewer_anonymous;
        v->role = VIEWER_PEER;
    }
    return rc;
}
