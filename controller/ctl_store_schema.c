/*
 * ctl_store_schema: the controller's schema as a list of migrations.
 * Migration i brings a database from version i to i + 1 (PRAGMA
 * user_version).  Never edit a migration that has shipped; add one.
 */
#include <stddef.h>

#include "ctl_store_priv.h"

const char *const ctl_store_migrations[] = {
	/* 1: accounts and their access keys. */
	"CREATE TABLE accounts ("
	"  id          TEXT PRIMARY KEY,"		/* 12 digits */
	"  name        TEXT NOT NULL UNIQUE,"
	"  created_ms  INTEGER NOT NULL"
	");"
	"CREATE TABLE access_keys ("
	"  id          TEXT PRIMARY KEY,"		/* AKIA... */
	"  account_id  TEXT NOT NULL REFERENCES accounts(id)"
	"              ON DELETE CASCADE,"
	"  secret      TEXT NOT NULL,"
	"  created_ms  INTEGER NOT NULL"
	");"
	"CREATE INDEX access_keys_account ON access_keys(account_id);",

	/* 2: hosts, images, instances, tags. */
	"CREATE TABLE hosts ("
	"  name          TEXT PRIMARY KEY,"
	"  zone          TEXT NOT NULL,"
	"  vcpus         INTEGER NOT NULL,"
	"  mem_mib       INTEGER NOT NULL,"
	"  disk_gib      INTEGER NOT NULL,"
	"  accel         TEXT NOT NULL,"
	"  accel_why     TEXT NOT NULL DEFAULT '',"
	"  version       TEXT NOT NULL DEFAULT '',"
	"  enabled       INTEGER NOT NULL DEFAULT 1,"
	"  generation    INTEGER NOT NULL DEFAULT 1,"	/* of its desired state */
	"  registered_ms INTEGER NOT NULL,"
	"  last_seen_ms  INTEGER NOT NULL,"
	"  down          INTEGER NOT NULL DEFAULT 0"	/* as last logged */
	");"
	"CREATE TABLE images ("
	"  id            TEXT PRIMARY KEY,"		/* ami-, aki-, ari- */
	"  owner         TEXT NOT NULL,"		/* account id */
	"  name          TEXT NOT NULL,"
	"  description   TEXT NOT NULL DEFAULT '',"
	"  state         TEXT NOT NULL,"		/* pending available failed */
	"  state_reason  TEXT NOT NULL DEFAULT '',"
	"  location      TEXT NOT NULL DEFAULT '',"
	"  format        TEXT NOT NULL DEFAULT '',"
	"  size          INTEGER NOT NULL DEFAULT 0,"
	"  virtual_size  INTEGER NOT NULL DEFAULT 0,"
	"  sha256        TEXT NOT NULL DEFAULT '',"
	"  architecture  TEXT NOT NULL DEFAULT 'x86_64',"
	"  root_device   TEXT NOT NULL DEFAULT '/dev/xvda',"
	"  kernel_id     TEXT NOT NULL DEFAULT '',"
	"  ramdisk_id    TEXT NOT NULL DEFAULT '',"
	"  cmdline       TEXT NOT NULL DEFAULT '',"
	"  public        INTEGER NOT NULL DEFAULT 0,"
	"  created_ms    INTEGER NOT NULL,"
	"  UNIQUE (owner, name)"
	");"
	"CREATE TABLE image_launch ("		/* launchPermission per account */
	"  image_id      TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,"
	"  account_id    TEXT NOT NULL,"
	"  PRIMARY KEY (image_id, account_id)"
	");"
	"CREATE TABLE reservations ("
	"  id            TEXT PRIMARY KEY,"
	"  account_id    TEXT NOT NULL,"
	"  client_token  TEXT,"
	"  request_hash  TEXT NOT NULL DEFAULT '',"
	"  created_ms    INTEGER NOT NULL,"
	"  UNIQUE (account_id, client_token)"
	");"
	"CREATE TABLE instances ("
	"  id            TEXT PRIMARY KEY,"
	"  account_id    TEXT NOT NULL,"
	"  reservation_id TEXT NOT NULL REFERENCES reservations(id),"
	"  launch_index  INTEGER NOT NULL,"
	"  image_id      TEXT NOT NULL,"
	"  instance_type TEXT NOT NULL,"
	"  vcpus         INTEGER NOT NULL,"
	"  mem_mib       INTEGER NOT NULL,"
	"  disk_gib      INTEGER NOT NULL,"
	"  zone          TEXT NOT NULL,"
	"  host          TEXT,"
	"  state         TEXT NOT NULL,"		/* EC2's state name */
	"  desired       TEXT NOT NULL,"		/* running stopped terminated */
	"  force_stop    INTEGER NOT NULL DEFAULT 0,"
	"  reboot_seq    INTEGER NOT NULL DEFAULT 0,"
	"  actual        TEXT NOT NULL DEFAULT 'none',"	/* the agent's word */
	"  actual_error  TEXT NOT NULL DEFAULT '',"
	"  launch_ms     INTEGER NOT NULL,"
	"  state_ms      INTEGER NOT NULL,"
	"  running_ms    INTEGER NOT NULL DEFAULT 0,"
	"  reason_code   TEXT NOT NULL DEFAULT '',"
	"  reason_msg    TEXT NOT NULL DEFAULT '',"
	"  transition    TEXT NOT NULL DEFAULT '',"
	"  key_name      TEXT NOT NULL DEFAULT '',"
	"  user_data     BLOB,"
	"  shutdown_behavior TEXT NOT NULL DEFAULT 'stop',"
	"  no_terminate  INTEGER NOT NULL DEFAULT 0,"
	"  console       BLOB,"
	"  console_ms    INTEGER NOT NULL DEFAULT 0,"
	"  explain       TEXT NOT NULL DEFAULT '',"
	"  explain_ms    INTEGER NOT NULL DEFAULT 0,"
	"  terminated_ms INTEGER NOT NULL DEFAULT 0"
	");"
	"CREATE INDEX instances_account ON instances(account_id);"
	"CREATE INDEX instances_host ON instances(host);"
	"CREATE INDEX instances_reservation ON instances(reservation_id);"
	"CREATE TABLE tags ("
	"  resource_id   TEXT NOT NULL,"
	"  account_id    TEXT NOT NULL,"
	"  key           TEXT NOT NULL,"
	"  value         TEXT NOT NULL,"
	"  PRIMARY KEY (resource_id, key)"
	");"
	"CREATE INDEX tags_account ON tags(account_id);",

	/* 3: VPCs, subnets, network interfaces, public addresses. */
	"CREATE TABLE vpcs ("
	"  id            TEXT PRIMARY KEY,"
	"  account_id    TEXT NOT NULL,"
	"  net           INTEGER NOT NULL,"		/* host byte order */
	"  prefix        INTEGER NOT NULL,"
	"  is_default    INTEGER NOT NULL DEFAULT 0,"
	"  vni           INTEGER NOT NULL UNIQUE,"	/* small, cloud-wide */
	"  dns_support   INTEGER NOT NULL DEFAULT 1,"
	"  dns_hostnames INTEGER NOT NULL DEFAULT 0,"
	"  created_ms    INTEGER NOT NULL"
	");"
	"CREATE INDEX vpcs_account ON vpcs(account_id);"
	"CREATE UNIQUE INDEX vpcs_one_default ON vpcs(account_id) "
	"  WHERE is_default = 1;"
	"CREATE TABLE subnets ("
	"  id            TEXT PRIMARY KEY,"
	"  account_id    TEXT NOT NULL,"
	"  vpc_id        TEXT NOT NULL REFERENCES vpcs(id),"
	"  net           INTEGER NOT NULL,"
	"  prefix        INTEGER NOT NULL,"
	"  zone          TEXT NOT NULL,"
	"  default_for_az INTEGER NOT NULL DEFAULT 0,"
	"  map_public_ip INTEGER NOT NULL DEFAULT 0,"
	"  created_ms    INTEGER NOT NULL"
	");"
	"CREATE INDEX subnets_vpc ON subnets(vpc_id);"
	"CREATE TABLE enis ("
	"  id            TEXT PRIMARY KEY,"
	"  account_id    TEXT NOT NULL,"
	"  vpc_id        TEXT NOT NULL REFERENCES vpcs(id),"
	"  subnet_id     TEXT NOT NULL REFERENCES subnets(id),"
	"  ip            INTEGER NOT NULL,"
	"  mac           TEXT NOT NULL UNIQUE,"
	"  instance_id   TEXT,"
	"  device_index  INTEGER NOT NULL DEFAULT 0,"
	"  attachment_id TEXT,"
	"  description   TEXT NOT NULL DEFAULT '',"
	"  public_on_launch INTEGER NOT NULL DEFAULT 0,"
	"  created_ms    INTEGER NOT NULL,"
	"  UNIQUE (vpc_id, ip)"			/* never handed out twice */
	");"
	"CREATE INDEX enis_instance ON enis(instance_id);"
	"CREATE INDEX enis_subnet ON enis(subnet_id);"
	"CREATE TABLE addresses ("
	"  ip            INTEGER PRIMARY KEY,"		/* the public address */
	"  id            TEXT UNIQUE,"			/* eipalloc-; NULL: */
	"  account_id    TEXT NOT NULL,"		/* public IP on launch */
	"  eni_id        TEXT REFERENCES enis(id),"
	"  association_id TEXT,"
	"  created_ms    INTEGER NOT NULL"
	");"
	"CREATE INDEX addresses_eni ON addresses(eni_id);"
	"CREATE INDEX addresses_account ON addresses(account_id);"
	/* EC2 makes the default VPC once: deleting it is the user's call. */
	"ALTER TABLE accounts ADD COLUMN default_vpc_made INTEGER NOT NULL "
	"  DEFAULT 0;"
	"ALTER TABLE instances ADD COLUMN key_material TEXT NOT NULL "
	"  DEFAULT '';"
	"ALTER TABLE instances ADD COLUMN md_tokens TEXT NOT NULL "
	"  DEFAULT 'optional';"
	"ALTER TABLE instances ADD COLUMN md_hop_limit INTEGER NOT NULL "
	"  DEFAULT 1;"
	"ALTER TABLE instances ADD COLUMN md_endpoint TEXT NOT NULL "
	"  DEFAULT 'enabled';"
	"ALTER TABLE instances ADD COLUMN md_tags TEXT NOT NULL "
	"  DEFAULT 'disabled';",

	/* 4: key pairs (public keys only; names unique per account). */
	"CREATE TABLE key_pairs ("
	"  id            TEXT PRIMARY KEY,"		/* key- */
	"  account_id    TEXT NOT NULL,"
	"  name          TEXT NOT NULL,"
	"  key_type      TEXT NOT NULL,"		/* rsa ed25519 */
	"  fingerprint   TEXT NOT NULL,"		/* as EC2 shows it */
	"  public_key    TEXT NOT NULL,"		/* OpenSSH line */
	"  created_ms    INTEGER NOT NULL,"
	"  UNIQUE (account_id, name)"
	");",

	/*
	 * 5: security groups, their rules, and the groups of each interface
	 * (an instance's groups are its primary interface's, as on EC2).
	 * Names are unique per VPC without regard to case.  Every VPC
	 * already made gets its default group here, as CreateVpc gives one
	 * from now on: all protocols in from its own members, all out.
	 */
	"CREATE TABLE security_groups ("
	"  id            TEXT PRIMARY KEY,"		/* sg- */
	"  account_id    TEXT NOT NULL,"
	"  vpc_id        TEXT NOT NULL REFERENCES vpcs(id),"
	"  name          TEXT NOT NULL COLLATE NOCASE,"
	"  description   TEXT NOT NULL,"
	"  created_ms    INTEGER NOT NULL,"
	"  UNIQUE (vpc_id, name)"
	");"
	"CREATE INDEX security_groups_account ON security_groups(account_id);"
	"CREATE TABLE sg_rules ("			/* in rowid order */
	"  id            TEXT PRIMARY KEY,"		/* sgr- */
	"  group_id      TEXT NOT NULL REFERENCES security_groups(id),"
	"  egress        INTEGER NOT NULL,"
	"  proto         INTEGER NOT NULL,"		/* -1: all */
	"  from_port     INTEGER NOT NULL,"		/* -1: none, all */
	"  to_port       INTEGER NOT NULL,"
	"  cidr          TEXT,"				/* "10.0.0.0/8" or */
	"  ref_group_id  TEXT REFERENCES security_groups(id),"	/* a group */
	"  description   TEXT NOT NULL DEFAULT '',"
	"  created_ms    INTEGER NOT NULL,"
	"  CHECK ((cidr IS NULL) <> (ref_group_id IS NULL))"
	");"
	"CREATE INDEX sg_rules_group ON sg_rules(group_id);"
	"CREATE INDEX sg_rules_ref ON sg_rules(ref_group_id);"
	"CREATE TABLE eni_groups ("
	"  eni_id        TEXT NOT NULL REFERENCES enis(id) ON DELETE CASCADE,"
	"  group_id      TEXT NOT NULL REFERENCES security_groups(id),"
	"  position      INTEGER NOT NULL,"		/* 0.. in the given order */
	"  PRIMARY KEY (eni_id, group_id)"
	");"
	"CREATE INDEX eni_groups_group ON eni_groups(group_id);"
	"INSERT INTO security_groups (id, account_id, vpc_id, name, "
	"  description, created_ms) "
	"  SELECT 'sg-' || substr(lower(hex(randomblob(9))), 1, 17), "
	"  account_id, id, 'default', 'default VPC security group', "
	"  created_ms FROM vpcs;"
	"INSERT INTO sg_rules (id, group_id, egress, proto, from_port, "
	"  to_port, cidr, ref_group_id, created_ms) "
	"  SELECT 'sgr-' || substr(lower(hex(randomblob(9))), 1, 17), id, 0, "
	"  -1, -1, -1, NULL, id, created_ms FROM security_groups;"
	"INSERT INTO sg_rules (id, group_id, egress, proto, from_port, "
	"  to_port, cidr, ref_group_id, created_ms) "
	"  SELECT 'sgr-' || substr(lower(hex(randomblob(9))), 1, 17), id, 1, "
	"  -1, -1, -1, '0.0.0.0/0', NULL, created_ms FROM security_groups;"
	/* Interfaces made before groups existed are in their VPC's default. */
	"INSERT INTO eni_groups (eni_id, group_id, position) "
	"  SELECT e.id, g.id, 0 FROM enis e JOIN security_groups g "
	"  ON g.vpc_id = e.vpc_id AND g.name = 'default';",

	/*
	 * 6: block volumes, their attachments (one per volume) and their
	 * last modification.  A volume's row says available (later also
	 * creating or error); in-use is an attachment row.  Deleting a
	 * volume removes its rows: the agents remove its storage when the
	 * zone's desired state no longer lists it.
	 */
	"CREATE TABLE volumes ("
	"  id            TEXT PRIMARY KEY,"		/* vol- */
	"  account_id    TEXT NOT NULL,"
	"  zone          TEXT NOT NULL,"
	"  size_gib      INTEGER NOT NULL,"
	"  type          TEXT NOT NULL,"		/* gp2 gp3 io1 ... */
	"  iops          INTEGER NOT NULL DEFAULT 0,"	/* 0: none */
	"  throughput    INTEGER NOT NULL DEFAULT 0,"	/* MiB/s; 0: none */
	"  format        TEXT NOT NULL DEFAULT 'qcow2',"
	"  snapshot_id   TEXT NOT NULL DEFAULT '',"
	"  state         TEXT NOT NULL,"
	"  client_token  TEXT,"
	"  request_hash  TEXT NOT NULL DEFAULT '',"
	"  created_ms    INTEGER NOT NULL,"
	"  UNIQUE (account_id, client_token)"
	");"
	"CREATE INDEX volumes_account ON volumes(account_id);"
	"CREATE INDEX volumes_zone ON volumes(zone);"
	"CREATE TABLE vol_attachments ("
	"  volume_id     TEXT PRIMARY KEY REFERENCES volumes(id),"
	"  instance_id   TEXT NOT NULL REFERENCES instances(id) "
	"                ON DELETE CASCADE,"
	"  device        TEXT NOT NULL,"
	"  state         TEXT NOT NULL,"	/* attaching attached detaching */
	"  attach_ms     INTEGER NOT NULL,"
	"  delete_on_termination INTEGER NOT NULL DEFAULT 0,"
	"  UNIQUE (instance_id, device)"
	");"
	"CREATE INDEX vol_attachments_instance ON vol_attachments(instance_id);"
	"CREATE TABLE vol_modifications ("
	"  volume_id     TEXT PRIMARY KEY REFERENCES volumes(id) "
	"                ON DELETE CASCADE,"
	"  state         TEXT NOT NULL,"	/* modifying optimizing completed */
	"  old_size_gib  INTEGER NOT NULL,"
	"  old_type      TEXT NOT NULL,"
	"  old_iops      INTEGER NOT NULL,"
	"  old_throughput INTEGER NOT NULL,"
	"  size_gib      INTEGER NOT NULL,"
	"  type          TEXT NOT NULL,"
	"  iops          INTEGER NOT NULL,"
	"  throughput    INTEGER NOT NULL,"
	"  start_ms      INTEGER NOT NULL,"
	"  end_ms        INTEGER NOT NULL DEFAULT 0"
	");",

	/*
	 * 7: snapshots, kept whole in the controller's store
	 * (STATE_DIR/snapshots/<id>, a plain qcow2) once a host of the
	 * volume's zone took and uploaded them; root volumes (an
	 * instance's own disk, shown as a vol- as EC2 does); images made
	 * from instances, backed by a snapshot of their root.
	 */
	"CREATE TABLE snapshots ("
	"  id            TEXT PRIMARY KEY,"		/* snap- */
	"  account_id    TEXT NOT NULL,"
	"  volume_id     TEXT NOT NULL,"	/* as EC2 keeps it: may be gone */
	"  volume_size   INTEGER NOT NULL,"		/* GiB */
	"  description   TEXT NOT NULL DEFAULT '',"
	"  state         TEXT NOT NULL,"	/* pending completed error */
	"  state_message TEXT NOT NULL DEFAULT '',"
	"  progress      INTEGER NOT NULL DEFAULT 0,"	/* percent */
	"  host          TEXT NOT NULL DEFAULT '',"	/* taking it */
	"  instance_id   TEXT NOT NULL DEFAULT '',"	/* attached to, then */
	"  root          INTEGER NOT NULL DEFAULT 0,"	/* of instance's disk */
	"  reboot        INTEGER NOT NULL DEFAULT 0,"	/* CreateImage */
	"  source_id     TEXT NOT NULL DEFAULT '',"	/* CopySnapshot */
	"  format        TEXT NOT NULL DEFAULT 'qcow2',"
	"  size          INTEGER NOT NULL DEFAULT 0,"	/* bytes stored */
	"  sha256        TEXT NOT NULL DEFAULT '',"
	"  client_token  TEXT,"
	"  request_hash  TEXT NOT NULL DEFAULT '',"
	"  start_ms      INTEGER NOT NULL,"
	"  UNIQUE (account_id, client_token)"
	");"
	"CREATE INDEX snapshots_account ON snapshots(account_id);"
	"CREATE INDEX snapshots_host ON snapshots(host, state);"
	"CREATE TABLE snapshot_perms ("	/* createVolumePermission */
	"  snapshot_id   TEXT NOT NULL REFERENCES snapshots(id) "
	"                ON DELETE CASCADE,"
	"  account_id    TEXT NOT NULL,"	/* or 'all' */
	"  PRIMARY KEY (snapshot_id, account_id)"
	");"
	"ALTER TABLE volumes ADD COLUMN root INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE images ADD COLUMN snapshot_id TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE images ADD COLUMN source_instance TEXT NOT NULL "
	"  DEFAULT '';",

	/* 8: a host's address between hosts, for the VPC overlay. */
	"ALTER TABLE hosts ADD COLUMN underlay TEXT NOT NULL DEFAULT '';",

	/* 9: a disabled host that drains (`minicloud host drain`). */
	"ALTER TABLE hosts ADD COLUMN drain INTEGER NOT NULL DEFAULT 0;",

	/*
	 * 10: which interfaces of a VPC changed, in order (ctl_view): what
	 * every host of the VPC sees of them (address, groups, host) is
	 * sent again.  Triggers write it, so no path that changes an
	 * interface, its groups or its instance's host can forget to;
	 * ctl_view_trim keeps the newest rows and moves view_floor up.
	 */
	"CREATE TABLE view_log ("
	"  seq           INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  vpc_id        TEXT NOT NULL,"
	"  eni_id        TEXT NOT NULL"
	");"
	"CREATE INDEX view_log_vpc ON view_log(vpc_id, seq);"
	"CREATE TABLE view_floor (seq INTEGER NOT NULL);"
	"INSERT INTO view_floor VALUES (0);"
	"CREATE TRIGGER view_eni_ins AFTER INSERT ON enis BEGIN "
	"  INSERT INTO view_log (vpc_id, eni_id) VALUES (NEW.vpc_id, NEW.id);"
	"END;"
	"CREATE TRIGGER view_eni_del AFTER DELETE ON enis BEGIN "
	"  INSERT INTO view_log (vpc_id, eni_id) VALUES (OLD.vpc_id, OLD.id);"
	"END;"
	"CREATE TRIGGER view_eni_upd AFTER UPDATE OF instance_id, ip ON enis "
	"BEGIN "
	"  INSERT INTO view_log (vpc_id, eni_id) VALUES (NEW.vpc_id, NEW.id);"
	"END;"
	"CREATE TRIGGER view_group_ins AFTER INSERT ON eni_groups BEGIN "
	"  INSERT INTO view_log (vpc_id, eni_id) "
	"  SELECT vpc_id, id FROM enis WHERE id = NEW.eni_id;"
	"END;"
	"CREATE TRIGGER view_group_del AFTER DELETE ON eni_groups BEGIN "
	"  INSERT INTO view_log (vpc_id, eni_id) "
	"  SELECT vpc_id, id FROM enis WHERE id = OLD.eni_id;"
	"END;"
	"CREATE TRIGGER view_inst_upd AFTER UPDATE OF state, host ON instances "
	"WHEN (OLD.state = 'terminated') <> (NEW.state = 'terminated') "
	"  OR OLD.host IS NOT NEW.host BEGIN "
	"  INSERT INTO view_log (vpc_id, eni_id) "
	"  SELECT vpc_id, id FROM enis WHERE instance_id = NEW.id;"
	"END;"
	"CREATE TRIGGER view_inst_del AFTER DELETE ON instances BEGIN "
	"  INSERT INTO view_log (vpc_id, eni_id) "
	"  SELECT vpc_id, id FROM enis WHERE instance_id = OLD.id;"
	"END;"
	"CREATE TRIGGER view_host_upd AFTER UPDATE OF underlay ON hosts "
	"WHEN OLD.underlay IS NOT NEW.underlay BEGIN "
	"  INSERT INTO view_log (vpc_id, eni_id) "
	"  SELECT e.vpc_id, e.id FROM enis e JOIN instances i "
	"  ON i.id = e.instance_id WHERE i.host = NEW.name;"
	"END;"
	/*
	 * With 10,000 instances: a zone's volumes without its root ones
	 * (each host's desired state), a subnet's addresses in order (the
	 * lowest free one, at each launch).
	 */
	"CREATE INDEX volumes_zone_root ON volumes(zone, root);"
	"CREATE INDEX enis_subnet_ip ON enis(subnet_id, ip);",
};

const size_t ctl_store_n_migrations =
    sizeof(ctl_store_migrations) / sizeof(ctl_store_migrations[0]);
