/*
 * st_priv: what a storage back end implements, for st.c and the back
 * ends only.  st.c checks every argument (ids, sizes, formats, the
 * source's path) before a back end sees it, and sorts what list returns.
 */
#ifndef ST_PRIV_H
#define ST_PRIV_H

#include "st.h"

/*
 * One back end.  be is what its open made (owned by the pool); each
 * operation has the contract of the st_vol_ call of the same name.
 */
struct st_ops {
	const char	*name;		/* st_pool_conf's backend */
	int		(*open)(const struct st_pool_conf *conf, void **ret_be,
			    struct mc_err *err);
	void		(*free)(void *be);
	int		(*ensure)(void *be, const struct st_vol *v,
			    struct mc_err *err);
	int		(*remove)(void *be, const char *id, struct mc_err *err);
	int		(*list)(void *be, struct st_vol_id **ret,
			    size_t *ret_n, struct mc_err *err);
	int		(*size)(void *be, const char *id, uint64_t *ret_bytes,
			    struct mc_err *err);
	int		(*disk)(void *be, const char *id, struct st_disk *ret,
			    struct mc_err *err);
};

extern const struct st_ops	st_dir_ops;

#endif /* ST_PRIV_H */
