"""tlsver: which OpenSSL this process runs with, and whether it makes a TLS context."""

from tlsver._tlsver import openssl_version, tls_context_ok

__all__ = ["openssl_version", "tls_context_ok"]
