/*
 * Tests of ctl_sg_rules and ctl_sg_perms: protocols, ports and ICMP
 * codes, CIDR blocks, names and descriptions, duplicate rules, and
 * reading IpPermissions.N, the legacy flat parameters and
 * ModifySecurityGroupRules' rule from a request.
 */
#include <limits.h>

#include "ctl_test.h"

#include "mc_err.h"
#include "ctl_query.h"
#include "ctl_sg_perms.h"
#include "ctl_sg_rules.h"

#define ACCOUNT	"123456789012"
#define SG_A	"sg-0123456789abcdef0"

static void
test_proto(void **state)
{
	static const struct {
		const char	*in;
		int		 want;		/* -2: refused */
		const char	*name;		/* as EC2 shows it */
	} cases[] = {
		{ "tcp", 6, "tcp" }, { "TCP", 6, "tcp" }, { "6", 6, "tcp" },
		{ "udp", 17, "udp" }, { "17", 17, "udp" },
		{ "icmp", 1, "icmp" }, { "Icmp", 1, "icmp" }, { "1", 1, "icmp" },
		{ "-1", -1, "-1" }, { "all", -1, "-1" }, { "ALL", -1, "-1" },
		{ "0", 0, "0" }, { "50", 50, "50" }, { "255", 255, "255" },
		{ "256", -2, NULL }, { "xyz", -2, NULL }, { "", -2, NULL },
		{ "06", -2, NULL }, { "+6", -2, NULL }, { "-2", -2, NULL },
		{ "tcp ", -2, NULL }, { "1000", -2, NULL },
	};
	char	buf[CTL_SG_PROTO_STR_MAX];
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mc_err	err = { 0 };
		int		p = -99;
		int		rc = ctl_sg_proto_parse(cases[i].in, &p, &err);

		if (cases[i].want == -2) {
			assert_int_equal(rc, -1);
			assert_int_equal(err.code, MC_EC_INVALID_PARAMETER_VALUE);
			assert_non_null(strstr(err.msg, "Unknown protocol"));
			continue;
		}
		assert_int_equal(rc, 0);
		assert_int_equal(p, cases[i].want);
		assert_string_equal(ctl_sg_proto_name(p, buf), cases[i].name);
	}
	assert_true(ctl_sg_proto_has_ports(6) && ctl_sg_proto_has_ports(1));
	assert_false(ctl_sg_proto_has_ports(-1) || ctl_sg_proto_has_ports(50));
}

static void
test_ports(void **state)
{
	static const struct {
		int		 proto;
		bool		 has_from;
		long long	 from;
		bool		 has_to;
		long long	 to;
		int		 want_from, want_to;	/* -2: refused */
	} cases[] = {
		{ 6, true, 22, true, 22, 22, 22 },
		{ 6, true, 0, true, 65535, 0, 65535 },
		{ 17, true, 1000, true, 2000, 1000, 2000 },
		{ 6, true, 23, true, 22, -2, 0 },	/* inverted */
		{ 6, true, -1, true, -1, -2, 0 },
		{ 6, true, 0, true, 65536, -2, 0 },
		{ 6, true, 22, false, 0, -2, 0 },	/* missing */
		{ 17, false, 0, false, 0, -2, 0 },
		{ 6, true, LLONG_MIN, true, 1, -2, 0 },
		{ 1, true, 8, true, 0, 8, 0 },		/* echo request */
		{ 1, true, -1, true, -1, -1, -1 },
		{ 1, true, -1, true, 5, -1, -1 },	/* all types: all codes */
		{ 1, false, 0, false, 0, -1, -1 },
		{ 1, true, 256, true, 0, -2, 0 },
		{ 1, true, 3, true, -2, -2, 0 },
		{ -1, true, 22, true, 80, -1, -1 },	/* ignored */
		{ 50, false, 0, false, 0, -1, -1 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ctl_sg_rule	r = { .proto = cases[i].proto };
		struct mc_err		err = { 0 };
		int			rc = ctl_sg_rule_ports(&r,
		    cases[i].has_from, cases[i].from, cases[i].has_to,
		    cases[i].to, &err);

		if (cases[i].want_from == -2) {
			assert_int_equal(rc, -1);
			assert_int_equal(err.code, MC_EC_INVALID_PARAMETER_VALUE);
			continue;
		}
		assert_int_equal(rc, 0);
		assert_int_equal(r.from, cases[i].want_from);
		assert_int_equal(r.to, cases[i].want_to);
	}
}

static void
test_cidr(void **state)
{
	static const struct {
		const char	*in;
		const char	*want;		/* NULL: malformed */
	} cases[] = {
		{ "0.0.0.0/0", "0.0.0.0/0" },
		{ "10.0.0.0/8", "10.0.0.0/8" },
		{ "10.0.0.5/8", "10.0.0.0/8" },	/* EC2 clears host bits */
		{ "203.0.113.7/32", "203.0.113.7/32" },
		{ "10.0.0.0/33", NULL }, { "10.0.0.0", NULL },
		{ "10.0.0/8", NULL }, { "::/0", NULL }, { "", NULL },
		{ "10.0.0.0/8 ", NULL }, { "256.0.0.0/8", NULL },
	};
	char	buf[MC_CIDR_STR_MAX];
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mc_err	err = { 0 };
		int		rc = ctl_sg_cidr_parse(cases[i].in, buf, &err);

		if (cases[i].want == NULL) {
			assert_int_equal(rc, -1);
			assert_int_equal(err.code, MC_EC_INVALID_PARAMETER_VALUE);
			assert_non_null(strstr(err.msg, "is malformed"));
		} else {
			assert_int_equal(rc, 0);
			assert_string_equal(buf, cases[i].want);
		}
	}
}

static void
test_text(void **state)
{
	char	long_name[CTL_SG_TEXT_MAX + 2];
	static const struct {
		const char	*in;
		bool		 required, ok;
	} cases[] = {
		{ "web", true, true },
		{ "My group: ssh (22) #1, @home [x]+=&;{}!$*/._-", true, true },
		{ "", true, false }, { "", false, true },
		{ "caf\xc3\xa9", true, false }, { "tab\there", true, false },
		{ "quote'", true, false }, { "a<b", true, false },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mc_err err = { 0 };

		assert_int_equal(ctl_sg_text_check("GroupName", cases[i].in,
		    cases[i].required, &err), cases[i].ok ? 0 : -1);
		assert_int_equal(err.code, cases[i].ok ? MC_EC_NONE :
		    MC_EC_INVALID_PARAMETER_VALUE);
	}
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[CTL_SG_TEXT_MAX] = '\0';
	assert_int_equal(ctl_sg_text_check("x", long_name, true, NULL), 0);
	long_name[CTL_SG_TEXT_MAX] = 'a';
	long_name[CTL_SG_TEXT_MAX + 1] = '\0';
	assert_int_equal(ctl_sg_text_check("x", long_name, true, NULL), -1);
}

static void
test_same_and_unique(void **state)
{
	struct ctl_sg_rule	v[3];
	struct mc_err		err = { 0 };
	char			text[128];

	(void)state;
	memset(v, 0, sizeof(v));
	v[0].proto = 6;
	v[0].from = v[0].to = 22;
	(void)snprintf(v[0].cidr, sizeof(v[0].cidr), "0.0.0.0/0");
	v[1] = v[0];
	(void)snprintf(v[1].description, sizeof(v[1].description), "other");
	assert_true(ctl_sg_rule_same(&v[0], &v[1]));	/* descriptions aside */
	v[1].egress = true;
	assert_false(ctl_sg_rule_same(&v[0], &v[1]));
	v[2] = v[0];
	v[2].to = 23;
	assert_false(ctl_sg_rule_same(&v[0], &v[2]));
	assert_int_equal(ctl_sg_rules_unique(v, 3, &err), 0);
	v[2] = v[0];
	assert_int_equal(ctl_sg_rules_unique(v, 3, &err), -1);
	assert_int_equal(err.code, MC_EC_INVALID_PARAMETER_VALUE);
	assert_non_null(strstr(err.msg, "must not appear multiple times"));

	ctl_sg_rule_text(&v[0], text, sizeof(text));
	assert_string_equal(text, "peer: 0.0.0.0/0, TCP, from port: 22, to "
	    "port: 22, ALLOW");
	v[0].proto = -1;
	v[0].from = v[0].to = -1;
	v[0].cidr[0] = '\0';
	(void)snprintf(v[0].ref_group, sizeof(v[0].ref_group), SG_A);
	ctl_sg_rule_text(&v[0], text, sizeof(text));
	assert_string_equal(text, "peer: " SG_A ", ALL, ALLOW");
}

/* Parse form text q as Authorize/Revoke would; returns rc, fills v. */
static int
perms(const char *form, struct ctl_sg_rule **v, size_t *n, struct mc_err *err)
{
	struct ctl_query	q;
	int			rc;

	ctl_test_query(&q, form);
	*v = NULL;
	*n = 0;
	rc = ctl_sg_perms_parse(&q, ACCOUNT, false, v, n, err);
	ctl_query_clear(&q);
	return rc;
}

static void
test_perms(void **state)
{
	struct ctl_sg_rule	*v;
	struct mc_err		 err = { 0 };
	size_t			 n;

	(void)state;
	/* One permission, two blocks and a group: three rules. */
	assert_int_equal(perms("IpPermissions.1.IpProtocol=tcp&"
	    "IpPermissions.1.FromPort=80&IpPermissions.1.ToPort=443&"
	    "IpPermissions.1.IpRanges.1.CidrIp=10.0.0.0/8&"
	    "IpPermissions.1.IpRanges.1.Description=lan&"
	    "IpPermissions.1.IpRanges.2.CidrIp=192.168.1.9/24&"
	    "IpPermissions.1.Groups.1.GroupId=" SG_A "&"
	    "IpPermissions.1.Groups.1.UserId=" ACCOUNT "&"
	    "IpPermissions.2.IpProtocol=icmp&IpPermissions.2.FromPort=8&"
	    "IpPermissions.2.ToPort=-1&"
	    "IpPermissions.2.Groups.1.GroupName=web", &v, &n, &err), 0);
	assert_int_equal(n, 4);
	assert_int_equal(v[0].proto, 6);
	assert_int_equal(v[0].from, 80);
	assert_int_equal(v[0].to, 443);
	assert_string_equal(v[0].cidr, "10.0.0.0/8");
	assert_string_equal(v[0].description, "lan");
	assert_string_equal(v[1].cidr, "192.168.1.0/24");
	assert_string_equal(v[1].description, "");
	assert_string_equal(v[2].ref_group, SG_A);
	assert_string_equal(v[2].cidr, "");
	assert_int_equal(v[3].proto, 1);
	assert_int_equal(v[3].from, 8);
	assert_int_equal(v[3].to, -1);
	assert_string_equal(v[3].ref_name, "web");
	assert_false(v[3].egress);
	free(v);

	/* The legacy spelling. */
	assert_int_equal(perms("IpProtocol=udp&FromPort=53&ToPort=53&"
	    "CidrIp=0.0.0.0/0", &v, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].proto, 17);
	assert_string_equal(v[0].cidr, "0.0.0.0/0");
	free(v);
	assert_int_equal(perms("SourceSecurityGroupName=web&"
	    "SourceSecurityGroupOwnerId=" ACCOUNT, &v, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].proto, -1);
	assert_string_equal(v[0].ref_name, "web");
	free(v);
	assert_int_equal(err.code, MC_EC_NONE);
}

static void
test_perms_bad(void **state)
{
	static const struct {
		const char	*form;
		enum mc_ec	 want;
	} cases[] = {
		{ "IpPermissions.1.IpProtocol=xyz&"
		  "IpPermissions.1.IpRanges.1.CidrIp=0.0.0.0/0",
		  MC_EC_INVALID_PARAMETER_VALUE },
		{ "IpPermissions.1.IpProtocol=tcp&IpPermissions.1.FromPort=80&"
		  "IpPermissions.1.ToPort=79&"
		  "IpPermissions.1.IpRanges.1.CidrIp=0.0.0.0/0",
		  MC_EC_INVALID_PARAMETER_VALUE },
		{ "IpPermissions.1.IpProtocol=tcp&IpPermissions.1.FromPort=80&"
		  "IpPermissions.1.ToPort=80&"
		  "IpPermissions.1.IpRanges.1.CidrIp=10.0.0.0/33",
		  MC_EC_INVALID_PARAMETER_VALUE },
		{ "IpPermissions.1.IpProtocol=tcp&IpPermissions.1.FromPort=80&"
		  "IpPermissions.1.ToPort=80", MC_EC_MISSING_PARAMETER },
		{ "IpPermissions.1.FromPort=80&IpPermissions.1.ToPort=80&"
		  "IpPermissions.1.IpRanges.1.CidrIp=0.0.0.0/0",
		  MC_EC_MISSING_PARAMETER },
		{ "IpPermissions.1.IpProtocol=-1&"
		  "IpPermissions.1.IpRanges.1.Description=x",
		  MC_EC_MISSING_PARAMETER },
		{ "IpPermissions.1.IpProtocol=-1&"
		  "IpPermissions.1.Groups.1.GroupId=sg-nothex",
		  MC_EC_INVALID_GROUP_ID_MALFORMED },
		{ "IpPermissions.1.IpProtocol=-1&"
		  "IpPermissions.1.Groups.1.UserId=" ACCOUNT,
		  MC_EC_MISSING_PARAMETER },
		{ "IpPermissions.1.IpProtocol=-1&"
		  "IpPermissions.1.Groups.1.GroupName=web&"
		  "IpPermissions.1.Groups.1.UserId=999999999999",
		  MC_EC_INVALID_GROUP_NOT_FOUND },
		{ "IpPermissions.1.IpProtocol=-1&"
		  "IpPermissions.1.Ipv6Ranges.1.CidrIpv6=::/0",
		  MC_EC_INVALID_PARAMETER_VALUE },
		{ "IpPermissions.1.IpProtocol=-1&"
		  "IpPermissions.1.IpRanges.1.CidrIp=0.0.0.0/0&"
		  "IpPermissions.1.IpRanges.1.Description=caf%C3%A9",
		  MC_EC_INVALID_PARAMETER_VALUE },
		{ "IpProtocol=tcp&FromPort=1&ToPort=2&CidrIp=0.0.0.0/0&"
		  "IpPermissions.1.IpProtocol=-1&"
		  "IpPermissions.1.IpRanges.1.CidrIp=0.0.0.0/0",
		  MC_EC_INVALID_PARAMETER_COMBINATION },
		{ "IpProtocol=tcp&FromPort=1&ToPort=2", MC_EC_MISSING_PARAMETER },
		{ "CidrIp=0.0.0.0/0", MC_EC_MISSING_PARAMETER },
	};
	struct ctl_sg_rule	*v;
	size_t			 n, i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mc_err err = { 0 };

		assert_int_equal(perms(cases[i].form, &v, &n, &err), -1);
		assert_int_equal(err.code, cases[i].want);
		assert_null(v);
	}
}

/* 61 ranges in one request is more than a group may hold. */
static void
test_perms_limit(void **state)
{
	char			 form[4096];
	struct ctl_sg_rule	*v;
	struct mc_err		 err = { 0 };
	size_t			 n, i, len;

	(void)state;
	len = (size_t)snprintf(form, sizeof(form), "IpPermissions.1."
	    "IpProtocol=-1");
	for (i = 1; i <= CTL_SG_RULES_MAX + 1; i++)
		len += (size_t)snprintf(form + len, sizeof(form) - len,
		    "&IpPermissions.1.IpRanges.%zu.CidrIp=10.0.%zu.0/24", i, i);
	assert_int_equal(perms(form, &v, &n, &err), -1);
	assert_int_equal(err.code, MC_EC_RULES_PER_SG_LIMIT_EXCEEDED);
}

static void
test_rule_spec(void **state)
{
	struct ctl_query	q;
	struct ctl_sg_rule	r;
	struct mc_err		err = { 0 };
	const char		*pfx = "SecurityGroupRule.1.SecurityGroupRule";

	(void)state;
	memset(&r, 0, sizeof(r));
	ctl_test_query(&q, "SecurityGroupRule.1.SecurityGroupRule.IpProtocol="
	    "tcp&SecurityGroupRule.1.SecurityGroupRule.FromPort=8080&"
	    "SecurityGroupRule.1.SecurityGroupRule.ToPort=8081&"
	    "SecurityGroupRule.1.SecurityGroupRule.CidrIpv4=10.1.2.3/16&"
	    "SecurityGroupRule.1.SecurityGroupRule.Description=app");
	assert_int_equal(ctl_sg_rule_spec_parse(&q, pfx, &r, &err), 0);
	assert_int_equal(r.proto, 6);
	assert_int_equal(r.from, 8080);
	assert_string_equal(r.cidr, "10.1.0.0/16");
	assert_string_equal(r.description, "app");
	ctl_query_clear(&q);

	ctl_test_query(&q, "SecurityGroupRule.1.SecurityGroupRule.IpProtocol="
	    "-1&SecurityGroupRule.1.SecurityGroupRule.CidrIpv4=10.0.0.0/8&"
	    "SecurityGroupRule.1.SecurityGroupRule.ReferencedGroupId=" SG_A);
	assert_int_equal(ctl_sg_rule_spec_parse(&q, pfx, &r, &err), -1);
	assert_int_equal(err.code, MC_EC_INVALID_PARAMETER_COMBINATION);
	ctl_query_clear(&q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_proto),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_cidr),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_same_and_unique),
		cmocka_unit_test(test_perms),
		cmocka_unit_test(test_perms_bad),
		cmocka_unit_test(test_perms_limit),
		cmocka_unit_test(test_rule_spec),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
