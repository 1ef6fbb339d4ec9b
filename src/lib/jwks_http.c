/*
 * jwks_http.c: one bounded HTTPS GET on libcurl. Every limit is enforced
 * here and not left to libcurl's defaults: the scheme is checked before any
 * name is resolved, redirects are followed by hand so that each hop can be
 * checked, and the body is capped while it arrives.
 */
#include "jwks_http.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "internal.h"

#define HTTP_MAX_REDIRECTS 3

typedef struct transfer {
    char *buf;
    size_t len;
    size_t cap;
    size_t max;
    bool too_big;
    int64_t max_age;
    const atomic_bool *abort;
} transfer;

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc = CURLE_FAILED_INIT;

static void global_init_once(void)
{
    /* Never paired with curl_global_cleanup(): other users of libcurl in the
     * process may still need it, and the library cannot know when they finish. */
    global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

jwg_err jwg_http_global_init(void)
{
    if (pthread_once(&global_once, global_init_once) != 0)
        return JWG_ERR_CRYPTO;
    return global_rc == CURLE_OK ? JWG_OK : JWG_ERR_CRYPTO;
}

int64_t jwg_http_monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void jwg_http_response_clear(jwg_http_response *resp)
{
    if (resp == NULL)
        return;
    free(resp->body);
    resp->body = NULL;
    resp->len = 0;
    resp->max_age = -1;
}

/* ---- URL checks ----------------------------------------------------------- */

typedef struct url_parts {
    char *scheme;
    char *host;
    char *port;
} url_parts;

static void url_parts_clear(url_parts *p)
{
    curl_free(p->scheme);
    curl_free(p->host);
    curl_free(p->port);
    memset(p, 0, sizeof(*p));
}

static bool url_has_credentials(CURLU *u)
{
    char *part = NULL;
    bool found = curl_url_get(u, CURLUPART_USER, &part, 0) == CURLUE_OK;
    curl_free(part);
    part = NULL;
    found = found || curl_url_get(u, CURLUPART_PASSWORD, &part, 0) == CURLUE_OK;
    curl_free(part);
    return found;
}

/* Splits `url` with libcurl's own parser, so the checks see what the transfer will use. */
static jwg_err url_split(const char *url, url_parts *p, char *detail, size_t detail_len)
{
    memset(p, 0, sizeof(*p));
    CURLU *u = curl_url();
    JWG_ENSURE(u != NULL, JWG_ERR_NOMEM);

    jwg_err rc = JWG_ERR_INVALID_ARGUMENT;
    if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &p->scheme, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &p->host, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_PORT, &p->port, CURLU_DEFAULT_PORT) != CURLUE_OK) {
        jwg_detail_set(detail, detail_len, "invalid URL (%.100s)", url);
        goto out;
    }
    if (url_has_credentials(u)) {
        jwg_detail_set(detail, detail_len, "URL with a user name or password rejected");
        goto out;
    }
    rc = JWG_OK;

out:
    curl_url_cleanup(u);
    if (rc != JWG_OK)
        url_parts_clear(p);
    return rc;
}

/* True for a literal address in 127.0.0.0/8 or ::1; names such as localhost are not trusted. */
static bool host_is_loopback(const char *host)
{
    if (strcmp(host, "[::1]") == 0)
        return true;

    unsigned char v4[4];
    return inet_pton(AF_INET, host, v4) == 1 && v4[0] == 127;
}

static jwg_err url_check_parts(const char *url, const url_parts *p, bool allow_http_loopback,
                               char *detail, size_t detail_len)
{
    if (strcmp(p->scheme, "https") == 0)
        return JWG_OK;

    if (strcmp(p->scheme, "http") == 0 && allow_http_loopback && host_is_loopback(p->host))
        return JWG_OK;

    if (strcmp(p->scheme, "http") == 0 && allow_http_loopback)
        jwg_detail_set(detail, detail_len,
                       "plain HTTP is allowed only to a loopback address (%.100s)", url);
    else
        jwg_detail_set(detail, detail_len, "URL is not https (%.100s)", url);
    return JWG_ERR_INVALID_ARGUMENT;
}

jwg_err jwg_http_check_url(const char *url, bool allow_http_loopback, char *detail,
                           size_t detail_len)
{
    JWG_ENSURE(url != NULL, JWG_ERR_INVALID_ARGUMENT);
    JWG_TRY(jwg_http_global_init());

    url_parts p;
    JWG_TRY(url_split(url, &p, detail, detail_len));
    jwg_err rc = url_check_parts(url, &p, allow_http_loopback, detail, detail_len);
    url_parts_clear(&p);
    return rc;
}

/* ---- libcurl callbacks ---------------------------------------------------- */

static size_t on_body(char *data, size_t size, size_t nmemb, void *user)
{
    transfer *t = user;
    size_t n = size * nmemb;

    if (n > t->max - t->len) {
        t->too_big = true;
        return 0;
    }
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap == 0 ? 4096 : t->cap;
        while (cap < t->len + n + 1)
            cap *= 2;
        char *grown = realloc(t->buf, cap);
        if (grown == NULL)
            return 0;
        t->buf = grown;
        t->cap = cap;
    }
    memcpy(t->buf + t->len, data, n);
    t->len += n;
    t->buf[t->len] = '\0';
    return n;
}

/* Reads delta-seconds (RFC 9111 1.2.2): digits, saturating; -1 when there are none. */
static int64_t parse_delta_seconds(const char *s, size_t len)
{
    int64_t v = 0;
    size_t i = 0;
    if (len > 0 && s[0] == '"')
        i = 1;
    if (i >= len || s[i] < '0' || s[i] > '9')
        return -1;

    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
        if (v > (INT64_MAX - 9) / 10)
            return INT64_MAX;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/*
 * Applies one Cache-Control directive (RFC 9111 5.2.2) of `len` bytes.
 * NOTE: Age and Expires are ignored, so a set from a shared cache may live up
 * to Age seconds longer than the origin meant, within max_cache_s.
 */
static void apply_directive(transfer *t, const char *d, size_t len)
{
    static const char max_age[] = "max-age=";
    size_t prefix = sizeof(max_age) - 1;

    if (len > prefix && strncasecmp(d, max_age, prefix) == 0) {
        int64_t v = parse_delta_seconds(d + prefix, len - prefix);
        if (v >= 0 && t->max_age != 0)
            t->max_age = v;
    } else if ((len == 8 && strncasecmp(d, "no-store", 8) == 0) ||
               (len == 8 && strncasecmp(d, "no-cache", 8) == 0)) {
        t->max_age = 0;
    }
}

static void parse_cache_control(transfer *t, const char *v, size_t len)
{
    size_t i = 0;
    while (i < len) {
        while (i < len && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
            i++;
        size_t start = i;
        while (i < len && v[i] != ',' && v[i] != ' ' && v[i] != '\t' && v[i] != '\r' &&
               v[i] != '\n')
            i++;
        if (i > start)
            apply_directive(t, v + start, i - start);
        while (i < len && v[i] != ',')
            i++;
    }
}

static size_t on_header(char *line, size_t size, size_t nmemb, void *user)
{
    transfer *t = user;
    size_t n = size * nmemb;
    static const char name[] = "cache-control:";
    size_t name_len = sizeof(name) - 1;

    /* A status line starts the headers of a new response (after 1xx or a redirect). */
    if (n >= 5 && strncmp(line, "HTTP/", 5) == 0)
        t->max_age = -1;
    else if (n > name_len && strncasecmp(line, name, name_len) == 0)
        parse_cache_control(t, line + name_len, n - name_len);
    return n;
}

static int on_progress(void *user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    (void)dltotal;
    (void)dlnow;
    (void)ultotal;
    (void)ulnow;
    const transfer *t = user;
    return t->abort != NULL && atomic_load(t->abort) ? 1 : 0;
}

/* ---- one request ---------------------------------------------------------- */

static bool setopts(CURL *c, const jwg_http_limits *l, const char *url, const url_parts *p,
                    transfer *t, char *errbuf)
{
    long remaining_ms = (long)(l->deadline_ms - jwg_http_monotonic_ms());
    bool loopback = host_is_loopback(p->host);
    bool ok = true;

    ok = ok && curl_easy_setopt(c, CURLOPT_URL, url) == CURLE_OK;
    ok = ok && curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, p->scheme) == CURLE_OK;
    ok = ok && curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "https") == CURLE_OK;
    ok = ok && curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK;
    ok = ok && curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) == CURLE_OK;
    ok = ok && curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, l->connect_timeout_ms) == CURLE_OK;
    ok = ok && curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, remaining_ms) == CURLE_OK;
    ok = ok && curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)l->max_response_bytes) ==
                   CURLE_OK;
    ok = ok && curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L) == CURLE_OK;
    ok = ok && curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L) == CURLE_OK;
    ok = ok && curl_easy_setopt(c, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2) == CURLE_OK;
    ok = ok && (l->ca_file == NULL || curl_easy_setopt(c, CURLOPT_CAINFO, l->ca_file) == CURLE_OK);
    /* A proxy from the environment must not see loopback traffic. NOTE: other
     * hosts keep it, because TLS is verified end to end through a CONNECT proxy,
     * but the proxy learns which providers are trusted. */
    ok = ok && (!loopback || curl_easy_setopt(c, CURLOPT_PROXY, "") == CURLE_OK);
    ok = ok && curl_easy_setopt(c, CURLOPT_USERAGENT, "jwtguard/" JWG_VERSION_STRING) == CURLE_OK;
    ok = ok && curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf) == CURLE_OK;
    ok = ok && curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body) == CURLE_OK;
    ok = ok && curl_easy_setopt(c, CURLOPT_WRITEDATA, t) == CURLE_OK;
    ok = ok && curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header) == CURLE_OK;
    ok = ok && curl_easy_setopt(c, CURLOPT_HEADERDATA, t) == CURLE_OK;
    ok = ok && curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L) == CURLE_OK;
    ok = ok && curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress) == CURLE_OK;
    ok = ok && curl_easy_setopt(c, CURLOPT_XFERINFODATA, t) == CURLE_OK;
    return ok;
}

static void describe_failure(const char *url, const transfer *t, CURLcode cc, const char *errbuf,
                             char *detail, size_t detail_len)
{
    if (t->too_big || cc == CURLE_FILESIZE_EXCEEDED)
        jwg_detail_set(detail, detail_len, "GET %.100s: response larger than %zu bytes", url,
                       t->max);
    else
        jwg_detail_set(detail, detail_len, "GET %.100s: %s", url,
                       errbuf[0] != '\0' ? errbuf : curl_easy_strerror(cc));
}

/* Performs one GET; a redirect leaves its target in `*location` for the caller to check. */
static jwg_err get_once(const jwg_http_limits *l, const char *url, const url_parts *p, transfer *t,
                        long *status, char **location, char *detail, size_t detail_len)
{
    char errbuf[CURL_ERROR_SIZE] = "";
    *location = NULL;
    CURL *c = curl_easy_init();
    JWG_ENSURE(c != NULL, JWG_ERR_NOMEM);

    jwg_err rc = JWG_ERR_KEY_SOURCE_UNAVAILABLE;
    if (jwg_http_monotonic_ms() >= l->deadline_ms) {
        jwg_detail_set(detail, detail_len, "GET %.100s: timed out before the request started", url);
        goto out;
    }
    if (!setopts(c, l, url, p, t, errbuf)) {
        jwg_detail_set(detail, detail_len, "GET %.100s: libcurl rejected an option", url);
        goto out;
    }
    CURLcode cc = curl_easy_perform(c);
    if (cc != CURLE_OK) {
        describe_failure(url, t, cc, errbuf, detail, detail_len);
        goto out;
    }

    char *target = NULL;
    if (curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status) != CURLE_OK ||
        curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &target) != CURLE_OK)
        goto out;
    if (target != NULL) {
        *location = jwg_strdup(target);
        JWG_TRY_GOTO(*location != NULL ? JWG_OK : JWG_ERR_NOMEM, rc, out);
    }
    rc = JWG_OK;

out:
    curl_easy_cleanup(c);
    return rc;
}

static bool same_origin(const url_parts *a, const url_parts *b)
{
    return strcmp(a->scheme, b->scheme) == 0 && strcasecmp(a->host, b->host) == 0 &&
           strcmp(a->port, b->port) == 0;
}

/* Checks a redirect target against the original URL's scheme, host and port. */
static jwg_err check_redirect(const jwg_http_limits *l, const url_parts *origin,
                              const char *location, char *detail, size_t detail_len)
{
    url_parts next;
    jwg_err rc = url_split(location, &next, detail, detail_len);
    if (rc != JWG_OK)
        return JWG_ERR_KEY_SOURCE_UNAVAILABLE;

    rc = url_check_parts(location, &next, l->allow_http_loopback, detail, detail_len);
    if (rc == JWG_OK && !same_origin(origin, &next))
        rc = JWG_ERR_INVALID_ARGUMENT;
    if (rc != JWG_OK)
        jwg_detail_set(detail, detail_len,
                       "redirect to %.100s rejected: only the same scheme, host and port are followed",
                       location);
    url_parts_clear(&next);
    return rc == JWG_OK ? JWG_OK : JWG_ERR_KEY_SOURCE_UNAVAILABLE;
}

static jwg_err follow(const jwg_http_limits *l, const char *url, const url_parts *origin,
                      transfer *t, char *detail, size_t detail_len)
{
    char *current = jwg_strdup(url);
    JWG_ENSURE(current != NULL, JWG_ERR_NOMEM);
    jwg_err rc = JWG_ERR_KEY_SOURCE_UNAVAILABLE;

    for (int hop = 0; hop <= HTTP_MAX_REDIRECTS; hop++) {
        long status = 0;
        char *location = NULL;
        t->len = 0;
        t->too_big = false;
        t->max_age = -1;
        JWG_TRY_GOTO(get_once(l, current, origin, t, &status, &location, detail, detail_len), rc,
                     out);
        if (status == 200) {
            free(location);
            rc = JWG_OK;
            goto out;
        }
        if (location == NULL || status < 300 || status > 399) {
            free(location);
            jwg_detail_set(detail, detail_len, "GET %.100s: HTTP status %ld", current, status);
            rc = JWG_ERR_KEY_SOURCE_UNAVAILABLE;
            goto out;
        }
        rc = check_redirect(l, origin, location, detail, detail_len);
        free(current);
        current = location;
        if (rc != JWG_OK)
            goto out;
    }
    jwg_detail_set(detail, detail_len, "GET %.100s: more than %d redirects", url,
                   HTTP_MAX_REDIRECTS);
    rc = JWG_ERR_KEY_SOURCE_UNAVAILABLE;

out:
    free(current);
    return rc;
}

jwg_err jwg_http_get(const jwg_http_limits *limits, const char *url, jwg_http_response *resp,
                     char *detail, size_t detail_len)
{
    JWG_ENSURE(resp != NULL, JWG_ERR_INVALID_ARGUMENT);
    resp->body = NULL;
    resp->len = 0;
    resp->max_age = -1;
    JWG_ENSURE(limits != NULL && url != NULL, JWG_ERR_INVALID_ARGUMENT);
    JWG_TRY(jwg_http_global_init());

    url_parts origin;
    JWG_TRY(url_split(url, &origin, detail, detail_len));
    transfer t = {.max = limits->max_response_bytes, .max_age = -1, .abort = limits->abort};

    jwg_err rc = url_check_parts(url, &origin, limits->allow_http_loopback, detail, detail_len);
    if (rc == JWG_OK)
        rc = follow(limits, url, &origin, &t, detail, detail_len);
    if (rc == JWG_OK && t.buf == NULL)
        rc = on_body("", 1, 0, &t) == 0 && t.buf != NULL ? JWG_OK : JWG_ERR_NOMEM;
    url_parts_clear(&origin);
    if (rc != JWG_OK) {
        free(t.buf);
        return rc;
    }

    resp->body = t.buf;
    resp->len = t.len;
    resp->max_age = t.max_age;
    return JWG_OK;
}
