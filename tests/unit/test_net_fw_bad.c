/*
 * Tests of net_fw refusing, as root on the real kernel, in scratch
 * namespaces "mcut-<pid>-...": bad models refused with a clear message
 * and the table as it was, one mutation of the golden model each; and a
 * kernel refusal reported and healed by the next apply.
 * Fixtures: net_fw_test.h.
 */
#include <errno.h>
#include <stdlib.h>

#include "net_fw_test.h"

#include "mc_cleanup.h"
#include "net_nft.h"

static void
bad_tap_long(struct model *mb)
{
	memset(mb->ports[0].tap, 'a', sizeof(mb->ports[0].tap));
}

static void
bad_tap_char(struct model *mb)
{
	(void)snprintf(mb->ports[0].tap, NET_NAME_LINK_MAX, "ta p");
}

static void
bad_tap_twice(struct model *mb)
{
	mb->ports[1] = mb->ports[0];
}

static void
bad_tap_is_group(struct model *mb)
{
	(void)snprintf(mb->ports[0].tap, NET_NAME_LINK_MAX, "sg-web");
}

static void
bad_port_groups(struct model *mb)
{
	mb->ports[0].n_groups = NET_FW_PORT_GROUPS + 1;
}

static void
bad_port_group_empty(struct model *mb)
{
	mb->ports[1].groups[1][0] = '\0';
}

static void
bad_port_group_unknown(struct model *mb)
{
	(void)snprintf(mb->ports[1].groups[1], NET_FW_ID_MAX, "sg-nope");
}

static void
bad_group_id_long(struct model *mb)
{
	memset(mb->groups[WEB].id, 'g', NET_FW_ID_MAX);
}

static void
bad_group_twice(struct model *mb)
{
	(void)snprintf(mb->groups[WEB].id, NET_FW_ID_MAX, "sg-ssh");
}

static void
bad_rule_ref(struct model *mb)
{
	(void)snprintf(mb->rules[WEB][NET_FW_IN][3].group, NET_FW_ID_MAX,
	    "sg-nope");
}

static void
bad_rule_id_empty(struct model *mb)
{
	mb->rules[SSH][NET_FW_OUT][0].id[0] = '\0';
}

static void
bad_rule_id_char(struct model *mb)
{
	(void)snprintf(mb->rules[SSH][NET_FW_OUT][1].id, NET_FW_ID_MAX,
	    "sgr x");
}

static void
bad_group_id_digit(struct model *mb)
{
	(void)snprintf(mb->groups[SSH].id, NET_FW_ID_MAX, "1sg");
}

static void
bad_too_many_rules(struct model *mb)
{
	static struct net_fw_rule many[NET_FW_GROUP_RULES + 1];
	size_t i;

	for (i = 0; i < MC_NELEMS(many); i++)
		many[i] = (struct net_fw_rule){ "sgr-many", -1, -1, -1, 0, 0,
		    "" };
	mb->groups[SSH].rules[NET_FW_OUT] = many;
	mb->groups[SSH].n_rules[NET_FW_OUT] = MC_NELEMS(many);
}

static void
bad_rules_null(struct model *mb)
{
	mb->groups[SSH].rules[NET_FW_IN] = NULL;
}

static void
bad_members_null(struct model *mb)
{
	mb->groups[SSH].members = NULL;
}

static void
bad_prefix(struct model *mb)
{
	mb->rules[WEB][NET_FW_IN][1].prefix_len = 33;
}

static void
bad_host_bits(struct model *mb)
{
	mb->rules[WEB][NET_FW_IN][1].net = IP4(10, 0, 0, 1);
}

static void
bad_proto_high(struct model *mb)
{
	mb->rules[WEB][NET_FW_IN][3].proto = 256;
}

static void
bad_proto_low(struct model *mb)
{
	mb->rules[WEB][NET_FW_IN][3].proto = -2;
}

static void
bad_port_range(struct model *mb)
{
	mb->rules[WEB][NET_FW_IN][0].from = 8081;
}

static void
bad_port_high(struct model *mb)
{
	mb->rules[WEB][NET_FW_IN][0].to = 65536;
}

static void
bad_port_half(struct model *mb)
{
	mb->rules[WEB][NET_FW_IN][0].from = -1;
}

static void
bad_icmp_type(struct model *mb)
{
	mb->rules[WEB][NET_FW_IN][2].from = 256;
}

static void
bad_icmp_code(struct model *mb)
{
	mb->rules[WEB][NET_FW_IN][2].to = -2;
}

static void
bad_ports_null(struct model *mb)
{
	mb->m.ports = NULL;
}

/* Bad models: refused with a clear message, the table untouched. */
static void
test_bad_models(void **state)
{
	static const struct {
		void		(*mutate)(struct model *);
		const char	*want;
	} cases[] = {
		{ bad_tap_long,		"invalid tap name" },
		{ bad_tap_char,		"invalid tap name \"ta p\"" },
		{ bad_tap_twice,	"port tapb given twice" },
		{ bad_tap_is_group,	"port sg-web has the name of a group" },
		{ bad_port_groups,	"port tapb: 6 groups, at most 5" },
		{ bad_port_group_empty,	"empty group id" },
		{ bad_port_group_unknown, "port tapa: group sg-nope is not" },
		{ bad_group_id_long,	"group id \"gggggggggggggggg...\" is "
					"longer than 31" },
		{ bad_group_twice,	"group sg-ssh given twice" },
		{ bad_rule_ref,		"rule sgr-web4 of group sg-web: group "
					"sg-nope is not in the model" },
		{ bad_rule_id_empty,	"empty rule id" },
		{ bad_rule_id_char,	"invalid rule id \"sgr x\"" },
		{ bad_group_id_digit,	"invalid group id \"1sg\"" },
		{ bad_too_many_rules,	"group sg-ssh: 61 egress rules, at "
					"most 60" },
		{ bad_rules_null,	"group sg-ssh: no ingress rules" },
		{ bad_members_null,	"group sg-ssh: no members given" },
		{ bad_prefix,		"rule sgr-web2: prefix length 33" },
		{ bad_host_bits,	"10.0.0.1/8 has host bits set" },
		{ bad_proto_high,	"rule sgr-web4: invalid protocol 256" },
		{ bad_proto_low,	"invalid protocol -2" },
		{ bad_port_range,	"sgr-web1: invalid port range "
					"8081-8080" },
		{ bad_port_high,	"invalid port range 8000-65536" },
		{ bad_port_half,	"invalid port range -1-8080" },
		{ bad_icmp_type,	"sgr-web3: invalid icmp type 256" },
		{ bad_icmp_code,	"invalid icmp type 8 code -2" },
		{ bad_ports_null,	"no ports or groups given" },
	};
	struct fixture	*f = *state;
	struct model	 mb;
	struct net_fw	*fw = fw_new(f->ns);
	MC_AUTOFREE char *before = NULL;
	size_t		 i;

	model_init(&mb);
	apply_ok(fw, &mb);
	before = listing(f->ns);
	for (i = 0; i < MC_NELEMS(cases); i++) {
		struct mc_err	 err = { 0 };
		char		*now;

		model_init(&mb);
		cases[i].mutate(&mb);
		assert_int_equal(net_fw_apply(fw, &mb.m, &err), -1);
		assert_int_equal(err.code, MC_EC_INVALID_PARAMETER_VALUE);
		if (strstr(err.msg, cases[i].want) == NULL)
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err.msg,
			    cases[i].want);
		now = listing(f->ns);
		assert_string_equal(now, before);
		free(now);
	}
	assert_int_equal(net_fw_apply(fw, NULL, NULL), -1);
	/*
	 * A failure forgets: the next apply starts from the kernel's table,
	 * which already is this model, so nothing is sent.
	 */
	model_init(&mb);
	apply_ok(fw, &mb);
	stats_are(fw, false, 0, 0);
	net_fw_free(fw);
}

/* The kernel refuses (the table changed behind our back): named, healed. */
static void
test_kernel_refusal(void **state)
{
	struct fixture	*f = *state;
	struct model	 mb;
	struct net_fw	*fw = fw_new(f->ns);
	struct mc_err	 err = { 0 };
	MC_AUTOFREE char *before = NULL, *after = NULL;

	model_init(&mb);
	apply_ok(fw, &mb);
	NT_OK(net_nft_apply(f->ns, "delete element inet " TABLE " m-sg-web "
	    "{ 10.0.1.10 }\n", &err), err);
	before = listing(f->ns);
	/* Also a rule change, so that the batch has more to undo. */
	mb.rules[SSH][NET_FW_IN][2].proto = 58;
	mb.groups[WEB].n_members = 0;
	assert_int_equal(net_fw_apply(fw, &mb.m, &err), -1);
	assert_int_equal(err.sys_errno, ENOENT);
	if (strstr(err.msg, "the kernel refused message ") == NULL ||
	    strstr(err.msg, ", delete elements from m-sg-web: No such file "
	    "or directory") == NULL || strstr(err.msg, "firewall table "
	    TABLE " in mcut-") == NULL)
		fail_msg("%s", err.msg);
	after = listing(f->ns);
	assert_string_equal(after, before);
	apply_ok(fw, &mb);
	stats_are(fw, true, 12, 12);
	same_as_whole(f, &mb);
	net_fw_free(fw);
}

int
main(void)
{
#define T(fn)	cmocka_unit_test_setup_teardown(fn, fw_setup, fw_teardown)
	const struct CMUnitTest tests[] = {
		T(test_bad_models),
		T(test_kernel_refusal),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
