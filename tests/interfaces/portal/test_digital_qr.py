"""QR codes for posters: public, cacheable, and they decode to the access link only."""

from __future__ import annotations

import io
import re
import struct
import xml.etree.ElementTree as ET

import pytest
import zxingcpp
from django.test import Client
from django.urls import reverse
from PIL import Image

from tests.factories import DigitalResourceFactory

pytestmark = pytest.mark.django_db

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG = "{http://www.w3.org/2000/svg}"
PNG_SCALE = 16
QUIET_ZONE = 4


def _access_link(resource, host="testserver") -> str:
    return f"http://{host}{reverse('portal:digital_access', args=[resource.token])}"


def _decode(image) -> list[str]:
    return [code.text for code in zxingcpp.read_barcodes(image)]


def _svg_modules(svg: bytes) -> list[list[int]]:
    """Draw segno's SVG path (rows of horizontal strokes, one module high) as a matrix."""
    root = ET.fromstring(svg)  # noqa: S314  (our own output, in a test)
    scale = int(re.search(rb"scale\((\d+)\)", svg)[1])
    size = int(root.get("width")) // scale
    matrix = [[0] * size for _ in range(size)]
    x = y = 0.0
    for command, a, b in re.findall(r"([MmHh])(-?[\d.]+)(?: (-?[\d.]+))?", _path(root).get("d")):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        else:
            for column in range(int(x), int(x + float(a))):
                matrix[int(y)][column] = 1
            x += float(a)
    return matrix


def _path(root):
    """The path of the dark modules (segno draws the white background as a path too)."""
    return next(path for path in root.iter(f"{SVG}path") if path.get("class") == "qrline")


def _matrix_image(matrix: list[list[int]], scale: int = 8) -> Image.Image:
    size = len(matrix) * scale
    image = Image.new("L", (size, size), 255)
    for row, cells in enumerate(matrix):
        for column, dark in enumerate(cells):
            if dark:
                image.paste(
                    0, (column * scale, row * scale, (column + 1) * scale, (row + 1) * scale)
                )
    return image


def test_the_png_is_a_real_png_of_the_right_size_that_decodes_to_the_access_link(client: Client):
    resource = DigitalResourceFactory()
    response = client.get(reverse("portal:digital_qr_png", args=[resource.token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    png = response.content
    assert png.startswith(PNG_SIGNATURE)
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    assert width == height
    modules, remainder = divmod(width, PNG_SCALE)
    assert remainder == 0
    version, remainder = divmod(modules - 2 * QUIET_ZONE - 17, 4)
    assert remainder == 0
    assert 1 <= version <= 40
    image = Image.open(io.BytesIO(png))
    assert image.size == (width, height)
    assert _decode(image) == [_access_link(resource)]


def test_the_svg_is_valid_xml_whose_path_decodes_to_the_access_link(client: Client):
    resource = DigitalResourceFactory()
    response = client.get(reverse("portal:digital_qr_svg", args=[resource.token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    root = ET.fromstring(response.content)  # noqa: S314  (our own output, in a test)
    assert root.tag == f"{SVG}svg"
    assert root.find(f"{SVG}title").text == str(resource.record)
    assert _path(root).get("d").startswith("M")
    assert _decode(_matrix_image(_svg_modules(response.content))) == [_access_link(resource)]


@pytest.mark.parametrize("name", ["portal:digital_qr_svg", "portal:digital_qr_png"])
def test_qr_codes_are_public_and_cached_for_good(client: Client, name):
    resource = DigitalResourceFactory()
    response = client.get(reverse(name, args=[resource.token]))
    assert response.status_code == 200
    cache = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"public", "max-age=31536000", "immutable"} <= cache
    assert f"samenbieb-{resource.token}." in response["Content-Disposition"]
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"


def test_a_logged_in_member_gets_the_same_public_qr_code(logged_in):
    resource = DigitalResourceFactory()
    response = logged_in.get(reverse("portal:digital_qr_png", args=[resource.token]))
    assert "public" in response["Cache-Control"]
    assert "no-store" not in response["Cache-Control"]


def test_the_qr_code_names_the_public_address_when_one_is_set(client: Client, settings):
    settings.PUBLIC_URL = "https://bibliotheek.example"
    resource = DigitalResourceFactory()
    response = client.get(reverse("portal:digital_qr_png", args=[resource.token]))
    image = Image.open(io.BytesIO(response.content))
    path = reverse("portal:digital_access", args=[resource.token])
    assert _decode(image) == [f"https://bibliotheek.example{path}"]


def test_without_a_public_address_the_qr_code_names_the_host_it_was_asked_on(
    client: Client, settings
):
    settings.ALLOWED_HOSTS = ["portaal.example"]
    resource = DigitalResourceFactory()
    response = client.get(
        reverse("portal:digital_qr_png", args=[resource.token]), HTTP_HOST="portaal.example"
    )
    assert _decode(Image.open(io.BytesIO(response.content))) == [
        _access_link(resource, host="portaal.example")
    ]


def test_a_switched_off_resource_still_has_its_poster_code_but_an_unknown_token_none(
    client: Client,
):
    resource = DigitalResourceFactory(is_active=False)
    assert client.get(reverse("portal:digital_qr_svg", args=[resource.token])).status_code == 200
    unknown = "6f1c2b1e-0000-4000-8000-000000000000"
    assert client.get(f"/digitaal/{unknown}/qr.svg").status_code == 404
    assert client.get(f"/digitaal/{unknown}/qr.png").status_code == 404
