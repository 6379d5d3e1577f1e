/*
 * hv_xml_priv: the small XML reader behind hv_xml_parse_meta and
 * hv_xml_parse_disks, for hv_xml's files only.  It walks a document
 * once and calls back at each element's start and end; a callback reads
 * the element's attributes and may ask for its text.  And the table of
 * network disk protocols that hv_spec checks and hv_xml writes.
 */
#ifndef HV_XML_PRIV_H
#define HV_XML_PRIV_H

#include <stdbool.h>
#include <stddef.h>

struct mc_err;
struct hv_xr;

/* An element, as its start tag was read.  Pointers are into the input. */
struct hv_xr_elem {
	const char	*local;		/* its name without a prefix */
	size_t		 local_len;
	bool		 prefixed;	/* its name had one */
	bool		 ours;		/* in the namespace HV_XML_NS */
	size_t		 depth;		/* 1: the root element */
};

/*
 * Called at an element's start (its attributes readable through
 * hv_xr_attr) and at its end (at once after the start for "<e/>").
 * Each returns 0, or -1 to stop the walk, with hv_xr_fail's error.
 */
struct hv_xr_ops {
	int	(*open)(struct hv_xr *x, const struct hv_xr_elem *e, void *ctx);
	int	(*close)(struct hv_xr *x, const struct hv_xr_elem *e,
		    void *ctx);
};

/*
 * Walk xml (borrowed, NUL-terminated) calling ops with ctx.  Returns 0,
 * or -1 with err set (InternalError: "bad domain XML: ... at byte N", or
 * what a callback said).
 */
int	hv_xr_run(const char *xml, const struct hv_xr_ops *ops, void *ctx,
	    struct mc_err *err);

/*
 * The value of attribute name (no prefix) of the element being opened,
 * entities expanded, into buf (bufsz bytes, NUL-terminated).  Returns 1,
 * 0 when it has none (buf = ""), or -1 with the walk's error set (bad
 * entity, longer than buf).  Only from an open callback.
 */
int	hv_xr_attr(struct hv_xr *x, const char *name, char *buf, size_t bufsz);

/*
 * Collect the text (and CDATA) inside the element being opened, until
 * it ends, into buf (bufsz bytes, set to "" now).  Text longer than buf
 * fails the walk.  Only from an open callback.
 */
void	hv_xr_text(struct hv_xr *x, char *buf, size_t bufsz);

/* Fail the walk: err = "bad domain XML: what at byte N".  Returns -1. */
int	hv_xr_fail(struct hv_xr *x, const char *what);

/* Trim the white space a pretty-printer may have put around s. */
void	hv_xr_trim(char *s);

/*
 * libvirt's secret type for a network disk's protocol ("ceph" for
 * "rbd"; a static string), or NULL for a protocol we do not know.
 * From hv_spec.c, which holds the table of protocols.
 */
const char	*hv_protocol_secret_type(const char *protocol);

#endif /* HV_XML_PRIV_H */
