#!/usr/bin/python3
"""Forge the attack tokens of examples/tokens that `jwtguard sign` cannot make.

Usage: forge.py KIND NOW KEYS_DIR [VALID_TOKEN]. Prints one compact token.
Run with Debian's /usr/bin/python3, which has python3-jwcrypto and its
dependency python3-cryptography.
"""
import base64
import hashlib
import hmac
import json
import sys

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

ISS = "https://issuer.example"
AUD = "api://orders"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def encode_part(part) -> str:
    """Encodes a dict as compact JSON, or raw text as given (for malformed headers)."""
    text = part if isinstance(part, str) else json.dumps(part, separators=(",", ":"))
    return b64(text.encode())


def claims(now: int, **extra) -> dict:
    body = {"iss": ISS, "aud": AUD, "sub": "user-42", "iat": now, "exp": now + 600}
    body.update(extra)
    return {k: v for k, v in body.items() if v is not None}


def hs256(secret: bytes):
    return lambda msg: hmac.new(secret, msg, hashlib.sha256).digest()


def rs256(key):
    return lambda msg: key.sign(msg, padding.PKCS1v15(), hashes.SHA256())


def compact(header, body, sign) -> str:
    signing_input = encode_part(header) + "." + encode_part(body)
    return signing_input + "." + b64(sign(signing_input.encode()))


def load_private(path):
    with open(path, "rb") as f:
        return serialization.load_pem_private_key(f.read(), password=None)


def attacker_jwk(key) -> dict:
    numbers = key.public_key().public_numbers()
    length = (numbers.n.bit_length() + 7) // 8
    return {"kty": "RSA", "n": b64(numbers.n.to_bytes(length, "big")), "e": "AQAB"}


def forge(kind: str, now: int, keys: str, valid: str) -> str:
    with open(keys + "/hmac.secret", "rb") as f:
        secret = f.read()
    with open(keys + "/rsa-public.pem", "rb") as f:
        rsa_public_pem = f.read()
    attacker = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    fake_signature = lambda msg: b"\x00" * 32

    if kind == "alg-none":
        return compact({"alg": "none", "typ": "JWT"}, claims(now), lambda msg: b"")
    if kind == "alg-none-mixed-case":
        return compact({"alg": "nOnE", "typ": "JWT"}, claims(now), fake_signature)
    if kind == "hs-rs-confusion":
        # The verifier's RSA public key, used as an HMAC secret (RFC 8725 2.1).
        return compact({"alg": "HS256", "typ": "JWT"}, claims(now), hs256(rsa_public_pem))
    if kind == "tampered-payload":
        header, _, signature = valid.split(".")
        return header + "." + encode_part(claims(now, sub="admin", admin=True)) + "." + signature
    if kind == "embedded-jku":
        header = {"alg": "RS256", "kid": "attacker", "jku": "https://attacker.example/jwks.json"}
        return compact(header, claims(now), rs256(attacker))
    if kind == "embedded-jwk":
        return compact({"alg": "RS256", "jwk": attacker_jwk(attacker)}, claims(now), rs256(attacker))
    if kind == "kid-path-traversal":
        # Signed with an empty file's contents, as a verifier reading the kid as a path would.
        return compact({"alg": "HS256", "kid": "../../../../../../dev/null"}, claims(now), hs256(b""))
    if kind == "kid-sql-injection":
        header = {"alg": "HS256", "kid": "x' UNION SELECT 'attacker-secret"}
        return compact(header, claims(now), hs256(b"attacker-secret"))
    if kind == "no-exp":
        return compact({"alg": "HS256", "typ": "JWT"}, claims(now, exp=None), hs256(secret))
    if kind == "crit-unknown":
        header = {"alg": "HS256", "crit": ["https://example.com/ext"], "https://example.com/ext": 1}
        return compact(header, claims(now), hs256(secret))
    if kind == "duplicate-alg":
        return compact('{"alg":"HS256","alg":"none"}', claims(now), hs256(secret))
    if kind == "es256-der-signature":
        key = load_private(keys + "/ec-private.pem")
        return compact({"alg": "ES256", "kid": "ec-2026"}, claims(now),
                       lambda msg: key.sign(msg, ec.ECDSA(hashes.SHA256())))
    if kind == "oversize":
        return compact({"alg": "HS256", "typ": "JWT"}, claims(now, pad="A" * 20000), hs256(secret))
    raise SystemExit("forge.py: error: unknown kind (%s): see the list in make-tokens.sh" % kind)


if __name__ == "__main__":
    if len(sys.argv) < 4:
        raise SystemExit(__doc__)
    print(forge(sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else ""))
