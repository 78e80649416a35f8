"""A Redis (RQ) backend for Django's own tasks framework.

django-tasks-rq 0.12 is built on the separate ``django_tasks`` package: under
it, ``@task`` yields ``django_tasks`` objects, results are not
``django.tasks.TaskResult`` and Django's task signals and exceptions never
fire. This backend speaks ``django.tasks`` throughout.

Workers run ``manage.py rqworker <queues> --job-class chorus.core.rq_backend.Job``.
"""

from types import TracebackType
from typing import Any

import django_rq
from django.core.checks import CheckMessage
from django.core.checks import Error as CheckError
from django.core.exceptions import SuspiciousOperation
from django.tasks import Task, TaskContext, TaskResult, TaskResultStatus
from django.tasks.backends.base import BaseTaskBackend
from django.tasks.base import TaskError
from django.tasks.exceptions import TaskResultDoesNotExist
from django.tasks.signals import task_enqueued, task_finished, task_started
from django.utils.crypto import get_random_string
from django.utils.functional import cached_property
from django.utils.json import normalize_json
from django.utils.module_loading import import_string
from redis import Redis
from rq.exceptions import NoSuchJobError
from rq.job import Callback, JobStatus
from rq.job import Job as RQJob
from rq.registry import ScheduledJobRegistry
from rq.results import Result

RQ_TO_TASK_STATUS = {
    JobStatus.CREATED: TaskResultStatus.READY,
    JobStatus.QUEUED: TaskResultStatus.READY,
    JobStatus.DEFERRED: TaskResultStatus.READY,
    JobStatus.SCHEDULED: TaskResultStatus.READY,
    JobStatus.STARTED: TaskResultStatus.RUNNING,
    JobStatus.FINISHED: TaskResultStatus.SUCCESSFUL,
    JobStatus.FAILED: TaskResultStatus.FAILED,
    JobStatus.STOPPED: TaskResultStatus.FAILED,
    JobStatus.CANCELED: TaskResultStatus.FAILED,
}
EXCEPTIONS_META_KEY = "chorus_exception_classes"
BACKEND_META_KEY = "chorus_task_backend"

type AnyTask = Task[..., Any]
type AnyTaskResult = TaskResult[..., Any]


def _class_path(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


class Job(RQJob):
    """An RQ job whose function is a Django ``Task``."""

    @property
    def task(self) -> AnyTask:
        func = import_task(self.func_name)
        if func is None:
            raise SuspiciousOperation(f"Job {self.id} does not point to a task ({self.func_name})")
        return func

    def perform(self) -> Any:
        task_result = self.task_result
        task_started.send(type(task_result.task.get_backend()), task_result=task_result)
        return super().perform()

    def _execute(self) -> Any:
        task = self.task
        try:
            if task.takes_context:
                value = task.call(
                    TaskContext(task_result=self.task_result), *self.args, **self.kwargs
                )
            else:
                value = task.call(*self.args, **self.kwargs)
            return normalize_json(value)
        finally:
            # The job's state moves on once the function returns.
            self.__dict__.pop("task_result", None)

    @cached_property
    def task_result(self) -> AnyTaskResult:
        return build_task_result(self)


def import_task(path: str | None) -> AnyTask | None:
    if not path:
        return None
    try:
        candidate = import_string(path)
    except ImportError:
        return None
    return candidate if isinstance(candidate, Task) else None


def build_task_result(job: Job) -> AnyTaskResult:
    backend_alias = str(job.meta.get(BACKEND_META_KEY, "default"))
    run_after = None
    if job.is_scheduled:
        queue = django_rq.get_queue(job.origin, connection=job.connection, job_class=Job)
        registry = ScheduledJobRegistry(queue=queue)  # type: ignore[no-untyped-call]
        run_after = registry.get_scheduled_time(job)
    result: AnyTaskResult = TaskResult(
        task=job.task.using(queue_name=job.origin, run_after=run_after, backend=backend_alias),
        id=job.id,
        status=RQ_TO_TASK_STATUS[job.get_status()],
        enqueued_at=job.enqueued_at,
        started_at=job.started_at,
        last_attempted_at=job.started_at,
        finished_at=job.ended_at,
        args=list(job.args),
        kwargs=dict(job.kwargs),
        backend=backend_alias,
        errors=[],
        worker_ids=[],
    )
    _apply_outcomes(job, result)
    return result


def _apply_outcomes(job: Job, result: AnyTaskResult) -> None:
    exception_paths = list(job.meta.get(EXCEPTIONS_META_KEY, []))
    outcomes: list[Result] = job.results()
    # RQ lists results newest first.
    for outcome in reversed(outcomes):
        result.worker_ids.append(outcome.worker_name)
        if outcome.type == Result.Type.FAILED:
            path = exception_paths.pop(0) if exception_paths else _class_path(Exception)
            result.errors.append(
                TaskError(exception_class_path=path, traceback=outcome.exc_string or "")
            )
    if job.worker_name and result.status == TaskResultStatus.RUNNING:
        result.worker_ids.append(job.worker_name)
    if outcomes:
        latest = outcomes[0]
        object.__setattr__(result, "last_attempted_at", latest.created_at)
        if latest.type == Result.Type.SUCCESSFUL:
            object.__setattr__(result, "_return_value", latest.return_value)


def on_job_failure(
    job: Job,
    connection: Redis,
    exception_class: type[BaseException],
    exception: BaseException,
    traceback: TracebackType,
) -> None:
    # RQ keeps only the formatted traceback, so the class travels in the job's meta.
    job.meta.setdefault(EXCEPTIONS_META_KEY, []).append(_class_path(exception_class))
    job.save_meta()  # type: ignore[no-untyped-call]
    task_result = job.task_result
    object.__setattr__(task_result, "status", TaskResultStatus.FAILED)
    task_finished.send(type(task_result.task.get_backend()), task_result=task_result)


def on_job_success(job: Job, connection: Redis, value: Any) -> None:
    task_result = job.task_result
    object.__setattr__(task_result, "status", TaskResultStatus.SUCCESSFUL)
    object.__setattr__(task_result, "_return_value", value)
    task_finished.send(type(task_result.task.get_backend()), task_result=task_result)


class RQBackend(BaseTaskBackend):
    supports_defer = True
    supports_async_task = True
    supports_get_result = True

    def enqueue[**P, R](
        self, task: Task[P, R], args: list[Any], kwargs: dict[str, Any]
    ) -> TaskResult[P, R]:
        self.validate_task(task)
        task_result: TaskResult[P, R] = TaskResult(
            task=task,
            id=get_random_string(32),
            status=TaskResultStatus.READY,
            enqueued_at=None,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        queue = django_rq.get_queue(task.queue_name, connection=self._redis, job_class=Job)
        job = queue.create_job(
            task.module_path,
            args=task_result.args,
            kwargs=task_result.kwargs,
            job_id=task_result.id,
            result_ttl=django_rq.queues.get_result_ttl(task.queue_name),
            status=JobStatus.SCHEDULED if task.run_after else JobStatus.QUEUED,
            on_success=Callback(on_job_success),
            on_failure=Callback(on_job_failure),
            meta={BACKEND_META_KEY: self.alias},
        )
        if task.run_after is None:
            job = queue.enqueue_job(job)
        else:
            job = queue.schedule_job(job, task.run_after)
        object.__setattr__(task_result, "enqueued_at", job.enqueued_at)
        task_enqueued.send(type(self), task_result=task_result)
        return task_result

    def get_result(self, result_id: str) -> AnyTaskResult:
        try:
            job = Job.fetch(result_id, connection=self._redis)
        except NoSuchJobError as error:
            raise TaskResultDoesNotExist(result_id) from error
        assert isinstance(job, Job)
        return job.task_result

    @cached_property
    def _redis(self) -> Redis:
        # Every queue of one backend shares a Redis server, as rqworker requires.
        return django_rq.get_connection(sorted(self.queues)[0])

    def check(self, **kwargs: Any) -> list[CheckMessage]:
        configured = django_rq.settings.QUEUES
        return [
            CheckError(
                f"Task queue {queue_name!r} has no Redis connection.",
                hint=f"Add {queue_name!r} to RQ_QUEUES.",
                id="chorus.E001",
            )
            for queue_name in sorted(self.queues)
            if queue_name not in configured
        ]
