/*
 * ctl_store_schema: the controller's schema as a list of migrations.
 * Migration i brings a database from version i to i + 1 (PRAGMA
 * user_version).  Never edit a migration that has shipped; add one.
 */
#include <stddef.h>

#include "ctl_store_priv.h"

const char *const ctl_store_migrations[] = {
	/* 1: accounts and their access keys. */
	"CREATE TABLE accounts ("
	"  id          TEXT PRIMARY KEY,"		/* 12 digits */
	"  name        TEXT NOT NULL UNIQUE,"
	"  created_ms  INTEGER NOT NULL"
	");"
	"CREATE TABLE access_keys ("
	"  id          TEXT PRIMARY KEY,"		/* AKIA... */
	"  account_id  TEXT NOT NULL REFERENCES accounts(id)"
	"              ON DELETE CASCADE,"
	"  secret      TEXT NOT NULL,"
	"  created_ms  INTEGER NOT NULL"
	");"
	"CREATE INDEX access_keys_account ON access_keys(account_id);",
};

const size_t ctl_store_n_migrations =
    sizeof(ctl_store_migrations) / sizeof(ctl_store_migrations[0]);
