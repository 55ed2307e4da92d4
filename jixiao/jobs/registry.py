"""The kinds of background job, each declared by its own app in `<app>/jobs.py`."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class JobKind:
    name: str
    # The Chinese line the person sees for this job, from its parameters.
    describe: Callable[[dict], str]
    # Raises (ServiceError, Http404) when the person may not ask for it; runs in the request.
    check: Callable[[object, dict], None]
    # Does the work: reads the parameters, reports progress, writes the result file (see `JobRun`).
    run: Callable[["object"], None]
    # For a job that leaves no file: the Chinese label and address of the page that shows its result.
    result_page: Callable[[dict], tuple[str, str]] | None = None


KINDS: dict[str, JobKind] = {}


def job_kind(
    name: str,
    *,
    describe: Callable[[dict], str],
    check: Callable[[object, dict], None],
    result_page: Callable[[dict], tuple[str, str]] | None = None,
):
    """Register the decorated function as the body of the job kind `name`."""

    def register(run):
        KINDS[name] = JobKind(name=name, describe=describe, check=check, run=run, result_page=result_page)
        return run

    return register
