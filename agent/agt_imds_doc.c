/*
 * agt_imds_doc: the instance identity document, JSON made with json-c,
 * in the order and with the nulls EC2 uses.  cloud-init takes the
 * instance id, region and zone from it.  It is not signed: we list no
 * pkcs7 or signature next to it.
 */
#include <stddef.h>
#include <time.h>

#include <json-c/json.h>

#include "mc_cleanup.h"
#include "agt_imds_priv.h"

#define ARCH		"x86_64"
#define VERSION		"2017-09-30"
#define FIELD(m)	(offsetof(struct agt_imds_inst, m) + 1)

enum doc_kind {
	DOC_NULL,	/* always null: product codes we never have */
	DOC_FIELD,	/* the member's string; null when "" */
	DOC_TEXT,	/* a constant, or the default of an empty member */
	DOC_TIME,	/* pendingTime */
};

static const struct {
	const char	*key;
	enum doc_kind	 kind;
	size_t		 field;		/* FIELD(member), 0: none */
	const char	*text;
} rows[] = {
	{ "accountId",			DOC_FIELD, FIELD(account), NULL },
	{ "architecture",		DOC_FIELD, FIELD(architecture), ARCH },
	{ "availabilityZone",		DOC_FIELD, FIELD(zone), NULL },
	{ "billingProducts",		DOC_NULL, 0, NULL },
	{ "devpayProductCodes",		DOC_NULL, 0, NULL },
	{ "marketplaceProductCodes",	DOC_NULL, 0, NULL },
	{ "imageId",			DOC_FIELD, FIELD(image_id), NULL },
	{ "instanceId",			DOC_FIELD, FIELD(id), NULL },
	{ "instanceType",		DOC_FIELD, FIELD(type), NULL },
	{ "kernelId",			DOC_FIELD, FIELD(kernel_id), NULL },
	{ "pendingTime",		DOC_TIME, 0, NULL },
	{ "privateIp",			DOC_FIELD, FIELD(private_ip), NULL },
	{ "ramdiskId",			DOC_FIELD, FIELD(ramdisk_id), NULL },
	{ "region",			DOC_FIELD, FIELD(region), NULL },
	{ "version",			DOC_TEXT, 0, VERSION },
};

/* "2026-11-22T13:00:00Z", as EC2 writes pendingTime (no fraction). */
static void
format_time(int64_t ms, char *buf, size_t bufsz)
{
	time_t		t = (time_t)(ms / 1000);
	struct tm	tm;

	buf[0] = '\0';
	if (gmtime_r(&t, &tm) != NULL)
		(void)strftime(buf, bufsz, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The value of row i for in (NULL: JSON null); when may hold the time. */
static const char *
row_value(const struct agt_imds_inst *in, size_t i, char *when,
    size_t whensz)
{
	const char *s;

	switch (rows[i].kind) {
	case DOC_FIELD:
		s = (const char *)in + rows[i].field - 1;
		return s[0] != '\0' ? s : rows[i].text;
	case DOC_TEXT:
		return rows[i].text;
	case DOC_TIME:
		format_time(in->pending_time_ms, when, whensz);
		return when[0] != '\0' ? when : NULL;
	case DOC_NULL:
		break;
	}
	return NULL;
}

void
agt_imds_doc_write(const struct agt_imds_inst *in, struct mc_buf *out)
{
	json_object	*o = json_object_new_object(), *v;
	const char	*s;
	char		 when[32];
	size_t		 i;

	for (i = 0; o != NULL && i < MC_NELEMS(rows); i++) {
		s = row_value(in, i, when, sizeof(when));
		v = s != NULL ? json_object_new_string(s) : NULL;
		if ((s != NULL && v == NULL) ||
		    json_object_object_add(o, rows[i].key, v) < 0) {
			json_object_put(v);
			out->failed = true;
		}
	}
	if (o == NULL) {
		out->failed = true;
		return;
	}
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
	    JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
	if (s != NULL)
		mc_buf_adds(out, s);
	else
		out->failed = true;
	(void)json_object_put(o);
}
