/*
 * ctl_vol_priv: what the files of ctl_vol share: the columns of an
 * attachment row and the reading of them, and removing a volume.
 */
#ifndef CTL_VOL_PRIV_H
#define CTL_VOL_PRIV_H

#include <sqlite3.h>

struct ctl_vol_att;
struct mc_err;

/* The columns att_row reads, from a vol_attachments row called a. */
#define CTL_VOL_ATT_COLS \
	"a.volume_id, a.instance_id, a.device, a.state, a.attach_ms, " \
	"a.delete_on_termination, " \
	"(SELECT rv.root FROM volumes rv WHERE rv.id = a.volume_id)"

/* Fill *a from the CTL_VOL_ATT_COLS starting at column col of st. */
void	ctl_vol_att_row(sqlite3_stmt *st, int col, struct ctl_vol_att *a);

/*
 * Remove volume id (free of attachments) with its tags and its
 * modification, and bump its zone's hosts: their agents remove its
 * storage.
 */
int	ctl_vol_drop(sqlite3 *db, const char *id, struct mc_err *err);

#endif /* CTL_VOL_PRIV_H */
