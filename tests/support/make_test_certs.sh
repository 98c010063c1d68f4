#!/usr/bin/env bash
# Generates a throwaway CA and a server certificate for 127.0.0.1/localhost into DIR, for the
# fake Klaviyo and the in-process HTTPS test servers. Nothing secret is committed: the files
# live in the build tree and are made at configure time when missing.
set -euo pipefail
dir=${1:?usage: make_test_certs.sh DIR}
mkdir -p "$dir"
cd "$dir"
[[ -f ca.pem && -f server.pem && -f server.key ]] && exit 0
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -subj "/CN=connector test CA" \
    -keyout ca.key -out ca.pem >/dev/null 2>&1
openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=localhost" \
    -keyout server.key -out server.csr >/dev/null 2>&1
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' >server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 3650 -sha256 \
    -extfile server.ext -out server.pem >/dev/null 2>&1
# A second, unrelated CA: a client that trusts only this one must refuse the server.
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -subj "/CN=some other CA" \
    -keyout other-ca.key -out other-ca.pem >/dev/null 2>&1
rm -f server.csr server.ext ca.srl
chmod 600 ./*.key
