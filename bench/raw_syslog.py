#!/usr/bin/env python3
"""Seeded raw firewall syslog for the scale-out bench: PAN-OS TRAFFIC, Cisco ASA built and
teardown, and FortiGate traffic lines in the shapes of the samples in tests/data/firewall,
mixed one vendor a line, with varied hosts, ports, users, byte counts and times.

    python3 bench/raw_syslog.py --lines 1000000 --seed 7 > raw.log

About a quarter of the lines go from one of 60 hosts to a file transfer port (20, 21, 69,
139, 445, 990) of one of 24 public servers, so the reference detection finds groups of more than
three connections; the rest is web and DNS traffic, denied connections and private destinations.
"""

import argparse
import random
import sys
import time

# 2026-03-10 00:00:00 UTC; each line is a second or so after the one before.
START = 1773100800
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
TRANSFER_PORTS = ("20", "21", "69", "139", "445", "990")
OTHER_PORTS = ("443", "80", "53", "22", "3389", "8080")
USERS = ("alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi")


class Traffic:
    """One connection drawn from the seeded pools."""

    def __init__(self, rng, index):
        self.seconds = START + index + rng.randrange(2)
        self.sport = str(1024 + rng.randrange(60000))
        if rng.random() < 0.25:
            # A few dozen hosts that talk to a few dozen file servers, one port each.
            self.src = "10.0.%d.%d" % (rng.randrange(2), 1 + rng.randrange(30))
            server = rng.randrange(24)
            self.dport = TRANSFER_PORTS[server % len(TRANSFER_PORTS)]
            self.dst = "203.0.113.%d" % (10 + server)
        else:
            self.src = "10.%d.%d.%d" % (rng.randrange(4), rng.randrange(8), 1 + rng.randrange(40))
            self.dport = rng.choice(OTHER_PORTS)
            if rng.random() < 0.2:
                self.dst = "192.168.%d.%d" % (rng.randrange(4), 1 + rng.randrange(200))
            else:
                self.dst = "198.51.100.%d" % (1 + rng.randrange(250))
        self.allowed = rng.random() < 0.9
        self.user = rng.choice(USERS)
        self.sent = str(rng.randrange(200, 4_000_000))
        self.received = str(rng.randrange(100, 400_000))
        self.session = str(10_000 + index)

    def clock(self, pattern):
        """The connection's time in a strftime pattern, UTC."""
        return time.strftime(pattern, time.gmtime(self.seconds))

    def header(self):
        """A BSD syslog time: `Mar 10 09:10:01`."""
        parts = time.gmtime(self.seconds)
        return "%s %2d %s" % (MONTHS[parts.tm_mon - 1], parts.tm_mday, self.clock("%H:%M:%S"))


def palo_alto(t):
    """A PAN-OS TRAFFIC end line, fields in the documented order."""
    stamp = t.clock("%Y/%m/%d %H:%M:%S")
    action = "allow" if t.allowed else "deny"
    return (
        "%s PA-220 1,%s,012801096514,TRAFFIC,end,2049,%s,%s,%s,203.0.113.1,%s,outbound-rule,"
        "corp\\%s,,ftp,vsys1,trust,untrust,ethernet1/2,ethernet1/1,send_to_mac,%s,%s,1,%s,%s,"
        "61000,%s,0x400053,tcp,%s,%d,%s,%s,36,%s,586,computer-and-internet-info,0,32091112,0x0,"
        "10.0.0.0-10.255.255.255,United States,0,16,20,tcp-fin,0,0,0,0,,PA-220,from-policy,,,0,"
        ",0,,N/A,0,0,0,0"
        % (t.header(), stamp, stamp, t.src, t.dst, t.dst, t.user, stamp, t.session, t.sport,
           t.dport, t.dport, action, int(t.sent) + int(t.received), t.sent, t.received, stamp)
    )


def cisco_asa(t):
    """An ASA built line, or for a quarter of connections a teardown line with its bytes;
    denied connections are 106023 deny lines."""
    stamp = t.clock("%b %d %Y %H:%M:%S")
    if not t.allowed:
        return ("<164>%s asa-fw-01 : %%ASA-4-106023: Deny tcp src inside:%s/%s dst outside:%s/%s "
                "by access-group \"acl_out\" [0x0, 0x0]" % (stamp, t.src, t.sport, t.dst, t.dport))
    if int(t.session) % 4 == 0:
        return ("<166>%s asa-fw-01 : %%ASA-6-302014: Teardown TCP connection %s for outside:%s/%s "
                "to inside:%s/%s duration 0:00:30 bytes %s TCP FINs"
                % (stamp, t.session, t.dst, t.dport, t.src, t.sport, t.sent))
    return ("<166>%s asa-fw-01 : %%ASA-6-302013: Built outbound TCP connection %s for "
            "outside:%s/%s (%s/%s) to inside:%s/%s (198.51.100.7/%s)(LOCAL\\%s)"
            % (stamp, t.session, t.dst, t.dport, t.dst, t.dport, t.src, t.sport, t.sport, t.user))


def fortigate(t):
    """A FortiGate forward traffic line."""
    action = "accept" if t.allowed else "deny"
    return (
        '<189>date=%s time=%s devname="fw-branch" devid="FG100FTK0000001" logid="0000000013" '
        'type="traffic" subtype="forward" level="notice" vd="root" eventtime=%d tz="+0000" '
        'srcip=%s srcport=%s srcintf="lan" srcintfrole="lan" dstip=%s dstport=%s dstintf="wan1" '
        'dstintfrole="wan" sessionid=%s proto=6 action="%s" policyid=12 policytype="policy" '
        'user="%s" trandisp="snat" duration=20 sentbyte=%s rcvdbyte=%s sentpkt=400 rcvdpkt=400'
        % (t.clock("%Y-%m-%d"), t.clock("%H:%M:%S"), t.seconds, t.src, t.sport, t.dst, t.dport,
           t.session, action, t.user, t.sent, t.received)
    )


VENDORS = (palo_alto, cisco_asa, fortigate)


def write_lines(out, lines, seed):
    """Writes `lines` raw syslog lines drawn with `seed` to the text stream `out`."""
    rng = random.Random(seed)
    for index in range(lines):
        out.write(VENDORS[index % 3](Traffic(rng, index)))
        out.write("\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args()
    write_lines(sys.stdout, options.lines, options.seed)


if __name__ == "__main__":
    sys.exit(main())
