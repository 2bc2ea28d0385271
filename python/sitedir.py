"""Where `make install-python` puts the bssim package for an install prefix.

    python3 python/sitedir.py PREFIX           print the folder
    python3 python/sitedir.py --note PREFIX DIR   say whether python3 sees DIR

The folder is a site-packages folder of this python3 under PREFIX/lib when
it has one (Debian's python3 for /usr/local: /usr/local/lib/python3.X/
dist-packages, on its sys.path), else the posix_prefix scheme's purelib for
PREFIX (PREFIX/lib/python3.X/site-packages), which python3 imports from
only when PYTHONPATH names it.
"""
import os
import site
import sys
import sysconfig


def candidates():
    """Every site-packages folder this python3 would import from, whether
    it exists yet or not (site.getsitepackages lists Debian's
    /usr/local/lib/python3.X/dist-packages before it is made)."""
    seen = []
    for p in list(site.getsitepackages()) + sys.path:
        if p and os.path.basename(p) in ("dist-packages", "site-packages"):
            p = os.path.abspath(p)
            if p not in seen:
                seen.append(p)
    return seen


def site_dir(prefix):
    lib = os.path.join(os.path.abspath(prefix), "lib") + os.sep
    ver = "python%d.%d" % sys.version_info[:2]
    under = [p for p in candidates() if p.startswith(lib)]
    # this version's own folder before one shared by every python3
    # (Debian's /usr/lib/python3/dist-packages)
    under.sort(key=lambda p: ver not in p.split(os.sep))
    if under:
        return under[0]
    return sysconfig.get_path("purelib", "posix_prefix",
                              vars={"base": os.path.abspath(prefix),
                                    "platbase": os.path.abspath(prefix)})


def main(argv):
    if len(argv) == 2:
        print(site_dir(argv[1]))
        return 0
    if len(argv) == 4 and argv[1] == "--note":
        d = os.path.abspath(argv[3])
        if d not in candidates():
            print("install-python: %s is not on %s's sys.path: set "
                  "PYTHONPATH=%s to import bssim" % (d, sys.executable, d))
        return 0
    print(__doc__.strip(), file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
