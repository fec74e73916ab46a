"""Rollups of the province dashboard: counters kept up to date inside every workflow transition.

Every table here is written by :func:`dukcapil.dashboard.rollups.record_transition` (the entry of
this app in ``settings.DUKCAPIL_TRANSITION_EFFECTS``), in the transition's own transaction, with
``INSERT … ON CONFLICT DO UPDATE SET n = n + 1``. Nothing here holds a name, NIK or address: only
region codes, service codes, channels, statuses, dates and counts. ``dukcapil dashboard-recount``
rebuilds all of them from the raw events with the same code and reports any difference.

Grains (chosen so that a page reads a few thousand rows for a month, whatever the history):

- :class:`RegencyDay`: day × regency × service × channel, the flow counters (received, completed …);
- :class:`KecamatanDay`: day × kecamatan, the same counters for the kecamatan tables and grid;
- :class:`OpenCount`: how many applications are in each open state *now*, per kecamatan × service ×
  channel × status × clock-start day × due day; the backlog by age in working days is computed
  from it when the page is read (no periodic job needed: the age moves with the date, not the data);
- :class:`StageDay`: day × regency × stage × duration bucket, so median and p90 are read from a
  histogram with fixed buckets;
- :class:`RevisionDay`: day × regency × service × requirement, how often each paper is sent back.
"""

from __future__ import annotations

from django.db import models


class FlowCounters(models.Model):
    """Counters of events in a day (the day of the event, Asia/Jakarta)."""

    received = models.PositiveIntegerField(default=0)  # first submissions
    resubmitted = models.PositiveIntegerField(default=0)
    revision_requested = models.PositiveIntegerField(default=0)
    approved = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    cancelled = models.PositiveIntegerField(default=0)
    expired = models.PositiveIntegerField(default=0)
    issued = models.PositiveIntegerField(default=0)
    issued_on_time = models.PositiveIntegerField(default=0)  # issued on or before the due date
    shipped = models.PositiveIntegerField(default=0)
    delivered_first_time = models.PositiveIntegerField(default=0)
    returned = models.PositiveIntegerField(default=0)  # delivery failed, left for pick-up
    completed = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


FLOW_FIELDS = (
    "received", "resubmitted", "revision_requested", "approved", "rejected", "cancelled",
    "expired", "issued", "issued_on_time", "shipped", "delivered_first_time", "returned",
    "completed",
)  # fmt: skip


class RegencyDay(FlowCounters):
    day = models.DateField()
    regency = models.CharField(max_length=5)
    service = models.CharField(max_length=32)
    channel = models.CharField(max_length=10)

    KEY = ("day", "regency", "service", "channel")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "regency", "service", "channel"],
                                    name="dash_regency_day_key")
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.day} {self.regency} {self.service} {self.channel}"


class KecamatanDay(FlowCounters):
    day = models.DateField()
    regency = models.CharField(max_length=5)
    kecamatan = models.CharField(max_length=8)

    KEY = ("day", "regency", "kecamatan")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "regency", "kecamatan"],
                                    name="dash_kecamatan_day_key")
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.day} {self.kecamatan}"


class OpenCount(models.Model):
    """Applications now in ``status`` (open states only), by when their clock started (the last
    submission, or the revision request for ``needs_revision``) and their due day."""

    regency = models.CharField(max_length=5)
    kecamatan = models.CharField(max_length=8)
    service = models.CharField(max_length=32)
    channel = models.CharField(max_length=10)
    status = models.CharField(max_length=16)
    since = models.DateField()
    due = models.DateField()
    n = models.IntegerField(default=0)

    KEY = ("regency", "kecamatan", "service", "channel", "status", "since", "due")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["regency", "kecamatan", "service", "channel", "status", "since", "due"],
                name="dash_open_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kecamatan} {self.status} {self.since}: {self.n}"


class StageDay(models.Model):
    """How long a stage took, counted on the day it ended, in fixed buckets of hours
    (:data:`dukcapil.dashboard.rollups.BUCKET_HOURS`)."""

    day = models.DateField()
    regency = models.CharField(max_length=5)
    stage = models.CharField(max_length=10)
    bucket = models.PositiveSmallIntegerField()
    n = models.PositiveIntegerField(default=0)

    KEY = ("day", "regency", "stage", "bucket")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "regency", "stage", "bucket"],
                                    name="dash_stage_day_key")
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.day} {self.regency} {self.stage}[{self.bucket}]: {self.n}"


class RevisionDay(models.Model):
    """Requirements named in revision requests, counted on the day of the request."""

    day = models.DateField()
    regency = models.CharField(max_length=5)
    service = models.CharField(max_length=32)
    requirement = models.CharField(max_length=40)
    n = models.PositiveIntegerField(default=0)

    KEY = ("day", "regency", "service", "requirement")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "regency", "service", "requirement"],
                                    name="dash_revision_day_key")
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.day} {self.regency} {self.requirement}: {self.n}"
