"""The official OAI-PMH, Dublin Core and MARCXML schemas (vendored in ./xsd), offline."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

XSD = Path(__file__).parent / "xsd"
# The schemas import each other by their official URLs; the files here answer for them.
_LOCAL = {
    "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd": "OAI-PMH.xsd",
    "http://www.openarchives.org/OAI/2.0/oai_dc.xsd": "oai_dc.xsd",
    "http://dublincore.org/schemas/xmls/simpledc20021212.xsd": "simpledc20021212.xsd",
    "http://www.w3.org/2001/03/xml.xsd": "xml.xsd",
    "http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd": "MARC21slim.xsd",
}
# One schema that knows the OAI-PMH envelope and both metadata formats, so the records
# inside <metadata> (processContents="strict") are validated too.
_ALL = f"""<schema xmlns="http://www.w3.org/2001/XMLSchema">
  <import namespace="http://www.openarchives.org/OAI/2.0/"
          schemaLocation="{(XSD / "OAI-PMH.xsd").as_uri()}"/>
  <import namespace="http://www.openarchives.org/OAI/2.0/oai_dc/"
          schemaLocation="{(XSD / "oai_dc.xsd").as_uri()}"/>
  <import namespace="http://www.loc.gov/MARC21/slim"
          schemaLocation="{(XSD / "MARC21slim.xsd").as_uri()}"/>
</schema>"""


class OfficialSchemas(etree.Resolver):
    def resolve(self, system_url, public_id, context):  # type: ignore[no-untyped-def]
        name = _LOCAL.get(system_url)
        return self.resolve_filename(str(XSD / name), context) if name else None


def schema_from(importing: str) -> etree.XMLSchema:
    """A schema that imports the stored official schemas, never fetching over a network."""
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(OfficialSchemas())
    return etree.XMLSchema(etree.fromstring(importing.encode(), parser))


def valid_root(checker: etree.XMLSchema, document: bytes | etree._Element) -> etree._Element:
    """Parse (if need be) and validate ``document`` with ``checker``; the root element."""
    root = etree.fromstring(document) if isinstance(document, bytes) else document
    if not checker.validate(root):
        raise AssertionError(f"not valid: {checker.error_log}")
    return root


@cache
def schema() -> etree.XMLSchema:
    return schema_from(_ALL)


def assert_valid(document: bytes | etree._Element) -> etree._Element:
    """Parse (if need be) and validate against the official schemas; the root element."""
    return valid_root(schema(), document)
