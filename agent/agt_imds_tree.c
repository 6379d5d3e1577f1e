/*
 * agt_imds_tree: the metadata paths and what each answers, as tables of
 * nodes.  A node is shown only when it has something to say for this
 * instance, and the listings are made from the same tables that answer
 * the paths: a listed entry always answers (cloud-init drops the whole
 * tree when one does not).  It knows nothing of HTTP or tokens.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "mc_cleanup.h"
#include "agt_imds_priv.h"

#define TEXT		"text/plain"
#define OCTETS		"application/octet-stream"
#define ROOT_DEVICE	"/dev/xvda"	/* what DescribeInstances says too */
#define DOMAIN		"amazonaws.com"
#define PARTITION	"aws"
#define TAG_KEY_MAX	128
#define TAG_KEY_CHARS	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" \
			"0123456789+-=.,_:@"
#define HEX		"0123456789abcdef"
#define INT_CHARS	"0123456789+-_"	/* what Python's int() may accept */

/* The versions served; tags/ appeared in 2021-03-23. */
static const struct {
	const char	*name;
	bool		 tags;
} versions[] = {
	{ "1.0",	false },
	{ "2009-04-04",	false },
	{ "2016-09-02",	false },
	{ "2018-09-24",	false },
	{ "2021-03-23",	true },
	{ "latest",	true },
};

/* What a request is about, passed to every node function. */
struct ctx {
	const struct agt_imds_inst	*in;
	const struct agt_imds_conf	*conf;
	bool				 tags;	/* the version has tags/ */
	size_t				 idx;	/* the dynamic child matched */
};

struct node;

/* Children whose names come from the instance (a MAC, tag keys). */
struct dyn {
	size_t		 (*count)(const struct ctx *c);
	/* The name of child i, or NULL when it cannot be a path element. */
	const char	*(*name)(const struct ctx *c, size_t i);
	const struct node *node;	/* what each child is */
};

/*
 * A leaf says one of: the instance's string member at field (shown
 * only when not empty), a constant text, or what leaf writes.  A
 * directory has static kids or dynamic ones.
 */
struct node {
	const char		*name;
	size_t			 field;	/* FIELD(member), 0: none */
	const char		*text;
	void			(*leaf)(const struct ctx *c, struct mc_buf *out);
	bool			(*shown)(const struct ctx *c);
	const struct node	*kids;
	size_t			 n_kids;
	const struct dyn	*dyn;
	/* Writes the listing when entries are not just the names. */
	void			(*listing)(const struct ctx *c,
				    struct mc_buf *out);
	const char		*ctype;	/* NULL: text/plain */
	bool			 bare;	/* list subdirectories without '/' */
};

/* +1 so that 0 means "no field" (id is at offset 0). */
#define FIELD(m)	(offsetof(struct agt_imds_inst, m) + 1)
#define KIDS(a)		.kids = (a), .n_kids = MC_NELEMS(a)

static const char *
field_of(const struct ctx *c, size_t field)
{
	return (const char *)c->in + field - 1;
}

static bool
is_dir(const struct node *n)
{
	return n->kids != NULL || n->dyn != NULL;
}

static bool
node_shown(const struct ctx *c, const struct node *n)
{
	if (n->field != 0 && field_of(c, n->field)[0] == '\0')
		return false;
	return n->shown == NULL || n->shown(c);
}

/* Append s with control characters replaced: one line stays one line. */
static void
add_line(struct mc_buf *out, const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		mc_buf_addc(out, (unsigned char)*s < ' ' || *s == 0x7f ?
		    '?' : *s);
}

/* Append the n strings of v, one per line (NULL entries are skipped). */
static void
add_lines(struct mc_buf *out, char *const *v, size_t n)
{
	size_t i, done = 0;

	for (i = 0; v != NULL && i < n; i++) {
		if (v[i] == NULL)
			continue;
		if (done++ > 0)
			mc_buf_addc(out, '\n');
		add_line(out, v[i]);
	}
}

static bool
mac_ok(const struct ctx *c)
{
	const char	*m = c->in->mac;
	int		 i;

	/* The MAC is a path element and must match the guest's NIC. */
	for (i = 0; i < 17; i++) {
		if (i % 3 == 2 && m[i] != ':')
			return false;
		if (i % 3 != 2 && (m[i] == '\0' || strchr(HEX, m[i]) == NULL))
			return false;
	}
	return m[17] == '\0';
}

static bool
has_groups(const struct ctx *c)
{
	return c->in->n_sgs > 0;
}

static bool
has_public_ip(const struct ctx *c)
{
	return c->in->public_ip[0] != '\0';
}

static bool
has_key(const struct ctx *c)
{
	return c->in->key_openssh != NULL && c->in->key_openssh[0] != '\0';
}

static bool
has_user_data(const struct ctx *c)
{
	return c->in->has_user_data;
}

static bool
has_tags(const struct ctx *c)
{
	return c->tags && c->in->instance_metadata_tags;
}

static void
leaf_launch_index(const struct ctx *c, struct mc_buf *out)
{
	mc_buf_addf(out, "%u", c->in->launch_index);
}

static void
leaf_root_device(const struct ctx *c, struct mc_buf *out)
{
	mc_buf_adds(out, c->in->root_device[0] != '\0' ? c->in->root_device :
	    ROOT_DEVICE);
}

static void
leaf_sg_names(const struct ctx *c, struct mc_buf *out)
{
	add_lines(out, c->in->sg_names, c->in->n_sgs);
}

static void
leaf_sg_ids(const struct ctx *c, struct mc_buf *out)
{
	add_lines(out, c->in->sg_ids, c->in->n_sgs);
}

static void
leaf_key(const struct ctx *c, struct mc_buf *out)
{
	mc_buf_adds(out, c->in->key_openssh);
}

static void
leaf_user_data(const struct ctx *c, struct mc_buf *out)
{
	if (c->in->user_data != NULL)
		mc_buf_add(out, c->in->user_data, c->in->user_data_len);
}

static void
leaf_tag_value(const struct ctx *c, struct mc_buf *out)
{
	const char *v = c->in->tag_values != NULL ?
	    c->in->tag_values[c->idx] : NULL;

	mc_buf_adds(out, v != NULL ? v : "");
}

static void
leaf_domain(const struct ctx *c, struct mc_buf *out)
{
	mc_buf_adds(out, c->conf->domain[0] != '\0' ? c->conf->domain : DOMAIN);
}

static void
leaf_partition(const struct ctx *c, struct mc_buf *out)
{
	mc_buf_adds(out, c->conf->partition[0] != '\0' ? c->conf->partition :
	    PARTITION);
}

static void
leaf_document(const struct ctx *c, struct mc_buf *out)
{
	agt_imds_doc_write(c->in, out);
}

/* "0=keyname": cloud-init reads the name and goes to 0/openssh-key. */
static void
list_public_keys(const struct ctx *c, struct mc_buf *out)
{
	mc_buf_adds(out, "0=");
	add_line(out, c->in->key_name[0] != '\0' ? c->in->key_name : "key");
}

static size_t
one(const struct ctx *c)
{
	(void)c;
	return 1;
}

static const char *
name_mac(const struct ctx *c, size_t i)
{
	(void)i;
	return c->in->mac;
}

static const char *
name_public_ip(const struct ctx *c, size_t i)
{
	(void)i;
	return c->in->public_ip;
}

static const char *
name_key_index(const struct ctx *c, size_t i)
{
	(void)c;
	(void)i;
	return "0";
}

static size_t
count_tags(const struct ctx *c)
{
	return c->in->tag_keys != NULL ? c->in->n_tags : 0;
}

/*
 * EC2 puts a tag in the metadata only when its key can be a path
 * element: letters, digits and + - = . , _ : @, not "." nor "..", and
 * not "_index".  We also leave out keys like "0=x": cloud-init reads a
 * listed "<integer>=<name>" as a public key and fetches <integer>/
 * openssh-key, whose 404 would make it drop all the metadata.
 */
static const char *
name_tag(const struct ctx *c, size_t i)
{
	const char	*k = c->in->tag_keys[i];
	size_t		 n, eq;

	if (k == NULL)
		return NULL;
	n = strlen(k);
	eq = strcspn(k, "=");
	if (n == 0 || n > TAG_KEY_MAX || strspn(k, TAG_KEY_CHARS) != n ||
	    strcmp(k, ".") == 0 || strcmp(k, "..") == 0 ||
	    strcmp(k, "_index") == 0 ||
	    (eq < n && strspn(k, INT_CHARS) >= eq))
		return NULL;
	return k;
}

static const struct node tag_leaf = { .leaf = leaf_tag_value };
static const struct dyn tag_dyn = { count_tags, name_tag, &tag_leaf };
static const struct node tags_kids[] = {
	{ "instance", .dyn = &tag_dyn },
};

static const struct node key_kids[] = {
	{ "openssh-key", .leaf = leaf_key },
};
static const struct node key_dir = { KIDS(key_kids) };
static const struct dyn key_dyn = { one, name_key_index, &key_dir };

static const struct node assoc_leaf = { .field = FIELD(private_ip) };
static const struct dyn assoc_dyn = { one, name_public_ip, &assoc_leaf };

static const struct node mac_kids[] = {
	{ "device-number", .text = "0" },
	{ "interface-id", .field = FIELD(eni_id) },
	{ "ipv4-associations", .dyn = &assoc_dyn, .shown = has_public_ip },
	{ "local-hostname", .field = FIELD(hostname) },
	{ "local-ipv4s", .field = FIELD(private_ip) },
	{ "mac", .field = FIELD(mac) },
	{ "owner-id", .field = FIELD(account) },
	{ "public-hostname", .field = FIELD(public_hostname) },
	{ "public-ipv4s", .field = FIELD(public_ip) },
	{ "security-group-ids", .leaf = leaf_sg_ids, .shown = has_groups },
	{ "security-groups", .leaf = leaf_sg_names, .shown = has_groups },
	{ "subnet-id", .field = FIELD(subnet_id) },
	{ "subnet-ipv4-cidr-block", .field = FIELD(subnet_cidr) },
	{ "vpc-id", .field = FIELD(vpc_id) },
	{ "vpc-ipv4-cidr-block", .field = FIELD(vpc_cidr) },
	{ "vpc-ipv4-cidr-blocks", .field = FIELD(vpc_cidr) },
};
static const struct node mac_dir = { KIDS(mac_kids) };
static const struct dyn mac_dyn = { one, name_mac, &mac_dir };
static const struct node interfaces_kids[] = {
	{ "macs", .dyn = &mac_dyn },
};
static const struct node network_kids[] = {
	{ "interfaces", KIDS(interfaces_kids) },
};

static const struct node bdm_kids[] = {
	{ "ami", .leaf = leaf_root_device },
	{ "root", .leaf = leaf_root_device },
};

static const struct node placement_kids[] = {
	{ "availability-zone", .field = FIELD(zone) },
	{ "availability-zone-id", .field = FIELD(zone_id) },
	{ "region", .field = FIELD(region) },
};

static const struct node services_kids[] = {
	{ "domain", .leaf = leaf_domain },
	{ "partition", .leaf = leaf_partition },
};

static const struct node meta_kids[] = {
	{ "ami-id", .field = FIELD(image_id) },
	{ "ami-launch-index", .leaf = leaf_launch_index },
	{ "ami-manifest-path", .text = "(unknown)" },
	{ "block-device-mapping", KIDS(bdm_kids) },
	{ "hostname", .field = FIELD(hostname) },
	{ "instance-action", .text = "none" },
	{ "instance-id", .field = FIELD(id) },
	{ "instance-type", .field = FIELD(type) },
	{ "kernel-id", .field = FIELD(kernel_id) },
	{ "local-hostname", .field = FIELD(hostname) },
	{ "local-ipv4", .field = FIELD(private_ip) },
	{ "mac", .field = FIELD(mac), .shown = mac_ok },
	{ "network", KIDS(network_kids), .shown = mac_ok },
	{ "placement", KIDS(placement_kids) },
	{ "public-hostname", .field = FIELD(public_hostname) },
	{ "public-ipv4", .field = FIELD(public_ip) },
	{ "public-keys", .dyn = &key_dyn, .listing = list_public_keys,
	    .shown = has_key },
	{ "ramdisk-id", .field = FIELD(ramdisk_id) },
	{ "reservation-id", .field = FIELD(reservation) },
	{ "security-groups", .leaf = leaf_sg_names, .shown = has_groups },
	{ "services", KIDS(services_kids) },
	{ "tags", KIDS(tags_kids), .shown = has_tags },
};

static const struct node identity_kids[] = {
	{ "document", .leaf = leaf_document },
};
static const struct node dynamic_kids[] = {
	{ "instance-identity", KIDS(identity_kids) },
};

/* A version's root lists its three parts without slashes, as EC2 does. */
static const struct node version_kids[] = {
	{ "dynamic", KIDS(dynamic_kids) },
	{ "meta-data", KIDS(meta_kids) },
	{ "user-data", .leaf = leaf_user_data, .shown = has_user_data,
	    .ctype = OCTETS },
};
static const struct node version_root = { KIDS(version_kids), .bare = true };

static void
add_entry(struct mc_buf *out, const char *name, bool dir)
{
	if (out->len > 0)
		mc_buf_addc(out, '\n');
	mc_buf_adds(out, name);
	if (dir)
		mc_buf_addc(out, '/');
}

static void
list_dir(const struct ctx *c, const struct node *n, struct mc_buf *out)
{
	const struct node	*k;
	const char		*name;
	size_t			 i, count;

	if (n->listing != NULL) {
		n->listing(c, out);
		return;
	}
	for (i = 0; i < n->n_kids; i++) {
		k = &n->kids[i];
		if (node_shown(c, k))
			add_entry(out, k->name, is_dir(k) && !n->bare);
	}
	count = n->dyn != NULL ? n->dyn->count(c) : 0;
	for (i = 0; i < count; i++)
		if ((name = n->dyn->name(c, i)) != NULL && name[0] != '\0')
			add_entry(out, name, is_dir(n->dyn->node));
}

static bool
seg_is(const char *seg, size_t len, const char *name)
{
	return name != NULL && strlen(name) == len &&
	    memcmp(seg, name, len) == 0;
}

/* The child of directory n named seg[0..len), or NULL. */
static const struct node *
find_kid(struct ctx *c, const struct node *n, const char *seg, size_t len)
{
	size_t i, count;

	for (i = 0; i < n->n_kids; i++)
		if (seg_is(seg, len, n->kids[i].name) &&
		    node_shown(c, &n->kids[i]))
			return &n->kids[i];
	count = n->dyn != NULL ? n->dyn->count(c) : 0;
	for (i = 0; i < count; i++)
		if (len > 0 && seg_is(seg, len, n->dyn->name(c, i))) {
			c->idx = i;
			return n->dyn->node;
		}
	return NULL;
}

static void
list_versions(struct mc_buf *out)
{
	size_t i;

	for (i = 0; i < MC_NELEMS(versions); i++)
		add_entry(out, versions[i].name, false);
}

/* The version that p (after the first '/') starts with; sets *ret_len. */
static int
find_version(const char *p, size_t *ret_len)
{
	size_t	len = strcspn(p, "/"), i;

	for (i = 0; i < MC_NELEMS(versions); i++)
		if (seg_is(p, len, versions[i].name)) {
			*ret_len = len;
			return (int)i;
		}
	return -1;
}

static void
write_node(const struct ctx *c, const struct node *n, struct mc_buf *out)
{
	if (is_dir(n))
		list_dir(c, n, out);
	else if (n->field != 0)
		mc_buf_adds(out, field_of(c, n->field));
	else if (n->text != NULL)
		mc_buf_adds(out, n->text);
	else
		n->leaf(c, out);
}

int
agt_imds_tree_get(const struct agt_imds_inst *in,
    const struct agt_imds_conf *conf, const char *path, struct mc_buf *out,
    const char **ret_ctype)
{
	struct ctx		 c = { in, conf, false, 0 };
	const struct node	*n = &version_root;
	const char		*p = path;
	size_t			 len;
	int			 v;

	if (p[0] != '/' || strlen(p) > AGT_IMDS_PATH_MAX)
		return -1;
	if (strcmp(p, "/") == 0) {
		list_versions(out);
		*ret_ctype = TEXT;
		return 0;
	}
	if ((v = find_version(++p, &len)) < 0)
		return -1;
	c.tags = versions[v].tags;
	/* Each "/name" steps down; a final "/" asks for a directory. */
	for (p += len; *p == '/'; p += len) {
		if (*++p == '\0' && is_dir(n))
			break;
		len = strcspn(p, "/");
		if (!is_dir(n) || (n = find_kid(&c, n, p, len)) == NULL)
			return -1;
	}
	write_node(&c, n, out);
	*ret_ctype = n->ctype != NULL ? n->ctype : TEXT;
	return 0;
}
