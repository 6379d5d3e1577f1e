/*
 * Tests of ctl_hstate: a host's admin state from its flags and
 * instances, and a zone's state and message from its hosts.
 */
#include "mc_test.h"

#include "ctl_hosts.h"
#include "ctl_hstate.h"

static void
test_admin_table(void **state)
{
	static const struct {
		bool		 enabled, drain;
		unsigned	 n_instances;
		enum ctl_hadmin	 want;
		const char	*name;
	} cases[] = {
		{ true, false, 0, CTL_HADMIN_ENABLED, "enabled" },
		{ true, false, 3, CTL_HADMIN_ENABLED, "enabled" },
		/* enable clears drain; a stray flag does not matter */
		{ true, true, 3, CTL_HADMIN_ENABLED, "enabled" },
		{ false, false, 0, CTL_HADMIN_DISABLED, "disabled" },
		{ false, false, 2, CTL_HADMIN_DISABLED, "disabled" },
		{ false, true, 2, CTL_HADMIN_DRAINING, "draining" },
		{ false, true, 1, CTL_HADMIN_DRAINING, "draining" },
		{ false, true, 0, CTL_HADMIN_DRAINED, "drained" },
	};
	struct ctl_host	h;
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&h, 0, sizeof(h));
		h.enabled = cases[i].enabled;
		h.drain = cases[i].drain;
		h.n_instances = cases[i].n_instances;
		assert_int_equal(ctl_hstate_admin(&h), cases[i].want);
		assert_string_equal(ctl_hstate_admin_name(ctl_hstate_admin(&h)),
		    cases[i].name);
	}
	assert_string_equal(ctl_hstate_admin_name(CTL_HADMIN__MAX), "unknown");
}

/* A host of the test fleet: zone, up, enabled. */
struct fake {
	const char	*zone;
	bool		 up, enabled;
};

static void
test_zone_table(void **state)
{
	static const struct fake fleet[] = {
		{ "a", true, true }, { "a", false, true },	/* a: one ok */
		{ "b", true, false }, { "b", false, true },	/* b: up off */
		{ "c", false, true }, { "c", false, false },	/* c: down */
		{ "d", false, false },				/* d: down */
		{ "e", true, true }, { "e", true, false },
	};
	static const struct {
		const char	*zone;
		enum ctl_zstate	 want;
		const char	*name, *msg;
	} cases[] = {
		{ "a", CTL_ZSTATE_AVAILABLE, "available", "" },
		{ "b", CTL_ZSTATE_CONSTRAINED, "constrained", "b takes no new "
		    "instances: its 1 up host(s) are disabled or draining" },
		{ "c", CTL_ZSTATE_IMPAIRED, "impaired", "c is impaired: all 2 "
		    "of its hosts are down, and so are their instances" },
		{ "d", CTL_ZSTATE_IMPAIRED, "impaired", "d is impaired: all 1 "
		    "of its hosts are down, and so are their instances" },
		{ "e", CTL_ZSTATE_AVAILABLE, "available", "" },
		{ "z", CTL_ZSTATE_UNAVAILABLE, "unavailable", "z is "
		    "unavailable: it has no hosts" },
	};
	struct ctl_host	v[sizeof(fleet) / sizeof(fleet[0])];
	char		msg[160];
	size_t		i;

	(void)state;
	memset(v, 0, sizeof(v));
	for (i = 0; i < sizeof(fleet) / sizeof(fleet[0]); i++) {
		(void)snprintf(v[i].zone, sizeof(v[i].zone), "%s",
		    fleet[i].zone);
		v[i].up = fleet[i].up;
		v[i].enabled = fleet[i].enabled;
	}
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum ctl_zstate z = ctl_hstate_zone(v, sizeof(v) / sizeof(v[0]),
		    cases[i].zone, msg, sizeof(msg));

		assert_int_equal(z, cases[i].want);
		assert_string_equal(ctl_hstate_zone_name(z), cases[i].name);
		assert_string_equal(msg, cases[i].msg);
	}
	/* No hosts at all; a short buffer truncates. */
	assert_int_equal(ctl_hstate_zone(NULL, 0, "a", msg, 8),
	    CTL_ZSTATE_UNAVAILABLE);
	assert_string_equal(msg, "a is un");
	assert_string_equal(ctl_hstate_zone_name(CTL_ZSTATE__MAX), "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_admin_table),
		cmocka_unit_test(test_zone_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
