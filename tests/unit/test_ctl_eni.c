/*
 * Tests of how an interface gets its address: the lowest free one of
 * its subnet (after a gap or after the highest held), the one asked
 * for, and the errors: reserved, outside, taken, none left.
 */
#include <sqlite3.h>

#include "ctl_test.h"

#include "mc_err.h"
#include "mc_ipv4.h"
#include "ctl_conf.h"
#include "ctl_eni.h"
#include "ctl_vpc.h"

#define ACCOUNT	"111111111111"
#define NOW	1700000000000LL

struct fixture {
	struct ctl_test_db	 t;
	struct ctl_conf		 conf;
	struct ctl_subnet	 subnet;
	struct ctl_vpc		 vpc;
};

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof(*f));
	struct mc_cidr	 cidr;
	struct mc_err	 err = { 0 };

	f->conf.max_vpcs = 5;
	f->conf.region = "mc-1";
	ctl_test_db_open(&f->t);
	assert_true(mc_cidr_parse("10.0.0.0/16", &cidr));
	assert_int_equal(ctl_vpc_create(f->t.db, &f->conf, ACCOUNT, &cidr, false,
	    NOW, &f->vpc, &err), 0);
	assert_true(mc_cidr_parse("10.0.1.0/28", &cidr));	/* .4 to .14 */
	assert_int_equal(ctl_subnet_create(f->t.db, ACCOUNT, &f->vpc, &cidr,
	    "mc-1a", false, false, NOW, &f->subnet, &err), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	ctl_test_db_close(&f->t);
	free(f);
	return 0;
}

/* A new interface for instance id, at want ("" : the lowest free). */
static int
make(struct fixture *f, const char *id, const char *want, char *ip,
    struct mc_err *err)
{
	struct ctl_eni	e;
	uint32_t	w = 0;

	if (want[0] != '\0')
		assert_true(mc_ipv4_parse(want, &w));
	if (ctl_eni_create(f->t.db, ACCOUNT, &f->subnet, w, id, false, NOW, &e,
	    err) < 0)
		return -1;
	mc_ipv4_str(e.ip, ip);
	return 0;
}

static void
test_lowest_free(void **state)
{
	struct fixture	*f = *state;
	struct mc_err	 err = { 0 };
	char		 ip[MC_IPV4_STR_MAX];

	assert_int_equal(make(f, "i-00000000000000001", "", ip, &err), 0);
	assert_string_equal(ip, "10.0.1.4");		/* after the reserved */
	assert_int_equal(make(f, "i-00000000000000002", "", ip, &err), 0);
	assert_string_equal(ip, "10.0.1.5");
	assert_int_equal(make(f, "i-00000000000000003", "", ip, &err), 0);
	assert_string_equal(ip, "10.0.1.6");
	/* A gap is filled first. */
	assert_int_equal(ctl_eni_release_instance(f->t.db,
	    "i-00000000000000002", &err), 0);
	assert_int_equal(make(f, "i-00000000000000004", "", ip, &err), 0);
	assert_string_equal(ip, "10.0.1.5");
	/* One asked for beyond the highest leaves a gap behind it. */
	assert_int_equal(make(f, "i-00000000000000005", "10.0.1.10", ip, &err),
	    0);
	assert_int_equal(make(f, "i-00000000000000006", "", ip, &err), 0);
	assert_string_equal(ip, "10.0.1.7");
	assert_int_equal(make(f, "i-00000000000000007", "", ip, &err), 0);
	assert_int_equal(make(f, "i-00000000000000008", "", ip, &err), 0);
	assert_string_equal(ip, "10.0.1.9");
	assert_int_equal(make(f, "i-00000000000000009", "", ip, &err), 0);
	assert_string_equal(ip, "10.0.1.11");
	/* The first address released: taken again, not the next highest. */
	assert_int_equal(ctl_eni_release_instance(f->t.db,
	    "i-00000000000000001", &err), 0);
	assert_int_equal(make(f, "i-0000000000000000a", "", ip, &err), 0);
	assert_string_equal(ip, "10.0.1.4");
}

static void
test_bad_and_full(void **state)
{
	static const char *const bad[] = { "10.0.1.0", "10.0.1.3",
	    "10.0.1.15", "10.0.2.4", "10.0.1.16" };
	struct fixture	*f = *state;
	struct mc_err	 err = { 0 };
	char		 ip[MC_IPV4_STR_MAX], id[32];
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		assert_int_equal(make(f, "i-00000000000000001", bad[i], ip,
		    &err), -1);
		assert_int_equal(err.code, MC_EC_INVALID_PARAMETER_VALUE);
	}
	memset(&err, 0, sizeof(err));
	assert_int_equal(make(f, "i-00000000000000001", "10.0.1.8", ip, &err),
	    0);
	assert_int_equal(make(f, "i-00000000000000002", "10.0.1.8", ip, &err),
	    -1);
	assert_int_equal(err.code, MC_EC_INVALID_IP_ADDRESS_IN_USE);
	/* .4 to .14 are 11 addresses: 10 more fit, then none. */
	for (i = 0; i < 10; i++) {
		memset(&err, 0, sizeof(err));
		(void)snprintf(id, sizeof(id), "i-%017zx", i + 16);
		assert_int_equal(make(f, id, "", ip, &err), 0);
	}
	assert_string_equal(ip, "10.0.1.14");
	memset(&err, 0, sizeof(err));
	assert_int_equal(make(f, "i-00000000000000fff", "", ip, &err), -1);
	assert_int_equal(err.code, MC_EC_INSUFFICIENT_FREE_ADDRESSES);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lowest_free, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_and_full, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
