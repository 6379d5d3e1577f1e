/*
 * hv_xml: write an instance's libvirt domain XML from a checked spec.
 * One function per section and per group of devices, walked from tables,
 * so that a new device (NICs, volumes) is a new row.  Reading our
 * metadata back is in hv_xml_parse.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "mc_buf.h"
#include "mc_cleanup.h"
#include "mc_err.h"
#include "mc_hex.h"
#include "hv_xml.h"
#include "hv_xml_priv.h"

#define XML_LIMIT	(256 * 1024)	/* far above any domain we write */
#define META_PREFIX	"minicloud"

typedef void	xml_section_fn(struct mc_buf *, const struct hv_spec *);

/* Indexed by spec->kvm. */
static const char *const domain_type[2] = { "qemu", "kvm" };

static void
x_indent(struct mc_buf *b, int depth)
{
	int i;

	for (i = 0; i < depth; i++)
		mc_buf_adds(b, "  ");
}

/* Text and attribute values alike: the spec has no control characters. */
static void
x_esc(struct mc_buf *b, const char *s)
{
	static const char	 chars[] = "&<>'\"";
	static const char *const ents[] = {
		"&amp;", "&lt;", "&gt;", "&apos;", "&quot;",
	};
	size_t			 n;

	for (;;) {
		n = strcspn(s, chars);
		mc_buf_add(b, s, n);
		s += n;
		if (*s == '\0')
			return;
		mc_buf_adds(b, ents[strchr(chars, *s) - chars]);
		s++;
	}
}

/* A line of our own constant markup. */
static void
x_line(struct mc_buf *b, int depth, const char *markup)
{
	x_indent(b, depth);
	mc_buf_adds(b, markup);
	mc_buf_addc(b, '\n');
}

/* <tag attrs>text</tag>; attrs is constant markup ("" or " name='v'"). */
static void
x_elem(struct mc_buf *b, int depth, const char *tag, const char *attrs,
    const char *text)
{
	x_indent(b, depth);
	mc_buf_addf(b, "<%s%s>", tag, attrs);
	x_esc(b, text);
	mc_buf_addf(b, "</%s>\n", tag);
}

/* <tag attr='value'rest/>; rest is constant markup. */
static void
x_empty(struct mc_buf *b, int depth, const char *tag, const char *attr,
    const char *value, const char *rest)
{
	x_indent(b, depth);
	mc_buf_addf(b, "<%s %s='", tag, attr);
	x_esc(b, value);
	mc_buf_addf(b, "'%s/>\n", rest);
}

static void
xml_meta_elem(struct mc_buf *b, int depth, const struct hv_spec *spec)
{
	x_line(b, depth, "<" META_PREFIX ":instance xmlns:" META_PREFIX "='"
	    HV_XML_NS "'>");
	x_elem(b, depth + 1, META_PREFIX ":id", "", spec->instance_id);
	x_elem(b, depth + 1, META_PREFIX ":account", "", spec->account_id);
	x_elem(b, depth + 1, META_PREFIX ":image", "", spec->image_id);
	x_elem(b, depth + 1, META_PREFIX ":reservation", "",
	    spec->reservation_id);
	x_line(b, depth, "</" META_PREFIX ":instance>");
}

static void
xml_head(struct mc_buf *b, const struct hv_spec *spec)
{
	x_elem(b, 1, "name", "", spec->instance_id);
	x_elem(b, 1, "uuid", "", spec->uuid);
	x_line(b, 1, "<metadata>");
	xml_meta_elem(b, 2, spec);
	x_line(b, 1, "</metadata>");
	x_indent(b, 1);
	mc_buf_addf(b, "<memory unit='MiB'>%u</memory>\n", spec->mem_mib);
	x_indent(b, 1);
	mc_buf_addf(b, "<vcpu>%u</vcpu>\n", spec->vcpus);
}

/*
 * cloud-init takes the host for EC2 when the system uuid and serial are
 * the same "ec2..." string; the chassis asset tag carries the instance
 * id, as on EC2's Nitro hosts.
 */
static void
xml_sysinfo(struct mc_buf *b, const struct hv_spec *spec)
{
	x_line(b, 1, "<sysinfo type='smbios'>");
	x_line(b, 2, "<system>");
	x_elem(b, 3, "entry", " name='manufacturer'", "minicloud");
	x_elem(b, 3, "entry", " name='product'", spec->instance_type);
	x_elem(b, 3, "entry", " name='serial'", spec->uuid);
	x_elem(b, 3, "entry", " name='uuid'", spec->uuid);
	x_line(b, 2, "</system>");
	x_line(b, 2, "<chassis>");
	x_elem(b, 3, "entry", " name='asset'", spec->instance_id);
	x_line(b, 2, "</chassis>");
	x_line(b, 1, "</sysinfo>");
}

static void
xml_os(struct mc_buf *b, const struct hv_spec *spec)
{
	x_line(b, 1, "<os>");
	x_line(b, 2, "<type arch='x86_64' machine='pc'>hvm</type>");
	if (spec->kernel_path[0] == '\0') {
		x_line(b, 2, "<boot dev='hd'/>");
	} else {
		x_elem(b, 2, "kernel", "", spec->kernel_path);
		if (spec->initrd_path[0] != '\0')
			x_elem(b, 2, "initrd", "", spec->initrd_path);
		if (spec->cmdline[0] != '\0')
			x_elem(b, 2, "cmdline", "", spec->cmdline);
	}
	x_line(b, 2, "<smbios mode='sysinfo'/>");
	x_line(b, 1, "</os>");
}

static void
xml_platform(struct mc_buf *b, const struct hv_spec *spec)
{
	x_line(b, 1, "<features>");
	x_line(b, 2, "<acpi/>");
	x_line(b, 2, "<apic/>");
	x_line(b, 1, "</features>");
	/* Under KVM the guest may use every host CPU feature: nothing
	 * migrates.  TCG has no host CPU to pass through. */
	if (spec->kvm)
		x_line(b, 1, "<cpu mode='host-passthrough'/>");
	x_line(b, 1, "<clock offset='utc'/>");
	/* A guest that powers off is stopped: the agent decides what next. */
	x_line(b, 1, "<on_poweroff>destroy</on_poweroff>");
	x_line(b, 1, "<on_reboot>restart</on_reboot>");
	x_line(b, 1, "<on_crash>destroy</on_crash>");
}

/* A network disk's credentials and servers. */
static void
xml_net_source(struct mc_buf *b, int depth, const struct hv_disk *d)
{
	char	port[32];
	size_t	i;

	if (d->auth_user[0] != '\0') {
		x_indent(b, depth);
		mc_buf_adds(b, "<auth username='");
		x_esc(b, d->auth_user);
		mc_buf_adds(b, "'>\n");
		x_indent(b, depth + 1);
		mc_buf_addf(b, "<secret type='%s' uuid='",
		    hv_protocol_secret_type(d->protocol));
		x_esc(b, d->auth_secret);
		mc_buf_adds(b, "'/>\n");
		x_line(b, depth, "</auth>");
	}
	x_indent(b, depth);
	mc_buf_addf(b, "<source protocol='%s' name='",
	    d->protocol);		/* one of our table's names */
	x_esc(b, d->name);
	mc_buf_adds(b, "'>\n");
	for (i = 0; i < d->n_hosts; i++) {
		port[0] = '\0';
		if (d->hosts[i].port != 0)
			(void)snprintf(port, sizeof(port), " port='%u'",
			    d->hosts[i].port);
		x_empty(b, depth + 1, "host", "name", d->hosts[i].name, port);
	}
	x_line(b, depth, "</source>");
}

/*
 * A volume.  cache='none' (O_DIRECT): nothing of the guest's writes
 * waits in this host's page cache, which a volume on shared storage
 * needs and qcow2 does well with; io='native' goes with it for files.
 * discard='unmap': the guest's TRIM frees space in the file.  The user
 * alias ("ua-" + serial) names the device in both the live and the
 * persistent definition, so that it can be detached from either.
 */
static void
xml_disk(struct mc_buf *b, int depth, const struct hv_disk *d)
{
	bool file = d->type == HV_DISK_FILE;

	x_indent(b, depth);
	mc_buf_addf(b, "<disk type='%s' device='disk'>\n",
	    file ? "file" : "network");
	x_indent(b, depth + 1);
	mc_buf_addf(b, "<driver name='qemu' type='%s' cache='none'%s "
	    "discard='unmap'/>\n", hv_format_name(d->format),
	    file ? " io='native'" : "");
	if (file)
		x_empty(b, depth + 1, "source", "file", d->path, "");
	else
		xml_net_source(b, depth + 1, d);
	x_empty(b, depth + 1, "target", "dev", d->target, " bus='virtio'");
	x_elem(b, depth + 1, "serial", "", d->serial);
	x_indent(b, depth + 1);
	mc_buf_adds(b, "<alias name='" HV_XML_ALIAS_PREFIX);
	x_esc(b, d->serial);
	mc_buf_adds(b, "'/>\n");
	x_line(b, depth, "</disk>");
}

static void
xml_disks(struct mc_buf *b, const struct hv_spec *spec)
{
	size_t i;

	x_line(b, 2, "<disk type='file' device='disk'>");
	x_line(b, 3, "<driver name='qemu' type='qcow2'/>");
	x_empty(b, 3, "source", "file", spec->disk_path, "");
	x_line(b, 3, "<target dev='vda' bus='virtio'/>");
	x_line(b, 2, "</disk>");
	for (i = 0; i < spec->n_disks; i++)
		xml_disk(b, 2, &spec->disks[i]);
}

/* Both name the same port: libvirt makes the console an alias of it. */
static void
xml_consoles(struct mc_buf *b, const struct hv_spec *spec)
{
	x_line(b, 2, "<serial type='file'>");
	x_empty(b, 3, "source", "path", spec->console_path, " append='on'");
	x_line(b, 3, "<target port='0'/>");
	x_line(b, 2, "</serial>");
	x_line(b, 2, "<console type='file'>");
	x_empty(b, 3, "source", "path", spec->console_path, " append='on'");
	x_line(b, 3, "<target type='serial' port='0'/>");
	x_line(b, 2, "</console>");
}

/*
 * The tap exists already (the agent made it and wires it); libvirt only
 * opens it, and must neither create nor delete it.
 */
static void
xml_nics(struct mc_buf *b, const struct hv_spec *spec)
{
	if (spec->nic_tap[0] == '\0')
		return;
	x_line(b, 2, "<interface type='ethernet'>");
	x_empty(b, 3, "mac", "address", spec->nic_mac, "");
	x_empty(b, 3, "target", "dev", spec->nic_tap, " managed='no'");
	x_line(b, 3, "<model type='virtio'/>");
	x_line(b, 2, "</interface>");
}

static void
xml_misc_devices(struct mc_buf *b, const struct hv_spec *spec)
{
	(void)spec;
	/* Memory is what the instance type says: no balloon to shrink it. */
	x_line(b, 2, "<memballoon model='none'/>");
	/* libvirt adds a USB controller unless told; nothing plugs in. */
	x_line(b, 2, "<controller type='usb' model='none'/>");
	x_line(b, 2, "<rng model='virtio'>");
	x_line(b, 3, "<backend model='random'>/dev/urandom</backend>");
	x_line(b, 2, "</rng>");
}

static void
xml_devices(struct mc_buf *b, const struct hv_spec *spec)
{
	static xml_section_fn *const groups[] = {
		xml_disks, xml_nics, xml_consoles, xml_misc_devices,
	};
	size_t i;

	x_line(b, 1, "<devices>");
	for (i = 0; i < MC_NELEMS(groups); i++)
		groups[i](b, spec);
	x_line(b, 1, "</devices>");
}

/* Hand what b holds to *ret_xml (what: for the message). */
static int
xml_steal(struct mc_buf *b, const char *what, char **ret_xml,
    struct mc_err *err)
{
	char *xml = mc_buf_steal(b, NULL);

	if (xml == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory for %s XML",
		    what);
	*ret_xml = xml;
	return 0;
}

int
hv_xml_domain(const struct hv_spec *spec, char **ret_xml, struct mc_err *err)
{
	static xml_section_fn *const sections[] = {
		xml_head, xml_sysinfo, xml_os, xml_platform, xml_devices,
	};
	struct mc_buf	b;
	size_t		i;

	if (hv_spec_check(spec, err) < 0)
		return -1;
	mc_buf_init(&b, XML_LIMIT);
	mc_buf_addf(&b, "<domain type='%s'>\n", domain_type[spec->kvm]);
	for (i = 0; i < MC_NELEMS(sections); i++)
		sections[i](&b, spec);
	mc_buf_adds(&b, "</domain>\n");
	return xml_steal(&b, "domain", ret_xml, err);
}

int
hv_xml_disk(const struct hv_disk *d, char **ret_xml, struct mc_err *err)
{
	struct mc_buf b;

	if (hv_disk_check(d, err) < 0)
		return -1;
	mc_buf_init(&b, XML_LIMIT);
	xml_disk(&b, 0, d);
	return xml_steal(&b, "disk", ret_xml, err);
}

int
hv_xml_metadata(const struct hv_spec *spec, char **ret_xml,
    struct mc_err *err)
{
	struct mc_buf b;

	if (hv_spec_check(spec, err) < 0)
		return -1;
	mc_buf_init(&b, XML_LIMIT);
	xml_meta_elem(&b, 0, spec);
	return xml_steal(&b, "metadata", ret_xml, err);
}

int
hv_uuid_for(const char *instance_id, char *buf, struct mc_err *err)
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	mdlen = 0;
	char		hex[2 * EVP_MAX_MD_SIZE + 1];

	if (EVP_Digest(instance_id, strlen(instance_id), md, &mdlen,
	    EVP_sha256(), NULL) != 1 || mdlen < 16)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR,
		    "cannot digest the instance id");
	mc_hex_encode(md, 15, hex);	/* 30 digits; "ec2" + 29 are used */
	(void)snprintf(buf, HV_UUID_LEN + 1, "ec2%.5s-%.4s-%.4s-%.4s-%.12s",
	    hex, hex + 5, hex + 9, hex + 13, hex + 17);
	return 0;
}
