"""The OpenID Connect token endpoint: refresh-token requests per second, eight clients at once.

Ours: ``POST /oidc/token/`` with ``grant_type=refresh_token`` from the demo's public client
(PKCE, no client secret) for the demo member, through the whole Django stack in-process
(middleware, Django OAuth Toolkit, our validator): each request checks the refresh token,
revokes the old pair, stores a new access and refresh token, signs a new RS256 ID token
and writes an audit event. Every client renews its own chain of tokens, as a connected
service does.

Baseline, in the same run and interleaved: the floor of the same stack, the same request
with a refresh token that does not exist (parsing, client look-up, one token look-up and
an ``invalid_grant`` answer). ``ratio`` = our rate ÷ the floor's rate: the share of the
stack's speed left after issuing tokens.

Each client is a process with its own database connection. Set-up (untimed) builds the
demo network if needed and logs each client's member in through the real authorization
code flow.
"""

from __future__ import annotations

import multiprocessing
import re
import sys
import time
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from django.core.management import call_command
from django.db import connections
from django.test import Client

from bench._common import Figures, emit, note, percentile
from samenbieb.demo.members import DEMO_MEMBER_PASSWORD
from samenbieb.identity.demo import DEMO_CLIENT_ID, DEMO_REDIRECT_URI

CLIENTS = 8
REQUESTS_PER_CLIENT = 60
CARD = "20000000000001"
TOKEN_URL = "/oidc/token/"  # noqa: S105 - an address, not a secret
VERIFIER = "bench-verifier-" + "x" * 40
ACTION = re.compile(r'<form method="post" action="([^"]+)"')


def _challenge(verifier: str) -> str:
    import base64
    import hashlib

    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def first_refresh_token(client: Client) -> str:
    """The member logs in and the service gets its first tokens: the real code flow."""
    login = client.post("/inloggen/", {"identifier": CARD, "password": DEMO_MEMBER_PASSWORD})
    if login.status_code != 302:
        raise RuntimeError(f"the demo member could not log in ({login.status_code})")
    params = {
        "response_type": "code",
        "client_id": DEMO_CLIENT_ID,
        "redirect_uri": DEMO_REDIRECT_URI,
        "scope": "openid library",
        "state": "bench",
        "nonce": "bench",
        "code_challenge": _challenge(VERIFIER),
        "code_challenge_method": "S256",
    }
    response = client.get(f"/oidc/authorize/?{urlencode(params)}")
    if response.status_code == 200:  # the consent screen, the first time
        action = ACTION.search(response.content.decode())
        if action is None:
            raise RuntimeError("no consent form")
        target = action.group(1).replace("&amp;", "&")
        response = client.post(target, {"decision": "allow"})
    location = response.get("Location", "")
    code = parse_qs(urlsplit(location).query).get("code", [""])[0]
    if not code:
        raise RuntimeError(f"no authorization code: {response.status_code} {location[:120]}")
    token = client.post(
        TOKEN_URL,
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": DEMO_REDIRECT_URI,
            "client_id": DEMO_CLIENT_ID,
            "code_verifier": VERIFIER,
        },
    )
    if token.status_code != 200:
        raise RuntimeError(f"no tokens: {token.content[:200]!r}")
    return str(token.json()["refresh_token"])


def client_run(args: tuple[int, Any]) -> tuple[list[float], list[float], float, float]:
    number, barrier = args
    connections.close_all()
    client = Client(HTTP_HOST="localhost")
    refresh = first_refresh_token(client)
    ours: list[float] = []
    floor: list[float] = []
    barrier.wait()
    started = time.perf_counter()
    for index in range(REQUESTS_PER_CLIENT):
        order = ("ours", "floor") if (index + number) % 2 == 0 else ("floor", "ours")
        for side in order:
            begin = time.perf_counter()
            if side == "ours":
                response = client.post(
                    TOKEN_URL,
                    {
                        "grant_type": "refresh_token",
                        "refresh_token": refresh,
                        "client_id": DEMO_CLIENT_ID,
                    },
                )
                ours.append(time.perf_counter() - begin)
                if response.status_code != 200:
                    raise RuntimeError(f"refresh refused: {response.content[:200]!r}")
                refresh = str(response.json()["refresh_token"])
            else:
                response = client.post(
                    TOKEN_URL,
                    {
                        "grant_type": "refresh_token",
                        "refresh_token": f"no-such-token-{number}-{index}",
                        "client_id": DEMO_CLIENT_ID,
                    },
                )
                floor.append(time.perf_counter() - begin)
                if response.status_code != 400:
                    raise RuntimeError(f"the floor answered {response.status_code}")
    elapsed = time.perf_counter() - started
    connections.close_all()
    return ours, floor, elapsed, sum(ours)


def measure_token_endpoint(clients: int = CLIENTS) -> dict[str, Any]:
    """Run the clients; our and the floor's latencies and the aggregate requests per second."""
    call_command("demo", quiet=True)
    connections.close_all()
    context = multiprocessing.get_context("fork")
    barrier = context.Manager().Barrier(clients)
    with context.Pool(clients) as pool:
        results = pool.map(client_run, [(i, barrier) for i in range(clients)])
    ours = [s for result in results for s in result[0]]
    floor = [s for result in results for s in result[1]]
    wall = max(result[2] for result in results)
    # Both sides share the wall time, interleaved; each side's share is its own busy time.
    ours_busy = sum(result[3] for result in results) / clients
    floor_busy = sum(sum(result[1]) for result in results) / clients
    return {
        "ours": ours,
        "floor": floor,
        "token_requests_per_s": round(len(ours) / ours_busy, 1),
        "floor_requests_per_s": round(len(floor) / floor_busy, 1),
        "wall_s": round(wall, 1),
    }


def main() -> int:
    note(f"{CLIENTS} clients x {REQUESTS_PER_CLIENT} refresh-token requests, interleaved with "
         "the same request for a token that does not exist…")  # fmt: skip
    figures = measure_token_endpoint()
    ours, floor = figures["ours"], figures["floor"]
    note(
        f"ours p95 {percentile(ours, 95) * 1000:.1f} ms, floor p95 "
        f"{percentile(floor, 95) * 1000:.1f} ms, {figures['token_requests_per_s']} tokens/s"
    )
    emit(
        "token_endpoint",
        Figures(ours, unit="requests"),
        Figures(floor, unit="requests"),
        baseline_name="the same request with an unknown refresh token (invalid_grant)",
        clients=CLIENTS,
        token_requests_per_s=figures["token_requests_per_s"],
        floor_requests_per_s=figures["floor_requests_per_s"],
        wall_s=figures["wall_s"],
        note="rates are per client process and summed: requests / each side's busy time",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
