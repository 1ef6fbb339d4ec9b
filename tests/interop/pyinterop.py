#!/usr/bin/python3
"""Cross-check `jwtguard verify` and `jwtguard sign` against PyJWT and jwcrypto.

Run with Debian's /usr/bin/python3, which has python3-jwt (PyJWT 2.6),
python3-jwcrypto (1.1) and python3-cryptography. Every algorithm jwtguard
implements is covered in both directions:

  * PyJWT and jwcrypto sign a token, which `jwtguard verify` must accept.
    After one base64url character of the signature or of the payload is
    changed, it must reject the token with JWG_ERR_SIGNATURE_INVALID.
    jwtguard is given the key as PEM (or a raw HMAC secret) for PyJWT tokens,
    as a JWK set for jwcrypto tokens, and once as an X.509 certificate.
  * `jwtguard sign` issues a token with a PEM PKCS#8 key and with a private
    JWK; PyJWT and jwcrypto verify each with issuer and audience checks on.

PyJWT 2.6 and jwcrypto 1.1 both implement every JWA algorithm jwtguard does,
including EdDSA over Ed448. Prints one line per case and ends with the line
"N passed, N failed"; exits 1 when a case failed.
"""

import argparse
import importlib.metadata
import base64
import json
import os
import subprocess
import sys
import tempfile
import time

import jwt as pyjwt
from jwcrypto import jwk
from jwcrypto import jwt as jcjwt

ISSUER = "https://issuer.interop.test"
AUDIENCE = "interop-api"
SUBJECT = "user-42"
KID = "interop-1"
TTL_SECONDS = 600

# Case name, JWA algorithm, and the `openssl genpkey` arguments for its key
# (None for HMAC, whose secret is random bytes as long as the hash output,
# the minimum of RFC 7518 3.2).
CASES = [
    ("HS256", "HS256", None),
    ("HS384", "HS384", None),
    ("HS512", "HS512", None),
    ("RS256", "RS256", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]),
    ("RS384", "RS384", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:3072"]),
    ("RS512", "RS512", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:4096"]),
    ("PS256", "PS256", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]),
    ("PS384", "PS384", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:3072"]),
    ("PS512", "PS512", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:4096"]),
    ("ES256", "ES256", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]),
    ("ES384", "ES384", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"]),
    ("ES512", "ES512", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521"]),
    ("EdDSA-Ed25519", "EdDSA", ["-algorithm", "ED25519"]),
    ("EdDSA-Ed448", "EdDSA", ["-algorithm", "ED448"]),
]

HMAC_SECRET_BYTES = {"HS256": 32, "HS384": 48, "HS512": 64}


class Tally:
    """Pass and fail counts, printed one line per case."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def record(self, name, error):
        """Prints one case line; `error` is None for a pass."""
        if error is None:
            self.passed += 1
            print(f"PASS {name}")
        else:
            self.failed += 1
            print(f"FAIL {name}: {error}")

    def run(self, name, check):
        """Runs `check`, which returns None or an error string, and records it."""
        try:
            error = check()
        except Exception as exc:  # an exception from any library is a failed case
            error = f"{type(exc).__name__}: {exc}"
        self.record(name, error)


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def write_file(path, data):
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(path, mode) as handle:
        handle.write(data)
    return path


class KeyFiles:
    """The key of one case in every form the tools need, written to `folder`."""

    def __init__(self, folder, alg, genpkey_args):
        self.alg = alg
        self.secret = None
        if genpkey_args is None:
            self._make_hmac(folder)
        else:
            self._make_asymmetric(folder, genpkey_args)
        self.jwks_path = write_file(os.path.join(folder, "verify.jwks"),
                                    json.dumps({"keys": [self.verify_jwk_dict]}))

    def _make_hmac(self, folder):
        self.secret = os.urandom(HMAC_SECRET_BYTES[self.alg])
        self.secret_path = write_file(os.path.join(folder, "secret.bin"), self.secret)
        self.jwk = jwk.JWK(kty="oct", k=b64url(self.secret), kid=KID)
        self.private_jwk_path = write_file(os.path.join(folder, "secret.jwk"),
                                           self.jwk.export(private_key=True))
        self.verify_jwk_dict = json.loads(self.jwk.export(private_key=True))
        self.sign_key = self.secret
        self.verify_key = self.secret

    def _make_asymmetric(self, folder, genpkey_args):
        self.private_pem_path = os.path.join(folder, "private.pem")
        self.public_pem_path = os.path.join(folder, "public.pem")
        subprocess.run(["openssl", "genpkey", *genpkey_args, "-out", self.private_pem_path],
                       check=True, capture_output=True)
        subprocess.run(["openssl", "pkey", "-in", self.private_pem_path, "-pubout",
                        "-out", self.public_pem_path], check=True, capture_output=True)
        self.certificate_path = os.path.join(folder, "certificate.pem")
        subprocess.run(["openssl", "req", "-new", "-x509", "-key", self.private_pem_path,
                        "-subj", "/CN=jwtguard interop", "-days", "1",
                        "-out", self.certificate_path], check=True, capture_output=True)
        with open(self.private_pem_path, "rb") as handle:
            self.sign_key = handle.read()
        with open(self.public_pem_path, "rb") as handle:
            self.verify_key = handle.read()
        self.jwk = jwk.JWK.from_pem(self.sign_key)
        self.jwk.update(kid=KID)
        self.private_jwk_path = write_file(os.path.join(folder, "private.jwk"),
                                           self.jwk.export_private())
        self.verify_jwk_dict = json.loads(self.jwk.export_public())

    def verify_args_pem(self):
        """jwtguard options that give the key as PEM, or as a raw secret for HMAC."""
        if self.secret is not None:
            return ["--hmac-secret-file", self.secret_path]
        return ["--key", self.public_pem_path]

    def sign_args_pem(self):
        """jwtguard sign options with a PEM key (or raw secret) and the kid given on the command line."""
        if self.secret is not None:
            return ["--hmac-secret-file", self.secret_path, "--kid", KID]
        return ["--key", self.private_pem_path, "--kid", KID]

    def sign_args_jwk(self):
        """jwtguard sign options with a private JWK, which carries its own kid."""
        return ["--key", self.private_jwk_path]

    def public_jwk(self):
        """The verification key as a jwcrypto JWK (the secret itself for HMAC)."""
        if self.secret is not None:
            return self.jwk
        return jwk.JWK(**self.verify_jwk_dict)


def token_claims():
    now = int(time.time())
    return {"iss": ISSUER, "aud": AUDIENCE, "sub": SUBJECT, "iat": now,
            "exp": now + TTL_SECONDS}


def sign_pyjwt(keys):
    """Signs without a "kid", which jwtguard checks with its keys that have no kid: the PEM key."""
    return pyjwt.encode(token_claims(), keys.sign_key, algorithm=keys.alg)


def sign_jwcrypto(keys):
    """Signs with the "kid" of the JWK set that jwtguard is given."""
    token = jcjwt.JWT(header={"alg": keys.alg, "typ": "JWT", "kid": KID}, claims=token_claims())
    token.make_signed_token(keys.jwk)
    return token.serialize()


def verify_pyjwt(keys, token):
    claims = pyjwt.decode(token, keys.verify_key, algorithms=[keys.alg], audience=AUDIENCE,
                          issuer=ISSUER, options={"require": ["exp", "iat", "iss", "aud"]})
    return None if claims.get("sub") == SUBJECT else f"sub is {claims.get('sub')!r}"


def verify_jwcrypto(keys, token):
    checked = jcjwt.JWT(jwt=token, key=keys.public_jwk(), algs=[keys.alg],
                        check_claims={"iss": ISSUER, "aud": AUDIENCE, "exp": None,
                                      "iat": None, "sub": SUBJECT})
    header = json.loads(checked.header)
    if header.get("alg") != keys.alg:
        return f"header alg is {header.get('alg')!r}"
    return None if header.get("kid") == KID else f"header kid is {header.get('kid')!r}"


def tamper(token, segment):
    """Changes one base64url character in the middle of `segment` (1 payload, 2 signature).

    A middle character carries six significant bits, so the result is still
    canonical base64url and only the signature check can catch the change.
    """
    parts = token.split(".")
    text = parts[segment]
    middle = len(text) // 2
    replacement = "A" if text[middle] != "A" else "B"
    parts[segment] = text[:middle] + replacement + text[middle + 1:]
    return ".".join(parts)


class Jwtguard:
    """A runner of the jwtguard command under test."""

    def __init__(self, path):
        self.path = path

    def run(self, args):
        return subprocess.run([self.path, *args], capture_output=True, text=True, timeout=60)

    def verify(self, keys, key_args, token):
        args = ["verify", *key_args, "--iss", ISSUER, "--aud", AUDIENCE, "--alg", keys.alg,
                "--json", token]
        return self.run(args)

    def expect_valid(self, keys, key_args, token):
        done = self.verify(keys, key_args, token)
        if done.returncode != 0:
            return f"exit {done.returncode}, expected 0: {done.stdout.strip()} {done.stderr.strip()}"
        if SUBJECT not in done.stdout:
            return f"claims output lacks sub: {done.stdout.strip()}"
        return None

    def expect_bad_signature(self, keys, key_args, token):
        done = self.verify(keys, key_args, token)
        if done.returncode != 1:
            return f"exit {done.returncode}, expected 1: {done.stdout.strip()} {done.stderr.strip()}"
        if "JWG_ERR_SIGNATURE_INVALID" not in done.stdout + done.stderr:
            return f"no JWG_ERR_SIGNATURE_INVALID in: {done.stdout.strip()} {done.stderr.strip()}"
        return None

    def sign(self, keys, key_args):
        args = ["sign", *key_args, "--alg", keys.alg, "--ttl", str(TTL_SECONDS), "--iss", ISSUER,
                "--aud", AUDIENCE, "--sub", SUBJECT]
        done = self.run(args)
        if done.returncode != 0:
            raise RuntimeError(f"jwtguard sign exit {done.returncode}: {done.stderr.strip()}")
        return done.stdout.strip()


def check_verify_direction(tally, guard, name, keys, library, sign, key_args):
    """A token signed by `library` is accepted by jwtguard and rejected after a tamper."""
    try:
        token = sign(keys)
    except Exception as exc:
        tally.record(f"{name} {library} sign -> jwtguard verify", f"{library} failed: {exc}")
        return
    tally.run(f"{name} {library} sign -> jwtguard verify",
              lambda: guard.expect_valid(keys, key_args, token))
    for segment, part in ((2, "signature"), (1, "payload")):
        tally.run(f"{name} {library} sign, {part} tampered -> jwtguard rejects",
                  lambda s=segment: guard.expect_bad_signature(keys, key_args, tamper(token, s)))


def check_certificate(tally, guard, name, keys):
    """A PyJWT token verifies against the public key of an X.509 certificate given to --key."""
    if keys.secret is not None:
        return
    token = sign_pyjwt(keys)
    tally.run(f"{name} PyJWT sign -> jwtguard verify (certificate)",
              lambda: guard.expect_valid(keys, ["--key", keys.certificate_path], token))


def check_sign_direction(tally, guard, name, keys, key_form, key_args):
    """A token from `jwtguard sign` is accepted by PyJWT and jwcrypto."""
    try:
        token = guard.sign(keys, key_args)
    except Exception as exc:
        tally.record(f"{name} jwtguard sign ({key_form}) -> verify", str(exc))
        return
    tally.run(f"{name} jwtguard sign ({key_form}) -> PyJWT verify",
              lambda: verify_pyjwt(keys, token))
    tally.run(f"{name} jwtguard sign ({key_form}) -> jwcrypto verify",
              lambda: verify_jwcrypto(keys, token))


def check_case(tally, guard, name, alg, genpkey_args):
    with tempfile.TemporaryDirectory(prefix="jwg-pyinterop-") as folder:
        keys = KeyFiles(folder, alg, genpkey_args)
        pem_form = "secret file" if keys.secret is not None else "PEM"
        check_verify_direction(tally, guard, name, keys, "PyJWT", sign_pyjwt,
                               keys.verify_args_pem())
        check_verify_direction(tally, guard, name, keys, "jwcrypto", sign_jwcrypto,
                               ["--jwks", keys.jwks_path])
        check_certificate(tally, guard, name, keys)
        check_sign_direction(tally, guard, name, keys, pem_form, keys.sign_args_pem())
        check_sign_direction(tally, guard, name, keys, "JWK", keys.sign_args_jwk())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jwtguard", required=True, help="path of the jwtguard command")
    parser.add_argument("--only", help="run only the case with this name (e.g. ES256)")
    options = parser.parse_args()

    print(f"PyJWT {pyjwt.__version__}, jwcrypto {importlib.metadata.version('jwcrypto')}")
    tally = Tally()
    guard = Jwtguard(options.jwtguard)
    for name, alg, genpkey_args in CASES:
        if options.only is None or options.only == name:
            check_case(tally, guard, name, alg, genpkey_args)
    print(f"{tally.passed} passed, {tally.failed} failed")
    return 1 if tally.failed or not tally.passed else 0


if __name__ == "__main__":
    sys.exit(main())
