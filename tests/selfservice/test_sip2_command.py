"""`samenbieb sip2` and the SIP2 child of `samenbieb serve`: PINs never cross a network
in plain text unless someone asked for it."""

from __future__ import annotations

import subprocess

import pytest
from django.core.management import CommandError, call_command

from samenbieb.core.management.commands import serve


def test_sip2_refuses_plain_tcp_unless_allowed():
    with pytest.raises(CommandError, match="--allow-plain"):
        call_command("sip2", "--port", "6999")


def test_sip2_needs_both_certificate_and_key():
    with pytest.raises(CommandError, match="both"):
        call_command("sip2", "--tls-cert", "/nonexistent.pem")


def test_sip2_reports_an_unreadable_certificate():
    with pytest.raises(CommandError, match="certificate"):
        call_command("sip2", "--tls-cert", "/nonexistent.pem", "--tls-key", "/nonexistent.key")


class _Started:
    def __init__(self, arguments, **kwargs):
        self.arguments = arguments


def test_serve_starts_sip2_in_plain_tcp_on_localhost_only_without_a_certificate(
    monkeypatch, settings
):
    settings.SIP2 = {**settings.SIP2, "TLS_CERT": "", "TLS_KEY": ""}
    monkeypatch.setattr(subprocess, "Popen", _Started)

    child = serve.sip2_start(host="0.0.0.0", port=6001)  # noqa: S104 - the web server's host

    arguments = child.arguments
    assert arguments[arguments.index("--host") + 1] == "127.0.0.1"
    assert "--allow-plain" in arguments
    assert arguments[arguments.index("--port") + 1] == "6001"
    assert arguments[2:4] == ["samenbieb.cli", "sip2"]


def test_serve_starts_sip2_over_tls_on_its_host_with_a_certificate(monkeypatch, settings):
    settings.SIP2 = {**settings.SIP2, "TLS_CERT": "/etc/sip2.pem", "TLS_KEY": "/etc/sip2.key"}
    monkeypatch.setattr(subprocess, "Popen", _Started)

    child = serve.sip2_start(host="192.0.2.1", port=6443)

    assert child.arguments[child.arguments.index("--host") + 1] == "192.0.2.1"
    assert "--allow-plain" not in child.arguments
