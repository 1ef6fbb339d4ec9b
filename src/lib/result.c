/*
 * result.c: reading a verification result. The header is readable whenever
 * it parsed; the claims and payload only after the signature verified,
 * except that a result of jwg_decode_unverified() shows its claims (never
 * its payload or a thumbprint) while its error stays JWG_ERR_NOT_VERIFIED.
 * Unescaped strings are written into the result's scratch area at the
 * offset of their escaped text, so every string has its own fixed slot and
 * accessors never allocate.
 */
#include <stdlib.h>
#include <string.h>

#include "verify_internal.h"

/* Finds the readable part `part` of `r`. */
static jwg_err part_get(const jwg_result *r, jwg_part part, const jwg_part_data **out)
{
    JWG_ENSURE(r != NULL, JWG_ERR_INVALID_ARGUMENT);
    JWG_ENSURE(part == JWG_PART_HEADER || part == JWG_PART_CLAIMS, JWG_ERR_INVALID_ARGUMENT);

    if (part == JWG_PART_CLAIMS && !r->verified && !r->claims_unverified)
        return JWG_ERR_NOT_VERIFIED;

    const jwg_part_data *pd = &r->part[part];
    JWG_ENSURE(pd->parsed, JWG_ERR_MEMBER_NOT_FOUND);
    *out = pd;
    return JWG_OK;
}

/* Finds top-level member `name` of a readable part. */
static jwg_err member_get(const jwg_result *r, jwg_part part, const char *name,
                          const jwg_part_data **pd, size_t *idx)
{
    JWG_ENSURE(name != NULL, JWG_ERR_INVALID_ARGUMENT);
    JWG_TRY(part_get(r, part, pd));

    *idx = jwg_json_find(&(*pd)->doc, 0, name);
    JWG_ENSURE(*idx != 0, JWG_ERR_MEMBER_NOT_FOUND);
    return JWG_OK;
}

/* Unescapes string node `idx` into its slot in the scratch area and returns it NUL-terminated. */
static jwg_err string_at(const jwg_part_data *pd, size_t idx, const char **out, size_t *out_len)
{
    const jwg_json_node *node = &pd->doc.nodes[idx];
    JWG_ENSURE(node->type == JWG_JSON_STRING, JWG_ERR_MEMBER_TYPE);

    char *slot = pd->strings + node->start;
    JWG_TRY(jwg_json_string_copy(&pd->doc, idx, slot, (size_t)node->len + 1, out_len));
    *out = slot;
    return JWG_OK;
}

jwg_err jwg_result_error(const jwg_result *r)
{
    return r != NULL ? r->error : JWG_ERR_INVALID_ARGUMENT;
}

const char *jwg_result_detail(const jwg_result *r)
{
    return r != NULL ? r->detail : "";
}

void jwg_result_free(jwg_result *r)
{
    free(r);
}

jwg_err jwg_result_json(const jwg_result *r, jwg_part part, const char **out, size_t *out_len)
{
    JWG_ENSURE(out != NULL && out_len != NULL, JWG_ERR_INVALID_ARGUMENT);
    *out = NULL;
    *out_len = 0;

    const jwg_part_data *pd;
    JWG_TRY(part_get(r, part, &pd));
    *out = (const char *)pd->text;
    *out_len = pd->text_len;
    return JWG_OK;
}

jwg_err jwg_result_string(const jwg_result *r, jwg_part part, const char *name, const char **out,
                          size_t *out_len)
{
    JWG_ENSURE(out != NULL && out_len != NULL, JWG_ERR_INVALID_ARGUMENT);
    *out = NULL;
    *out_len = 0;

    const jwg_part_data *pd;
    size_t idx;
    JWG_TRY(member_get(r, part, name, &pd, &idx));
    return string_at(pd, idx, out, out_len);
}

jwg_err jwg_result_int(const jwg_result *r, jwg_part part, const char *name, int64_t *out)
{
    JWG_ENSURE(out != NULL, JWG_ERR_INVALID_ARGUMENT);
    *out = 0;

    const jwg_part_data *pd;
    size_t idx;
    JWG_TRY(member_get(r, part, name, &pd, &idx));
    JWG_ENSURE(pd->doc.nodes[idx].type == JWG_JSON_NUMBER, JWG_ERR_MEMBER_TYPE);

    int64_t value;
    JWG_ENSURE(jwg_json_int64(&pd->doc, idx, &value) == JWG_OK, JWG_ERR_MEMBER_TYPE);
    *out = value;
    return JWG_OK;
}

jwg_err jwg_result_number(const jwg_result *r, jwg_part part, const char *name, double *out)
{
    JWG_ENSURE(out != NULL, JWG_ERR_INVALID_ARGUMENT);
    *out = 0.0;

    const jwg_part_data *pd;
    size_t idx;
    JWG_TRY(member_get(r, part, name, &pd, &idx));
    JWG_ENSURE(pd->doc.nodes[idx].type == JWG_JSON_NUMBER, JWG_ERR_MEMBER_TYPE);

    double value;
    JWG_ENSURE(jwg_json_double(&pd->doc, idx, &value) == JWG_OK, JWG_ERR_MEMBER_TYPE);
    *out = value;
    return JWG_OK;
}

jwg_err jwg_result_bool(const jwg_result *r, jwg_part part, const char *name, int *out)
{
    JWG_ENSURE(out != NULL, JWG_ERR_INVALID_ARGUMENT);
    *out = 0;

    const jwg_part_data *pd;
    size_t idx;
    JWG_TRY(member_get(r, part, name, &pd, &idx));

    uint8_t type = pd->doc.nodes[idx].type;
    JWG_ENSURE(type == JWG_JSON_TRUE || type == JWG_JSON_FALSE, JWG_ERR_MEMBER_TYPE);
    *out = type == JWG_JSON_TRUE;
    return JWG_OK;
}

/* Finds a member that is an array whose elements are all strings. */
static jwg_err strings_get(const jwg_result *r, jwg_part part, const char *name,
                           const jwg_part_data **pd, size_t *idx)
{
    JWG_TRY(member_get(r, part, name, pd, idx));

    const jwg_json_node *nodes = (*pd)->doc.nodes;
    JWG_ENSURE(nodes[*idx].type == JWG_JSON_ARRAY, JWG_ERR_MEMBER_TYPE);
    for (size_t i = *idx + 1; i < nodes[*idx].next; i = nodes[i].next)
        JWG_ENSURE(nodes[i].type == JWG_JSON_STRING, JWG_ERR_MEMBER_TYPE);
    return JWG_OK;
}

jwg_err jwg_result_strings_count(const jwg_result *r, jwg_part part, const char *name, size_t *count)
{
    JWG_ENSURE(count != NULL, JWG_ERR_INVALID_ARGUMENT);
    *count = 0;

    const jwg_part_data *pd;
    size_t idx;
    JWG_TRY(strings_get(r, part, name, &pd, &idx));
    *count = pd->doc.nodes[idx].count;
    return JWG_OK;
}

jwg_err jwg_result_strings_at(const jwg_result *r, jwg_part part, const char *name, size_t index,
                              const char **out, size_t *out_len)
{
    JWG_ENSURE(out != NULL && out_len != NULL, JWG_ERR_INVALID_ARGUMENT);
    *out = NULL;
    *out_len = 0;

    const jwg_part_data *pd;
    size_t idx;
    JWG_TRY(strings_get(r, part, name, &pd, &idx));

    const jwg_json_node *nodes = pd->doc.nodes;
    JWG_ENSURE(index < nodes[idx].count, JWG_ERR_INVALID_ARGUMENT);
    size_t elem = idx + 1;
    for (size_t i = 0; i < index; i++)
        elem = nodes[elem].next;
    return string_at(pd, elem, out, out_len);
}

jwg_err jwg_result_raw(const jwg_result *r, jwg_part part, const char *name, const char **out,
                       size_t *out_len)
{
    JWG_ENSURE(out != NULL && out_len != NULL, JWG_ERR_INVALID_ARGUMENT);
    *out = NULL;
    *out_len = 0;

    const jwg_part_data *pd;
    size_t idx;
    JWG_TRY(member_get(r, part, name, &pd, &idx));

    /* A string node spans the text between its quotes; the raw value includes them. */
    const jwg_json_node *node = &pd->doc.nodes[idx];
    size_t quote = node->type == JWG_JSON_STRING ? 1 : 0;
    *out = (const char *)pd->text + node->start - quote;
    *out_len = node->len + 2 * quote;
    return JWG_OK;
}

jwg_err jwg_result_payload(const jwg_result *r, const uint8_t **out, size_t *out_len)
{
    JWG_ENSURE(out != NULL && out_len != NULL, JWG_ERR_INVALID_ARGUMENT);
    *out = NULL;
    *out_len = 0;
    JWG_ENSURE(r != NULL, JWG_ERR_INVALID_ARGUMENT);
    JWG_ENSURE(r->verified && r->has_payload, JWG_ERR_NOT_VERIFIED);

    *out = r->payload;
    *out_len = r->payload_len;
    return JWG_OK;
}

const char *jwg_result_key_thumbprint(const jwg_result *r)
{
    if (r == NULL || !r->verified)
        return NULL;
    return r->thumbprint;
}
