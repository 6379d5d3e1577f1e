#!/usr/bin/python3
"""bench/scale: simulated hosts for the controller, speaking the agents'
protocol (lib/mc_proto.h) with no VMs behind them.  A benchmark tool,
never part of the product's path.

Each host registers (POST /v1/hosts/register with the cluster token),
then long-polls its desired state (GET /v1/hosts/NAME/desired?after=G
&view=SEQ&vpcs=IDS: the VPC views it holds, so that only their changes
come) on a keep-alive connection of its own, as minicloud-agent does, and
reports every instance the controller wants running as "running" (POST
/v1/hosts/NAME/report) as soon as it sees a change; a heartbeat report
goes out for every host each --heartbeat seconds, spread over the
interval, on a small pool of report connections.

Why Python asyncio rather than threads or C: one thread holds a
thousand idle long polls cheaply, the json module parses in C, and the
whole simulator stays on at most one of the two cores, so the cost the
benchmark sees is the controller's.

Usage: hostsim.py --port P --token-file F --hosts N [options]
Prints "registered N" once every host is registered, then runs until
SIGTERM or SIGINT and prints one line of JSON with its counters.
"""
import argparse
import asyncio
import json
import signal
import sys
import time

REPORTERS = 8   # connections carrying reports and heartbeats


class Conn:
    """One keep-alive HTTP/1.1 connection to the agents' listener."""

    def __init__(self, port, token):
        self.port = port
        self.auth = "Bearer " + token
        self.reader = self.writer = None

    async def request(self, method, path, body=None):
        """(status, body bytes); reconnects once if the peer closed."""
        for attempt in (0, 1):
            try:
                if self.writer is None:
                    self.reader, self.writer = await asyncio.open_connection(
                        "127.0.0.1", self.port)
                return await self._once(method, path, body)
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if attempt == 1:
                    raise
        raise AssertionError("unreachable")

    async def _once(self, method, path, body):
        data = b"" if body is None else json.dumps(body).encode()
        head = ("%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
                "Authorization: %s\r\nContent-Type: application/json\r\n"
                "Content-Length: %d\r\n\r\n"
                % (method, path, self.port, self.auth, len(data)))
        self.writer.write(head.encode() + data)
        await self.writer.drain()
        status = int((await self.reader.readline()).split()[1])
        length, chunked = 0, False
        while True:
            line = (await self.reader.readline()).strip()
            if not line:
                break
            k, _, v = line.decode("latin-1").partition(":")
            k = k.strip().lower()
            if k == "content-length":
                length = int(v)
            elif k == "transfer-encoding" and "chunked" in v.lower():
                chunked = True
        if not chunked:
            return status, await self.reader.readexactly(length)
        parts = []
        while True:
            n = int((await self.reader.readline()).split(b";")[0], 16)
            if n == 0:
                await self.reader.readline()
                return status, b"".join(parts)
            parts.append(await self.reader.readexactly(n))
            await self.reader.readline()

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


class Sim:
    def __init__(self, a, token):
        self.a = a
        self.token = token
        self.names = ["%s%04d" % (a.prefix, i) for i in range(a.hosts)]
        self.gen = {n: 0 for n in self.names}
        self.running = {n: [] for n in self.names}
        self.reports = asyncio.Queue()
        self.stopping = asyncio.Event()
        self.n = dict(fetches=0, fetch_bytes=0, fetch_max_bytes=0,
                      fetch_s=0.0, reports=0, heartbeats=0, errors=0,
                      view_entries=0)

    def conn(self):
        return Conn(self.a.port, self.token)

    async def register(self):
        sem = asyncio.Semaphore(8)

        async def one(name):
            async with sem:
                c = self.conn()
                st, body = await c.request("POST", "/v1/hosts/register", {
                    "name": name, "zone": self.a.zone,
                    "vcpus": self.a.vcpus, "mem_mib": self.a.mem_mib,
                    "disk_gib": self.a.disk_gib, "accel": "tcg",
                    "accel_why": "bench/scale simulated host",
                    "version": "bench-scale"})
                c.close()
                if st != 200:
                    raise RuntimeError("register %s: %d %s" % (name, st, body))
        await asyncio.gather(*(one(n) for n in self.names))

    async def poll(self, name):
        """Long-poll the desired state; queue a report when it changed."""
        c = self.conn()
        path = "/v1/hosts/%s/desired?wait=%d" % (name, self.a.poll_wait)
        view, vpcs = 0, []
        while not self.stopping.is_set():
            t0 = time.monotonic()
            try:
                st, body = await c.request("GET", "%s&after=%d&view=%d&vpcs=%s"
                                           % (path, self.gen[name], view,
                                              ",".join(vpcs)))
            except (OSError, asyncio.IncompleteReadError, ValueError):
                self.n["errors"] += 1
                await asyncio.sleep(1)
                continue
            if st != 200:
                self.n["errors"] += 1
                await asyncio.sleep(1)
                continue
            self.n["fetches"] += 1
            self.n["fetch_s"] += time.monotonic() - t0
            self.n["fetch_bytes"] += len(body)
            self.n["fetch_max_bytes"] = max(self.n["fetch_max_bytes"],
                                            len(body))
            d = json.loads(body)
            self.gen[name] = d["generation"]
            # Held as an agent holds it, minus the entries themselves
            # (a thousand hosts' copies would not fit in this process).
            view = d["view"]["seq"]
            vpcs = [v["id"] for v in d["view"]["vpcs"]]
            self.n["view_entries"] += sum(len(v["enis"])
                                          for v in d["view"]["vpcs"])
            want = [i for i in d.get("instances", [])
                    if i["want"] == "running"]
            ids = [i["id"] for i in want]
            if ids != self.running[name] or \
                    any(i["state"] == "pending" for i in want):
                self.running[name] = ids
                self.reports.put_nowait(name)
        c.close()

    async def reporter(self):
        c = self.conn()
        while True:
            name = await self.reports.get()
            body = {"generation": self.gen[name], "instances": [
                {"id": i, "state": "running"} for i in self.running[name]]}
            try:
                st, _ = await c.request("POST", "/v1/hosts/%s/report" % name,
                                        body)
                self.n["reports"] += 1
                if st != 200:
                    self.n["errors"] += 1
            except (OSError, asyncio.IncompleteReadError, ValueError):
                self.n["errors"] += 1

    async def heartbeat(self):
        """Every host reports once per interval, spread over it."""
        gap = self.a.heartbeat / max(len(self.names), 1)
        while not self.stopping.is_set():
            for name in self.names:
                if self.stopping.is_set():
                    return
                self.reports.put_nowait(name)
                self.n["heartbeats"] += 1
                await asyncio.sleep(gap)

    async def run(self):
        loop = asyncio.get_running_loop()
        for s in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(s, self.stopping.set)
        await self.register()
        print("registered %d" % len(self.names), flush=True)
        tasks = [asyncio.create_task(self.reporter())
                 for _ in range(REPORTERS)]
        tasks.append(asyncio.create_task(self.heartbeat()))
        tasks += [asyncio.create_task(self.poll(n)) for n in self.names]
        await self.stopping.wait()
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        print(json.dumps(self.n), flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--token-file", required=True)
    p.add_argument("--hosts", type=int, required=True)
    p.add_argument("--prefix", default="sim-")
    p.add_argument("--zone", default="mc-1a")
    p.add_argument("--vcpus", type=int, default=4)
    p.add_argument("--mem-mib", type=int, default=5120)
    p.add_argument("--disk-gib", type=int, default=40)
    p.add_argument("--poll-wait", type=int, default=20)
    p.add_argument("--heartbeat", type=float, default=15.0)
    a = p.parse_args()
    with open(a.token_file) as f:
        token = f.read().strip()
    asyncio.run(Sim(a, token).run())


if __name__ == "__main__":
    sys.exit(main())
