/*
 * Tests of ctl_xml: escaping of everything XML 1.0 cannot carry, and
 * the structure checks of the writer.
 */
#include "mc_test.h"

#include "mc_buf.h"
#include "ctl_xml.h"

static void
test_escape_table(void **state)
{
	static const struct {
		const char	*in, *want;
	} cases[] = {
		{ "plain", "plain" },
		{ "", "" },
		{ "a&b<c>d\"e'f", "a&amp;b&lt;c&gt;d&quot;e&apos;f" },
		{ "]]>", "]]&gt;" },
		{ "tab\tnl\ncr\r", "tab\tnl\ncr&#13;" },
		{ "nul?\x01\x1f\x7f", "nul?\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ "caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80",
		    "caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80" },
		/* ill-formed UTF-8: lone continuation, truncated, overlong */
		{ "\x80", "\xef\xbf\xbd" },
		{ "a\xc3", "a\xef\xbf\xbd" },
		{ "\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd" },
		{ "\xef\xbf\xbe", "\xef\xbf\xbd" },	/* U+FFFE */
		{ "\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mc_buf b;

		mc_buf_init(&b, 0);
		ctl_xml_escape(&b, cases[i].in);
		if (strcmp(b.data != NULL ? b.data : "", cases[i].want) != 0)
			fail_msg("case %zu: got '%s'", i, b.data);
		mc_buf_clear(&b);
	}
}

static void
test_document(void **state)
{
	struct ctl_xml	 x;
	char		*doc;
	size_t		 len;

	(void)state;
	ctl_xml_init(&x, 0);
	ctl_xml_prolog(&x);
	ctl_xml_open_ns(&x, "DescribeThingsResponse", "urn:x&y");
	ctl_xml_str(&x, "requestId", "r-1");
	ctl_xml_open(&x, "thingSet");
	ctl_xml_open(&x, "item");
	ctl_xml_int(&x, "size", -42);
	ctl_xml_bool(&x, "ok", true);
	ctl_xml_bool(&x, "bad", false);
	ctl_xml_time(&x, "at", 1795784400123LL);
	ctl_xml_str(&x, "skipped", NULL);
	ctl_xml_close(&x);
	ctl_xml_close(&x);
	ctl_xml_empty(&x, "emptySet");
	ctl_xml_close(&x);
	doc = ctl_xml_steal(&x, &len);
	assert_non_null(doc);
	assert_string_equal(doc, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<DescribeThingsResponse xmlns=\"urn:x&amp;y\">"
	    "<requestId>r-1</requestId><thingSet><item><size>-42</size>"
	    "<ok>true</ok><bad>false</bad>"
	    "<at>2026-11-27T13:00:00.123Z</at></item></thingSet>"
	    "<emptySet/></DescribeThingsResponse>");
	assert_int_equal(len, strlen(doc));
	free(doc);
}

static void
test_misuse_fails(void **state)
{
	struct ctl_xml	x;
	int		i;

	(void)state;
	/* Left open. */
	ctl_xml_init(&x, 0);
	ctl_xml_open(&x, "a");
	assert_null(ctl_xml_steal(&x, NULL));
	/* Closed once too often. */
	ctl_xml_init(&x, 0);
	ctl_xml_close(&x);
	assert_null(ctl_xml_steal(&x, NULL));
	/* Too deep. */
	ctl_xml_init(&x, 0);
	for (i = 0; i <= CTL_XML_DEPTH; i++)
		ctl_xml_open(&x, "d");
	for (i = 0; i <= CTL_XML_DEPTH; i++)
		ctl_xml_close(&x);
	assert_null(ctl_xml_steal(&x, NULL));
	/* Over the size limit. */
	ctl_xml_init(&x, 16);
	ctl_xml_str(&x, "a", "0123456789abcdef");
	assert_null(ctl_xml_steal(&x, NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_table),
		cmocka_unit_test(test_document),
		cmocka_unit_test(test_misuse_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
