/*
 * hv_xml_read: a small XML reader for libvirt's domain XML: elements,
 * end-tag matching, namespace scopes, attributes, entities, comments,
 * CDATA, PIs; it does not validate the document or expand DTD entities.
 * What to do with the elements is its callers' (hv_xml_parse.c).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mc_cleanup.h"
#include "mc_err.h"
#include "hv_xml.h"
#include "hv_xml_priv.h"

#define XP_DEPTH	64	/* libvirt's domain XML nests about 6 deep */
#define XP_NS		64	/* namespace declarations in scope */
#define XP_ATTRS	32	/* attributes of one element */
#define XP_URI_MAX	256	/* a longer URI is not ours anyway */
#define XP_WS		" \t\r\n"

struct xp_el {
	const char	*qname;		/* into the input */
	size_t		 len;
	size_t		 ns_base;	/* n_ns before its declarations */
};

struct xp_ns {
	const char	*prefix;	/* "" for the default namespace */
	size_t		 len;
	bool		 ours;		/* bound to HV_XML_NS */
};

/* An attribute of the start tag being read; value still encoded. */
struct xp_attr {
	const char	*name, *val;
	size_t		 nlen, vlen;
};

struct hv_xr {
	const char		*start, *p, *end;
	struct xp_el		 el[XP_DEPTH];
	size_t			 depth;
	struct xp_ns		 ns[XP_NS];
	size_t			 n_ns;
	struct xp_attr		 attrs[XP_ATTRS];
	size_t			 n_attrs;
	bool			 saw_root;
	char			*field;		/* text being kept, or NULL */
	size_t			 fieldsz, fieldlen;
	size_t			 field_depth;	/* of its element */
	const struct hv_xr_ops	*ops;
	void			*ctx;
	struct mc_err		*err;
};

/* Predefined entities (no DTD: libvirt never writes one). */
static const struct {
	const char	*name;
	char		 c;
} entities[] = {
	{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' },
	{ "apos", '\'' },
};

int
hv_xr_fail(struct hv_xr *x, const char *what)
{
	return mc_err_set(x->err, MC_EC_INTERNAL_ERROR,
	    "bad domain XML: %s at byte %zu", what, (size_t)(x->p - x->start));
}

static size_t
utf8_put(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* The entity body between '&' and ';' (n bytes at s) into out[4]. */
static size_t
entity_decode(const char *s, size_t n, char *out)
{
	const char	*digits = "0123456789";
	unsigned long	 cp;
	char		 num[12];
	size_t		 i;
	int		 base = 10;

	for (i = 0; i < MC_NELEMS(entities); i++)
		if (strlen(entities[i].name) == n &&
		    memcmp(entities[i].name, s, n) == 0) {
			out[0] = entities[i].c;
			return 1;
		}
	if (n < 2 || s[0] != '#')
		return 0;
	s++;
	n--;
	if (s[0] == 'x') {
		digits = "0123456789abcdefABCDEF";
		base = 16;
		s++;
		n--;
	}
	/* Digits only: strtoul alone would take "+", " " and "0x". */
	if (n == 0 || n >= sizeof(num) || strspn(s, digits) < n)
		return 0;
	memcpy(num, s, n);
	num[n] = '\0';
	cp = strtoul(num, NULL, base);
	if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return utf8_put((uint32_t)cp, out);
}

/*
 * Append the n bytes at s to out (outsz bytes, *len used, kept
 * NUL-terminated), expanding entities when decode is set.  Returns 0,
 * -1 for a bad entity, 1 when out is full.
 */
static int
xp_decode(const char *s, size_t n, bool decode, char *out, size_t outsz,
    size_t *len)
{
	const char	*semi;
	char		 u[4];
	size_t		 k;

	while (n > 0) {
		if (!decode || *s != '&') {
			u[0] = *s;
			k = 1;
			s++, n--;
		} else {
			semi = memchr(s, ';', n);
			if (semi == NULL ||
			    (k = entity_decode(s + 1, (size_t)(semi - s) - 1,
			    u)) == 0)
				return -1;
			n -= (size_t)(semi + 1 - s);
			s = semi + 1;
		}
		if (*len + k >= outsz)
			return 1;
		memcpy(out + *len, u, k);
		*len += k;
		out[*len] = '\0';
	}
	return 0;
}

/* Is the element named qname (len bytes) in our namespace? *local: after ':'. */
static bool
xp_ours(const struct hv_xr *x, const char *qname, size_t len,
    const char **local)
{
	const char	*colon = memchr(qname, ':', len);
	size_t		 plen = colon != NULL ? (size_t)(colon - qname) : 0;
	size_t		 i;

	*local = colon != NULL ? colon + 1 : qname;
	for (i = x->n_ns; i > 0; i--)
		if (x->ns[i - 1].len == plen &&
		    memcmp(x->ns[i - 1].prefix, qname, plen) == 0)
			return x->ns[i - 1].ours;
	return false;
}

/* The element on top of the stack, as the callbacks see it. */
static void
xp_elem(const struct hv_xr *x, struct hv_xr_elem *ret)
{
	const struct xp_el *e = &x->el[x->depth - 1];

	ret->ours = xp_ours(x, e->qname, e->len, &ret->local);
	ret->local_len = e->len - (size_t)(ret->local - e->qname);
	ret->prefixed = ret->local != e->qname;
	ret->depth = x->depth;
}

/* An element's start tag has been read, attributes and all. */
static int
xp_opened(struct hv_xr *x)
{
	struct hv_xr_elem e;

	xp_elem(x, &e);
	return x->ops->open(x, &e, x->ctx);
}

static int
xp_closed(struct hv_xr *x)
{
	struct hv_xr_elem	e;
	int			rc;

	xp_elem(x, &e);
	rc = x->ops->close(x, &e, x->ctx);
	if (x->field != NULL && x->depth == x->field_depth)
		x->field = NULL;
	x->n_ns = x->el[x->depth - 1].ns_base;
	x->depth--;
	return rc;
}

/* An xmlns or xmlns:p attribute: bring the binding into scope. */
static int
xp_declare(struct hv_xr *x, const char *name, size_t nlen, const char *val,
    size_t vlen)
{
	char	uri[XP_URI_MAX];
	size_t	ulen = 0;
	int	rc;

	if (x->n_ns == XP_NS)
		return hv_xr_fail(x, "too many namespace declarations");
	uri[0] = '\0';
	if ((rc = xp_decode(val, vlen, true, uri, sizeof(uri), &ulen)) < 0)
		return hv_xr_fail(x, "bad entity in a namespace");
	x->ns[x->n_ns].prefix = nlen > 5 ? name + 6 : name;
	x->ns[x->n_ns].len = nlen > 5 ? nlen - 6 : 0;
	x->ns[x->n_ns].ours = rc == 0 && strcmp(uri, HV_XML_NS) == 0;
	x->n_ns++;
	return 0;
}

/* One attribute at x->p (after white space). */
static int
xp_attr(struct hv_xr *x)
{
	const char	*name = x->p, *val, *q;
	size_t		 nlen = strcspn(name, "=" XP_WS "/>");

	x->p += nlen;
	x->p += strspn(x->p, XP_WS);
	if (nlen == 0 || *x->p != '=')
		return hv_xr_fail(x, "attribute without a value");
	x->p++;
	x->p += strspn(x->p, XP_WS);
	if (*x->p != '"' && *x->p != '\'')
		return hv_xr_fail(x, "unquoted attribute value");
	val = x->p + 1;
	if ((q = strchr(val, *x->p)) == NULL || memchr(val, '<', (size_t)(q - val)))
		return hv_xr_fail(x, "unterminated attribute value");
	x->p = q + 1;
	if ((nlen == 5 || (nlen > 6 && name[5] == ':')) &&
	    memcmp(name, "xmlns", 5) == 0)
		return xp_declare(x, name, nlen, val, (size_t)(q - val));
	if (x->n_attrs == XP_ATTRS)
		return hv_xr_fail(x, "too many attributes");
	x->attrs[x->n_attrs++] = (struct xp_attr){ name, val, nlen,
	    (size_t)(q - val) };
	return 0;
}

static int
xp_start_tag(struct hv_xr *x)
{
	struct xp_el *e;

	if (x->depth == XP_DEPTH)
		return hv_xr_fail(x, "elements nested too deeply");
	if (x->depth == 0 && x->saw_root)
		return hv_xr_fail(x, "a second root element");
	x->saw_root = true;
	e = &x->el[x->depth++];
	e->qname = ++x->p;
	e->len = strcspn(e->qname, XP_WS "/>");
	e->ns_base = x->n_ns;
	x->n_attrs = 0;
	if (e->len == 0)
		return hv_xr_fail(x, "element without a name");
	x->p += e->len;
	for (;;) {
		x->p += strspn(x->p, XP_WS);
		if (*x->p == '>' || strncmp(x->p, "/>", 2) == 0)
			break;
		if (*x->p == '\0')
			return hv_xr_fail(x, "unterminated start tag");
		if (xp_attr(x) < 0)
			return -1;
	}
	if (xp_opened(x) < 0)
		return -1;
	if (*x->p == '/') {
		x->p++;
		if (xp_closed(x) < 0)
			return -1;
	}
	x->p++;
	return 0;
}

static int
xp_end_tag(struct hv_xr *x)
{
	const struct xp_el	*e;
	const char		*name = x->p + 2;
	size_t			 len = strcspn(name, XP_WS ">");

	x->p = name + len;
	x->p += strspn(x->p, XP_WS);
	if (*x->p != '>')
		return hv_xr_fail(x, "unterminated end tag");
	x->p++;
	if (x->depth == 0)
		return hv_xr_fail(x, "end tag without a start tag");
	e = &x->el[x->depth - 1];
	if (e->len != len || memcmp(e->qname, name, len) != 0)
		return hv_xr_fail(x, "end tag does not match its start tag");
	return xp_closed(x);
}

/* Skip from x->p past the first close; CDATA text may be kept. */
static int
xp_skip(struct hv_xr *x, size_t open_len, const char *close, bool is_text)
{
	const char	*body = x->p + open_len;
	const char	*stop = strstr(body, close);
	int		 rc;

	if (stop == NULL)
		return hv_xr_fail(x,
		    "unterminated comment, CDATA or declaration");
	x->p = stop + strlen(close);
	if (!is_text || x->field == NULL)
		return 0;
	rc = xp_decode(body, (size_t)(stop - body), false, x->field,
	    x->fieldsz, &x->fieldlen);
	return rc == 0 ? 0 : hv_xr_fail(x, "value too long");
}

static int
xp_markup(struct hv_xr *x)
{
	if (strncmp(x->p, "<!--", 4) == 0)
		return xp_skip(x, 4, "-->", false);
	if (strncmp(x->p, "<![CDATA[", 9) == 0)
		return xp_skip(x, 9, "]]>", true);
	if (strncmp(x->p, "<?", 2) == 0)
		return xp_skip(x, 2, "?>", false);
	if (strncmp(x->p, "<!", 2) == 0) {
		/* A DOCTYPE; an internal subset ends with "]>". */
		if (memchr(x->p, '[', strcspn(x->p, ">")) != NULL)
			return xp_skip(x, 2, "]>", false);
		return xp_skip(x, 2, ">", false);
	}
	if (x->p[1] == '/')
		return xp_end_tag(x);
	return xp_start_tag(x);
}

static int
xp_text(struct hv_xr *x)
{
	size_t	n = strcspn(x->p, "<");
	int	rc = 0;

	if (x->depth == 0 && strspn(x->p, XP_WS) < n)
		return hv_xr_fail(x, "text outside the root element");
	if (x->field != NULL)
		rc = xp_decode(x->p, n, true, x->field, x->fieldsz,
		    &x->fieldlen);
	if (rc < 0)
		return hv_xr_fail(x, "bad entity");
	if (rc > 0)
		return hv_xr_fail(x, "value too long");
	x->p += n;
	return 0;
}

void
hv_xr_trim(char *s)
{
	size_t lead = strspn(s, XP_WS), n;

	memmove(s, s + lead, strlen(s + lead) + 1);
	for (n = strlen(s); n > 0 && strchr(XP_WS, s[n - 1]) != NULL; n--)
		s[n - 1] = '\0';
}

int
hv_xr_attr(struct hv_xr *x, const char *name, char *buf, size_t bufsz)
{
	size_t	i, len = 0;
	int	rc;

	buf[0] = '\0';
	for (i = 0; i < x->n_attrs; i++)
		if (x->attrs[i].nlen == strlen(name) &&
		    memcmp(x->attrs[i].name, name, x->attrs[i].nlen) == 0)
			break;
	if (i == x->n_attrs)
		return 0;
	rc = xp_decode(x->attrs[i].val, x->attrs[i].vlen, true, buf, bufsz,
	    &len);
	if (rc < 0)
		return hv_xr_fail(x, "bad entity in an attribute");
	if (rc > 0)
		return hv_xr_fail(x, "attribute value too long");
	return 1;
}

void
hv_xr_text(struct hv_xr *x, char *buf, size_t bufsz)
{
	x->field = buf;
	x->fieldsz = bufsz;
	x->fieldlen = 0;
	x->field_depth = x->depth;
	buf[0] = '\0';
}

int
hv_xr_run(const char *xml, const struct hv_xr_ops *ops, void *ctx,
    struct mc_err *err)
{
	MC_AUTOFREE struct hv_xr *x = calloc(1, sizeof(*x));

	if (x == NULL)
		return mc_err_set(err, MC_EC_INTERNAL_ERROR, "out of memory");
	x->start = x->p = xml;
	x->end = xml + strlen(xml);
	x->ops = ops;
	x->ctx = ctx;
	x->err = err;
	while (x->p < x->end)
		if ((*x->p == '<' ? xp_markup(x) : xp_text(x)) < 0)
			return -1;
	if (!x->saw_root)
		return hv_xr_fail(x, "no root element");
	if (x->depth != 0)
		return hv_xr_fail(x, "unclosed element");
	return 0;
}
