/*
 * account_int.h: what account.c gives account_db.c (private to account/).
 */
#ifndef ESSAIM_ACCOUNT_INT_H
#define ESSAIM_ACCOUNT_INT_H

#include <sodium.h>
#include <stddef.h>

/* account_hash_password: argon2id of pw into out; 0 on success. */
int account_hash_password(const char *pw, char out[crypto_pwhash_STRBYTES]);

/* account_check_password: 1 when pw matches hash. hash NULL or "" (no
 * account, or no password yet): the same work against a dummy hash, 0. */
int account_check_password(const char *hash, const char *pw);

/* account_token_hash: BLAKE2b-256 of a token, as stored. */
void account_token_hash(const char *token, unsigned char out[32]);

/* account_time: now + offset_s as "YYYY-MM-DDTHH:MM:SSZ". */
void account_time(long offset_s, char *buf, size_t size);


#endif
