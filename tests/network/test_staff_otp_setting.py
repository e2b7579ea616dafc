"""SAMENBIEB_STAFF_OTP: the second factor is required unless explicitly switched off, and
it cannot be switched off where the site is served over HTTPS."""

from __future__ import annotations

import pytest

from samenbieb.config.env import ConfigError, Environment, staff_otp_required


def test_staff_need_a_second_factor_by_default():
    assert staff_otp_required(Environment({})) is True


@pytest.mark.parametrize("raw", ["required", "Required", " required ", ""])
def test_required_is_read(raw):
    assert staff_otp_required(Environment({"SAMENBIEB_STAFF_OTP": raw})) is True


def test_off_switches_it_off_for_local_development():
    assert staff_otp_required(Environment({"SAMENBIEB_STAFF_OTP": "off"})) is False


@pytest.mark.parametrize("raw", ["false", "no", "0", "optional", "of"])
def test_anything_else_is_refused_naming_the_variable(raw):
    with pytest.raises(ConfigError) as refused:
        staff_otp_required(Environment({"SAMENBIEB_STAFF_OTP": raw}))

    assert refused.value.variable == "SAMENBIEB_STAFF_OTP"


def test_off_is_refused_together_with_https():
    with pytest.raises(ConfigError) as refused:
        staff_otp_required(Environment({"SAMENBIEB_STAFF_OTP": "off", "SAMENBIEB_HTTPS": "true"}))

    assert refused.value.variable == "SAMENBIEB_STAFF_OTP"
