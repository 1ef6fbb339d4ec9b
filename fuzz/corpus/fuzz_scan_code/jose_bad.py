from jose import jwt


def claims(t):
    data = jwt.get_unverified_claims(t)
    return data


def check(t, key):
    return jwt.decode(t, key, audience="api", options={"verify_iss": False})
