"""authlib's JOSE API for the tests (authlib is moving it to joserfc, hence the warning)."""

from __future__ import annotations

import warnings

from authlib.deprecate import AuthlibDeprecationWarning

with warnings.catch_warnings():
    warnings.simplefilter("ignore", AuthlibDeprecationWarning)
    from authlib.jose import JsonWebKey, jwt
    from authlib.oidc.core import CodeIDToken

__all__ = ["CodeIDToken", "JsonWebKey", "jwt"]
