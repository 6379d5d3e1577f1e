/*
 * ctl_peers: the overlay's part of a host's desired state.  For every
 * VPC the host has an instance in, the instances of that VPC on other
 * hosts that have an underlay address: where their packets go.  The
 * launches and terminations that change this list bump every host of
 * the VPC already (ctl_sg_bump_vpc: group members change with them).
 */
#include <stdlib.h>
#include <string.h>

#include "mc_err.h"
#include "mc_ipv4.h"
#include "ctl_peers.h"
#include "ctl_sql.h"

static void
peer_row(sqlite3_stmt *st, void *p)
{
	struct mc_proto_peer *r = p;

	memset(r, 0, sizeof(*r));
	ctl_sql_text(st, 0, r->vpc, sizeof(r->vpc));
	mc_ipv4_str((uint32_t)sqlite3_column_int64(st, 1), r->ip);
	ctl_sql_text(st, 2, r->host_ip, sizeof(r->host_ip));
}

int
ctl_peers_load(sqlite3 *db, const char *host, struct mc_proto_desired *d,
    struct mc_err *err)
{
	void	*v = NULL;
	size_t	 n = 0;

	if (ctl_sql_rows(db, &v, &n, sizeof(*d->peers), peer_row, err,
	    "SELECT e.vpc_id, e.ip, h.underlay FROM enis e JOIN instances i "
	    "ON i.id = e.instance_id JOIN hosts h ON h.name = i.host WHERE "
	    "i.host <> ?1 AND h.underlay <> '' AND i.state <> 'terminated' "
	    "AND e.vpc_id IN (SELECT e2.vpc_id FROM enis e2 JOIN instances "
	    "i2 ON i2.id = e2.instance_id WHERE i2.host = ?1 AND i2.state "
	    "<> 'terminated') ORDER BY e.vpc_id, e.ip", "s", host) < 0)
		return -1;
	free(d->peers);
	d->peers = v;
	d->n_peers = n;
	return 0;
}
