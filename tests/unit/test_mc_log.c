/*
 * Tests of mc_log: quoting of values and the shape of a line (read back
 * through a pipe on stderr).
 */
#include <fcntl.h>
#include <unistd.h>

#include "mc_test.h"

#include "mc_log.h"

static void
test_quote_table(void **state)
{
	static const struct {
		const char	*in, *want;
	} cases[] = {
		{ "plain", "plain" },
		{ "", "\"\"" },
		{ "two words", "\"two words\"" },
		{ "a=b", "\"a=b\"" },
		{ "say \"hi\"", "\"say \\\"hi\\\"\"" },
		{ "back\\slash", "\"back\\\\slash\"" },
		{ "line\nbreak", "\"line\\nbreak\"" },
		{ "bell\x07", "\"bell\\x07\"" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[64];

		mc_log_quote(cases[i].in, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].want);
	}
}

static void
test_quote_truncates_safely(void **state)
{
	char buf[8];

	(void)state;
	mc_log_quote("a b c d e f g h", buf, sizeof(buf));
	assert_int_equal(buf[0], '"');
	assert_int_equal(buf[strlen(buf) - 1], '"');
	assert_true(strlen(buf) < sizeof(buf));
}

static void
test_line(void **state)
{
	int	 p[2], saved;
	char	 line[512];
	ssize_t	 n;

	(void)state;
	assert_int_equal(pipe(p), 0);
	saved = dup(STDERR_FILENO);
	assert_true(dup2(p[1], STDERR_FILENO) >= 0);
	mc_log_set_level(MC_LOG_INFO);
	mc_log_set_req("req-1");
	mc_log(MC_LOG_DEBUG, "dropped", NULL);
	mc_log(MC_LOG_INFO, "api request", "action=%s status=%d ms=%lld n=%zu "
	    "pct=100%% who=%s", "Describe Things", 200, 12LL, (size_t)3, "");
	mc_log_set_req(NULL);
	assert_true(dup2(saved, STDERR_FILENO) >= 0);
	close(saved);
	close(p[1]);
	n = read(p[0], line, sizeof(line) - 1);
	close(p[0]);
	assert_true(n > 0);
	line[n] = '\0';
	assert_int_equal(strncmp(line, "ts=", 3), 0);
	assert_non_null(strstr(line, " level=info msg=\"api request\" "
	    "req=req-1 action=\"Describe Things\" status=200 ms=12 n=3 "
	    "pct=100% who=\"\"\n"));
	assert_null(strstr(line, "dropped"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quote_table),
		cmocka_unit_test(test_quote_truncates_safely),
		cmocka_unit_test(test_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
