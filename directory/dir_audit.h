/*
 * dir_audit.h: the audit log: what staff and administrators did, who and
 * when, readable by the staff of the cooperative concerned.
 *
 * An entry holds ids and an action name, never personal data, so it can
 * stay when the person it names erases their account. Entries are written
 * in the transaction of the change they record. Thread-safe given one
 * struct db per thread.
 */
#ifndef ESSAIM_DIR_AUDIT_H
#define ESSAIM_DIR_AUDIT_H

#include <jansson.h>

#include "../store/db.h"

struct viewer;

/* dir_audit: record that v did action ("entrepreneur.update") to target
 * ("entrepreneur:12") of cooperative coop (0: none). Only actions of
 * signed-in staff and administrators are recorded; others return RC_OK
 * and write nothing. */
enum rc dir_audit(struct db *db, const struct viewer *v, long long coop,
                  const char *action, const char *target);

/* dir_audit_list: {total, results:[{id, at, actor_id, actor_role,
 * cooperative_id, action, target}], next_cursor}, newest first, of one
 * cooperative (a string id) or of all (NULL: administrators only).
 * RC_FORBIDDEN when v may not read it. */
enum rc dir_audit_list(struct db *db, const struct viewer *v,
                       const char *cooperative, int limit, const char *cursor,
                       json_t *errs, json_t **out);

#endif
