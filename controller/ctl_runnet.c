/*
 * ctl_runnet: where RunInstances puts its instances on the network, and
 * in which security groups.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_err.h"
#include "mc_ipv4.h"
#include "mc_log.h"
#include "ctl_api.h"
#include "ctl_conf.h"
#include "ctl_eip.h"
#include "ctl_eni.h"
#include "ctl_params.h"
#include "ctl_query.h"
#include "ctl_runnet.h"
#include "ctl_sg.h"

/* NetworkInterface.1 as EC2 takes it: one interface, device 0. */
static int
parse_interface(const struct ctl_query *q, struct ctl_runnet *net,
    const char **ip, struct mc_err *err)
{
	unsigned	idx[2];
	long long	dev = 0;
	bool		b = false;
	char		key[64];

	if (ctl_params_indices(q, "NetworkInterface", idx, 2) == 0)
		return 0;
	if (ctl_params_indices(q, "NetworkInterface", idx, 2) > 1)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "This "
		    "cloud gives an instance one network interface at launch");
	if (net->subnet_id != NULL || *ip != NULL)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_COMBINATION,
		    "Network interfaces and an instance-level subnet ID or "
		    "private IP address may not be specified on the same "
		    "request");
	(void)snprintf(key, sizeof(key), "NetworkInterface.%u.DeviceIndex",
	    idx[0]);
	if (ctl_params_int(q, key, 0, 0, &dev, err) < 0)
		return -1;
	(void)snprintf(key, sizeof(key), "NetworkInterface.%u.SubnetId",
	    idx[0]);
	net->subnet_id = ctl_query_get(q, key);
	(void)snprintf(key, sizeof(key),
	    "NetworkInterface.%u.PrivateIpAddress", idx[0]);
	*ip = ctl_query_get(q, key);
	(void)snprintf(key, sizeof(key),
	    "NetworkInterface.%u.AssociatePublicIpAddress", idx[0]);
	if (ctl_query_get(q, key) != NULL) {
		if (ctl_params_bool(q, key, &b, err) < 0)
			return -1;
		net->public_ip = b;
	}
	(void)snprintf(key, sizeof(key),
	    "NetworkInterface.%u.DeleteOnTermination", idx[0]);
	if (ctl_params_bool(q, key, &b, err) < 0)
		return -1;
	if (ctl_query_get(q, key) != NULL && !b)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "A "
		    "primary interface made at launch goes with its instance "
		    "(DeleteOnTermination must be true)");
	return 0;
}

/*
 * SecurityGroupId.N and SecurityGroup.N, or the interface's
 * NetworkInterface.1.SecurityGroupId.N: EC2 takes one or the other.
 */
static int
parse_groups(const struct ctl_query *q, struct ctl_runnet *net,
    struct mc_err *err)
{
	unsigned	idx[1];
	char		key[64];
	size_t		i;

	if (ctl_params_strlist(q, "SecurityGroupId", &net->group_ids,
	    &net->n_group_ids, err) < 0 || ctl_params_strlist(q,
	    "SecurityGroup", &net->group_names, &net->n_group_names, err) < 0)
		return -1;
	if (ctl_params_indices(q, "NetworkInterface", idx, 1) > 0) {
		if (net->n_group_ids + net->n_group_names > 0)
			return mc_err_set(err,
			    MC_EC_INVALID_PARAMETER_COMBINATION, "Network "
			    "interfaces and an instance-level security groups "
			    "may not be specified on the same request");
		(void)snprintf(key, sizeof(key),
		    "NetworkInterface.%u.SecurityGroupId", idx[0]);
		if (ctl_params_strlist(q, key, &net->group_ids,
		    &net->n_group_ids, err) < 0)
			return -1;
	}
	for (i = 0; i < net->n_group_ids; i++)
		if (mc_id_check(MC_ID_SG, net->group_ids[i], err) < 0)
			return -1;
	return 0;
}

void
ctl_runnet_clear(struct ctl_runnet *net)
{
	free(net->group_ids);
	free(net->group_names);
	net->group_ids = net->group_names = NULL;
	net->n_group_ids = net->n_group_names = 0;
}

int
ctl_runnet_parse(const struct ctl_req *req, long long max,
    struct ctl_runnet *ret, struct mc_err *err)
{
	const struct ctl_query	*q = req->params;
	struct ctl_runnet	*net = ret;
	const char		*ip;

	memset(net, 0, sizeof(*net));
	net->public_ip = -1;
	net->subnet_id = ctl_query_get(q, "SubnetId");
	ip = ctl_query_get(q, "PrivateIpAddress");
	if (parse_interface(q, net, &ip, err) < 0 ||
	    parse_groups(q, net, err) < 0)
		return -1;
	if (net->subnet_id != NULL && mc_id_check(MC_ID_SUBNET,
	    net->subnet_id, err) < 0)
		return -1;
	if (ip != NULL) {
		if (!mc_ipv4_parse(ip, &net->private_ip))
			return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE,
			    "Value (%.64s) for parameter privateIpAddress is "
			    "invalid. This is not a valid IPv4 address.", ip);
		if (net->subnet_id == NULL)
			return mc_err_set(err, MC_EC_INVALID_PARAMETER_COMBINATION,
			    "A private IP address needs a subnet (SubnetId)");
		if (max > 1)
			return mc_err_set(err, MC_EC_INVALID_PARAMETER_COMBINATION,
			    "A private IP address can be given to one instance "
			    "only (MaxCount must be 1)");
	}
	return 0;
}

/* The launch's VPC: the named subnet's, or the default one. */
static int
launch_vpc(const struct ctl_req *req, sqlite3 *db, struct ctl_runnet *net,
    const char **zone, struct ctl_vpc *ret, struct mc_err *err)
{
	if (net->subnet_id == NULL) {
		if (ctl_vpc_ensure_default(db, req->api->conf, req->account_id,
		    req->now_ms, err) < 0)
			return -1;
		return ctl_vpc_default(db, req->account_id, ret, err);
	}
	if (ctl_subnet_find(db, req->account_id, net->subnet_id, &net->subnet,
	    err) < 0)
		return -1;
	if (*zone != NULL && strcmp(*zone, net->subnet.zone) != 0)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_VALUE, "Subnet "
		    "%s is in zone %s, not %s", net->subnet.id,
		    net->subnet.zone, *zone);
	*zone = net->subnet.zone;
	return ctl_vpc_find(db, req->account_id, net->subnet.vpc_id, ret,
	    err) < 0 ? -1 : 1;
}

int
ctl_runnet_prepare(const struct ctl_req *req, sqlite3 *db,
    struct ctl_runnet *net, const char **zone, struct mc_err *err)
{
	struct ctl_vpc	vpc;
	int		found;

	if ((found = launch_vpc(req, db, net, zone, &vpc, err)) <= 0)
		return found;	/* no default VPC: attach says so */
	if (net->n_group_names > 0 && !vpc.is_default)
		return mc_err_set(err, MC_EC_INVALID_PARAMETER_COMBINATION,
		    "The parameter groupName cannot be used with the "
		    "parameter subnet");
	return ctl_sg_resolve(db, req->account_id, vpc.id, net->group_ids,
	    net->n_group_ids, net->group_names, net->n_group_names,
	    &net->groups, err);
}

/* A public IP on launch for eni; a subnet's default gives way to a dry pool. */
static int
public_ip(const struct ctl_req *req, sqlite3 *db, const struct ctl_runnet *net,
    const struct ctl_eni *eni, struct mc_err *err)
{
	struct ctl_eip	eip;
	struct mc_err	e = { MC_EC_NONE, 0, "" };

	if (ctl_eip_allocate(db, req->api->conf, req->account_id, eni->id,
	    req->now_ms, &eip, &e) == 0)
		return 0;
	if (net->public_ip == 1 || e.code != MC_EC_INSUFFICIENT_ADDRESS_CAPACITY)
		return mc_err_set(err, e.code, "%s", e.msg);
	mc_log(MC_LOG_WARN, "no public ip on launch", "eni=%s why=\"%s\"",
	    eni->id, e.msg);
	return 0;
}

int
ctl_runnet_attach(const struct ctl_req *req, sqlite3 *db,
    const struct ctl_runnet *net, const char *id, const char *zone,
    char *vpc_bumped, struct mc_err *err)
{
	struct ctl_subnet	s;
	struct ctl_sg_set	groups = net->groups;
	struct ctl_eni		eni;
	int			found;

	if (net->subnet_id != NULL) {
		s = net->subnet;
	} else if ((found = ctl_subnet_default(db, req->account_id, zone, &s,
	    err)) <= 0) {
		return found < 0 ? -1 : mc_err_set(err,
		    MC_EC_VPC_ID_NOT_SPECIFIED, "No default VPC for this user "
		    "in zone %s: give a SubnetId", zone);
	}
	if (ctl_eni_create(db, req->account_id, &s, net->private_ip, id,
	    net->public_ip == 1 || (net->public_ip == -1 && s.map_public_ip),
	    req->now_ms, &eni, err) < 0)
		return -1;
	if ((groups.n == 0 && ctl_sg_resolve(db, req->account_id, s.vpc_id,
	    NULL, 0, NULL, 0, &groups, err) < 0) ||
	    ctl_sg_eni_set(db, eni.id, &groups, err) < 0)
		return -1;
	if (strcmp(vpc_bumped, s.vpc_id) != 0) {
		if (ctl_sg_bump_vpc(db, s.vpc_id, err) < 0)
			return -1;
		(void)snprintf(vpc_bumped, MC_ID_MAX, "%s", s.vpc_id);
	}
	if (eni.public_on_launch)
		return public_ip(req, db, net, &eni, err);
	return 0;
}
