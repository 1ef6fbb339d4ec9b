/*
 * test_scan_code.c: the validation-code rules (JG4xx) and the CI rules
 * (JG5xx) on small snippets. The patterns are compiled with Vectorscan
 * and every match goes through code_check(), as the engine does, so the
 * expressions, the language masks and the checks are tested together.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <hs/hs.h>

#include "scan/code.h"

#define MAX_FOUND 64

typedef struct found {
    const char *id;
    size_t line;
    int severity;
} found;

typedef struct match {
    unsigned pattern;
    size_t end;
} match;

typedef struct matches {
    match items[256];
    size_t count;
} matches;

typedef struct group_db {
    const code_group *group;
    const scan_pattern *patterns;
    size_t count;
    hs_database_t *db;
} group_db;

static group_db groups[] = {
    {&code_group_calls, code_call_patterns, CODE_CALL_PATTERNS, NULL},
    {&code_group_keys, code_key_patterns, CODE_KEY_PATTERNS, NULL},
    {&code_group_leaks, code_leak_patterns, CODE_LEAK_PATTERNS, NULL},
    {&code_group_ci, code_ci_patterns, CODE_CI_PATTERNS, NULL},
};
#define GROUP_COUNT (sizeof(groups) / sizeof(groups[0]))

static hs_scratch_t *scratch;

static int setup(void **state)
{
    (void)state;
    for (size_t g = 0; g < GROUP_COUNT; g++) {
        const char *exprs[64];
        unsigned flags[64];
        unsigned ids[64];
        hs_compile_error_t *err = NULL;

        for (size_t i = 0; i < groups[g].count; i++) {
            exprs[i] = groups[g].patterns[i].expr;
            flags[i] = groups[g].patterns[i].flags;
            ids[i] = (unsigned)i;
        }
        if (hs_compile_multi(exprs, flags, ids, (unsigned)groups[g].count, HS_MODE_BLOCK, NULL,
                             &groups[g].db, &err) != HS_SUCCESS) {
            fprintf(stderr, "pattern %d: %s\n", err->expression, err->message);
            return -1;
        }
        if (hs_alloc_scratch(groups[g].db, &scratch) != HS_SUCCESS)
            return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (size_t g = 0; g < GROUP_COUNT; g++)
        hs_free_database(groups[g].db);
    hs_free_scratch(scratch);
    return 0;
}

static int on_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
                    void *context)
{
    matches *m = context;

    (void)from;
    (void)flags;
    if (m->count < sizeof(m->items) / sizeof(m->items[0]))
        m->items[m->count++] = (match){id, (size_t)to};
    return 0;
}

static size_t line_of(const char *text, size_t offset)
{
    size_t line = 1;

    for (size_t i = 0; i < offset; i++)
        line += text[i] == '\n';
    return line;
}

/* Runs every group over `text` the way the engine does, skip offsets included. */
static size_t scan_snippet(const char *text, scan_lang lang, unsigned flags, found *out)
{
    size_t len = strlen(text);
    size_t n = 0;

    for (size_t g = 0; g < GROUP_COUNT; g++) {
        matches m = {.count = 0};
        size_t skip_until = 0;

        assert_int_equal(hs_scan(groups[g].db, text, (unsigned)len, 0, scratch, on_match, &m),
                         HS_SUCCESS);
        for (size_t i = 0; i < m.count; i++) {
            code_result r;

            if (m.items[i].end <= skip_until)
                continue;
            code_check(groups[g].group, m.items[i].pattern, (const uint8_t *)text, len, lang, flags,
                       m.items[i].end, &r);
            for (size_t h = 0; h < r.count && n < MAX_FOUND; h++)
                out[n++] = (found){r.hits[h].rule->id, line_of(text, r.hits[h].offset),
                                   r.hits[h].severity};
            if (r.skip_until > skip_until)
                skip_until = r.skip_until;
        }
    }
    return n;
}

typedef struct code_case {
    scan_lang lang;
    unsigned flags;
    const char *text;
    const char *rule; /* expected rule id, or NULL: the snippet yields no finding at all */
    size_t line;
    int severity; /* expected override, -1 for the rule's own, -2 to not check */
} code_case;

#define JS SCAN_LANG_JS
#define PY SCAN_LANG_PYTHON
#define GO SCAN_LANG_GO
#define JAVA SCAN_LANG_JAVA
#define PHP SCAN_LANG_PHP
#define RB SCAN_LANG_RUBY
#define SH SCAN_LANG_SHELL
#define YML SCAN_LANG_YAML
#define CI SCAN_FILE_CI
#define HIGH SCAN_SEV_HIGH
#define CRIT SCAN_SEV_CRITICAL

static const code_case cases[] = {
    /* JG401 'none' allowed */
    /* jsonwebtoken verify listing none */
    {JS, 0, "jwt.verify(t, k, { algorithms: ['HS256', 'none'] });\n", "JG401", 1, -2},
    /* pinned jsonwebtoken verify with audience is clean */
    {JS, 0, "const c = jwt.verify(t, k, { algorithms: ['RS256'], audience: 'api' });\n", NULL, 0,
     -2},
    /* jose UnsecuredJWT.decode accepts alg none */
    {JS, 0, "const { payload } = UnsecuredJWT.decode(tok);\n", "JG401", 1, -2},
    /* PyJWT algorithms list with none */
    {PY, 0, "import jwt\nc = jwt.decode(t, k, algorithms=[\"none\", \"HS256\"])\n", "JG401", 2, -2},
    /* PyJWT pinned decode is clean */
    {PY, 0, "import jwt\nc = jwt.decode(t, k, algorithms=[\"RS256\"], audience=\"api\")\n", NULL, 0,
     -2},
    /* golang-jwt none method returned */
    {GO, 0,
     "func kf(t *jwt.Token) (any, error) {\n\treturn jwt.UnsafeAllowNoneSignatureType, nil\n}\n",
     "JG401", 2, -2},
    /* comparing with the none method to reject it is clean */
    {GO, 0, "if t.Method == jwt.SigningMethodNone {\n\treturn nil, errNone\n}\n", NULL, 0, -2},
    /* java-jwt Algorithm.none() */
    {JAVA, 0, "String t = JWT.create().withExpiresAt(d).sign(Algorithm.none());\n", "JG401", 1, -2},
    /* jjwt parser with unsecured() */
    {JAVA, 0, "import io.jsonwebtoken.Jwts;\nvar p = Jwts.parser().unsecured().build();\n", "JG401",
     2, -2},
    /* jjwt builder without signWith makes an unsigned token */
    {JAVA, 0, "String t = Jwts.builder().subject(u).expiration(d).compact();\n", "JG401", 1, -2},
    /* signed jjwt builder with expiration is clean */
    {JAVA, 0, "String t = Jwts.builder().subject(u).expiration(d).signWith(key).compact();\n", NULL,
     0, -2},
    /* php-jwt decode allowing none */
    {PHP, 0, "$c = JWT::decode($jwt, $key, ['none', 'HS256']);\n", "JG401", 1, -2},
    /* ruby-jwt decode with algorithm none */
    {RB, 0, "JWT.decode(t, nil, true, { algorithm: 'none' })\n", "JG401", 1, -2},
    /* ruby-jwt pinned decode is clean */
    {RB, 0, "JWT.decode(t, key, true, { algorithm: 'RS256' })\n", NULL, 0, -2},

    /* JG402 decoded without verification */
    /* decoding next to a verify of the same token is clean */
    {JS, 0, "jwt.verify(token, key, { algorithms: ['RS256'] });\nconst c = jwt.decode(token);\n",
     NULL, 0, -2},
    /* a verify of another token does not excuse the decode */
    {JS, 0, "jwt.verify(other, key, { algorithms: ['RS256'] });\nconst c = jwt.decode(token);\n",
     "JG402", 2, -1},
    /* a verify of the same name in another function does not excuse the decode */
    {JS, 0,
     "function a(token) {\n  return jwt.verify(token, k, { algorithms: ['RS256'] });\n}\n"
     "function b(token) {\n  return jwt.decode(token);\n}\n",
     "JG402", 5, -1},
    /* Go ParseUnverified followed by a pinned Parse of the same string is clean */
    {GO, 0,
     "u, _, _ := p.ParseUnverified(raw, &c)\nt, err := jwt.Parse(raw, kf, "
     "jwt.WithValidMethods(m))\n",
     NULL, 0, -2},
    /* findings in test files are lowered to low */
    {JS, SCAN_FILE_TEST, "if (jwt.decode(t).role === 'admin') allow();\n", "JG402", 1,
     SCAN_SEV_LOW},
    /* jsonwebtoken decode, result not used for authorization */
    {JS, 0, "const claims = jwt.decode(token);\nshow(claims.name);\n", "JG402", 1, -1},
    /* decoded claims feed an admin check: raised to high */
    {JS, 0, "const claims = jwt.decode(token);\nif (claims.isAdmin) {\n  next();\n}\n", "JG402", 1,
     HIGH},
    /* inline use of decode in an authorization check */
    {JS, 0, "if (jwt.decode(t).role === 'admin') allow();\n", "JG402", 1, HIGH},
    /* decoding only the header to pick a key is clean */
    {JS, 0, "const kid = jwt.decode(token, { complete: true }).header.kid;\n", NULL, 0, -2},
    /* TypeScript: jose decodeJwt */
    {JS, 0, "const payload: JWTPayload = decodeJwt(token);\n", "JG402", 1, -1},
    /* python-jose get_unverified_claims used for a role check */
    {PY, 0,
     "from jose import jwt\nclaims = jwt.get_unverified_claims(t)\nif claims[\"role\"] == "
     "\"admin\":\n    grant()\n",
     "JG402", 2, HIGH},
    /* golang-jwt ParseUnverified */
    {GO, 0, "tok, _, err := p.ParseUnverified(s, &c)\n", "JG402", 1, -1},
    /* java-jwt JWT.decode */
    {JAVA, 0,
     "DecodedJWT jwt = JWT.decode(token);\nString r = jwt.getClaim(\"role\").asString();\n",
     "JG402", 1, HIGH},
    /* java-jwt verifier is clean */
    {JAVA, 0, "DecodedJWT d = JWT.require(alg).withIssuer(i).build().verify(token);\n", NULL, 0,
     -2},
    /* jjwt parseClaimsJwt parses unsigned tokens */
    {JAVA, 0, "Claims c = parser.parseClaimsJwt(token).getBody();\n", "JG402", 1, -1},
    /* jjwt parseSignedClaims is clean */
    {JAVA, 0, "Claims c = parser.parseSignedClaims(token).getPayload();\n", NULL, 0, -2},
    /* PHP payload decoded by hand */
    {PHP, 0, "$c = json_decode(base64_decode(explode('.', $jwt)[1]));\n", "JG402", 1, -1},

    /* JG403 signature verification off */
    /* PyJWT verify_signature False */
    {PY, 0, "import jwt\nc = jwt.decode(t, options={\"verify_signature\": False})\n", "JG403", 2,
     -1},
    /* PyJWT 1.x verify=False feeding is_admin: raised to critical */
    {PY, 0, "import jwt\nc = jwt.decode(t, verify=False)\nif c[\"is_admin\"]:\n    ok()\n", "JG403",
     2, CRIT},
    /* ruby-jwt third argument false */
    {RB, 0, "payload, header = JWT.decode token, nil, false\n", "JG403", 1, -1},
    /* a comment that mentions the call is clean */
    {PY, 0, "import jwt\n# never call jwt.decode(t, verify=False) here\n", NULL, 0, -2},

    /* JG404 algorithm not pinned */
    /* jsonwebtoken verify without algorithms */
    {JS, 0, "const c = jwt.verify(token, publicKey);\n", "JG404", 1, -2},
    /* express-jwt without algorithms */
    {JS, 0, "app.use(expressjwt({ secret: process.env.S }));\n", "JG404", 1, -2},
    /* express-jwt with algorithms is clean */
    {JS, 0, "app.use(expressjwt({ secret: process.env.S, algorithms: ['HS256'] }));\n", NULL, 0,
     -2},
    /* jose jwtVerify with a remote key set and no algorithms */
    {JS, 0, "const { payload } = await jwtVerify(t, JWKS, { issuer: i });\n", "JG404", 1, -2},
    /* python-jose decode without algorithms */
    {PY, 0, "from jose import jwt\nc = jwt.decode(t, key, audience=\"api\")\n", "JG404", 2, -2},
    /* "oauthlib" is not an Authlib import: PyJWT with algorithms is clean */
    {PY, 0, "import oauthlib\nimport jwt\nc = jwt.decode(t, pem, algorithms=['RS256'])\n", NULL, 0,
     -2},
    /* an import inside the function also names the library */
    {PY, 0, "def f(t):\n    from authlib.jose import jwt\n    return jwt.decode(t, k)\n", "JG404", 3,
     -2},
    /* str.encode() on a variable named jwt is not a signing call */
    {PY, 0, "import jwt\njwt = jwt.encode(\"utf-8\")\n", NULL, 0, -2},
    /* Authlib module-level jwt accepts every algorithm */
    {PY, 0, "from authlib.jose import jwt\nclaims = jwt.decode(s, key)\nclaims.validate()\n",
     "JG404", 2, -2},
    /* golang-jwt key function that ignores token.Method */
    {GO, 0, "t, err := jwt.Parse(s, func(t *jwt.Token) (any, error) {\n\treturn pub, nil\n})\n",
     "JG404", 1, -2},
    /* golang-jwt with WithValidMethods is clean */
    {GO, 0, "t, err := jwt.Parse(s, kf, jwt.WithValidMethods([]string{\"RS256\"}))\n", NULL, 0, -2},
    /* golang-jwt key function checking the method is clean */
    {GO, 0,
     "t, err := jwt.Parse(s, func(t *jwt.Token) (any, error) {\n\tif _, ok := "
     "t.Method.(*jwt.SigningMethodRSA); !ok {\n\t\treturn nil, errAlg\n\t}\n\treturn pub, "
     "nil\n})\n",
     NULL, 0, -2},
    /* php-jwt v5 call without allowed algorithms */
    {PHP, 0, "$c = JWT::decode($jwt, $publicKey);\n", "JG404", 1, -2},
    /* php-jwt v6 Key object is clean */
    {PHP, 0, "$c = JWT::decode($jwt, new Key($publicKey, 'RS256'));\n", NULL, 0, -2},
    /* ruby-jwt decode without algorithm */
    {RB, 0, "JWT.decode(token, key, true)\n", "JG404", 1, -2},

    /* JG405 algorithm from the token header */
    /* PyJWT algorithms from get_unverified_header */
    {PY, 0,
     "import jwt\nc = jwt.decode(t, k, algorithms=[jwt.get_unverified_header(t)[\"alg\"]])\n",
     "JG405", 2, -2},
    /* the same through a variable set two lines above */
    {PY, 0,
     "import jwt\nh = jwt.get_unverified_header(t)\nalg = h[\"alg\"]\nc = jwt.decode(t, k, "
     "algorithms=[alg])\n",
     "JG405", 4, -2},
    /* jsonwebtoken algorithms from the decoded header */
    {JS, 0, "jwt.verify(t, k, { algorithms: [decoded.header.alg] });\n", "JG405", 1, -2},

    /* JG406 expiry check off or huge leeway */
    /* jsonwebtoken ignoreExpiration */
    {JS, 0, "jwt.verify(t, k, { algorithms: ['RS256'], ignoreExpiration: true });\n", "JG406", 1,
     -2},
    /* jsonwebtoken clockTolerance of an hour */
    {JS, 0, "jwt.verify(t, k, { algorithms: ['RS256'], clockTolerance: 3600 });\n", "JG406", 1, -2},
    /* a 30 second tolerance is clean */
    {JS, 0, "jwt.verify(t, k, { algorithms: ['RS256'], clockTolerance: 30 });\n", NULL, 0, -2},
    /* PyJWT verify_exp False */
    {PY, 0,
     "import jwt\nc = jwt.decode(t, k, algorithms=[\"HS256\"], options={\"verify_exp\": "
     "False})\n",
     "JG406", 2, -2},
    /* PyJWT leeway as a timedelta of one hour */
    {PY, 0, "import jwt\nc = jwt.decode(t, k, algorithms=[\"HS256\"], leeway=timedelta(hours=1))\n",
     "JG406", 2, -2},
    /* Authlib decode never followed by validate() */
    {PY, 0,
     "from authlib.jose import JsonWebToken\nfrom authlib.jose import jwt\nc = jwt.decode(s, "
     "k)\nuse(c)\n",
     "JG406", 3, -2},
    /* golang-jwt WithoutClaimsValidation */
    {GO, 0, "p := jwt.NewParser(jwt.WithValidMethods(m), jwt.WithoutClaimsValidation())\n", "JG406",
     1, -2},
    /* golang-jwt leeway of two hours */
    {GO, 0, "p := jwt.NewParser(jwt.WithValidMethods(m), jwt.WithLeeway(2 * time.Hour))\n", "JG406",
     1, -2},
    /* five minutes of leeway is clean */
    {GO, 0, "p := jwt.NewParser(jwt.WithValidMethods(m), jwt.WithLeeway(5 * time.Minute))\n", NULL,
     0, -2},
    /* jjwt clock skew of a day */
    {JAVA, 0, "var p = Jwts.parser().verifyWith(k).clockSkewSeconds(86400).build();\n", "JG406", 1,
     -2},
    /* java-jwt acceptExpiresAt of a day */
    {JAVA, 0, "JWTVerifier v = JWT.require(alg).acceptExpiresAt(86400).build();\n", "JG406", 1, -2},
    /* php-jwt global leeway of a day */
    {PHP, 0, "JWT::$leeway = 86400;\n", "JG406", 1, -2},
    /* php-jwt leeway of 60 seconds is clean */
    {PHP, 0, "JWT::$leeway = 60;\n", NULL, 0, -2},
    /* ruby-jwt verify_expiration false */
    {RB, 0, "JWT.decode(t, k, true, { algorithm: 'HS256', verify_expiration: false })\n", "JG406",
     1, -2},

    /* JG407 audience or issuer check off */
    /* PyJWT verify_aud False */
    {PY, 0,
     "import jwt\nc = jwt.decode(t, k, algorithms=[\"RS256\"], options={\"verify_aud\": "
     "False})\n",
     "JG407", 2, -2},
    /* python-jose verify_iss False */
    {PY, 0,
     "from jose import jwt\nc = jwt.decode(t, k, algorithms=[\"RS256\"], "
     "options={'verify_iss': False})\n",
     "JG407", 2, -2},
    /* ruby-jwt verify_aud false */
    {RB, 0, "JWT.decode(t, k, true, algorithm: 'RS256', verify_aud: false)\n", "JG407", 1, -2},

    /* JG408 signed without expiry */
    /* jsonwebtoken sign without expiresIn */
    {JS, 0, "const t = jwt.sign({ sub: id }, key);\n", "JG408", 1, -2},
    /* jsonwebtoken sign with expiresIn is clean */
    {JS, 0, "const t = jwt.sign({ sub: id }, key, { expiresIn: '15m' });\n", NULL, 0, -2},
    /* jose SignJWT without setExpirationTime */
    {JS, 0,
     "const t = await new SignJWT({ sub: id })\n  .setProtectedHeader({ alg })\n  "
     ".sign(key);\n",
     "JG408", 1, -2},
    /* PyJWT encode of a dict without exp */
    {PY, 0, "import jwt\nt = jwt.encode({\"sub\": uid}, k, algorithm=\"HS256\")\n", "JG408", 2, -2},
    /* PyJWT encode with exp is clean */
    {PY, 0,
     "import jwt\nt = jwt.encode({\"sub\": uid, \"exp\": now + 900}, k, "
     "algorithm=\"HS256\")\n",
     NULL, 0, -2},
    /* golang-jwt MapClaims without exp */
    {GO, 0, "t := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{\"sub\": id})\n", "JG408",
     1, -2},
    /* java-jwt create without withExpiresAt */
    {JAVA, 0, "String t = JWT.create().withSubject(u).sign(alg);\n", "JG408", 1, -2},
    /* php-jwt encode without exp */
    {PHP, 0, "$t = JWT::encode(['sub' => $id], $key, 'HS256');\n", "JG408", 1, -2},
    /* ruby-jwt encode without exp */
    {RB, 0, "t = JWT.encode({ sub: id }, key, 'HS256')\n", "JG408", 1, -2},
    /* ruby-jwt encode with exp is clean */
    {RB, 0, "t = JWT.encode({ sub: id, exp: Time.now.to_i + 900 }, key, 'HS256')\n", NULL, 0, -2},

    /* JG409 key from jku, x5u or jwk */
    /* fetch of the jku header */
    {JS, 0, "const jwks = await fetch(header.jku).then(r => r.json());\n", "JG409", 1, -2},
    /* requests.get of the x5u header */
    {PY, 0, "cert = requests.get(header[\"x5u\"]).text\n", "JG409", 1, -2},
    /* comparing jku with a trusted URL is clean */
    {PY, 0, "if header[\"jku\"] != TRUSTED_JKU:\n    raise Invalid()\n", NULL, 0, -2},
    /* key built from the embedded jwk header */
    {JS, 0, "const key = await importJWK(header.jwk, 'RS256');\n", "JG409", 1, -2},

    /* JG410 kid in a file path */
    /* Node readFileSync with kid */
    {JS, 0, "const key = fs.readFileSync(`keys/${header.kid}.pem`);\n", "JG410", 1, -2},
    /* Python open with an f-string */
    {PY, 0, "with open(f\"keys/{kid}\") as f:\n    key = f.read()\n", "JG410", 1, -2},
    /* Go filepath.Join */
    {GO, 0, "b, err := os.ReadFile(filepath.Join(dir, kid))\n", "JG410", 1, -2},
    /* a kid looked up in a map is clean */
    {GO, 0, "key, ok := keys[kid]\n", NULL, 0, -2},

    /* JG411 kid in an SQL query */
    /* Java string concatenation */
    {JAVA, 0, "rs = st.executeQuery(\"SELECT k FROM keys WHERE kid = '\" + kid + \"'\");\n",
     "JG411", 1, -2},
    /* PHP concatenation */
    {PHP, 0, "$r = $db->query(\"SELECT k FROM keys WHERE kid = '\" . $kid . \"'\");\n", "JG411", 1,
     -2},
    /* a bound parameter is clean */
    {PY, 0, "cur.execute(\"SELECT k FROM keys WHERE kid = %s\", (kid,))\n", NULL, 0, -2},

    /* JG412 token in a URL */
    /* JS template literal */
    {JS, 0, "res.redirect(`/app?token=${token}`);\n", "JG412", 1, -2},
    /* Python concatenation */
    {PY, 0, "url = base + \"?access_token=\" + tok\n", "JG412", 1, -2},
    /* Ruby interpolation */
    {RB, 0, "redirect_to \"/cb?jwt=#{jwt}\"\n", "JG412", 1, -2},
    /* Go Sprintf */
    {GO, 0, "u := fmt.Sprintf(\"%s?token=%s\", base, tok)\n", "JG412", 1, -2},
    /* a literal placeholder value is clean */
    {JS, 0, "const doc = '/app?token=REDACTED';\n", NULL, 0, -2},

    /* JG413 token logged */
    /* console.log of the token */
    {JS, 0, "console.log('token', token);\n", "JG413", 1, -2},
    /* logging only a message about tokens is clean */
    {JS, 0, "console.log('token verified for', user.id);\n", NULL, 0, -2},
    /* Python f-string interpolation */
    {PY, 0, "logger.info(f\"auth header {request.headers}\")\n", "JG413", 1, -2},
    /* Go log.Printf of the token string */
    {GO, 0, "log.Printf(\"got %s\", tokenString)\n", "JG413", 1, -2},
    /* Java println of the Authorization header */
    {JAVA, 0, "System.out.println(\"auth: \" + authorization);\n", "JG413", 1, -2},
    /* PHP error_log concatenation */
    {PHP, 0, "error_log(\"jwt: \" . $jwt);\n", "JG413", 1, -2},
    /* Ruby puts interpolation */
    {RB, 0, "puts \"token=#{access_token}\"\n", "JG413", 1, -2},
    /* logging the token length is clean */
    {PY, 0, "logger.debug(\"token length %d\", len(token_bytes_count))\n", NULL, 0, -2},
    /* a parser's token list is not a credential */
    {PY, 0, "print(' ' * start + tokens[0])\n", NULL, 0, -2},
    /* a tokenizer is not a credential */
    {PY, 0, "print(tokenizer)\n", NULL, 0, -2},
    /* a token's type is not the token */
    {PY, 0, "log.debug(\"type %s\", token_type)\n", NULL, 0, -2},
    /* a paging token is not a credential */
    {JS, 0, "console.log(nextToken);\n", NULL, 0, -2},
    /* camelCase id token */
    {JS, 0, "console.log(idToken);\n", "JG413", 1, -2},
    /* upper-case JWT part before Token */
    {JAVA, 0, "System.out.println(JWTToken);\n", "JG413", 1, -2},
    /* bearer value */
    {PY, 0, "print(bearer)\n", "JG413", 1, -2},

    /* JG501 CI step prints a secret */
    /* GitHub Actions echo of a secret */
    {YML, CI, "steps:\n  - run: echo \"tok=${{ secrets.API_JWT }}\"\n", "JG501", 2, -2},
    /* add-mask is clean */
    {YML, CI, "steps:\n  - run: echo \"::add-mask::${{ secrets.API_JWT }}\"\n", NULL, 0, -2},
    /* piping to --password-stdin is clean */
    {YML, CI, "steps:\n  - run: echo \"$REGISTRY_TOKEN\" | docker login -u u --password-stdin\n",
     NULL, 0, -2},
    /* a variable named like the tool, not a secret, is clean */
    {SH, 0, "echo \"$JWTGUARD is not built\" >&2\n", NULL, 0, -2},
    /* single quotes keep the shell from expanding the secret */
    {SH, 0, "printf 'echo \"$JWT_SECRET\"\\n' > job.yaml\necho 'uses $API_TOKEN'\n", NULL, 0, -2},
    /* output sent to another file descriptor is not printed */
    {SH, 0, "printf 'Bearer %s\\n' \"$TOKEN\" >&3\n", NULL, 0, -2},
    /* a header dict that sets jku to a URL fetches nothing */
    {PY, 0, "header = {\"alg\": \"RS256\", \"jku\": \"https://attacker.example/jwks.json\"}\n",
     NULL, 0, -2},
    /* shell script echo of a secret variable */
    {SH, 0, "#!/bin/sh\necho \"secret is $JWT_SECRET\"\n", "JG501", 2, -2},
    /* printenv alone dumps the environment */
    {YML, CI, "script:\n  - printenv\n", "JG501", 2, -2},
    /* env alone after run: dumps the environment */
    {YML, CI, "steps:\n  - run: env\n", "JG501", 2, -2},
    /* env as a YAML list item of a GitLab script */
    {YML, CI, "script:\n  - env | sort\n", "JG501", 2, -2},
    /* env running a command with a variable set prints nothing */
    {YML, CI, "script:\n  - env NODE_ENV=test npm test\n", NULL, 0, -2},
    /* the env: key of a workflow is clean */
    {YML, CI, "env:\n  NODE_ENV: production\n", NULL, 0, -2},
    /* cat of a token file */
    {SH, 0, "cat ./deploy-token.txt\n", "JG501", 1, -2},
    /* the same echo in a non-CI YAML file is not a CI finding */
    {YML, 0, "command: echo \"$JWT_SECRET\"\n", NULL, 0, -2},

    /* JG502 verbose curl with Authorization */
    /* -v with a bearer header */
    {SH, 0, "curl -sv -H \"Authorization: Bearer $TOKEN\" https://api.example/x\n", "JG502", 1, -2},
    /* --verbose on a continuation line */
    {YML, CI,
     "  - run: |\n      curl --fail \\\n        --verbose \\\n        -H "
     "\"Authorization: Bearer ${{ secrets.T }}\" https://api.example\n",
     "JG502", 2, -2},
    /* quiet curl with the header is clean */
    {SH, 0, "curl -sf -H \"Authorization: Bearer $TOKEN\" https://api.example/x\n", NULL, 0, -2},

    /* JG503 token in a URL in CI */
    /* access_token query from a variable */
    {SH, 0, "curl -sf \"https://api.example/deploy?access_token=$DEPLOY_TOKEN\"\n", "JG503", 1, -2},

    /* JG504 set -x with secrets */
    /* tracing a step that expands a secret */
    {YML, CI, "  - run: |\n      set -ex\n      deploy --token \"${{ secrets.DEPLOY }}\"\n",
     "JG504", 2, -2},
    /* set -o xtrace in a script that then expands a secret */
    {SH, 0, "set -o xtrace\ncurl -sf -H \"Authorization: Bearer $API_TOKEN\" https://x\n", "JG504",
     1, -2},
    /* tracing switched off before the secret is clean */
    {SH, 0, "set -x\nmake build\nset +x\ndeploy --token \"$DEPLOY_TOKEN\"\n", NULL, 0, -2},
};

static void case_reports_rule_and_line(void **state)
{
    (void)state;
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        const code_case *k = &cases[c];
        found hits[MAX_FOUND];
        size_t n = scan_snippet(k->text, k->lang, k->flags, hits);
        bool seen = false;

        if (k->rule == NULL) {
            if (n != 0)
                fail_msg("case %zu: expected no finding, got %s at line %zu", c, hits[0].id,
                         hits[0].line);
            continue;
        }
        for (size_t h = 0; h < n; h++) {
            if (strcmp(hits[h].id, k->rule) != 0 || hits[h].line != k->line)
                continue;
            seen = true;
            if (k->severity != -2 && hits[h].severity != k->severity)
                fail_msg("case %zu: %s severity %d, expected %d", c, k->rule, hits[h].severity,
                         k->severity);
        }
        if (!seen)
            fail_msg("case %zu: %s at line %zu not reported (%zu other findings)", c, k->rule,
                     k->line, n);
    }
}

/* A rule applies only to its languages: the jsonwebtoken anchor in Python is ignored. */
static void language_mask_is_respected(void **state)
{
    found hits[MAX_FOUND];

    (void)state;
    assert_int_equal(scan_snippet("jwt.verify(t, k)\n", SCAN_LANG_PYTHON, 0, hits), 0);
    assert_int_equal(scan_snippet("JWT.decode(t, nil, false)\n", SCAN_LANG_JAVA, 0, hits), 1);
    assert_string_equal(hits[0].id, "JG402");
}

/* One finding per line for the line-based rules, however often kid appears. */
static void kid_reported_once_per_line(void **state)
{
    found hits[MAX_FOUND];

    (void)state;
    assert_int_equal(
        scan_snippet("open(\"keys/\" + kid + \".pem\"); // kid kid\n", SCAN_LANG_JS, 0, hits), 1);
    assert_string_equal(hits[0].id, "JG410");
}

/* An unclosed call at the end of the file is read up to the end, not past it. */
static void unclosed_call_is_bounded(void **state)
{
    found hits[MAX_FOUND];

    (void)state;
    assert_int_equal(scan_snippet("jwt.verify(t, k, {", SCAN_LANG_JS, 0, hits), 1);
    assert_string_equal(hits[0].id, "JG404");
    assert_int_equal(scan_snippet("JWT.decode", SCAN_LANG_RUBY, 0, hits), 0);
}

/* A minified line is read in bounded windows, and a finding at its end is still seen. */
static void long_line_is_bounded(void **state)
{
    static char text[20000];
    const char *tail = "console.log(token);\n";
    found hits[MAX_FOUND];

    (void)state;
    memset(text, ';', sizeof(text) - 1);
    memcpy(text + sizeof(text) - 1 - strlen(tail), tail, strlen(tail));
    assert_int_equal(scan_snippet(text, SCAN_LANG_JS, 0, hits), 1);
    assert_string_equal(hits[0].id, "JG413");
}

/* Every rule has the fields SARIF needs. */
static void rules_are_complete(void **state)
{
    (void)state;
    for (size_t i = 0; i < CODE_RULE_COUNT; i++) {
        assert_non_null(code_rules[i].id);
        assert_non_null(code_rules[i].help);
        assert_non_null(code_rules[i].cwe);
        assert_non_null(code_rules[i].security_severity);
    }
    for (size_t i = 0; i < CI_RULE_COUNT; i++) {
        assert_non_null(ci_rules[i].id);
        assert_non_null(ci_rules[i].cwe);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(case_reports_rule_and_line),
        cmocka_unit_test(language_mask_is_respected),
        cmocka_unit_test(kid_reported_once_per_line),
        cmocka_unit_test(unclosed_call_is_bounded),
        cmocka_unit_test(long_line_is_bounded),
        cmocka_unit_test(rules_are_complete),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
