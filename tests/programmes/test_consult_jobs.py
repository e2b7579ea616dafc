"""The nightly jobs of the consultation hours are on the schedule and do their work."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django.utils.module_loading import import_string

from samenbieb.core.jobs import SCHEDULE
from samenbieb.programmes import services
from samenbieb.programmes.models import Slot
from tests.programmes.factories_consult import consult_world

pytestmark = pytest.mark.django_db


def test_both_jobs_are_scheduled_daily_and_importable():
    jobs = {periodic.name: periodic for periodic in SCHEDULE}
    for name in ("consultation_slots_generate_ahead", "consultation_appointments_anonymise_past"):
        assert jobs[name].daily_at is not None
        assert import_string(jobs[name].task_path).name


def test_the_generate_job_makes_slots_from_today_on():
    world = consult_world()
    services.schedule_set(
        actor=None,
        activity=world.ido,
        branch=world.centrum,
        weekday=1,
        starts=dt.time(10),
        ends=dt.time(12),
        valid_from=timezone.localdate(),
    )
    Slot.objects.all().delete()
    job = import_string("samenbieb.programmes.tasks_consult.slots_generate_ahead")
    assert job.call() > 0
    assert job.call() == 0
    assert not Slot.objects.filter(starts_at__lt=dt.datetime.now(dt.UTC)).exists()
