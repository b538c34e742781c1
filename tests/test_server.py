"""How `ecabinet run` sets up its process: gevent without spawn tracking, a frozen
start-up heap, fewer young collections."""

from __future__ import annotations

import subprocess
import sys

from ecabinet.server import YOUNG_COLLECTION_THRESHOLD


def test_freeze_startup_heap_moves_objects_out_of_collections():
    # In a child: unfreezing here would also give the test process's own frozen heap back.
    code = ("import gc; from ecabinet.server import freeze_startup_heap; freeze_startup_heap(); "
            "print(gc.get_freeze_count() > 0, gc.get_threshold()[0])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60)
    assert out.stdout.split() == ["True", str(YOUNG_COLLECTION_THRESHOLD)]


def test_patch_for_gevent_spawns_greenlets_without_their_stacks():
    # In a child: patching gevent in the test process would change every later test.
    code = ("from ecabinet.server import patch_for_gevent; patch_for_gevent(); import gevent; "
            "g = gevent.spawn(lambda: None); g.join(); "
            "print(g.spawning_stack is None, g.spawning_greenlet is None)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60)
    assert out.stdout.split() == ["True", "True"]
