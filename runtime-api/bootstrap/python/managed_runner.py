"""Lambda Managed Instances (AWS_LAMBDA_MAX_CONCURRENCY set), as AWS's Python runtime client runs it: the
bootstrap starts that many processes (multiprocessing), each of which runs its own INIT (imports the
handler) and then takes one request at a time from GET /next. Processes share no memory, only the
environment's /tmp. The parent waits for every process to end."""

import os
import sys


def max_concurrency():
    """The number of runtime processes, or None outside the managed-instances model."""
    raw = os.environ.get("AWS_LAMBDA_MAX_CONCURRENCY")
    if raw is None:
        return None
    try:
        return max(1, int(raw))
    except ValueError:
        return 1


def run_concurrent(target, count):
    import multiprocessing  # (only here: it costs every other start-up several ms of imports)

    processes = []
    for _ in range(count):
        p = multiprocessing.Process(target=target)
        p.start()
        processes.append(p)
    for p in processes:
        p.join()
    sys.exit(max((p.exitcode or 0) for p in processes) and 1)
