"""Demo: PyJWT mistakes, one of each kind the JavaScript file lacks."""
import jwt


def peek(token):
    return jwt.decode(token, options={"verify_signature": False})


def check(token, key):
    alg = jwt.get_unverified_header(token)["alg"]
    return jwt.decode(token, key, algorithms=[alg], options={"verify_aud": False})


def key_row(cursor, kid):
    cursor.execute(f"SELECT pem FROM signing_keys WHERE kid = '{kid}'")
