import tlsver

if __name__ == "__main__":
    print("tls", tlsver.openssl_version().split()[1], "context", tlsver.tls_context_ok())
