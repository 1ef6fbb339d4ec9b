/*
 * config.c: the configuration of `jwtguard serve` built from the policy
 * file, and the reference count that lets a reload swap it while requests
 * still use the previous one.
 */
#include <stdlib.h>

#include "policy_file_internal.h"
#include "server/serve_int.h"

srv_config *srv_config_load(const char *path, uint64_t generation, char *detail, size_t detail_len)
{
    srv_config *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        jwg_detail_set(detail, detail_len, "out of memory");
        return NULL;
    }
    atomic_init(&c->refs, 1);
    c->generation = generation;

    jwg_err rc = jwg_policy_load_file(path, &c->pf, detail, detail_len);
    if (rc == JWG_OK)
        rc = jwg_verifier_new_from_file(&c->verifier, c->pf, detail, detail_len);
    /* JWKS URL sources are fetched ahead of expiry by a background thread, not on a request. */
    if (rc == JWG_OK && (rc = jwg_verifier_start_refresh(c->verifier)) != JWG_OK)
        jwg_detail_set(detail, detail_len, "cannot start the key refresher: %s", jwg_strerror(rc));
    if (rc != JWG_OK) {
        srv_config_unref(c);
        return NULL;
    }

    jwg_policy_file_gateway(c->pf, &c->gw);
    c->token_from = jwg_policy_file_token_from(c->pf, &c->token_name);
    c->max_token_bytes = jwg_policy_file_max_token_bytes(c->pf);
    return c;
}

void srv_config_ref(srv_config *c)
{
    atomic_fetch_add(&c->refs, 1);
}

void srv_config_unref(srv_config *c)
{
    if (c == NULL || atomic_fetch_sub(&c->refs, 1) != 1)
        return;
    jwg_verifier_free(c->verifier);
    jwg_policy_file_free(c->pf);
    free(c);
}

srv_config *srv_server_config(srv_server *s)
{
    pthread_mutex_lock(&s->config_lock);
    srv_config *c = s->config;
    srv_config_ref(c);
    pthread_mutex_unlock(&s->config_lock);
    return c;
}
