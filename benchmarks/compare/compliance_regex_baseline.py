#!/usr/bin/env python3
"""Baseline for benchmarks/compliance_scan_bench.cpp: the same kinds of PII patterns run with
Python's `re`, one pattern after another over the text, the way Presidio's pattern recognizers
work (flags DOTALL | MULTILINE | IGNORECASE, candidates checked with Luhn / MOD 97 / ipaddress).
No NER, no context words, no libphonenumber: this is the cheap part of Presidio only, and with 17
patterns instead of the 43 of Presidio's default English set it is about 4x faster than that set
(0.53 MB/s on the same kind of CSV, see docs/compliance.md "Throughput"), so ratios against it are
conservative. benchmarks/compare/compliance_scan_1gb.sh runs both sides on a generated file.

  # write a CSV with mixed personal data (the C++ benchmark's row layout)
  python3 benchmarks/compare/compliance_regex_baseline.py --generate /tmp/mixed.csv --mb 300
  # scan (the first --max-mb of) it and print MB/s per core (CPU time)
  python3 benchmarks/compare/compliance_regex_baseline.py --scan /tmp/mixed.csv --max-mb 20
  # the C++ side on the same file
  RAMPART_BENCH_CSV=/tmp/mixed.csv build/release/benchmarks/compliance_scan_bench \
      --benchmark_filter=File
"""
import argparse
import ipaddress
import random
import re
import sys
import time

FLAGS = re.DOTALL | re.MULTILINE | re.IGNORECASE


def luhn(digits):
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c)
        if i % 2 == 1:
            d *= 2
            d -= 9 if d > 9 else 0
        total += d
    return total % 10 == 0


def iban_ok(text):
    s = text.replace(" ", "").upper()
    if len(s) < 15 or len(s) > 34:
        return False
    r = s[4:] + s[:4]
    n = "".join(str(int(c, 36)) for c in r)
    return int(n) % 97 == 1


def ip_ok(text):
    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        return False


def nhs_ok(text):
    d = [int(c) for c in text if c.isdigit()]
    if len(d) != 10:
        return False
    r = 11 - sum(x * (10 - i) for i, x in enumerate(d[:9])) % 11
    r = 0 if r == 11 else r
    return r != 10 and r == d[9]


# (entity, pattern, validator or None). Written for this baseline; same kinds as the C++ detector.
RECOGNIZERS = [
    ("EMAIL_ADDRESS", r"\b[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b", None),
    ("CREDIT_CARD", r"\b(?:\d[ -]?){12,18}\d\b",
     lambda t: luhn(re.sub(r"\D", "", t))),
    ("IBAN_CODE", r"\b[a-z]{2}\d{2}(?: ?[a-z0-9]){11,30}\b", iban_ok),
    ("IP_ADDRESS", r"\b(?:\d{1,3}\.){3}\d{1,3}\b", ip_ok),
    ("IP_ADDRESS", r"\b(?:[0-9a-f]{1,4}:){2,7}[0-9a-f]{0,4}\b", ip_ok),
    ("PHONE_NUMBER", r"(?:\+|\b00)\d{1,3}(?:[ .-]?\(?\d{1,5}\)?){2,6}\b", None),
    ("PHONE_NUMBER", r"\(\d{2,5}\)[ -]?\d{2,5}(?:[ -]?\d{2,5}){0,3}\b", None),
    ("US_SSN", r"\b\d{3}[- ]\d{2}[- ]\d{4}\b", None),
    ("UK_NHS", r"\b\d{3}[- ]?\d{3}[- ]?\d{4}\b", nhs_ok),
    ("ES_NIF", r"\b\d{8}[- ]?[a-z]\b", None),
    ("IT_FISCAL_CODE", r"\b[a-z]{6}\d{2}[a-z]\d{2}[a-z]\d{3}[a-z]\b", None),
    ("MAC_ADDRESS", r"\b[0-9a-f]{2}(?:[:-][0-9a-f]{2}){5}\b", None),
    ("UUID", r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", None),
    ("HASH", r"\b(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64})\b", None),
    ("LAT_LONG", r"-?\d{1,2}\.\d{4,10} ?, ?-?\d{1,3}\.\d{4,10}", None),
    ("DATE_TIME", r"\b(?:\d{4}-\d{2}-\d{2}|\d{2}[./]\d{2}[./]\d{4})\b", None),
    ("UK_POSTCODE", r"\b[a-z]{1,2}\d[a-z\d]? ?\d[a-z]{2}\b", None),
]

FIRST = ["anna", "lukas", "marie", "jonas", "sofia", "liam", "emma"]
NOTES = ["delivered to the neighbour, all fine", "customer asked for a call back tomorrow",
         "left at the front door as agreed", "no answer, will try again on monday"]


def luhn_complete(prefix, rng):
    digits = prefix + "".join(str(rng.randint(0, 9)) for _ in range(14))
    # the check digit that makes the Luhn sum of digits + check a multiple of 10
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c)
        if i % 2 == 0:
            d *= 2
            d -= 9 if d > 9 else 0
        total += d
    check = str((10 - total % 10) % 10)
    assert luhn(digits + check)
    return digits + check


def generate(path, megabytes):
    rng = random.Random(42)
    target = megabytes * 1_000_000
    written = 0
    with open(path, "w") as out:
        header = "id,name,email,phone,iban,card,ip,device,lat_long,amount,created_at,note\n"
        out.write(header)
        written += len(header)
        row_id = 0
        while written < target:
            rows = []
            for _ in range(10000):
                row_id += 1
                first = rng.choice(FIRST)
                rows.append(
                    "%d,%s Example,%s.%d@example.org,+49 30 %d,DE89370400440532013000,%s,"
                    "%d.%d.%d.%d,6fa459ea-ee8a-4ca4-894e-db77e160355e,\"52.%d, 13.%d\",%d.%d,"
                    "2026-03-14T10:11:12Z,%s\n" % (
                        row_id, first, first, row_id, rng.randint(1000000, 9999999),
                        luhn_complete("4", rng), rng.randint(11, 223), rng.randint(0, 255),
                        rng.randint(0, 255), rng.randint(1, 254), rng.randint(100000, 999999),
                        rng.randint(100000, 999999), rng.randint(1, 999), rng.randint(10, 99),
                        rng.choice(NOTES)))
            block = "".join(rows)
            out.write(block)
            written += len(block)
    print("wrote %s: %.1f MB" % (path, written / 1e6))


def scan(path, max_mb):
    compiled = [(name, re.compile(p, FLAGS), check) for name, p, check in RECOGNIZERS]
    limit = int(max_mb * 1_000_000) if max_mb else None
    scanned = 0
    found = 0
    start = time.perf_counter()
    cpu_start = time.process_time()
    with open(path, "r") as f:
        while True:
            chunk = f.read(1 << 20)
            if not chunk:
                break
            # keep whole lines together, as the C++ side does
            rest = f.readline()
            chunk += rest
            for _, pattern, check in compiled:
                for m in pattern.finditer(chunk):
                    if check is None or check(m.group(0)):
                        found += 1
            scanned += len(chunk)
            if limit and scanned >= limit:
                break
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    print("python re baseline: %.1f MB in %.1f s wall, %.1f s CPU = %.3f MB/s per core (CPU), "
          "%d detections, %d patterns" %
          (scanned / 1e6, elapsed, cpu, scanned / 1e6 / cpu, found, len(compiled)))
    print("RESULT bytes=%d cpu_s=%.3f wall_s=%.3f detections=%d" % (scanned, cpu, elapsed, found))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generate", metavar="PATH")
    parser.add_argument("--mb", type=int, default=300)
    parser.add_argument("--scan", metavar="PATH")
    parser.add_argument("--max-mb", type=float, default=0)
    args = parser.parse_args()
    if args.generate:
        generate(args.generate, args.mb)
    if args.scan:
        scan(args.scan, args.max_mb)
    if not args.generate and not args.scan:
        parser.print_help()
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
