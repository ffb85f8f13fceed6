/*
 * account.c: passwords, tokens and the sign-in throttle (see account.h;
 * the SQL is in account_db.c).
 */
#include "account.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "account_int.h"

static unsigned long long pw_ops;
static size_t pw_mem;
static long session_seconds = 14L * 24 * 3600;
static char dummy_hash[crypto_pwhash_STRBYTES];

int account_init(unsigned long long ops, size_t mem, long session_s)
{
    if (sodium_init() < 0) return -1;
    pw_ops = ops ? ops : crypto_pwhash_OPSLIMIT_INTERACTIVE;
    pw_mem = mem ? mem : crypto_pwhash_MEMLIMIT_INTERACTIVE;
    if (session_s > 0) session_seconds = session_s;
    /* The hash a sign-in of an unknown address is checked against. */
    return crypto_pwhash_str(dummy_hash, "no account has this password", 28,
                             pw_ops, pw_mem) == 0
               ? 0
               : -1;
}

long account_session_lifetime(void)
{
    return session_seconds;
}

int account_hash_password(const char *pw, char out[crypto_pwhash_STRBYTES])
{
    return crypto_pwhash_str(out, pw, strlen(pw), pw_ops, pw_mem);
}

int account_check_password(const char *hash, const char *pw)
{
    const char *h = hash && *hash ? hash : dummy_hash;
    int ok = crypto_pwhash_str_verify(h, pw, strlen(pw)) == 0;

    return ok && h != dummy_hash;
}

void account_token_new(char out[ACCOUNT_TOKEN_LEN + 1])
{
    unsigned char raw[32];

    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(out, ACCOUNT_TOKEN_LEN + 1, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void account_token_hash(const char *token, unsigned char out[32])
{
    crypto_generichash(out, 32, (const unsigned char *)token, strlen(token),
                       NULL, 0);
}

void account_time(long offset_s, char *buf, size_t size)
{
    time_t t = time(NULL) + offset_s;
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ------------------------------------------------------------ throttle */

#define SLOTS 4096
#define WINDOW 900  /* seconds in which `limit` failures lock */
#define MAX_LOCK 900

struct slot {
    unsigned long long key; /* hash of the key, 0 for free */
    int failures;
    time_t first;           /* first failure of the window */
    time_t until;           /* locked until */
    int locks;              /* locks so far: the next is twice as long */
};

static struct slot slots[SLOTS];
static pthread_mutex_t throttle_lock = PTHREAD_MUTEX_INITIALIZER;

static unsigned long long key_hash(const char *key)
{
    unsigned long long h = 1469598103934665603ull;

    for (; *key; key++) h = (h ^ (unsigned char)*key) * 1099511628211ull;
    return h ? h : 1;
}

/* slot_of: the slot of key (the oldest one reused when the table is
 * full); the caller holds the lock. */
static struct slot *slot_of(unsigned long long k, int create)
{
    struct slot *s = &slots[k % SLOTS], *oldest = s;
    int i;

    for (i = 0; i < 8; i++) {
        struct slot *t = &slots[(k + (unsigned)i) % SLOTS];

        if (t->key == k) return t;
        if (!t->key || t->first < oldest->first) oldest = t;
    }
    if (!create) return NULL;
    memset(oldest, 0, sizeof *oldest);
    oldest->key = k;
    return oldest;
}

long account_throttled(const char *key)
{
    struct slot *s;
    time_t now = time(NULL);
    long wait = 0;

    pthread_mutex_lock(&throttle_lock);
    s = slot_of(key_hash(key), 0);
    if (s && s->until > now) wait = (long)(s->until - now);
    pthread_mutex_unlock(&throttle_lock);
    return wait;
}

void account_failed(const char *key, int limit)
{
    struct slot *s;
    time_t now = time(NULL);

    pthread_mutex_lock(&throttle_lock);
    s = slot_of(key_hash(key), 1);
    if (now - s->first > WINDOW) {
        s->failures = 0;
        s->first = now;
    }
    if (++s->failures >= limit) {
        long lock = 60L << (s->locks < 4 ? s->locks : 4);

        s->until = now + (lock < MAX_LOCK ? lock : MAX_LOCK);
        s->locks++;
        s->failures = 0;
        s->first = now;
    }
    pthread_mutex_unlock(&throttle_lock);
}

void account_succeeded(const char *key)
{
    struct slot *s;

    pthread_mutex_lock(&throttle_lock);
    s = slot_of(key_hash(key), 0);
    if (s) memset(s, 0, sizeof *s);
    pthread_mutex_unlock(&throttle_lock);
}
