/*
 * Tests of mc_conf: golden files data/mc_conf/<case>.conf -> <case>.out
 * (the parsed values, or the one-line error), then flags over the file.
 */
#include <dirent.h>
#include <stddef.h>

#include "mc_test.h"

#include "mc_buf.h"
#include "mc_cleanup.h"
#include "mc_conf.h"
#include "mc_err.h"

#define DATA	"data/mc_conf"

struct tconf {
	char		*name;
	long long	 count;
	bool		 flag;
	struct mc_addr	 addr;
	struct mc_strv	 items;
};

static int
check_name(const char *v, struct mc_err *err)
{
	if (strchr(v, ' ') != NULL)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
		    "names have no spaces");
	return 0;
}

static const struct mc_conf_setting tab[] = {
	{ "name", MC_CONF_STR, "default", "a name", offsetof(struct tconf, name),
	    0, 0, check_name },
	{ "count", MC_CONF_INT, "1", "a count", offsetof(struct tconf, count),
	    0, 100, NULL },
	{ "flag", MC_CONF_BOOL, "false", "a flag", offsetof(struct tconf, flag),
	    0, 0, NULL },
	{ "addr", MC_CONF_ADDR, "127.0.0.1:1", "an address",
	    offsetof(struct tconf, addr), 0, 0, NULL },
	{ "item", MC_CONF_LIST, NULL, "items", offsetof(struct tconf, items),
	    0, 0, NULL },
};

static void
dump(const struct tconf *c, struct mc_buf *out)
{
	char	addr[80];
	size_t	i;

	mc_addr_format(&c->addr, addr, sizeof(addr));
	mc_buf_addf(out, "name=%s\ncount=%lld\nflag=%d\naddr=%s\n", c->name,
	    c->count, c->flag, addr);
	for (i = 0; i < c->items.n; i++)
		mc_buf_addf(out, "item=%s\n", c->items.v[i]);
}

static void
check_case(const char *file)
{
	struct tconf		 c;
	struct mc_err		 err = { 0 };
	struct mc_buf		 out;
	enum mc_conf_verb	 verb;
	char			 path[256], golden[256];
	char			*argv[] = { "prog", "--config", path, NULL };

	(void)snprintf(path, sizeof(path), DATA "/%s", file);
	(void)snprintf(golden, sizeof(golden), "%s", path);
	(void)snprintf(strrchr(golden, '.'), 6, ".out");
	memset(&c, 0, sizeof(c));
	mc_buf_init(&out, 0);
	if (mc_conf_load(tab, MC_NELEMS(tab), &c, 3, argv, NULL, &verb, NULL,
	    &err) < 0)
		mc_buf_addf(&out, "error: %s\n", err.msg);
	else
		dump(&c, &out);
	mc_test_golden(golden, out.data);
	mc_buf_clear(&out);
	mc_conf_clear(tab, MC_NELEMS(tab), &c);
}

static void
test_golden(void **state)
{
	DIR		*d = opendir(DATA);
	struct dirent	*e;
	size_t		 len;
	int		 n = 0;

	(void)state;
	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		len = strlen(e->d_name);
		if (len > 5 && strcmp(e->d_name + len - 5, ".conf") == 0) {
			check_case(e->d_name);
			n++;
		}
	}
	closedir(d);
	assert_true(n >= 10);
}

static void
test_flags_over_file(void **state)
{
	struct tconf		 c;
	struct mc_err		 err = { 0 };
	enum mc_conf_verb	 verb;
	int			 argi = 0;
	char			*argv[] = { "prog", "--count=9",
	    "--config", DATA "/good.conf", "--flag=false", "--item", "three",
	    "--name", "gamma", "account", "create", NULL };

	(void)state;
	memset(&c, 0, sizeof(c));
	assert_int_equal(mc_conf_load(tab, MC_NELEMS(tab), &c, 11, argv, NULL,
	    &verb, &argi, &err), 0);
	assert_int_equal(verb, MC_CONF_RUN);
	assert_int_equal(argi, 9);
	assert_string_equal(c.name, "gamma");
	assert_int_equal(c.count, 9);
	assert_false(c.flag);
	assert_int_equal(c.items.n, 3);
	assert_string_equal(c.items.v[2], "three");
	mc_conf_clear(tab, MC_NELEMS(tab), &c);
}

static void
test_flag_errors(void **state)
{
	static const struct {
		const char	*args[4];
		const char	*want;
	} cases[] = {
		{ { "--bogus", "1" }, "unknown option '--bogus' (see --help)" },
		{ { "--count" }, "option '--count' needs a value" },
		{ { "--count", "x" }, "--count: 'x' is not an integer from 0 "
		    "to 100" },
		{ { "stray" }, "unexpected argument 'stray' (see --help)" },
		{ { "--config", "/nonexistent/x.conf" }, "/nonexistent/x.conf: "
		    "cannot read config: No such file or directory" },
		{ { "--name", "a b" }, "--name: names have no spaces" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tconf		c;
		struct mc_err		err = { 0 };
		enum mc_conf_verb	verb;
		char			*argv[6] = { "prog" };
		int			argc = 1;

		while (argc <= 4 && cases[i].args[argc - 1] != NULL) {
			argv[argc] = (char *)cases[i].args[argc - 1];
			argc++;
		}
		memset(&c, 0, sizeof(c));
		assert_int_equal(mc_conf_load(tab, MC_NELEMS(tab), &c, argc,
		    argv, NULL, &verb, NULL, &err), -1);
		assert_string_equal(err.msg, cases[i].want);
		mc_conf_clear(tab, MC_NELEMS(tab), &c);
	}
}

static void
test_help_and_default_path(void **state)
{
	struct tconf		 c;
	struct mc_err		 err = { 0 };
	enum mc_conf_verb	 verb;
	char			*argv[] = { "prog", "--help", NULL };
	char			*argv2[] = { "prog", "--check-config", NULL };

	(void)state;
	memset(&c, 0, sizeof(c));
	assert_int_equal(mc_conf_load(tab, MC_NELEMS(tab), &c, 2, argv, NULL,
	    &verb, NULL, &err), 0);
	assert_int_equal(verb, MC_CONF_HELP);
	mc_conf_clear(tab, MC_NELEMS(tab), &c);
	/* A missing default file is no error; a present one is read. */
	memset(&c, 0, sizeof(c));
	assert_int_equal(mc_conf_load(tab, MC_NELEMS(tab), &c, 2, argv2,
	    "/nonexistent/default.conf", &verb, NULL, &err), 0);
	assert_int_equal(verb, MC_CONF_CHECK);
	assert_string_equal(c.name, "default");
	mc_conf_clear(tab, MC_NELEMS(tab), &c);
	memset(&c, 0, sizeof(c));
	assert_int_equal(mc_conf_load(tab, MC_NELEMS(tab), &c, 1, argv,
	    DATA "/good.conf", &verb, NULL, &err), 0);
	assert_string_equal(c.name, "alpha");
	mc_conf_clear(tab, MC_NELEMS(tab), &c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_flags_over_file),
		cmocka_unit_test(test_flag_errors),
		cmocka_unit_test(test_help_and_default_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
