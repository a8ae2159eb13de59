"""PASS/FAIL bookkeeping shared by the checkers: every check is one line,
"PASS name" or "FAIL name: why", and the run fails if any check did."""


class Checks:
    def __init__(self, prefix=""):
        self.prefix = prefix
        self.results = []

    def __call__(self, name, ok, why=""):
        self.results.append((self.prefix + name, ok, why))

    def report(self):
        """Print every result; 1 if any failed, else 0."""
        bad = 0
        for name, ok, why in self.results:
            print("PASS %s" % name if ok else "FAIL %s: %s" % (name, why))
            bad += not ok
        return 1 if bad else 0
