/*
 * db_schema.h: the schema, as a list of forward migrations.
 *
 * Migration i (0-based) takes a database from user_version i to i + 1.
 * Released migrations are never edited: a change is a new migration.
 */
#ifndef ESSAIM_DB_SCHEMA_H
#define ESSAIM_DB_SCHEMA_H

/* db_schema_migration: the SQL of migration from_version (0-based). */
const char *db_schema_migration(int from_version);

#endif
