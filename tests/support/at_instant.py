"""Run a module (``python -m tests.support.at_instant bot run ...``) with the clock set to
`TEST_NOW`, ticking from there: the end-to-end bot lives at the same instant as its test."""

import runpy
import sys

from tests.support import clock

if __name__ == "__main__":
    module, sys.argv = sys.argv[1], sys.argv[1:]
    with clock.travel():
        runpy.run_module(module, run_name="__main__", alter_sys=True)
