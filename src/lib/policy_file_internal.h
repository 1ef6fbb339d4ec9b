/*
 * policy_file_internal.h: the YAML tree, the parsed policy file and its key
 * sources, shared by yaml_tree.c, policy_file.c, policy_schema.c and
 * key_source.c.
 */
#ifndef JWTGUARD_POLICY_FILE_INTERNAL_H
#define JWTGUARD_POLICY_FILE_INTERNAL_H

#include "jwks_source.h"
#include "verify_internal.h"

/* Maximum size of a policy file. */
#define JWG_POLICY_FILE_MAX (1024u * 1024u)

/* Maximum nesting of YAML mappings and sequences in a policy file. */
#define JWG_POLICY_MAX_DEPTH 8u

/*
 * Maximum children of one YAML mapping (keys and values) or sequence. It
 * bounds the quadratic duplicate-key check; the schema allows far fewer.
 */
#define JWG_POLICY_MAX_CHILDREN 1024u

/* ---- YAML tree (yaml_tree.c) ------------------------------------------- */

typedef enum jwg_ynode_type { JWG_Y_SCALAR = 1, JWG_Y_SEQUENCE, JWG_Y_MAPPING } jwg_ynode_type;

/*
 * One YAML node with its position (1-based line and column). A mapping's
 * children alternate key (always a scalar) and value.
 */
typedef struct jwg_ynode {
    jwg_ynode_type type;
    size_t line;
    size_t column;
    char *text;   /* scalar value, NUL-terminated */
    size_t len;
    bool plain;   /* an unquoted scalar, whose text may spell a number or a boolean */
    struct jwg_ynode **kids;
    size_t count;
} jwg_ynode;

/*
 * Parses one YAML document of `len` bytes into a tree. Rejected with
 * JWG_ERR_POLICY_INVALID and a "NAME:LINE:COLUMN: ..." detail: syntax
 * errors, anchors, aliases, tags, non-scalar mapping keys, duplicate keys,
 * nesting deeper than JWG_POLICY_MAX_DEPTH and more than one document.
 */
jwg_err jwg_yaml_parse(const char *buf, size_t len, const char *name, jwg_ynode **out, char *detail,
                       size_t detail_len);

void jwg_yaml_free(jwg_ynode *n);

/* ---- key sources (key_source.c) ---------------------------------------- */

typedef enum jwg_ks_kind {
    JWG_KS_FILE = 1,
    JWG_KS_HMAC_FILE,
    JWG_KS_ENV,
    JWG_KS_EXEC,
    JWG_KS_JWKS_URL, /* fetched when verifying (policy_live.c), never by jwg_key_source_load() */
    JWG_KS_OIDC
} jwg_ks_kind;

/* The format a key source's bytes are read in; each source declares it, nothing is guessed. */
typedef enum jwg_key_format {
    JWG_KF_PEM_PUBLIC = 1,
    JWG_KF_PEM_CERT,
    JWG_KF_JWK,
    JWG_KF_JWKS,
    JWG_KF_HMAC_RAW,
    JWG_KF_HMAC_BASE64URL
} jwg_key_format;

/* Default and maximum time an exec key source may run, in milliseconds. */
#define JWG_EXEC_TIMEOUT_DEFAULT_MS 10000
#define JWG_EXEC_TIMEOUT_MAX_MS 300000

/* Default and maximum stdout an exec key source may write, in bytes. */
#define JWG_EXEC_OUTPUT_DEFAULT 65536u
#define JWG_EXEC_OUTPUT_MAX (1024u * 1024u)

/* Maximum arguments of an exec key source, the program included. */
#define JWG_EXEC_MAX_ARGS 64u

typedef struct jwg_key_source {
    jwg_ks_kind kind;
    jwg_key_format format;
    char *path;      /* JWG_KS_FILE, JWG_KS_HMAC_FILE: resolved against the policy file's folder */
    char *env;       /* JWG_KS_ENV: the variable's name */
    char **argv;     /* JWG_KS_EXEC: NULL-terminated */
    size_t argc;
    int64_t timeout_ms;
    size_t max_output;
    char *alg;       /* may be NULL */
    char *kid;       /* may be NULL */
    size_t line;
    size_t column;
    /* JWG_KS_JWKS_URL, JWG_KS_OIDC: the fetch options; its strings point at `url` and `ca_file`. */
    jwg_jwks_source_options jwks;
    char *url;
    char *ca_file; /* resolved like `path`; NULL for the system's trust store */
} jwg_key_source;

/*
 * Adds the keys of `src` to `ks`. `where` ("FILE:LINE:COLUMN") prefixes the
 * detail. Read and run failures are JWG_ERR_KEY_SOURCE_UNAVAILABLE, a secret
 * file readable by group or others JWG_ERR_POLICY_INVALID, and key errors
 * the key set's own codes.
 */
jwg_err jwg_key_source_load(const jwg_key_source *src, jwg_keyset *ks, const char *where, char *detail,
                            size_t detail_len);

void jwg_key_source_clear(jwg_key_source *src);

/* ---- the policy file (policy_schema.c, policy_file.c) ------------------- */

typedef struct jwg_pf_issuer {
    char *name;
    jwg_policy *policy;
    jwg_key_source *sources;
    size_t source_count;
    jwg_keyset *keys; /* NULL until the key sources are loaded */
    size_t line;
    size_t column;
} jwg_pf_issuer;

typedef struct jwg_pf_route {
    char *method;      /* upper case, or "*" for any method */
    char *path_prefix; /* starts with "/" */
    jwg_str_list scope_any;
    jwg_str_list scope_all;
    jwg_str_list required;
} jwg_pf_route;

typedef struct jwg_pf_header {
    char *claim;
    char *header;
} jwg_pf_header;

/* The "gateway" section: settings of `jwtguard serve` (docs/POLICY.md). Strings are NULL when unset. */
typedef struct jwg_pf_gateway {
    char *realm;
    char *client_address_header;
    char *region_header;
    char *service_header;
    char *shared_secret_header;
    char *redis_prefix;
    size_t cache_max_entries;
    int64_t cache_max_ttl;
    bool unmatched_allow;
    bool revocation_fail_open;
    uint32_t anomaly_max_regions;
    uint32_t anomaly_max_services;
    uint32_t anomaly_max_networks;
    int64_t anomaly_window;
    bool anomaly_deny;
} jwg_pf_gateway;

struct jwg_policy_file {
    char *path;
    char *dir; /* the folder of `path`, against which relative key paths resolve */
    char *environment;
    char *service;
    jwg_pf_issuer *issuers;
    size_t issuer_count;
    size_t max_token_bytes;
    jwg_token_from token_from;
    char *token_name; /* cookie or query parameter name; NULL for bearer */
    jwg_pf_route *routes;
    size_t route_count;
    jwg_pf_header *headers;
    size_t header_count;
    jwg_pf_gateway gateway;
};

/*
 * Parses and validates a policy file's text without loading any key: no
 * file named in it is opened and no command is run, so it is safe on any
 * input. `path` names the file in details and locates relative key paths.
 */
jwg_err jwg_policy_file_parse(const char *buf, size_t len, const char *path, jwg_policy_file **out,
                              char *detail, size_t detail_len);

/* Returns true when `src` is fetched from a URL (JWG_KS_JWKS_URL or JWG_KS_OIDC). */
bool jwg_key_source_is_url(const jwg_key_source *src);

/*
 * Loads every issuer's key sources into its key set. A URL source is only
 * checked here (its URL and options); its keys are fetched when verifying.
 */
jwg_err jwg_policy_file_load_keys(jwg_policy_file *pf, char *detail, size_t detail_len);

/* ---- URL key sources in a verifier (policy_live.c) -------------------- */

/*
 * The key set of an issuer with a URL source, as a verifier sees it: the
 * source's current set (plus the issuer's file keys) and the inner verifier
 * built for that set, swapped when the source hands out a new set.
 */
typedef struct jwg_live_keys jwg_live_keys;

/* Makes the live keys of issuer `iss` of `pf`; `policy` must outlive them. */
jwg_err jwg_live_keys_new(jwg_live_keys **out, const jwg_policy_file *pf, const jwg_pf_issuer *iss,
                          const jwg_policy *policy, char *detail, size_t detail_len);

/*
 * Starts the background refresher of every URL source of `v`, a verifier
 * from jwg_verifier_new_from_file(), for long-running users: sets are then
 * fetched ahead of expiry instead of on a token's path. The refreshers stop
 * when `v` is freed. JWG_OK when `v` has no URL source.
 */
jwg_err jwg_verifier_start_refresh(jwg_verifier *v);

/*
 * Returns JWG_OK when every URL source of `v` has a usable key set at
 * `now`, fetching one the way verification would (at most once per
 * refetch_interval); otherwise JWG_ERR_KEY_SOURCE_UNAVAILABLE with the
 * first failing source in `detail`. Issuers with file keys only are always
 * ready, because their keys were loaded with the policy file.
 */
jwg_err jwg_verifier_keys_ready(const jwg_verifier *v, int64_t now, char *detail, size_t detail_len);

#endif /* JWTGUARD_POLICY_FILE_INTERNAL_H */
