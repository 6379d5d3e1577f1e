/*
 * Tests of mc_proto: each message survives encode then decode, and the
 * decoders refuse what the other side must not send.
 */
#include "mc_test.h"

#include "mc_err.h"
#include "mc_proto.h"

/*
 * A desired state for the tests' tables of documents: one instance,
 * i-0123456789abcdef0 in state st, with more fields of its own (inst)
 * and of the document (doc), each "" or ", ...".
 */
#define DESIRED(st, inst, doc) "{\"generation\": 1, \"stop_timeout_s\": 5, " \
	"\"instances\": [{\"id\": \"i-0123456789abcdef0\", " \
	"\"account\": \"123456789012\", \"reservation\": " \
	"\"r-0123456789abcdef0\", \"type\": \"t3.micro\", \"vcpus\": 1, " \
	"\"mem_mib\": 512, \"image\": {\"id\": \"ami-0123456789abcdef0\", " \
	"\"format\": \"raw\", \"sha256\": \"" \
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\", " \
	"\"size\": 1}, \"want\": \"running\", \"state\": \"" st "\"" inst \
	"}]" doc "}"
/* The instance's interface, with more of its fields ("" or ", ..."). */
#define NIC(ip, mac, cidr, more) ", \"nic\": {\"eni\": " \
	"\"eni-0123456789abcdef0\", \"mac\": \"" mac "\", \"vpc\": " \
	"\"vpc-0123456789abcdef0\", \"subnet\": " \
	"\"subnet-0123456789abcdef0\", \"vni\": 1, \"ip\": \"" ip "\", " \
	"\"subnet_cidr\": \"" cidr "\", \"vpc_cidr\": \"10.0.0.0/16\", " \
	"\"dns_name\": \"ip-10-0-1-4.x\"" more "}"

static void
test_host_round_trip(void **state)
{
	struct mc_proto_host	h = { "host-1", "mc-1a", 2, 23000, 80, "tcg",
	    "no vmx/svm in /proc/cpuinfo", "0.3", "198.18.0.11" }, back;
	struct mc_err		err = { 0 };
	char			*json = mc_proto_host_json(&h);

	(void)state;
	assert_non_null(json);
	assert_int_equal(mc_proto_host_parse(json, strlen(json), &back, &err),
	    0);
	assert_string_equal(back.name, "host-1");
	assert_int_equal(back.mem_mib, 23000);
	assert_string_equal(back.accel_why, "no vmx/svm in /proc/cpuinfo");
	assert_string_equal(back.underlay, "198.18.0.11");
	free(json);
}

static void
test_desired_round_trip(void **state)
{
	struct mc_proto_inst	w;
	struct mc_proto_desired	d = { .generation = 7, .stop_timeout_s = 60,
	    .region = "mc-1", .v = &w, .n = 1 }, back;
	struct mc_err		err = { 0 };
	char			*json;

	(void)state;
	memset(&w, 0, sizeof(w));
	strcpy(w.id, "i-0123456789abcdef0");
	strcpy(w.account, "123456789012");
	strcpy(w.reservation, "r-0123456789abcdef0");
	strcpy(w.type, "t3.micro");
	w.vcpus = 2;
	w.mem_mib = 1024;
	strcpy(w.image.id, "ami-0123456789abcdef0");
	strcpy(w.image.format, "qcow2");
	memset(w.image.sha256, 'a', 64);
	w.image.size = 12345;
	w.want = MC_PROTO_WANT_STOPPED;
	strcpy(w.state, "stopping");
	w.force = true;
	w.reboot_seq = 3;
	json = mc_proto_desired_json(&d);
	assert_non_null(json);
	assert_null(strstr(json, "\"kernel\""));	/* empty: left out */
	assert_int_equal(mc_proto_desired_parse(json, strlen(json), &back,
	    &err), 0);
	assert_int_equal(back.generation, 7);
	assert_int_equal(back.n, 1);
	assert_string_equal(back.v[0].id, w.id);
	assert_int_equal(back.v[0].want, MC_PROTO_WANT_STOPPED);
	assert_true(back.v[0].force);
	assert_int_equal(back.v[0].reboot_seq, 3);
	assert_int_equal(back.v[0].image.size, 12345);
	assert_string_equal(back.v[0].kernel.id, "");
	assert_string_equal(back.region, "mc-1");
	assert_string_equal(back.v[0].nic.eni, "");	/* none */
	mc_proto_desired_clear(&back);
	free(json);
}

/* The interface and the metadata, with the memory md owns. */
static void
test_desired_network_round_trip(void **state)
{
	struct mc_proto_tag	tags[2] = { { "Name", "web" }, { "k", "" } };
	unsigned char		ud[] = { '#', '!', 0, 0xff, '\n' };
	struct mc_proto_inst	w;
	struct mc_proto_desired	d = { .generation = 1, .stop_timeout_s = 60,
	    .region = "mc-1", .v = &w, .n = 1 }, back;
	struct mc_proto_md	*md = &w.md;
	struct mc_proto_nic	*n = &w.nic;
	struct mc_err		err = { 0 };
	char			*json;

	(void)state;
	memset(&w, 0, sizeof(w));
	strcpy(w.id, "i-0123456789abcdef0");
	strcpy(w.account, "123456789012");
	strcpy(w.reservation, "r-0123456789abcdef0");
	strcpy(w.type, "t3.micro");
	w.vcpus = 2;
	w.mem_mib = 1024;
	strcpy(w.image.id, "ami-0123456789abcdef0");
	strcpy(w.image.format, "qcow2");
	memset(w.image.sha256, 'a', 64);
	strcpy(w.state, "pending");
	strcpy(w.zone, "mc-1a");
	strcpy(n->eni, "eni-0123456789abcdef0");
	strcpy(n->mac, "02:ab:cd:ef:01:23");
	strcpy(n->vpc, "vpc-0123456789abcdef0");
	strcpy(n->subnet, "subnet-0123456789abcdef0");
	n->vni = 7;
	strcpy(n->ip, "10.0.1.4");
	strcpy(n->subnet_cidr, "10.0.1.0/24");
	strcpy(n->vpc_cidr, "10.0.0.0/16");
	strcpy(n->dns_name, "ip-10-0-1-4.mc-1.compute.internal");
	md->launch_index = 2;
	md->launch_ms = 1790000000000ULL;
	strcpy(md->key_name, "mykey");
	md->key_openssh = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG mykey";
	md->user_data = ud;
	md->user_data_len = sizeof(ud);
	md->has_user_data = true;
	strcpy(md->tokens, "required");
	md->hop_limit = 2;
	strcpy(md->endpoint, "enabled");
	md->instance_tags = true;
	md->tags = tags;
	md->n_tags = 2;
	json = mc_proto_desired_json(&d);
	assert_non_null(json);
	assert_int_equal(mc_proto_desired_parse(json, strlen(json), &back,
	    &err), 0);
	assert_string_equal(back.v[0].nic.mac, n->mac);
	assert_string_equal(back.v[0].nic.public_ip, "");
	assert_int_equal(back.v[0].nic.vni, 7);
	assert_string_equal(back.v[0].md.key_openssh, md->key_openssh);
	assert_true(back.v[0].md.has_user_data);
	assert_int_equal(back.v[0].md.user_data_len, sizeof(ud));
	assert_memory_equal(back.v[0].md.user_data, ud, sizeof(ud));
	assert_int_equal(back.v[0].md.n_tags, 2);
	assert_string_equal(back.v[0].md.tags[1].value, "");
	assert_int_equal(back.v[0].md.hop_limit, 2);
	assert_true(back.v[0].md.instance_tags);
	mc_proto_desired_clear(&back);
	free(json);
}

/* Broken interfaces and metadata are refused, and leak nothing. */
static void
test_desired_bad_network(void **state)
{
#define INST(extra) DESIRED("pending", extra, "")
#define MD(more) ", \"md\": {\"tokens\": \"optional\", \"hop_limit\": 1, " \
	"\"endpoint\": \"enabled\", \"key_openssh\": \"ssh-rsa AAAA\"" more "}"
	static const char *const good[] = {
		INST(""),
		INST(NIC("10.0.1.4", "02:00:00:00:00:01", "10.0.1.0/24", "")),
		INST(MD("")),
		INST(MD(", \"user_data\": \"IyEvYmluL3NoCg==\"")),
	};
	static const char *const bad[] = {
		INST(NIC("10.0.1.256", "02:00:00:00:00:01", "10.0.1.0/24", "")),
		INST(NIC("10.0.1.4", "02:00:00:00:00:0", "10.0.1.0/24", "")),
		INST(NIC("10.0.1.4", "02-00-00-00-00-01", "10.0.1.0/24", "")),
		INST(NIC("10.0.1.4", "02:00:00:00:00:01", "10.0.1.1/24", "")),
		INST(MD(", \"user_data\": \"not base64!\"")),
		INST(MD(", \"tags\": [{\"key\": \"a\"}]")),
		INST(MD(", \"tags\": [{\"key\": \"a\", \"value\": \"b\"}, 5]")),
		INST(MD(", \"hop_limit\": 65")),
		INST(MD(", \"key_openssh\": \"a\\u0001\"")),
		INST(", \"md\": []"),
	};
	struct mc_proto_desired	d;
	size_t			i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct mc_err err = { 0 };

		if (mc_proto_desired_parse(good[i], strlen(good[i]), &d,
		    &err) < 0)
			fail_msg("good case %zu refused: %s", i, err.msg);
		mc_proto_desired_clear(&d);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct mc_err err = { 0 };

		if (mc_proto_desired_parse(bad[i], strlen(bad[i]), &d,
		    &err) == 0)
			fail_msg("bad case %zu accepted: %s", i, bad[i]);
		assert_int_equal(err.code, MC_EC_INVALID_PARAMETER_VALUE);
	}
#undef INST
#undef MD
}

/* Security groups: round trip, and every broken reference refused. */
static void
test_desired_groups(void **state)
{
#define DOC(groups, sgs) DESIRED("pending", NIC("10.0.1.4", \
	"02:00:00:00:00:01", "10.0.1.0/24", ", \"groups\": " groups), \
	", \"groups\": " sgs)
#define SGA "\"sg-0123456789abcdef0\""
#define SGB "\"sg-0123456789abcdef1\""
#define GROUP(id, rules) "{\"id\": " id ", \"name\": \"web\", \"vpc\": " \
	"\"vpc-0123456789abcdef0\", \"rules\": [" rules "]}"
#define RULE(more) "{\"id\": \"sgr-0123456789abcdef0\", \"egress\": false, " more "}"
#define TCP22 "\"proto\": 6, \"from\": 22, \"to\": 22, \"cidr\": \"0.0.0.0/0\""
	static const char *const good[] = {
		DOC("[]", "[]"),
		DOC("[" SGA "]", "[" GROUP(SGA, RULE(TCP22)) "]"),
		DOC("[" SGA "]", "[" GROUP(SGA, RULE("\"proto\": -1, \"from\": "
		    "-1, \"to\": -1, \"group\": " SGB)) "," GROUP(SGB, "") "]"),
		DOC("[" SGA "]", "[" GROUP(SGA, RULE("\"proto\": 1, \"from\": "
		    "8, \"to\": -1, \"cidr\": \"10.0.0.0/8\"")) "]"),
	};
	static const char *const bad[] = {
		DOC("[" SGA "]", "[]"),				/* unknown group */
		DOC("[" SGA ", " SGA "]", "[" GROUP(SGA, "") "]"),	/* twice */
		DOC("[" SGA "]", "[" GROUP(SGA, "") "," GROUP(SGA, "") "]"),
		DOC("[" SGA "]", "[" GROUP(SGA, RULE("\"proto\": -1, \"from\": "
		    "-1, \"to\": -1, \"group\": " SGB)) "]"),	/* dangling */
		DOC("[" SGA "]", "[" GROUP(SGA, RULE("\"proto\": 6, \"from\": "
		    "80, \"to\": 22, \"cidr\": \"0.0.0.0/0\"")) "]"),
		DOC("[" SGA "]", "[" GROUP(SGA, RULE("\"proto\": 256, \"from\": "
		    "1, \"to\": 2, \"cidr\": \"0.0.0.0/0\"")) "]"),
		DOC("[" SGA "]", "[" GROUP(SGA, RULE("\"proto\": 6, \"from\": "
		    "1, \"to\": 2")) "]"),			/* no peer */
		DOC("[" SGA "]", "[" GROUP(SGA, RULE(TCP22 ", \"group\": " SGA))
		    "]"),					/* two peers */
		DOC("[" SGA "]", "[" GROUP(SGA, RULE("\"proto\": 6, \"from\": "
		    "1, \"to\": 70000, \"cidr\": \"0.0.0.0/0\"")) "]"),
		DOC("[\"sg-x\"]", "[" GROUP(SGA, "") "]"),
		DOC("[" SGA ", " SGB ", \"sg-0123456789abcdef2\", "
		    "\"sg-0123456789abcdef3\", \"sg-0123456789abcdef4\", "
		    "\"sg-0123456789abcdef5\"]", "[" GROUP(SGA, "") "]"),
	};
	struct mc_proto_desired	d, back;
	struct mc_err		err = { 0 };
	char			*json;
	size_t			i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		memset(&err, 0, sizeof(err));
		if (mc_proto_desired_parse(good[i], strlen(good[i]), &d,
		    &err) < 0)
			fail_msg("good case %zu refused: %s", i, err.msg);
		json = mc_proto_desired_json(&d);
		assert_non_null(json);
		assert_int_equal(mc_proto_desired_parse(json, strlen(json),
		    &back, &err), 0);
		assert_int_equal(back.n_groups, d.n_groups);
		assert_int_equal(back.v[0].nic.groups.n, d.v[0].nic.groups.n);
		if (i == 2) {
			assert_string_equal(back.groups[0].rules[0].group,
			    "sg-0123456789abcdef1");
			assert_int_equal(back.groups[0].rules[0].proto, -1);
			assert_non_null(mc_proto_desired_group(&back,
			    "sg-0123456789abcdef1"));
		}
		mc_proto_desired_clear(&back);
		mc_proto_desired_clear(&d);
		free(json);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		if (mc_proto_desired_parse(bad[i], strlen(bad[i]), &d,
		    &err) == 0)
			fail_msg("bad case %zu accepted: %s", i, bad[i]);
		assert_int_equal(err.code, MC_EC_INVALID_PARAMETER_VALUE);
	}
#undef DOC
#undef SGA
#undef SGB
#undef GROUP
#undef RULE
#undef TCP22
}

/* Volumes: round trip, and every broken attachment refused. */
static void
test_desired_volumes(void **state)
{
#define DOC(vols, volumes) DESIRED("pending", ", \"vols\": " vols, \
	", \"volumes\": " volumes)
#define VA "\"vol-0123456789abcdef0\""
#define VB "\"vol-0123456789abcdef1\""
#define VOL(id) "{\"id\": " id ", \"size_gib\": 1, \"format\": \"qcow2\", " \
	"\"zone\": \"mc-1a\"}"
#define AT(id, dev) "{\"vol\": " id ", \"device\": \"" dev "\"}"
	static const char *const good[] = {
		DOC("[]", "[]"),
		DOC("[" AT(VA, "/dev/sdf") "]", "[" VOL(VA) "," VOL(VB) "]"),
		DOC("[" AT(VA, "/dev/sdf") "," AT(VB, "/dev/xvdg") "]",
		    "[" VOL(VA) "," VOL(VB) "]"),
	};
	static const char *const bad[] = {
		DOC("[" AT(VA, "/dev/sdf") "]", "[]"),		/* unlisted */
		DOC("[" AT(VA, "/dev/sdf") "," AT(VA, "/dev/sdg") "]",
		    "[" VOL(VA) "]"),				/* twice */
		DOC("[" AT(VA, "/dev/sdf") "," AT(VB, "/dev/sdf") "]",
		    "[" VOL(VA) "," VOL(VB) "]"),		/* one device */
		DOC("[" AT(VA, "/dev/hda") "]", "[" VOL(VA) "]"),
		DOC("[" AT(VA, "/dev/sdf0") "]", "[" VOL(VA) "]"),
		DOC("[" AT(VA, "sdf") "]", "[" VOL(VA) "]"),
		DOC("[" AT("\"vol-x\"", "/dev/sdf") "]", "[" VOL(VA) "]"),
		DOC("[]", "[{\"id\": " VA ", \"size_gib\": 99999999, "
		    "\"format\": \"qcow2\", \"zone\": \"mc-1a\"}]"),
		DOC("[]", "[{\"id\": " VA ", \"size_gib\": 1, "
		    "\"format\": \"vmdk\", \"zone\": \"mc-1a\"}]"),
	};
	struct mc_proto_desired	d, back;
	struct mc_err		err = { 0 };
	char			*json;
	size_t			i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		memset(&err, 0, sizeof(err));
		if (mc_proto_desired_parse(good[i], strlen(good[i]), &d,
		    &err) < 0)
			fail_msg("good case %zu refused: %s", i, err.msg);
		json = mc_proto_desired_json(&d);
		assert_non_null(json);
		assert_int_equal(mc_proto_desired_parse(json, strlen(json),
		    &back, &err), 0);
		assert_int_equal(back.n_volumes, d.n_volumes);
		assert_int_equal(back.v[0].n_vols, d.v[0].n_vols);
		if (i == 2) {
			assert_string_equal(back.v[0].vols[1].device,
			    "/dev/xvdg");
			assert_non_null(mc_proto_desired_volume(&back,
			    "vol-0123456789abcdef1"));
		}
		mc_proto_desired_clear(&back);
		mc_proto_desired_clear(&d);
		free(json);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		if (mc_proto_desired_parse(bad[i], strlen(bad[i]), &d,
		    &err) == 0)
			fail_msg("bad case %zu accepted: %s", i, bad[i]);
		assert_int_equal(err.code, MC_EC_INVALID_PARAMETER_VALUE);
	}
	assert_true(mc_proto_device_ok("/dev/sdf1"));
	assert_true(mc_proto_device_ok("/dev/xvdba"));
	assert_false(mc_proto_device_ok("/dev/sdf16"));
	assert_false(mc_proto_device_ok("/dev/sd"));
#undef DOC
#undef VA
#undef VB
#undef VOL
#undef AT
}

/* What the agent reports of attached volumes comes back the same. */
static void
test_report_volumes(void **state)
{
	struct mc_proto_actual	a;
	struct mc_proto_report	r = { 3, &a, 1, NULL, 0 }, back;
	struct mc_err		err = { 0 };
	char			*json;

	(void)state;
	memset(&a, 0, sizeof(a));
	strcpy(a.id, "i-0123456789abcdef0");
	a.state = MC_PROTO_ACTUAL_RUNNING;
	strcpy(a.vols[0].vol, "vol-0123456789abcdef0");
	strcpy(a.vols[0].device, "/dev/sdf");
	a.n_vols = 1;
	json = mc_proto_report_json(&r);
	assert_non_null(json);
	assert_int_equal(mc_proto_report_parse(json, strlen(json), &back,
	    &err), 0);
	assert_int_equal(back.v[0].n_vols, 1);
	assert_string_equal(back.v[0].vols[0].device, "/dev/sdf");
	mc_proto_report_clear(&back);
	free(json);
}

/* Snapshot jobs: round trip, and jobs that cannot be done refused. */
static void
test_desired_snaps(void **state)
{
#define DOC(snaps) DESIRED("running", \
	", \"root_vol\": \"vol-0123456789abcdef9\"", ", \"snapshots\": " snaps)
#define SA "\"snap-0123456789abcdef0\""
#define VA "\"vol-0123456789abcdef0\""
#define IA "\"i-0123456789abcdef0\""
	static const char *const good[] = {
		DOC("[]"),
		DOC("[{\"id\": " SA ", \"vol\": " VA "}]"),
		DOC("[{\"id\": " SA ", \"vol\": \"vol-0123456789abcdef9\", "
		    "\"instance\": " IA ", \"root\": true, \"reboot\": true}]"),
	};
	static const char *const bad[] = {
		DOC("[{\"id\": " SA "}]"),			/* no volume */
		DOC("[{\"id\": \"snap-x\", \"vol\": " VA "}]"),
		DOC("[{\"id\": " SA ", \"vol\": " VA ", \"root\": true}]"),
		DOC("[{\"id\": " SA ", \"vol\": " VA ", \"reboot\": true}]"),
		DOC("[{\"id\": " SA ", \"vol\": " VA ", "	/* not listed */
		    "\"instance\": \"i-0123456789abcdef1\"}]"),
		DOC("[{\"id\": " SA ", \"vol\": " VA "}, "	/* twice */
		    "{\"id\": " SA ", \"vol\": " VA "}]"),
		DOC("[{\"id\": " SA ", \"vol\": " VA ", \"root\": 1}]"),
		DOC("{}"),
	};
	struct mc_proto_desired	d, back;
	struct mc_err		err = { 0 };
	char			*json;
	size_t			i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		memset(&err, 0, sizeof(err));
		if (mc_proto_desired_parse(good[i], strlen(good[i]), &d,
		    &err) < 0)
			fail_msg("good case %zu refused: %s", i, err.msg);
		json = mc_proto_desired_json(&d);
		assert_non_null(json);
		assert_int_equal(mc_proto_desired_parse(json, strlen(json),
		    &back, &err), 0);
		assert_int_equal(back.n_snaps, d.n_snaps);
		assert_string_equal(back.v[0].root_vol,
		    "vol-0123456789abcdef9");
		if (i == 2) {
			assert_true(back.snaps[0].root);
			assert_true(back.snaps[0].reboot);
			assert_string_equal(back.snaps[0].instance,
			    "i-0123456789abcdef0");
			assert_non_null(mc_proto_desired_snap(&back,
			    "snap-0123456789abcdef0"));
		}
		mc_proto_desired_clear(&back);
		mc_proto_desired_clear(&d);
		free(json);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		if (mc_proto_desired_parse(bad[i], strlen(bad[i]), &d,
		    &err) == 0)
			fail_msg("bad case %zu accepted: %s", i, bad[i]);
		assert_int_equal(err.code, MC_EC_INVALID_PARAMETER_VALUE);
	}
#undef DOC
#undef SA
#undef VA
#undef IA
}

/* The other hosts' instances of the host's VPCs. */
static void
test_desired_view(void **state)
{
#define DOC(vpcs) "{\"generation\": 1, \"stop_timeout_s\": 5, " \
	"\"instances\": [], \"view\": {\"seq\": 9, \"vpcs\": " vpcs "}}"
#define V(id, full, enis) "{\"id\": \"" id "\", \"full\": " full ", " \
	"\"enis\": [" enis "]}"
#define VPC	"vpc-0123456789abcdef0"
#define E(id, ip, host, groups) "{\"id\": \"" id "\", \"ip\": \"" ip \
	"\", \"host_ip\": \"" host "\", \"groups\": [" groups "]}"
#define GONE(id) "{\"id\": \"" id "\", \"gone\": true}"
#define E1	"eni-0123456789abcdef1"
#define SG	"\"sg-0123456789abcdef0\""
	static const char *const bad[] = {
		DOC("[" V("vpc-x", "true", "") "]"),
		DOC("[" V(VPC, "true", E(E1, "10.0.0", "", "")) "]"),
		DOC("[" V(VPC, "true", E(E1, "10.0.0.5", "1.2.3", "")) "]"),
		DOC("[" V(VPC, "true", E("eni-x", "10.0.0.5", "", "")) "]"),
		DOC("[" V(VPC, "true", E(E1, "10.0.0.5", "", "\"sg-x\"")) "]"),
		DOC("[" V(VPC, "true", GONE(E1)) "]"),	/* gone in a whole */
		DOC("[" V(VPC, "false", "{\"id\": \"" E1 "\"}") "]"),
		DOC("[" V(VPC, "false", "{\"id\": \"" E1 "\", \"gone\": true, "
		    "\"ip\": \"10.0.0.5\"}") "]"),
		DOC("[" V(VPC, "true", "") "," V(VPC, "true", "") "]"),
		DOC("{}"),
		"{\"generation\": 1, \"stop_timeout_s\": 5, \"view\": []}",
		"{\"generation\": 1, \"stop_timeout_s\": 5, \"view\": {}}",
	};
	const char		*good = DOC("[" V(VPC, "false", E(E1, "10.0.0.5",
	    "198.18.0.12", SG) "," GONE("eni-0123456789abcdef2")) "]");
	struct mc_proto_desired	d, back;
	struct mc_err		err = { 0 };
	char			*json;
	size_t			i;

	(void)state;
	assert_int_equal(mc_proto_desired_parse(good, strlen(good), &d, &err),
	    0);
	json = mc_proto_desired_json(&d);
	assert_non_null(json);
	assert_int_equal(mc_proto_desired_parse(json, strlen(json), &back,
	    &err), 0);
	assert_int_equal(back.view.seq, 9);
	assert_int_equal(back.view.n_vpcs, 1);
	assert_false(back.view.vpcs[0].full);
	assert_int_equal(back.view.vpcs[0].n_enis, 2);
	assert_string_equal(back.view.vpcs[0].enis[0].host_ip, "198.18.0.12");
	assert_int_equal(back.view.vpcs[0].enis[0].groups.n, 1);
	assert_true(back.view.vpcs[0].enis[1].gone);
	mc_proto_desired_clear(&back);
	mc_proto_desired_clear(&d);
	free(json);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		if (mc_proto_desired_parse(bad[i], strlen(bad[i]), &d,
		    &err) == 0)
			fail_msg("bad case %zu accepted: %s", i, bad[i]);
	}
#undef DOC
#undef V
#undef VPC
#undef E
#undef GONE
#undef E1
#undef SG
}

/* How far snapshots are comes back the same; nonsense is refused. */
static void
test_report_snaps(void **state)
{
	static const char *const bad[] = {
		"{\"instances\": [], \"snapshots\": [{\"id\": \"snap-1\", "
		    "\"progress\": 5}]}",
		"{\"instances\": [], \"snapshots\": [{\"id\": "
		    "\"snap-0123456789abcdef0\", \"progress\": 101}]}",
		"{\"instances\": [], \"snapshots\": [{\"id\": "
		    "\"snap-0123456789abcdef0\"}]}",
		"{\"instances\": [], \"snapshots\": 3}",
	};
	struct mc_proto_snap_state	s[2];
	struct mc_proto_report		r = { 3, NULL, 0, s, 2 }, back;
	struct mc_err			err = { 0 };
	char				*json;
	size_t				 i;

	(void)state;
	memset(s, 0, sizeof(s));
	strcpy(s[0].id, "snap-0123456789abcdef0");
	s[0].progress = 40;
	strcpy(s[1].id, "snap-0123456789abcdef1");
	s[1].failed = true;
	strcpy(s[1].error, "the volume's file is gone");
	json = mc_proto_report_json(&r);
	assert_non_null(json);
	assert_int_equal(mc_proto_report_parse(json, strlen(json), &back,
	    &err), 0);
	assert_int_equal(back.n_snaps, 2);
	assert_int_equal(back.snaps[0].progress, 40);
	assert_false(back.snaps[0].failed);
	assert_true(back.snaps[1].failed);
	assert_string_equal(back.snaps[1].error, "the volume's file is gone");
	mc_proto_report_clear(&back);
	free(json);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		if (mc_proto_report_parse(bad[i], strlen(bad[i]), &back,
		    &err) == 0)
			fail_msg("bad case %zu accepted: %s", i, bad[i]);
	}
}

static void
test_report_bad_table(void **state)
{
	static const char *const bad[] = {
		"",
		"[]",
		"{\"instances\": 5}",
		"{\"instances\": [{\"id\": \"i-0123456789abcdef0\"}]}",
		"{\"instances\": [{\"id\": \"i-XYZ\", \"state\": \"running\"}]}",
		"{\"instances\": [{\"id\": \"i-0123456789abcdef0\", "
		    "\"state\": \"flying\"}]}",
		"{\"instances\": [{\"id\": \"i-0123456789abcdef0\", "
		    "\"state\": \"running\", \"reboot_seq\": -1}]}",
		"{\"instances\": [{\"id\": \"i-0123456789abcdef0\", "
		    "\"state\": \"running\", \"error\": \"a\\u0001b\"}]}",
		"{\"generation\": \"seven\"}",
		"{} trailing",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct mc_proto_report	r;
		struct mc_err		err = { 0 };

		if (mc_proto_report_parse(bad[i], strlen(bad[i]), &r, &err) == 0)
			fail_msg("case %zu accepted: %s", i, bad[i]);
		assert_int_equal(err.code, MC_EC_INVALID_PARAMETER_VALUE);
	}
}

static void
test_host_bad_table(void **state)
{
	static const char *const bad[] = {
		"{\"name\": \"Host\", \"zone\": \"z\", \"vcpus\": 1, "
		    "\"mem_mib\": 1, \"disk_gib\": 1, \"accel\": \"tcg\"}",
		"{\"name\": \"h\", \"zone\": \"z\", \"vcpus\": 0, "
		    "\"mem_mib\": 1, \"disk_gib\": 1, \"accel\": \"tcg\"}",
		"{\"name\": \"h\", \"zone\": \"z\", \"vcpus\": 1, "
		    "\"mem_mib\": 1, \"disk_gib\": 1, \"accel\": \"xen\"}",
		"{\"name\": \"../etc\", \"zone\": \"z\", \"vcpus\": 1, "
		    "\"mem_mib\": 1, \"disk_gib\": 1, \"accel\": \"tcg\"}",
		"{\"name\": \"h\", \"vcpus\": 1, \"mem_mib\": 1, "
		    "\"disk_gib\": 1, \"accel\": \"tcg\"}",
		"{\"name\": \"h\", \"zone\": \"z\", \"vcpus\": 1, "
		    "\"mem_mib\": 1, \"disk_gib\": 1, \"accel\": \"tcg\", "
		    "\"underlay\": \"198.18.0.300\"}",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct mc_proto_host	h;
		struct mc_err		err = { 0 };

		if (mc_proto_host_parse(bad[i], strlen(bad[i]), &h, &err) == 0)
			fail_msg("case %zu accepted", i);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_round_trip),
		cmocka_unit_test(test_desired_round_trip),
		cmocka_unit_test(test_desired_network_round_trip),
		cmocka_unit_test(test_desired_bad_network),
		cmocka_unit_test(test_desired_groups),
		cmocka_unit_test(test_desired_volumes),
		cmocka_unit_test(test_report_volumes),
		cmocka_unit_test(test_desired_snaps),
		cmocka_unit_test(test_desired_view),
		cmocka_unit_test(test_report_snaps),
		cmocka_unit_test(test_report_bad_table),
		cmocka_unit_test(test_host_bad_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
