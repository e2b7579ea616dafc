"""REST API v1 (docs/decisions/0005-api-framework.md, docs/api.md): a door over the services."""
