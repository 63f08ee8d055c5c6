"""gunicorn configuration of the load bench: the CPU milliseconds each request costs its worker, by URL name.

`time.thread_time()` counts the CPU of the thread serving the request only, so the figure holds for sync and gthread
workers alike and is not inflated by other processes on a busy machine, unlike wall time. Each worker appends
`<view name>\t<method>\t<CPU ms>` lines to `$BENCH_CPU_LOG/cpu-<pid>.tsv`; bench/load.py summarises them.
"""

import os
import time
from pathlib import Path

_log = None


def pre_request(worker, req):
    req.bench_cpu_start = time.thread_time()


def post_request(worker, req, environ, resp):
    global _log
    start = getattr(req, "bench_cpu_start", None)
    if start is None:
        return
    milliseconds = (time.thread_time() - start) * 1000
    from django.urls import Resolver404, resolve

    try:
        name = resolve(req.path).view_name
    except Resolver404:
        name = "not found"
    if _log is None:
        _log = (Path(os.environ["BENCH_CPU_LOG"]) / f"cpu-{os.getpid()}.tsv").open("a", buffering=1)
    _log.write(f"{name}\t{req.method}\t{milliseconds:.2f}\n")
