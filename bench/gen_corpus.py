#!/usr/bin/python3
"""Generate the scan benchmark corpus: mixed source, config and log files.

Usage: gen_corpus.py FOLDER [SIZE_MB] [SEED]

Writes about SIZE_MB MiB (default 1100) under FOLDER: JavaScript, Python, Go
and Java sources, YAML, JSON and .env configs, and access and application
logs. Findings are rare: about one leaked token per 100,000 log lines and
one risky call or hard-coded secret per few thousand source files. The same
seed always gives the same bytes, so runs compare.
"""
import base64
import hashlib
import hmac
import json
import os
import random
import sys

LINE_POOL = 4000  # distinct lines generated per kind; files sample from them
SOURCE_FILE_BYTES = (8 * 1024, 96 * 1024)
LOG_FILE_BYTES = 48 * 1024 * 1024
LOG_SHARE = 0.55  # share of the corpus that is logs
TOKEN_EVERY_LOG_LINES = 100_000
FINDING_EVERY_SOURCE_FILES = 2000

WORDS = ("order user account invoice payment session cart item price total "
         "status request response client server cache queue retry timeout "
         "limit offset page count index value result error config option "
         "handler service module router model view record event message").split()


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_token(rng):
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    claims = {"sub": "user-%d" % rng.randrange(10**6), "exp": 1700000000 + rng.randrange(10**8)}
    payload = b64url(json.dumps(claims, separators=(",", ":")).encode())
    signing_input = (header + "." + payload).encode()
    signature = b64url(hmac.new(b"bench-only-key", signing_input, hashlib.sha256).digest())
    return header + "." + payload + "." + signature


def ident(rng):
    return rng.choice(WORDS) + rng.choice(WORDS).capitalize()


def js_line(rng):
    forms = (
        "  const {a} = await fetch{b}(req.params.id, {{ limit: {n} }});",
        "  if ({a}.length > {n}) {{ return res.status(400).json({{ error: '{w}' }}); }}",
        "  // {w} {w2} for the {w3} handler",
        "export function {a}({b}, options = {{}}) {{",
        "  {a}.push({{ id: {n}, name: '{w}', total: {b}.total * {n} }});",
        "}}",
    )
    return rng.choice(forms).format(a=ident(rng), b=ident(rng), n=rng.randrange(1000),
                                    w=rng.choice(WORDS), w2=rng.choice(WORDS), w3=rng.choice(WORDS))


def py_line(rng):
    forms = (
        "    {a} = self.{b}.get({n}, default=None)",
        "def {a}({b}, limit={n}):",
        "    # {w} the {w2} before the {w3}",
        "    return [x for x in {a} if x.{b} > {n}]",
        "class {A}({B}):",
        "    raise ValueError(\"invalid {w}: %s\" % {a})",
    )
    return rng.choice(forms).format(a=ident(rng), b=ident(rng), A=ident(rng).capitalize(),
                                    B=ident(rng).capitalize(), n=rng.randrange(1000),
                                    w=rng.choice(WORDS), w2=rng.choice(WORDS), w3=rng.choice(WORDS))


def go_line(rng):
    forms = (
        "\t{a}, err := {b}.Load(ctx, {n})",
        "\tif err != nil {{\n\t\treturn nil, fmt.Errorf(\"{w}: %w\", err)\n\t}}",
        "func ({a} *{B}) {C}(ctx context.Context) error {{",
        "\t// {w} the {w2} of {w3}",
        "\tfor i := 0; i < {n}; i++ {{ {a}[i] = {b}[i] * {n} }}",
    )
    return rng.choice(forms).format(a=ident(rng), b=ident(rng), B=ident(rng).capitalize(),
                                    C=ident(rng).capitalize(), n=rng.randrange(1000),
                                    w=rng.choice(WORDS), w2=rng.choice(WORDS), w3=rng.choice(WORDS))


def java_line(rng):
    forms = (
        "    private final {A} {a} = new {A}({n});",
        "    public {A} {b}({B} {a}) throws IOException {{",
        "        // {w} {w2} {w3}",
        "        return {a}.stream().filter(x -> x.get{B}() > {n}).collect(Collectors.toList());",
        "    }}",
    )
    return rng.choice(forms).format(a=ident(rng), b=ident(rng), A=ident(rng).capitalize(),
                                    B=ident(rng).capitalize(), n=rng.randrange(1000),
                                    w=rng.choice(WORDS), w2=rng.choice(WORDS), w3=rng.choice(WORDS))


def yaml_line(rng):
    return "{}{}: {}".format("  " * rng.randrange(4), ident(rng), rng.choice(
        [str(rng.randrange(10000)), rng.choice(WORDS), "true", "\"%s-%d\"" % (rng.choice(WORDS), rng.randrange(100))]))


def json_line(rng):
    return "  \"{}\": {},".format(ident(rng), rng.choice(
        [str(rng.randrange(10000)), "\"%s\"" % rng.choice(WORDS), "false", "null"]))


def env_line(rng):
    return "{}_{}={}".format(rng.choice(WORDS).upper(), rng.choice(WORDS).upper(),
                             rng.choice([str(rng.randrange(10000)), rng.choice(WORDS), "http://localhost:%d" % rng.randrange(1024, 65535)]))


def access_log_line(rng):
    return '10.{}.{}.{} - - [01/Jan/2026:10:{:02d}:{:02d} +0000] "GET /{}/{}?page={} HTTP/1.1" {} {}'.format(
        rng.randrange(256), rng.randrange(256), rng.randrange(256), rng.randrange(60), rng.randrange(60),
        rng.choice(WORDS), rng.randrange(10**6), rng.randrange(100), rng.choice((200, 200, 200, 304, 404, 500)),
        rng.randrange(10**5))


def app_log_line(rng):
    return "2026-01-01T10:{:02d}:{:02d}.{:03d}Z {} [{}] {} {} in {} ms".format(
        rng.randrange(60), rng.randrange(60), rng.randrange(1000), rng.choice(("INFO", "INFO", "DEBUG", "WARN")),
        ident(rng), rng.choice(WORDS), rng.choice(WORDS), rng.randrange(5000))


KINDS = (
    ("src/web", ".js", js_line, "  const bad = jwt.decode(req.headers.authorization);"),
    ("src/api", ".py", py_line, "    claims = jwt.decode(token, options={\"verify_signature\": False})"),
    ("src/svc", ".go", go_line, "\ttoken, _ := jwt.Parse(raw, nil)"),
    ("src/core", ".java", java_line, "        DecodedJWT jwt = JWT.decode(token);"),
    ("deploy", ".yaml", yaml_line, "  jwtSecret: bench-only-hardcoded-secret-Kq8Zr2Lw"),
    ("config", ".json", json_line, "  \"jwt_secret\": \"bench-only-hardcoded-secret-Kq8Zr2Lw\","),
    ("env", ".env", env_line, "JWT_SECRET=bench-only-hardcoded-secret-Kq8Zr2Lw"),
)


def write_sources(root, rng, budget):
    pools = [[gen(rng) for _ in range(LINE_POOL)] for (_, _, gen, _) in KINDS]
    written, n = 0, 0
    while written < budget:
        k = n % len(KINDS)
        folder, ext, _, finding = KINDS[k]
        target = rng.randrange(*SOURCE_FILE_BYTES)
        lines, size = [], 0
        while size < target:
            line = rng.choice(pools[k])
            lines.append(line)
            size += len(line) + 1
        if n % FINDING_EVERY_SOURCE_FILES == FINDING_EVERY_SOURCE_FILES - 1:
            lines.insert(rng.randrange(len(lines)), finding)
        path = os.path.join(root, folder, "m%03d" % (n % 997), "f%06d%s" % (n, ext))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        data = ("\n".join(lines) + "\n").encode()
        with open(path, "wb") as f:
            f.write(data)
        written += len(data)
        n += 1
    return written, n


def write_logs(root, rng, budget):
    pools = [[access_log_line(rng) for _ in range(LINE_POOL)], [app_log_line(rng) for _ in range(LINE_POOL)]]
    os.makedirs(os.path.join(root, "logs"), exist_ok=True)
    written, n = 0, 0
    while written < budget:
        pool = pools[n % 2]
        path = os.path.join(root, "logs", "app-%03d.log" % n)
        with open(path, "wb") as f:
            size, line_no = 0, 0
            while size < LOG_FILE_BYTES and written + size < budget:
                block = rng.choices(pool, k=1000)
                line_no += 1000
                if line_no % TOKEN_EVERY_LOG_LINES == 0:
                    block[rng.randrange(1000)] = '10.0.0.1 - - [01/Jan/2026:10:00:00 +0000] "GET /cb?id_token=%s HTTP/1.1" 302 0' % make_token(rng)
                data = ("\n".join(block) + "\n").encode()
                f.write(data)
                size += len(data)
        written += size
        n += 1
    return written, n


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: gen_corpus.py FOLDER [SIZE_MB] [SEED]")
    root = sys.argv[1]
    size = int(sys.argv[2]) * 1024 * 1024 if len(sys.argv) > 2 else 1100 * 1024 * 1024
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 4
    rng = random.Random(seed)
    log_bytes, log_files = write_logs(root, rng, int(size * LOG_SHARE))
    src_bytes, src_files = write_sources(root, rng, size - log_bytes)
    print("gen_corpus: %d bytes in %d files under %s (seed %d)" % (log_bytes + src_bytes, log_files + src_files, root, seed))


if __name__ == "__main__":
    main()
