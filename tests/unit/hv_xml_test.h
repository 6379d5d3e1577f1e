/*
 * hv_xml_test: the fixtures the hv_xml tests share.  Spec descriptions
 * under DATA (<case>.in: one line "key=value" per spec field, disks as
 * "disk=" and "netdisk=" lines) read into a struct hv_spec; good disks
 * to spoil; and the check of the disks read back from some XML.
 */
#ifndef HV_XML_TEST_H
#define HV_XML_TEST_H

#include <stdbool.h>
#include <stddef.h>

#include "mc_test.h"

#include "hv_spec.h"

#define DATA		"data/hv_xml"

/* Read a .in file; without a uuid line the spec gets hv_uuid_for's. */
void	spec_load(const char *path, struct hv_spec *spec);
/* A good disk to spoil one field at a time: a file one, or with net rbd. */
void	disk_fill(struct hv_disk *d, bool net);
/* The disks read back from xml must be want[0..n). */
void	check_disks(const char *xml, const struct hv_disk *want, size_t n);

#endif /* HV_XML_TEST_H */
