"""A process's own peak memory, for the benchmarks."""

import resource


def peak_rss_mb() -> float:
    """The peak resident memory of this process's program, in MB.

    Linux's VmHWM belongs to the program alone; `ru_maxrss` of a child started by a large process carries
    that process's size over the exec, so it is only the fallback where /proc is missing.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
