import jwt

# JG203: a literal key passed to PyJWT
def issue(sub):
    return jwt.encode({"sub": sub}, "example-only-py-Kq3Wx8Tn5Lh2Rc9Vb6Mp4Sd7J", algorithm="HS256")
