"""Rollups of the province dashboard: counters kept up to date inside every workflow transition.

Every table here is written by :func:`dukcapil.dashboard.rollups.record_transition` (the entry of
this app in ``settings.DUKCAPIL_TRANSITION_EFFECTS``), in the transition's own transaction, with
``INSERT … ON CONFLICT DO UPDATE SET n = n + 1``. Nothing here holds a name, NIK or address: only
region codes, service codes, channels, statuses, requirement codes, dates and counts.
``dukcapil dashboard-recount`` rebuilds all of them from the raw events with the same code and
reports any difference.

Every measure comes in three families of tables, each at two or three grains. A page reads, for
each family, the first grain that holds every dimension it filters or groups by (see
:func:`dukcapil.dashboard.selectors.grain_for`), so that it reads a few thousand rows for a month,
whatever the length of the history:

- daily, by regency × service × channel: exact for any period, filtered or broken down by
  regency, service or channel (:class:`RegencyDay`, :class:`StageDay`, :class:`RevisionDay`;
  and the coarse tables that the unfiltered pages read, with the fewest rows:
  :class:`ServiceDay` and :class:`RevisionServiceDay` for the whole province,
  :class:`StageRegencyDay` per regency alone, a histogram having 17 columns);
- daily, by kecamatan: exact for any period, broken down by kecamatan (:class:`KecamatanDay`,
  :class:`StageKecamatanDay`);
- monthly, by kecamatan × service × channel: for the fine cuts (a kecamatan together with a
  service or a channel) (:class:`KecamatanMonth`, :class:`StageMonth`, :class:`RevisionMonth`).

A page filtered by kecamatan, service or channel shows every breakdown under that filter, and
some of them need the monthly grain: such a page (and its exports) widens its period to whole
months, for all its figures alike, and says so. An unfiltered page (the province, a regency) is
exact for any period.

The families:

- flows (:class:`FlowCounters`): events counted on the day they happened (received, completed …);
- stage times (:class:`BucketCounters`): how long a stage took, counted on the day it ended, in
  fixed buckets of hours, one column per bucket, so that median and p90 are read from a histogram;
- revisions: per requirement, how often it was sent back (``n``), and how often at the
  application's first review (``first``); the row with an empty requirement counts the first
  reviews themselves (``first``), the denominator of the revision rate, kept at the very grain of
  its numerators so that the rate is exact for any cut.

And :class:`OpenCount`: how many applications are in each open state *now*, per kecamatan ×
service × channel × status × clock-start day × due day; the backlog by age in working days is
computed from it when the page is read (no periodic job needed: the age moves with the date, not
the data).
"""

from __future__ import annotations

from django.db import models

from dukcapil.dashboard.buckets import BUCKET_FIELDS


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
    first_reviewed = models.PositiveIntegerField(default=0)  # an application's first decision

    COUNTERS: tuple[str, ...] = ()

    class Meta:
        abstract = True


FLOW_FIELDS = (
    "received", "resubmitted", "revision_requested", "approved", "rejected", "cancelled",
    "expired", "issued", "issued_on_time", "shipped", "delivered_first_time", "returned",
    "completed", "first_reviewed",
)  # fmt: skip


class BucketCounters(models.Model):
    """A histogram of durations: ``b00`` … ``b16`` count the durations of each bucket
    (:data:`dukcapil.dashboard.buckets.BUCKET_HOURS`, the last bucket open)."""

    b00 = models.PositiveIntegerField(default=0)
    b01 = models.PositiveIntegerField(default=0)
    b02 = models.PositiveIntegerField(default=0)
    b03 = models.PositiveIntegerField(default=0)
    b04 = models.PositiveIntegerField(default=0)
    b05 = models.PositiveIntegerField(default=0)
    b06 = models.PositiveIntegerField(default=0)
    b07 = models.PositiveIntegerField(default=0)
    b08 = models.PositiveIntegerField(default=0)
    b09 = models.PositiveIntegerField(default=0)
    b10 = models.PositiveIntegerField(default=0)
    b11 = models.PositiveIntegerField(default=0)
    b12 = models.PositiveIntegerField(default=0)
    b13 = models.PositiveIntegerField(default=0)
    b14 = models.PositiveIntegerField(default=0)
    b15 = models.PositiveIntegerField(default=0)
    b16 = models.PositiveIntegerField(default=0)

    COUNTERS = BUCKET_FIELDS

    class Meta:
        abstract = True


def _key(name: str, *fields: str) -> list[models.UniqueConstraint]:
    return [models.UniqueConstraint(fields=list(fields), name=name)]


class RegencyDay(FlowCounters):
    day = models.DateField()
    regency = models.CharField(max_length=5)
    service = models.CharField(max_length=32)
    channel = models.CharField(max_length=10)

    KEY = ("day", "regency", "service", "channel")
    COUNTERS = FLOW_FIELDS

    class Meta:
        constraints = _key("dash_regency_day_key", "day", "regency", "service", "channel")

    def __str__(self) -> str:
        return f"{self.day} {self.regency} {self.service} {self.channel}"


class ServiceDay(FlowCounters):
    """The flows of the whole province per service × channel: the few rows the province page
    reads for its service and channel tables and its daily series."""

    day = models.DateField()
    service = models.CharField(max_length=32)
    channel = models.CharField(max_length=10)

    KEY = ("day", "service", "channel")
    COUNTERS = FLOW_FIELDS

    class Meta:
        constraints = _key("dash_service_day_key", "day", "service", "channel")

    def __str__(self) -> str:
        return f"{self.day} {self.service} {self.channel}"


class KecamatanDay(FlowCounters):
    day = models.DateField()
    regency = models.CharField(max_length=5)
    kecamatan = models.CharField(max_length=8)

    KEY = ("day", "regency", "kecamatan")
    COUNTERS = FLOW_FIELDS

    class Meta:
        constraints = _key("dash_kecamatan_day_key", "day", "regency", "kecamatan")

    def __str__(self) -> str:
        return f"{self.day} {self.kecamatan}"


class KecamatanMonth(FlowCounters):
    month = models.DateField()  # the first day of the month
    regency = models.CharField(max_length=5)
    kecamatan = models.CharField(max_length=8)
    service = models.CharField(max_length=32)
    channel = models.CharField(max_length=10)

    KEY = ("month", "regency", "kecamatan", "service", "channel")
    COUNTERS = FLOW_FIELDS

    class Meta:
        constraints = _key("dash_kecamatan_month_key", "month", "regency", "kecamatan", "service",
                           "channel")  # fmt: skip

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.kecamatan} {self.service} {self.channel}"


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
    COUNTERS = ("n",)

    class Meta:
        constraints = _key("dash_open_key", "regency", "kecamatan", "service", "channel", "status",
                           "since", "due")  # fmt: skip

    def __str__(self) -> str:
        return f"{self.kecamatan} {self.status} {self.since}: {self.n}"


class StageRegencyDay(BucketCounters):
    """How long a stage took, counted on the day it ended: per regency only, the few rows that
    the province page and the league read."""

    day = models.DateField()
    regency = models.CharField(max_length=5)
    stage = models.CharField(max_length=10)

    KEY = ("day", "regency", "stage")
    COUNTERS = BUCKET_FIELDS

    class Meta:
        constraints = _key("dash_stage_regency_day_key", "day", "regency", "stage")

    def __str__(self) -> str:
        return f"{self.day} {self.regency} {self.stage}"


class StageDay(BucketCounters):
    """How long a stage took, counted on the day it ended."""

    day = models.DateField()
    regency = models.CharField(max_length=5)
    service = models.CharField(max_length=32)
    channel = models.CharField(max_length=10)
    stage = models.CharField(max_length=10)

    KEY = ("day", "regency", "service", "channel", "stage")
    COUNTERS = BUCKET_FIELDS

    class Meta:
        constraints = _key("dash_stage_day_key", "day", "regency", "service", "channel", "stage")

    def __str__(self) -> str:
        return f"{self.day} {self.regency} {self.service} {self.channel} {self.stage}"


class StageKecamatanDay(BucketCounters):
    day = models.DateField()
    regency = models.CharField(max_length=5)
    kecamatan = models.CharField(max_length=8)
    stage = models.CharField(max_length=10)

    KEY = ("day", "regency", "kecamatan", "stage")
    COUNTERS = BUCKET_FIELDS

    class Meta:
        constraints = _key("dash_stage_kecamatan_day_key", "day", "regency", "kecamatan", "stage")

    def __str__(self) -> str:
        return f"{self.day} {self.kecamatan} {self.stage}"


class StageMonth(BucketCounters):
    month = models.DateField()
    regency = models.CharField(max_length=5)
    kecamatan = models.CharField(max_length=8)
    service = models.CharField(max_length=32)
    channel = models.CharField(max_length=10)
    stage = models.CharField(max_length=10)

    KEY = ("month", "regency", "kecamatan", "service", "channel", "stage")
    COUNTERS = BUCKET_FIELDS

    class Meta:
        constraints = _key("dash_stage_month_key", "month", "regency", "kecamatan", "service",
                           "channel", "stage")  # fmt: skip

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.kecamatan} {self.service} {self.channel} {self.stage}"


class RevisionCounters(models.Model):
    n = models.PositiveIntegerField(default=0)  # revision requests naming the requirement
    first = models.PositiveIntegerField(default=0)  # … of them at the application's first review

    COUNTERS = ("n", "first")

    class Meta:
        abstract = True


class RevisionDay(RevisionCounters):
    """Requirements named in revision requests, counted on the day of the request; requirement
    "" counts the first reviews (``first``)."""

    day = models.DateField()
    regency = models.CharField(max_length=5)
    service = models.CharField(max_length=32)
    channel = models.CharField(max_length=10)
    requirement = models.CharField(max_length=40)

    KEY = ("day", "regency", "service", "channel", "requirement")

    class Meta:
        constraints = _key("dash_revision_day_key", "day", "regency", "service", "channel",
                           "requirement")  # fmt: skip

    def __str__(self) -> str:
        return f"{self.day} {self.regency} {self.service} {self.requirement}"


class RevisionServiceDay(RevisionCounters):
    """The revisions of the whole province per service (the province page's few rows)."""

    day = models.DateField()
    service = models.CharField(max_length=32)
    requirement = models.CharField(max_length=40)

    KEY = ("day", "service", "requirement")

    class Meta:
        constraints = _key("dash_revision_service_day_key", "day", "service", "requirement")

    def __str__(self) -> str:
        return f"{self.day} {self.service} {self.requirement}"


class RevisionMonth(RevisionCounters):
    month = models.DateField()
    regency = models.CharField(max_length=5)
    kecamatan = models.CharField(max_length=8)
    service = models.CharField(max_length=32)
    channel = models.CharField(max_length=10)
    requirement = models.CharField(max_length=40)

    KEY = ("month", "regency", "kecamatan", "service", "channel", "requirement")

    class Meta:
        constraints = _key("dash_revision_month_key", "month", "regency", "kecamatan", "service",
                           "channel", "requirement")  # fmt: skip

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.kecamatan} {self.service} {self.requirement}"


# Every rollup table, in the order they are written (one order for every writer: no deadlock).
ROLLUPS: tuple[type[models.Model], ...] = (
    ServiceDay, RegencyDay, KecamatanDay, KecamatanMonth, StageRegencyDay, StageDay,
    StageKecamatanDay, StageMonth, RevisionServiceDay, RevisionDay, RevisionMonth, OpenCount,
)  # fmt: skip
