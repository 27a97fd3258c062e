"""Runs one of Adafruit's example programs unchanged (with runpy, as `python example.py`
would) and, for an example that loops for ever (a marquee), stops it with
KeyboardInterrupt once a given time has passed on the clock it reads. Prints when it
finished or was stopped, in seconds on time.monotonic() from its start.

    python run_example.py EXAMPLE.py SECONDS
"""

import _thread
import runpy
import sys
import threading
import time

path, seconds = sys.argv[1], float(sys.argv[2])
start = time.monotonic()


def stop():
    time.sleep(seconds)
    _thread.interrupt_main()


threading.Thread(target=stop, daemon=True).start()
try:
    runpy.run_path(path, run_name="__main__")
    print(f"finished at {time.monotonic() - start:.6f} s")
except KeyboardInterrupt:
    print(f"stopped at {time.monotonic() - start:.6f} s")
