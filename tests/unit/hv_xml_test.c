/*
 * hv_xml_test: the reader of the spec descriptions under DATA, good
 * disks, and the check of the disks read back from XML.  No test cases
 * here: see test_hv_xml*.c.
 */
#include <stdbool.h>
#include <stdlib.h>

#include "hv_xml_test.h"

#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_hex.h"
#include "hv_xml.h"

enum kind { K_STR, K_UINT, K_BOOL };

/* Keys of a .in file: one line "key=value" per spec field. */
#define KEY(f, k) { #f, offsetof(struct hv_spec, f), \
	sizeof(((struct hv_spec *)0)->f), k }
static const struct {
	const char	*key;
	size_t		 off, size;
	enum kind	 kind;
} keys[] = {
	KEY(instance_id, K_STR), KEY(account_id, K_STR), KEY(image_id, K_STR),
	KEY(reservation_id, K_STR), KEY(instance_type, K_STR),
	KEY(uuid, K_STR), KEY(vcpus, K_UINT), KEY(mem_mib, K_UINT),
	KEY(kvm, K_BOOL), KEY(disk_path, K_STR), KEY(console_path, K_STR),
	KEY(kernel_path, K_STR), KEY(initrd_path, K_STR), KEY(cmdline, K_STR),
	KEY(nic_tap, K_STR), KEY(nic_mac, K_STR),
};

/* Values may carry any byte as \xHH, and a backslash as \\. */
static void
unescape(const char *v, char *out, size_t outsz)
{
	size_t n = 0;

	for (; *v != '\0'; v++) {
		assert_true(n + 1 < outsz);
		if (v[0] == '\\' && v[1] == 'x') {
			out[n++] = (char)(mc_hex_value(v[2]) * 16 +
			    mc_hex_value(v[3]));
			v += 3;
		} else if (v[0] == '\\' && v[1] == '\\') {
			out[n++] = '\\';
			v++;
		} else {
			out[n++] = *v;
		}
	}
	out[n] = '\0';
}

/* A token of a disk line into field (fieldsz bytes); "-" is empty. */
static void
disk_token(char **save, char *field, size_t fieldsz)
{
	char *t = strtok_r(NULL, " ", save);

	assert_non_null(t);
	if (strcmp(t, "-") == 0)
		field[0] = '\0';
	else
		unescape(t, field, fieldsz);
}

/* "HOST[:PORT],..." */
static void
disk_hosts(char **save, struct hv_disk *d)
{
	char *t = strtok_r(NULL, " ", save), *h, *hsave = NULL, *colon;

	assert_non_null(t);
	for (h = strtok_r(t, ",", &hsave); h != NULL;
	    h = strtok_r(NULL, ",", &hsave)) {
		assert_true(d->n_hosts < HV_DISK_HOSTS_MAX);
		if ((colon = strrchr(h, ':')) != NULL &&
		    strspn(colon + 1, "0123456789") == strlen(colon + 1)) {
			d->hosts[d->n_hosts].port = (unsigned)atoi(colon + 1);
			*colon = '\0';
		}
		unescape(h, d->hosts[d->n_hosts++].name, HV_HOST_MAX + 1);
	}
}

/*
 * disk=TARGET SERIAL FORMAT PATH
 * netdisk=TARGET SERIAL FORMAT PROTOCOL NAME HOSTS [USER SECRET]
 * Tokens are \xHH-escaped; "-" is an empty field; an unknown format
 * becomes HV_FORMAT__MAX.
 */
static void
disk_add(struct hv_spec *spec, bool net, char *val)
{
	struct hv_disk	*d;
	char		*save = NULL, *user, fmt[16];
	int		 f;

	assert_true(spec->n_disks < HV_DISKS_MAX);
	d = &spec->disks[spec->n_disks++];
	unescape(strtok_r(val, " ", &save), d->target, sizeof(d->target));
	disk_token(&save, d->serial, sizeof(d->serial));
	disk_token(&save, fmt, sizeof(fmt));
	for (f = 0; f < HV_FORMAT__MAX; f++)
		if (strcmp(fmt, hv_format_name((enum hv_format)f)) == 0)
			break;
	d->format = (enum hv_format)f;
	d->type = net ? HV_DISK_NETWORK : HV_DISK_FILE;
	if (!net) {
		disk_token(&save, d->path, sizeof(d->path));
		return;
	}
	disk_token(&save, d->protocol, sizeof(d->protocol));
	disk_token(&save, d->name, sizeof(d->name));
	disk_hosts(&save, d);
	if ((user = strtok_r(NULL, " ", &save)) == NULL)
		return;
	unescape(user, d->auth_user, sizeof(d->auth_user));
	disk_token(&save, d->auth_secret, sizeof(d->auth_secret));
}

static void
spec_set(struct hv_spec *spec, const char *key, const char *val)
{
	size_t	 i;
	char	*f;

	if (strcmp(key, "disk") == 0 || strcmp(key, "netdisk") == 0) {
		MC_AUTOFREE char *copy = strdup(val);

		assert_non_null(copy);
		disk_add(spec, key[0] == 'n', copy);
		return;
	}
	for (i = 0; i < MC_NELEMS(keys); i++)
		if (strcmp(keys[i].key, key) == 0)
			break;
	if (i == MC_NELEMS(keys))
		fail_msg("unknown key %s", key);
	f = (char *)spec + keys[i].off;
	if (keys[i].kind == K_STR)
		unescape(val, f, keys[i].size);
	else if (keys[i].kind == K_UINT)
		*(unsigned *)(void *)f = (unsigned)strtoul(val, NULL, 10);
	else
		*(bool *)(void *)f = strcmp(val, "1") == 0;
}

/* Read a .in file; without a uuid line the spec gets hv_uuid_for's. */
void
spec_load(const char *path, struct hv_spec *spec)
{
	MC_AUTOFREE char	*text = mc_test_read(path, NULL);
	char			*line, *save = NULL, *eq;
	struct mc_err		 err = { 0 };

	assert_non_null(text);
	memset(spec, 0, sizeof(*spec));
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#')
			continue;
		eq = strchr(line, '=');
		assert_non_null(eq);
		*eq = '\0';
		spec_set(spec, line, eq + 1);
	}
	if (spec->uuid[0] == '\0')
		assert_int_equal(hv_uuid_for(spec->instance_id, spec->uuid,
		    &err), 0);
}

/* A good file disk, to spoil one field at a time. */
void
disk_fill(struct hv_disk *d, bool net)
{
	memset(d, 0, sizeof(*d));
	strcpy(d->target, "vdb");
	strcpy(d->serial, "vol0123456789abcdef0");
	d->format = net ? HV_FORMAT_RAW : HV_FORMAT_QCOW2;
	d->type = net ? HV_DISK_NETWORK : HV_DISK_FILE;
	if (!net) {
		strcpy(d->path, "/v/vol-0123456789abcdef0.qcow2");
		return;
	}
	strcpy(d->protocol, "rbd");
	strcpy(d->name, "volumes/vol-0123456789abcdef0");
	strcpy(d->hosts[0].name, "mon1");
	d->n_hosts = 1;
}

static void
disk_equal(const struct hv_disk *got, const struct hv_disk *want)
{
	size_t i;

	assert_string_equal(got->target, want->target);
	assert_string_equal(got->serial, want->serial);
	assert_int_equal(got->type, want->type);
	assert_int_equal(got->format, want->format);
	assert_string_equal(got->path, want->path);
	assert_string_equal(got->protocol, want->protocol);
	assert_string_equal(got->name, want->name);
	assert_int_equal(got->n_hosts, want->n_hosts);
	for (i = 0; i < want->n_hosts; i++) {
		assert_string_equal(got->hosts[i].name, want->hosts[i].name);
		assert_int_equal(got->hosts[i].port, want->hosts[i].port);
	}
	assert_string_equal(got->auth_user, want->auth_user);
	assert_string_equal(got->auth_secret, want->auth_secret);
}

/* The disks read back from xml must be want[0..n). */
void
check_disks(const char *xml, const struct hv_disk *want, size_t n)
{
	MC_AUTOFREE struct hv_disk	*got = NULL;
	struct mc_err			 err = { 0 };
	size_t				 n_got = 99, i;

	if (hv_xml_parse_disks(xml, &got, &n_got, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(n_got, n);
	assert_true((got == NULL) == (n == 0));
	for (i = 0; i < n; i++)
		disk_equal(&got[i], &want[i]);
}
