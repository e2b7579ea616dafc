"""The official SRU response schemas (vendored in ./xsd), offline, with the record schemas.

``srw-types.xsd`` imports ``xcql.xsd`` and ``diagnostics.xsd`` by relative location, so
loading it from this folder finds them beside it. The MARCXML and Dublin Core schemas
come from the OAI tests' folder through their resolver, which maps the official URLs the
schemas import each other by onto local files: nothing is fetched.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

from tests.interfaces.oai.schemas import XSD as RECORD_XSD
from tests.interfaces.oai.schemas import schema_from, valid_root

XSD = Path(__file__).parent / "xsd"
# One schema for the SRU envelope and both record schemas, so that the records inside
# <recordData> (processContents="lax") are validated too: lax checks every element whose
# declaration it knows.
_ALL = f"""<schema xmlns="http://www.w3.org/2001/XMLSchema">
  <import namespace="http://www.loc.gov/zing/srw/"
          schemaLocation="{(XSD / "srw-types.xsd").as_uri()}"/>
  <import namespace="http://www.openarchives.org/OAI/2.0/oai_dc/"
          schemaLocation="{(RECORD_XSD / "oai_dc.xsd").as_uri()}"/>
  <import namespace="http://www.loc.gov/MARC21/slim"
          schemaLocation="{(RECORD_XSD / "MARC21slim.xsd").as_uri()}"/>
</schema>"""


@cache
def schema() -> etree.XMLSchema:
    return schema_from(_ALL)


def assert_valid(document: bytes | etree._Element) -> etree._Element:
    """Parse (if need be) and validate against the official SRU 1.x schemas; the root."""
    return valid_root(schema(), document)
