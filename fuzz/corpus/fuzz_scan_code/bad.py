"""Insecure uses of PyJWT; each marked line is a finding."""
import logging

import jwt
import requests

log = logging.getLogger(__name__)


def none_allowed(t, k):
    return jwt.decode(t, k, algorithms=["none", "HS256"])


def no_signature(t):
    claims = jwt.decode(t, options={"verify_signature": False})
    if claims["role"] == "admin":
        return True
    return False


def alg_from_header(t, k):
    return jwt.decode(t, k, algorithms=[jwt.get_unverified_header(t)["alg"]])


def unpinned(t, k):
    return jwt.decode(t, k)


def no_exp(t, k):
    return jwt.decode(t, k, algorithms=["HS256"], options={"verify_exp": False})


def long_leeway(t, k):
    return jwt.decode(t, k, algorithms=["HS256"], leeway=3600)


def no_aud(t, k):
    return jwt.decode(t, k, algorithms=["RS256"], options={"verify_aud": False})


def mint(uid, k):
    return jwt.encode({"sub": uid}, k, algorithm="HS256")


def x5u(header):
    return requests.get(header["x5u"]).text


def key_file(kid):
    with open(f"keys/{kid}.pem") as f:
        return f.read()


def key_row(cur, kid):
    cur.execute("SELECT pem FROM keys WHERE kid = '" + kid + "'")


def link(base, tok):
    return base + "?access_token=" + tok


def audit(token):
    log.info(f"received {token}")
