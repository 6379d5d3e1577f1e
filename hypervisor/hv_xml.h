/*
 * hv_xml: the libvirt domain XML of an instance, and minicloud's ids
 * read back from a domain's <metadata>.  Pure functions: no libvirt
 * connection, so they are tested with golden files.
 */
#ifndef HV_XML_H
#define HV_XML_H

#include "hv_spec.h"

struct mc_err;

/* XML namespace of minicloud's element in a domain's <metadata>. */
#define HV_XML_NS	"urn:minicloud:instance:1"

/* A disk's device alias in libvirt: this and its serial. */
#define HV_XML_ALIAS_PREFIX	"ua-"

/* minicloud's ids as stored in a domain's metadata. */
struct hv_meta {
	char	instance_id[HV_ID_MAX + 1];
	char	account_id[HV_ID_MAX + 1];
	char	image_id[HV_ID_MAX + 1];
	char	reservation_id[HV_ID_MAX + 1];
};

/*
 * The domain XML for spec: name and <uuid> from the spec, our ids in
 * <metadata>, vCPUs and memory, the overlay as a virtio disk and after
 * it each of the spec's disks (hv_xml_disk), the serial console to
 * console_path, SMBIOS system uuid = serial = spec->uuid and
 * chassis asset tag = instance id (how EC2 tells a guest who it is),
 * domain type kvm or qemu, ACPI, and on_poweroff destroy.  Every value
 * is escaped.  On success *ret_xml is a new string the caller frees.
 * Returns 0, or -1 with err set (hv_spec_check's errors; out of memory).
 */
int	hv_xml_domain(const struct hv_spec *spec, char **ret_xml,
	    struct mc_err *err);

/*
 * The <disk> element for d (as the domain XML has it for each of the
 * spec's disks, and as virDomainAttachDeviceFlags takes it): a virtio
 * disk at d's target with d's serial, alias "ua-" + serial, its file or
 * network source, cache none, discard unmap.  Every value is escaped.
 * On success *ret_xml is a new string the caller frees.  Returns 0, or
 * -1 with err set (hv_disk_check's errors; out of memory).
 */
int	hv_xml_disk(const struct hv_disk *d, char **ret_xml,
	    struct mc_err *err);

/*
 * The extra disks (targets vdb..vdz) of a whole domain XML (borrowed),
 * as libvirt returns it, in document order: target, serial, type,
 * format, and the file's path or the network source.  Other disks (the
 * root disk, CD-ROMs) are left out.  *ret is a new array the caller
 * frees (NULL when none), *ret_n its length.  Returns 0, or -1 with err
 * set (InternalError: bad XML, a field longer than hv_disk holds, more
 * than HV_DISKS_MAX extra disks).
 */
int	hv_xml_parse_disks(const char *domain_xml, struct hv_disk **ret,
	    size_t *ret_n, struct mc_err *err);

/*
 * The metadata element (the inner XML libvirt's virDomainSetMetadata
 * takes) for spec; *ret_xml is a new string the caller frees.  Returns
 * 0, or -1 with err set (hv_spec_check's errors; out of memory).
 */
int	hv_xml_metadata(const struct hv_spec *spec, char **ret_xml,
	    struct mc_err *err);

/*
 * Read minicloud's ids from a whole domain XML (borrowed), as
 * virDomainGetXMLDesc returns it.  Our element is found by its namespace
 * URI, whatever prefix libvirt gave it (virDomainGetMetadata's answer
 * will not do: libvirt strips the namespace from it).  Returns 1 and
 * fills *ret when the domain carries our metadata, 0 when it does not (a
 * domain minicloud did not make; *ret untouched), -1 with err set on bad
 * XML or when our element holds no well-formed instance id.
 */
int	hv_xml_parse_meta(const char *domain_xml, struct hv_meta *ret,
	    struct mc_err *err);

/*
 * The SMBIOS/domain UUID for an instance: "ec2" followed by hex digits
 * derived from the instance id (SHA-256), in UUID form, so it is stable
 * for the instance's life.  buf holds HV_UUID_LEN + 1 bytes.  Returns 0,
 * or -1 with err set when OpenSSL cannot digest (out of memory).
 */
int	hv_uuid_for(const char *instance_id, char *buf, struct mc_err *err);

#endif /* HV_XML_H */
