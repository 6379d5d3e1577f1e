/*
 * agt_md: the metadata table.  Entries are agt_imds_inst structs made
 * once per desired state; a lookup copies one under the lock, so that
 * the listener threads never see the table change under them.
 */
#include <arpa/inet.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_err.h"
#include "agt_imds.h"
#include "agt_md.h"

struct entry {
	struct in_addr		ip;
	struct agt_imds_inst	in;		/* vpc_id is the label */
};

struct agt_md {
	pthread_mutex_t	 lock;
	struct entry	*v;
	size_t		 n;
};

struct agt_md *
agt_md_new(void)
{
	struct agt_md *m;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	(void)pthread_mutex_init(&m->lock, NULL);
	return m;
}

static void
entries_free(struct entry *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		agt_imds_inst_clear(&v[i].in);
	free(v);
}

void
agt_md_free(struct agt_md *m)
{
	if (m == NULL)
		return;
	entries_free(m->v, m->n);
	(void)pthread_mutex_destroy(&m->lock);
	free(m);
}

/* A copy of n strings (NULL entries become ""); NULL when out of memory. */
static char **
strv_dup(char *const *src, size_t n)
{
	char	**v;
	size_t	  i;

	if (n == 0 || (v = calloc(n, sizeof(*v))) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if ((v[i] = strdup(src[i] != NULL ? src[i] : "")) == NULL) {
			while (i-- > 0)
				free(v[i]);
			free(v);
			return NULL;
		}
	}
	return v;
}

/* A deep copy of src into dst; -1 when out of memory (dst cleared). */
static int
inst_copy(struct agt_imds_inst *dst, const struct agt_imds_inst *src)
{
	*dst = *src;
	dst->sg_ids = dst->sg_names = dst->tag_keys = dst->tag_values = NULL;
	dst->key_openssh = NULL;
	dst->user_data = NULL;
	if ((src->n_sgs > 0 && ((dst->sg_ids = strv_dup(src->sg_ids,
	    src->n_sgs)) == NULL || (dst->sg_names = strv_dup(src->sg_names,
	    src->n_sgs)) == NULL)) ||
	    (src->n_tags > 0 && ((dst->tag_keys = strv_dup(src->tag_keys,
	    src->n_tags)) == NULL || (dst->tag_values =
	    strv_dup(src->tag_values, src->n_tags)) == NULL)) ||
	    (src->key_openssh != NULL &&
	    (dst->key_openssh = strdup(src->key_openssh)) == NULL) ||
	    (src->user_data != NULL && (dst->user_data =
	    malloc(src->user_data_len + 1)) == NULL)) {
		agt_imds_inst_clear(dst);
		return -1;
	}
	if (src->user_data != NULL)
		memcpy(dst->user_data, src->user_data, src->user_data_len);
	return 0;
}

/* The protocol checked every length; the precision only says so. */
#define COPY(dst, src)	(void)snprintf(dst, sizeof(dst), "%.*s", \
	(int)sizeof(dst) - 1, src)

/* The interface's groups, ids and names, into s (borrowed). */
static void
entry_groups(const struct mc_proto_desired *d, const struct mc_proto_inst *w,
    struct agt_imds_inst *s, char **ids, char **names)
{
	const struct mc_proto_sg	*g;
	size_t				 i;

	for (i = 0; i < w->nic.groups.n; i++) {
		g = mc_proto_desired_group(d, w->nic.groups.v[i]);
		ids[s->n_sgs] = (char *)w->nic.groups.v[i];
		names[s->n_sgs++] = g != NULL ? (char *)g->name : ids[i];
	}
	s->sg_ids = ids;
	s->sg_names = names;
}

/* The IMDS view of desired instance w of d; -1 out of memory. */
static int
entry_make(const struct mc_proto_desired *d, const struct mc_proto_inst *w,
    struct entry *e)
{
	const struct mc_proto_md	*md = &w->md;
	const char			*r = d->region;
	struct agt_imds_inst		 s;
	char				*keys[MC_PROTO_TAGS_MAX];
	char				*vals[MC_PROTO_TAGS_MAX];
	char				*sg_ids[MC_PROTO_NIC_GROUPS];
	char				*sg_names[MC_PROTO_NIC_GROUPS];
	size_t				 i;

	memset(&s, 0, sizeof(s));
	COPY(s.id, w->id);
	COPY(s.account, w->account);
	COPY(s.reservation, w->reservation);
	COPY(s.image_id, w->image.id);
	COPY(s.kernel_id, w->kernel.id);
	COPY(s.ramdisk_id, w->ramdisk.id);
	COPY(s.type, w->type);
	COPY(s.zone, w->zone);
	COPY(s.region, r);
	s.launch_index = md->launch_index;
	s.pending_time_ms = (int64_t)md->launch_ms;
	COPY(s.private_ip, w->nic.ip);
	COPY(s.public_ip, w->nic.public_ip);
	COPY(s.mac, w->nic.mac);
	COPY(s.hostname, w->nic.dns_name);
	COPY(s.eni_id, w->nic.eni);
	COPY(s.subnet_id, w->nic.subnet);
	COPY(s.subnet_cidr, w->nic.subnet_cidr);
	COPY(s.vpc_id, w->nic.vpc);
	COPY(s.vpc_cidr, w->nic.vpc_cidr);
	COPY(s.key_name, md->key_name);
	/* Borrowed for the copy below, which owns what it keeps. */
	s.key_openssh = md->key_openssh;
	s.user_data = md->user_data;
	s.user_data_len = md->user_data_len;
	s.has_user_data = md->has_user_data;
	for (i = 0; i < md->n_tags && i < MC_PROTO_TAGS_MAX; i++) {
		keys[i] = md->tags[i].key;
		vals[i] = md->tags[i].value;
	}
	s.tag_keys = keys;
	s.tag_values = vals;
	s.n_tags = i;
	s.http_tokens_required = strcmp(md->tokens, "required") == 0;
	s.http_endpoint_enabled = strcmp(md->endpoint, "disabled") != 0;
	s.instance_metadata_tags = md->instance_tags;
	s.hop_limit = md->hop_limit;
	entry_groups(d, w, &s, sg_ids, sg_names);
	if (inet_pton(AF_INET, w->nic.ip, &e->ip) != 1)
		return -1;
	return inst_copy(&e->in, &s);
}

int
agt_md_set(struct agt_md *m, const struct mc_proto_desired *d,
    struct mc_err *err)
{
	struct entry	*v = NULL, *old;
	size_t		 n = 0, i, n_old;

	if (d->n > 0 && (v = calloc(d->n, sizeof(*v))) == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	for (i = 0; i < d->n; i++) {
		const struct mc_proto_inst *w = &d->v[i];

		if (w->nic.eni[0] == '\0' || w->want == MC_PROTO_WANT_TERMINATED)
			continue;
		if (entry_make(d, w, &v[n]) < 0) {
			entries_free(v, n);
			return mc_err_sys(err, ENOMEM, "cannot keep the "
			    "metadata of %s", w->id);
		}
		n++;
	}
	(void)pthread_mutex_lock(&m->lock);
	old = m->v;
	n_old = m->n;
	m->v = v;
	m->n = n;
	(void)pthread_mutex_unlock(&m->lock);
	entries_free(old, n_old);
	return 0;
}

int
agt_md_lookup(void *arg, const char *label, struct in_addr peer,
    struct agt_imds_inst *ret)
{
	struct agt_md	*m = arg;
	size_t		 i;
	int		 rc = -1;

	(void)pthread_mutex_lock(&m->lock);
	for (i = 0; i < m->n; i++)
		if (m->v[i].ip.s_addr == peer.s_addr &&
		    strcmp(m->v[i].in.vpc_id, label) == 0) {
			rc = inst_copy(ret, &m->v[i].in);
			break;
		}
	(void)pthread_mutex_unlock(&m->lock);
	return rc;
}
