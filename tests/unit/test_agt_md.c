/*
 * Tests of agt_md: the metadata table finds an instance by VPC and
 * address only, copies what it gives out, and keeps the old table when
 * a new one cannot be made.
 */
#include <arpa/inet.h>

#include "mc_test.h"

#include "mc_err.h"
#include "agt_imds.h"
#include "agt_md.h"

static void
inst(struct mc_proto_inst *w, const char *id, const char *vpc,
    const char *ip, enum mc_proto_want want)
{
	memset(w, 0, sizeof(*w));
	strcpy(w->id, id);
	strcpy(w->account, "123456789012");
	strcpy(w->image.id, "ami-0123456789abcdef0");
	strcpy(w->type, "t3.micro");
	strcpy(w->zone, "mc-1a");
	w->want = want;
	strcpy(w->nic.eni, "eni-0123456789abcdef0");
	strcpy(w->nic.vpc, vpc);
	strcpy(w->nic.ip, ip);
	strcpy(w->nic.mac, "02:00:00:00:00:01");
	strcpy(w->nic.dns_name, "ip-10-0-1-4.mc-1.compute.internal");
	strcpy(w->md.tokens, "required");
	strcpy(w->md.endpoint, "enabled");
	w->md.hop_limit = 3;
}

static struct in_addr
addr(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static void
test_lookup(void **state)
{
	static unsigned char	 ud[] = "#!/bin/sh\n";
	struct mc_proto_tag	 tag = { "Name", "web" };
	struct mc_proto_inst	 v[4];
	struct mc_proto_sg	 sg = { "sg-0000000000000000a", "web",
	    "vpc-0000000000000000a", NULL, 0, NULL, 0 };
	struct mc_proto_desired	 d = { .generation = 1, .stop_timeout_s = 5,
	    .region = "mc-1", .v = v, .n = 4, .groups = &sg, .n_groups = 1 };
	struct agt_imds_inst	 got;
	struct agt_md		*m = agt_md_new();
	struct mc_err		 err = { 0 };

	(void)state;
	assert_non_null(m);
	inst(&v[0], "i-0000000000000000a", "vpc-0000000000000000a", "10.0.1.4",
	    MC_PROTO_WANT_RUNNING);
	v[0].md.user_data = ud;
	v[0].md.user_data_len = sizeof(ud) - 1;
	v[0].md.has_user_data = true;
	v[0].md.key_openssh = "ssh-ed25519 AAAA k";
	v[0].md.tags = &tag;
	v[0].md.n_tags = 1;
	strcpy(v[0].nic.groups.v[0], sg.id);
	v[0].nic.groups.n = 1;
	/* The same address in another VPC is another instance. */
	inst(&v[1], "i-0000000000000000b", "vpc-0000000000000000b", "10.0.1.4",
	    MC_PROTO_WANT_STOPPED);
	inst(&v[2], "i-0000000000000000c", "vpc-0000000000000000a", "10.0.1.5",
	    MC_PROTO_WANT_TERMINATED);
	inst(&v[3], "i-0000000000000000d", "vpc-0000000000000000a", "10.0.1.6",
	    MC_PROTO_WANT_RUNNING);
	v[3].nic.eni[0] = '\0';		/* no interface: not served */
	assert_int_equal(agt_md_set(m, &d, &err), 0);

	assert_int_equal(agt_md_lookup(m, "vpc-0000000000000000a",
	    addr("10.0.1.4"), &got), 0);
	assert_string_equal(got.id, "i-0000000000000000a");
	assert_string_equal(got.region, "mc-1");
	assert_true(got.http_tokens_required);
	assert_int_equal(got.hop_limit, 3);
	assert_true(got.has_user_data);
	assert_memory_equal(got.user_data, ud, sizeof(ud) - 1);
	assert_string_equal(got.key_openssh, "ssh-ed25519 AAAA k");
	assert_int_equal(got.n_tags, 1);
	assert_string_equal(got.tag_values[0], "web");
	assert_ptr_not_equal(got.key_openssh, v[0].md.key_openssh);
	assert_int_equal(got.n_sgs, 1);			/* its group's name */
	assert_string_equal(got.sg_ids[0], "sg-0000000000000000a");
	assert_string_equal(got.sg_names[0], "web");
	agt_imds_inst_clear(&got);

	assert_int_equal(agt_md_lookup(m, "vpc-0000000000000000b",
	    addr("10.0.1.4"), &got), 0);
	assert_string_equal(got.id, "i-0000000000000000b");
	agt_imds_inst_clear(&got);
	assert_int_equal(agt_md_lookup(m, "vpc-0000000000000000a",
	    addr("10.0.1.5"), &got), -1);	/* being terminated */
	assert_int_equal(agt_md_lookup(m, "vpc-0000000000000000a",
	    addr("10.0.1.6"), &got), -1);	/* no interface */
	assert_int_equal(agt_md_lookup(m, "vpc-0000000000000000c",
	    addr("10.0.1.4"), &got), -1);

	d.n = 0;			/* everything gone */
	assert_int_equal(agt_md_set(m, &d, &err), 0);
	assert_int_equal(agt_md_lookup(m, "vpc-0000000000000000a",
	    addr("10.0.1.4"), &got), -1);
	agt_md_free(m);
	agt_md_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
