/*
 * Tests of ctl_lifecycle: EC2's state machine, cell by cell where it
 * matters.
 */
#include "mc_test.h"

#include "ctl_lifecycle.h"

#define RUN	MC_PROTO_WANT_RUNNING
#define STOP	MC_PROTO_WANT_STOPPED
#define TERM	MC_PROTO_WANT_TERMINATED

static void
test_table(void **state)
{
	static const struct {
		enum ctl_istate		from;
		enum mc_proto_want	want;
		enum ctl_ievent		ev;
		enum ctl_istate		to;
		enum mc_proto_want	to_want;
		bool			reboot;
		enum mc_ec		error;
	} cases[] = {
		{ CTL_IS_PENDING, RUN, CTL_EV_RUNNING, CTL_IS_RUNNING, RUN, false, MC_EC_NONE },
		{ CTL_IS_RUNNING, RUN, CTL_EV_STOP, CTL_IS_STOPPING, STOP, false, MC_EC_NONE },
		{ CTL_IS_STOPPING, STOP, CTL_EV_SHUTOFF, CTL_IS_STOPPED, STOP, false, MC_EC_NONE },
		{ CTL_IS_STOPPED, STOP, CTL_EV_START, CTL_IS_PENDING, RUN, false, MC_EC_NONE },
		{ CTL_IS_RUNNING, RUN, CTL_EV_REBOOT, CTL_IS_RUNNING, RUN, true, MC_EC_NONE },
		{ CTL_IS_RUNNING, RUN, CTL_EV_TERMINATE, CTL_IS_SHUTTING_DOWN, TERM, false, MC_EC_NONE },
		{ CTL_IS_SHUTTING_DOWN, TERM, CTL_EV_GONE, CTL_IS_TERMINATED, TERM, false, MC_EC_NONE },
		{ CTL_IS_RUNNING, RUN, CTL_EV_HALT_STOP, CTL_IS_STOPPED, STOP, false, MC_EC_NONE },
		{ CTL_IS_RUNNING, RUN, CTL_EV_HALT_TERMINATE, CTL_IS_SHUTTING_DOWN, TERM, false, MC_EC_NONE },
		{ CTL_IS_PENDING, RUN, CTL_EV_FAILED, CTL_IS_SHUTTING_DOWN, TERM, false, MC_EC_NONE },
		/* a launch not started yet is not a guest that halted */
		{ CTL_IS_PENDING, RUN, CTL_EV_SHUTOFF, CTL_IS_PENDING, RUN, false, MC_EC_NONE },
		/* idempotent calls */
		{ CTL_IS_STOPPED, STOP, CTL_EV_STOP, CTL_IS_STOPPED, STOP, false, MC_EC_NONE },
		{ CTL_IS_RUNNING, RUN, CTL_EV_START, CTL_IS_RUNNING, RUN, false, MC_EC_NONE },
		{ CTL_IS_TERMINATED, TERM, CTL_EV_TERMINATE, CTL_IS_TERMINATED, TERM, false, MC_EC_NONE },
		/* refused */
		{ CTL_IS_TERMINATED, TERM, CTL_EV_START, CTL_IS_TERMINATED, TERM, false, MC_EC_INCORRECT_INSTANCE_STATE },
		{ CTL_IS_STOPPING, STOP, CTL_EV_START, CTL_IS_STOPPING, STOP, false, MC_EC_INCORRECT_INSTANCE_STATE },
		{ CTL_IS_STOPPED, STOP, CTL_EV_REBOOT, CTL_IS_STOPPED, STOP, false, MC_EC_INCORRECT_INSTANCE_STATE },
		{ CTL_IS_SHUTTING_DOWN, TERM, CTL_EV_STOP, CTL_IS_SHUTTING_DOWN, TERM, false, MC_EC_INCORRECT_INSTANCE_STATE },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ctl_step s;

		ctl_lifecycle_step(cases[i].from, cases[i].want, cases[i].ev,
		    &s);
		if (s.state != cases[i].to || s.want != cases[i].to_want ||
		    s.reboot != cases[i].reboot || s.error != cases[i].error)
			fail_msg("case %zu: got %s/%d reboot %d error %d", i,
			    ctl_istate_name(s.state), s.want, s.reboot, s.error);
	}
}

static void
test_names(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < CTL_IS__MAX; i++)
		assert_int_equal(ctl_istate_parse(ctl_istate_name(
		    (enum ctl_istate)i)), i);
	assert_int_equal(ctl_istate_code(CTL_IS_STOPPED), 80);
	assert_int_equal(ctl_istate_code(CTL_IS_SHUTTING_DOWN), 32);
	assert_int_equal(ctl_istate_parse("flying"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
