/*
 * ctl_xml: a small writer for EC2 response documents.  Elements are
 * opened and closed in order (the writer remembers the names), text is
 * escaped, and anything XML 1.0 cannot carry (control characters,
 * ill-formed UTF-8) becomes U+FFFD, so the output always parses.
 */
#ifndef CTL_XML_H
#define CTL_XML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mc_buf.h"

#define CTL_XML_DEPTH	32	/* nesting of open elements */

struct ctl_xml {
	struct mc_buf	 buf;
	const char	*open[CTL_XML_DEPTH];	/* borrowed element names */
	int		 depth;
	bool		 failed;	/* too deep; the buffer flag covers memory */
};

/* Set up an empty document the caller owns, at most limit bytes (0: any). */
void	ctl_xml_init(struct ctl_xml *x, size_t limit);

/* Free the document. */
void	ctl_xml_clear(struct ctl_xml *x);

/* Write the XML declaration. */
void	ctl_xml_prolog(struct ctl_xml *x);

/*
 * Open element name (a static string that stays valid until closed);
 * xmlns, when not NULL, is written as its default namespace.
 */
void	ctl_xml_open_ns(struct ctl_xml *x, const char *name, const char *xmlns);
void	ctl_xml_open(struct ctl_xml *x, const char *name);

/* Close the innermost open element. */
void	ctl_xml_close(struct ctl_xml *x);

/* <name>escaped text</name>; nothing at all when text is NULL. */
void	ctl_xml_str(struct ctl_xml *x, const char *name, const char *text);
void	ctl_xml_int(struct ctl_xml *x, const char *name, long long v);
void	ctl_xml_bool(struct ctl_xml *x, const char *name, bool v);
/* <name>2026-11-22T13:00:00.000Z</name> for ms since the epoch. */
void	ctl_xml_time(struct ctl_xml *x, const char *name, int64_t ms);
/* <name><value>text</value></name>: EC2's attribute values. */
void	ctl_xml_value(struct ctl_xml *x, const char *name, const char *text);
/* <name/>: EC2 writes empty lists this way. */
void	ctl_xml_empty(struct ctl_xml *x, const char *name);

/* Append text to b escaped for XML character data and attributes. */
void	ctl_xml_escape(struct mc_buf *b, const char *text);

/*
 * Hand the finished document to the caller (a string the caller frees).
 * Returns NULL when it could not be built (memory, limit, elements left
 * open or nested too deep).
 */
char	*ctl_xml_steal(struct ctl_xml *x, size_t *ret_len);

#endif /* CTL_XML_H */
