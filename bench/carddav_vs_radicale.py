#!/usr/bin/env python3
"""CardDAV throughput of peopledav next to Radicale, on the same address book.

Starts `peopledav demo` (the emulator seeded with N contacts, synced into the bridge) and Radicale
(from the .venv, `pip install radicale`), copies peopledav's cards into Radicale's storage, then
times the requests a syncing client makes on both: PROPFIND Depth 1 of the book,
addressbook-multigets of every card in chunks of 100, an initial sync-collection, a
sync-collection after one change, a ctag PROPFIND, and GETs of single cards. Each is run once
untimed first (Radicale builds its cache then). Prints a table with the ratios.

Usage: bench/carddav_vs_radicale.py [--cards N] [--rounds R] [--cpu C] [--peopledav target/release/peopledav]
"""

import argparse
import base64
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Dav:
    """A minimal HTTP/1.1 client over one keep-alive socket (reconnecting when the server closes
    it), so that the client's own time stays small next to the servers' times it measures."""

    def __init__(self, port, user, password, book):
        self.port = port
        self.auth = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        self.book = book
        self.sock = None

    def connect(self):
        self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=120)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.file = self.sock.makefile("rb")

    def close(self):
        if self.sock:
            self.file.close()
            self.sock.close()
            self.sock = None

    def request(self, method, path, body=None, headers=None):
        if body is not None and isinstance(body, str):
            body = body.encode()
        head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\nAuthorization: {self.auth}\r\n"
        for k, v in (headers or {}).items():
            head += f"{k}: {v}\r\n"
        if body is not None:
            head += f"Content-Length: {len(body)}\r\n"
        data = head.encode() + b"\r\n" + (body or b"")
        if self.sock is None:
            self.connect()
        try:
            self.sock.sendall(data)
            line = self.file.readline()
        except OSError:
            line = b""
        if not line:  # the server closed the kept-alive connection: once more on a new one
            self.close()
            self.connect()
            self.sock.sendall(data)
            line = self.file.readline()
        version, status = line.split(b" ", 2)[:2]
        fields = {}
        while (field := self.file.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = field.partition(b":")
            fields[name.strip().lower()] = value.strip().lower()
        status = int(status)
        if method == "HEAD" or status in (204, 304):
            content = b""
        elif b"content-length" in fields:
            content = self.file.read(int(fields[b"content-length"]))
        elif fields.get(b"transfer-encoding") == b"chunked":
            content = b""
            while (size := int(self.file.readline().split(b";")[0], 16)) > 0:
                content += self.file.read(size)
                self.file.readline()
            while self.file.readline() not in (b"\r\n", b"\n", b""):
                pass
        else:
            content = self.file.read()
            fields[b"connection"] = b"close"
        if fields.get(b"connection") == b"close" or (version == b"HTTP/1.0" and fields.get(b"connection") != b"keep-alive"):
            self.close()
        return status, content

    def hrefs(self):
        status, data = self.request("PROPFIND", self.book, PROPFIND, {"Depth": "1", "Content-Type": "application/xml"})
        assert status == 207, (status, data[:300])
        return [h for h in re.findall(r"<(?:\w+:)?href>([^<]+)</(?:\w+:)?href>", data.decode()) if h.endswith(".vcf")]


PROPFIND = '<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:getetag/><d:resourcetype/></d:prop></d:propfind>'
CTAG = ('<?xml version="1.0"?><d:propfind xmlns:d="DAV:" xmlns:cs="http://calendarserver.org/ns/">'
        '<d:prop><cs:getctag/><d:sync-token/></d:prop></d:propfind>')


def sync_body(token=""):
    return ('<?xml version="1.0"?><d:sync-collection xmlns:d="DAV:">'
            f'<d:sync-token>{token}</d:sync-token><d:sync-level>1</d:sync-level>'
            '<d:prop><d:getetag/></d:prop></d:sync-collection>')


SYNC = sync_body()


def multiget(hrefs):
    body = "".join(f"<d:href>{h}</d:href>" for h in hrefs)
    return ('<?xml version="1.0"?><c:addressbook-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:carddav">'
            f'<d:prop><d:getetag/><c:address-data/></d:prop>{body}</c:addressbook-multiget>')


def wait_port(port, proc, what):
    for _ in range(600):
        if proc.poll() is not None:
            sys.exit(f"{what} exited early")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"{what} did not start")


def timed(fn, rounds):
    fn()  # warm-up, untimed
    samples = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples)


def measure(dav, hrefs, rounds):
    def propfind():
        s, _ = dav.request("PROPFIND", dav.book, PROPFIND, {"Depth": "1", "Content-Type": "application/xml"})
        assert s == 207, s

    chunks = [multiget(hrefs[i:i + 100]) for i in range(0, len(hrefs), 100)]

    def mget():
        for body in chunks:
            s, _ = dav.request("REPORT", dav.book, body, {"Depth": "1", "Content-Type": "application/xml"})
            assert s == 207, s

    def sync():
        s, _ = dav.request("REPORT", dav.book, SYNC, {"Depth": "1", "Content-Type": "application/xml"})
        assert s == 207, s

    def ctag():
        s, _ = dav.request("PROPFIND", dav.book, CTAG, {"Depth": "0", "Content-Type": "application/xml"})
        assert s == 207, s

    # sync-collection after one change: each round edits one card (untimed), then asks for what
    # changed since the token of the round before.
    changed = hrefs[-1]
    s, card = dav.request("GET", changed)
    assert s == 200, s
    s, data = dav.request("REPORT", dav.book, SYNC, {"Depth": "1", "Content-Type": "application/xml"})
    token = [re.search(rb"<(?:\w+:)?sync-token>([^<]+)<", data).group(1).decode()]
    one_change = []
    for i in range(rounds):
        edited = card.replace(b"END:VCARD", f"NOTE:bench edit {i}\r\nEND:VCARD".encode())
        s, _ = dav.request("PUT", changed, edited, {"Content-Type": "text/vcard"})
        assert s in (201, 204), s
        t = time.perf_counter()
        s, data = dav.request("REPORT", dav.book, sync_body(token[0]), {"Depth": "1", "Content-Type": "application/xml"})
        one_change.append(time.perf_counter() - t)
        assert s == 207, (s, data[:300])
        token[0] = re.search(rb"<(?:\w+:)?sync-token>([^<]+)<", data).group(1).decode()

    singles = hrefs[:100]

    def gets():
        for h in singles:
            s, _ = dav.request("GET", h)
            assert s == 200, s

    return {
        "PROPFIND Depth 1 (whole book)": timed(propfind, rounds),
        "addressbook-multiget (every card, 100 a request)": timed(mget, rounds),
        "sync-collection (initial)": timed(sync, rounds),
        "sync-collection after one change": statistics.median(one_change),
        "PROPFIND Depth 0 ctag": timed(ctag, rounds),
        f"GET x{len(singles)} single cards": timed(gets, rounds),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cards", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--peopledav", default=os.path.join(ROOT, "target/release/peopledav"))
    ap.add_argument("--cpu", type=int, help="run the client and both servers on this one CPU, so that "
                    "no round trip pays for waking a thread on another core")
    args = ap.parse_args()
    if args.cpu is not None:
        os.sched_setaffinity(0, {args.cpu})  # the servers started below inherit it
    radicale = shutil.which("radicale", path=os.path.join(ROOT, ".venv/bin") + os.pathsep + os.environ.get("PATH", ""))
    if not radicale:
        sys.exit("radicale not found: python3 -m venv .venv && .venv/bin/pip install radicale")
    if not os.path.exists(args.peopledav):
        sys.exit(f"{args.peopledav} not found: cargo build --release")

    tmp = tempfile.mkdtemp(prefix="peopledav-bench-")
    procs = []
    try:
        port, eport, rport = free_port(), free_port(), free_port()
        procs.append(subprocess.Popen(
            [args.peopledav, "demo", "--listen", f"127.0.0.1:{port}", "--emulator-listen", f"127.0.0.1:{eport}",
             "--data", os.path.join(tmp, "demo"), "--seed-count", str(args.cards)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait_port(port, procs[-1], "peopledav")
        pd = Dav(port, "demo", "demo", "/dav/demo/contacts/")
        # the demo's first sync is done when the book has the seeded cards and stops growing
        before = -1
        for _ in range(600):
            hrefs = pd.hrefs()
            if len(hrefs) >= args.cards and len(hrefs) == before:
                break
            before = len(hrefs)
            time.sleep(0.5)
        print(f"peopledav book: {len(hrefs)} cards", file=sys.stderr)

        with open(os.path.join(tmp, "radicale.conf"), "w") as f:
            f.write(f"[server]\nhosts = 127.0.0.1:{rport}\n[auth]\ntype = none\n"
                    f"[storage]\nfilesystem_folder = {tmp}/radicale\n[logging]\nlevel = warning\n")
        procs.append(subprocess.Popen([radicale, "--config", os.path.join(tmp, "radicale.conf")],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait_port(rport, procs[-1], "radicale")
        rd = Dav(rport, "bench", "x", "/bench/book/")
        mk = ('<?xml version="1.0"?><d:mkcol xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:carddav"><d:set><d:prop>'
              '<d:resourcetype><d:collection/><c:addressbook/></d:resourcetype></d:prop></d:set></d:mkcol>')
        status, data = rd.request("MKCOL", rd.book, mk, {"Content-Type": "application/xml"})
        assert status in (201, 405), (status, data)
        # Radicale keeps one file per card in the collection's folder: writing the files there
        # is the same book as PUTting each card, in seconds instead of many minutes at 10,000.
        folder = os.path.join(tmp, "radicale", "collection-root", "bench", "book")
        assert os.path.isdir(folder), folder
        for h in hrefs:
            s, card = pd.request("GET", h)
            assert s == 200
            with open(os.path.join(folder, h.rsplit("/", 1)[1]), "wb") as f:
                f.write(card)
        rhrefs = rd.hrefs()
        print(f"radicale book: {len(rhrefs)} cards", file=sys.stderr)

        ours = measure(pd, hrefs, args.rounds)
        theirs = measure(rd, rhrefs, args.rounds)
        where = f"all on CPU {args.cpu}" if args.cpu is not None else "on any CPU"
        print(f"{len(hrefs)} cards, median of {args.rounds} rounds, loopback, one connection, {where}")
        print(f"| request | peopledav | Radicale | Radicale / peopledav |")
        print(f"|---|---|---|---|")
        for k in ours:
            print(f"| {k} | {ours[k]*1000:.2f} ms | {theirs[k]*1000:.2f} ms | {theirs[k]/ours[k]:.1f}x |")
    finally:
        for p in procs:
            p.terminate()
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
