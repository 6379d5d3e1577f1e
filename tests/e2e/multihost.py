"""Several simulated hosts on this machine, for cross-host e2e tests.

Each host is a network namespace (mcx-hI, made by scripts/hosts.sh) on an
underlay bridge (mcxund0, 198.18.0.1/24) that doubles as the hosts' LAN,
with its own agent (net-prefix mcxI, uplink und0, libvirt's embedded QEMU
driver rooted in the host's directory) run in the namespace with
`nsenter --net` (not `ip netns exec`: its private mount namespace would
hide the VPC namespaces the agent pins under /run/netns from the next
agent and from the cleanup).  The controller's agents' API listens on
the bridge's address; the EC2 API stays on 127.0.0.1.  The outside host
(mcx-outside, 198.18.0.2) plays the LAN's other machines.

Everything lives under one /tmp/mc-e2e-* directory and carries the test
prefix, so conftest.remove_leftovers finds what an interrupted run left
(agents by their directory, embedded QEMUs by their root dir and by the
namespace they run in, namespaces, links).
"""
import os
import signal
import subprocess
import time

import conftest
from conftest import (AMI, BIN, EMBED_DIR, NET_PREFIX, REGION, ROOT,
                      TMP_PREFIX, Controller, remove_network,
                      stop_agent_proc)

HOSTS_SH = os.path.join(ROOT, "scripts", "hosts.sh")
UNDERLAY_GW = "198.18.0.1"          # the bridge: the controller listens here
UNDERLAY_OUTSIDE = "198.18.0.2"     # the outside host
PUBLIC_IPS = "198.18.0.100-198.18.0.140"


def hosts_sh(*args):
    r = subprocess.run(["sh", HOSTS_SH] + list(args), capture_output=True,
                       text=True)
    assert r.returncode == 0, "hosts.sh %s: %s" % (args, r.stderr)


def agent_knows(option):
    """Whether this minicloud-agent has the setting (e.g. underlay-ip)."""
    r = subprocess.run([os.path.join(BIN, "minicloud-agent"), "--help"],
                       capture_output=True, text=True)
    return ("--" + option) in r.stdout + r.stderr


class Host:
    """One simulated host: namespace, directory, embedded libvirt, agent."""

    def __init__(self, cloud, i, zone):
        self.cloud, self.i, self.zone = cloud, i, zone
        self.ns = "%s-h%d" % (NET_PREFIX, i)
        self.net_prefix = "%s%d" % (NET_PREFIX, i)
        self.name = "%s-h%d" % (cloud.host_base, i)
        self.address = "198.18.0.%d" % (10 + i)     # und0 in the namespace
        self.dir = os.path.join(cloud.dir, "h%d" % i)
        self.embed_root = os.path.join(self.dir, EMBED_DIR)
        self.uri = "qemu:///embed?root=" + self.embed_root
        self.log_path = os.path.join(self.dir, "agent.log")
        self.proc = None
        self.log = None
        os.makedirs(self.dir)
        os.chmod(self.dir, 0o711)

    def cmd(self, *args):
        """argv running args in this host's network namespace (only)."""
        return ["nsenter", "--net=/run/netns/" + self.ns] + list(args)

    def run(self, *args, **kw):
        return subprocess.run(self.cmd(*args), capture_output=True, text=True,
                              **kw)

    def start(self, wait=True):
        c = self.cloud
        args = [os.path.join(BIN, "minicloud-agent"), "--config", "/dev/null",
                "--controller", "http://%s:%d" % (UNDERLAY_GW, c.agent_port),
                "--host-name", self.name, "--zone", self.zone,
                "--state-dir", os.path.join(self.dir, "agent"),
                "--cluster-token-file", c.token,
                "--libvirt-uri", self.uri,
                "--report-interval", "2", "--poll-wait", "20",
                "--net-prefix", self.net_prefix, "--uplink", "und0",
                "--dns-server", UNDERLAY_OUTSIDE]
        if c.underlay_ip:
            args += ["--underlay-ip", self.address]
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.cmd(*args), stdout=self.log,
                                     stderr=self.log)
        if wait:
            c.wait_host(self, "up", proc=self.proc)
        return self

    def stop(self, sig=signal.SIGTERM):
        """Stop the agent (its VMs keep running); its exit code or None."""
        rc, self.proc = stop_agent_proc(self.proc, self.log, sig), None
        return rc

    def log_text(self):
        if not os.path.exists(self.log_path):
            return ""
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def qemus(self):
        """Pids of the QEMUs of this host's embedded libvirt."""
        r = subprocess.run(["pgrep", "-f", "qemu-system.*" + self.embed_root
                            + "/"], capture_output=True, text=True)
        return r.stdout.split()


class MultiCloud(Controller):
    """A controller and len(zones) simulated hosts, host I+1 in zones[I],
    with the test AMI imported as a public image.  underlay_ip: pass
    --underlay-ip to the agents (None: when the agent has the setting)."""

    def __init__(self, zones=(REGION + "a", REGION + "b"), host_timeout=6,
                 underlay_ip=None, extra_args=()):
        zone_args = []
        for z in sorted(set(zones)):
            zone_args += ["--zone", z]
        super().__init__(["--cluster-token-file", "PLACEHOLDER",
                          "--stop-timeout", "20",
                          "--host-timeout", str(host_timeout),
                          "--public-ips", PUBLIC_IPS]
                         + zone_args + list(extra_args))
        os.chmod(self.dir, 0o711)
        self.agent_ip = UNDERLAY_GW
        self.token = os.path.join(self.dir, "cluster.token")
        with open(self.token, "w") as f:
            f.write("e2e-" + os.urandom(16).hex() + "\n")
        self.extra_args[1] = self.token
        base = "e2e-" + os.path.basename(self.dir)[len(TMP_PREFIX):].lower()
        self.host_base = "".join(c for c in base if c.isalnum() or c == "-")[:40]
        self.underlay_ip = agent_knows("underlay-ip") if underlay_ip is None \
            else underlay_ip
        self.hosts = [Host(self, i + 1, z) for i, z in enumerate(zones)]
        self.image = None

    def setup(self):
        """Underlay, controller, every agent, the AMI."""
        remove_network()
        hosts_sh("up", NET_PREFIX, str(len(self.hosts)))
        self.start()
        for h in self.hosts:
            h.start(wait=False)
        for h in self.hosts:
            self.wait_host(h, "up", proc=h.proc)
        r = self.admin("image", "import", AMI, "--name", "e2e-multi",
                       "--public", check=False)
        assert r.returncode == 0, r.stderr
        self.image = r.stdout.strip()
        return self

    def host_states(self):
        """{host name: (zone, state)} from `minicloud host list`."""
        out = self.admin("host", "list", check=False).stdout.splitlines()
        rows = [line.split() for line in out[1:] if not line.startswith(" ")]
        return {f[0]: (f[1], f[2]) for f in rows if len(f) >= 3}

    def wait_host(self, host, state, timeout=60, proc=None):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if proc is not None and proc.poll() is not None:
                raise RuntimeError("agent %s exited: %s" % (
                    host.name, host.log_text()[-2000:]))
            if self.host_states().get(host.name, (None, None))[1] == state:
                return
            time.sleep(0.2)
        raise RuntimeError("host %s not %s after %ss: %s" % (
            host.name, state, timeout, host.log_text()[-2000:]))

    def host_of(self, name):
        return next(h for h in self.hosts if h.name == name)

    def outside(self, *cmd, **kw):
        """Run cmd on the outside host (the underlay's other machine)."""
        return subprocess.run(["ip", "netns", "exec", conftest.OUTSIDE_NS]
                              + list(cmd), capture_output=True, text=True, **kw)

    def cleanup(self):
        """Stop the agents, kill their QEMUs (hosts.sh down kills every
        process in the namespaces), remove the underlay, then the
        controller and the directory; fail if an agent did not exit
        cleanly or a sanitizer spoke."""
        rcs = {h.name: h.stop() for h in self.hosts}
        logs = {h.name: h.log_text() for h in self.hosts}
        hosts_sh("down", NET_PREFIX)
        for h in self.hosts:
            for pid in h.qemus():       # none: they ran in the namespace
                subprocess.run(["kill", "-KILL", pid], check=False)
        if os.environ.get("MC_KEEP_LOGS"):
            for h in self.hosts:
                with open(os.path.join(os.environ["MC_KEEP_LOGS"],
                                       "agent-h%d.log" % h.i), "w") as f:
                    f.write(logs[h.name])
            with open(os.path.join(os.environ["MC_KEEP_LOGS"],
                                   "controller.log"), "w") as f:
                f.write(self.log_text())
        try:
            super().cleanup()
        finally:
            for name, rc in rcs.items():
                assert rc in (None, 0), "agent %s exited with %s:\n%s" % (
                    name, rc, logs[name][-3000:])
                assert "Sanitizer" not in logs[name] and \
                    "runtime error" not in logs[name], logs[name][-3000:]
