#!/usr/bin/env python3
"""The report.json of a bundle written in the capture kernel, held to the
boot's ground truth with the same checks as the fixtures (check_verdict)."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_verdict import check_verdict  # noqa: E402
from checks import Checks  # noqa: E402

check = Checks('')


def main():
    sc, report, fixture = sys.argv[1:4]
    rep = json.load(open(report))
    exp = json.load(open(os.path.join(fixture, "expected.json")))
    check("e2e/%s-panic" % sc, rep["panic"]["cpu"] == exp["panic"]["cpu"]
          and rep["panic"]["message"] == exp["panic"]["message"],
          "report %s, truth %s" % (rep["panic"], exp["panic"]))
    check_verdict("e2e/" + sc, rep, fixture, exp, check)
    return check.report()


if __name__ == "__main__":
    sys.exit(main())
