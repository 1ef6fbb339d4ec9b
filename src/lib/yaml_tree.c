/*
 * yaml_tree.c: reads a policy file's YAML into a small tree that keeps each
 * node's line and column. libyaml's event parser is used rather than its
 * document loader, because the loader resolves aliases silently and keeps
 * no record of duplicate keys, both of which a policy file rejects.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "policy_file_internal.h"

typedef struct yaml_ctx {
    yaml_parser_t parser;
    const char *name;
    char *detail;
    size_t detail_len;
} yaml_ctx;

static jwg_err yaml_fail(yaml_ctx *c, const yaml_mark_t *mark, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static jwg_err yaml_fail(yaml_ctx *c, const yaml_mark_t *mark, const char *fmt, ...)
{
    char message[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    jwg_detail_set(c->detail, c->detail_len, "%s:%zu:%zu: %s", c->name, mark->line + 1, mark->column + 1,
                   message);
    return JWG_ERR_POLICY_INVALID;
}

static jwg_err next_event(yaml_ctx *c, yaml_event_t *ev)
{
    if (yaml_parser_parse(&c->parser, ev))
        return JWG_OK;

    const char *problem = c->parser.problem != NULL ? c->parser.problem : "invalid YAML";
    return yaml_fail(c, &c->parser.problem_mark, "invalid YAML: %s", problem);
}

void jwg_yaml_free(jwg_ynode *n)
{
    if (n == NULL)
        return;

    for (size_t i = 0; i < n->count; i++)
        jwg_yaml_free(n->kids[i]);
    free(n->kids);
    free(n->text);
    free(n);
}

static jwg_err node_new(jwg_ynode_type type, const yaml_mark_t *mark, jwg_ynode **out)
{
    jwg_ynode *n = calloc(1, sizeof(*n));
    JWG_ENSURE(n != NULL, JWG_ERR_NOMEM);

    n->type = type;
    n->line = mark->line + 1;
    n->column = mark->column + 1;
    *out = n;
    return JWG_OK;
}

static jwg_err node_append(jwg_ynode *parent, jwg_ynode *kid)
{
    jwg_ynode **grown = realloc(parent->kids, (parent->count + 1) * sizeof(*grown));
    JWG_ENSURE(grown != NULL, JWG_ERR_NOMEM);

    parent->kids = grown;
    parent->kids[parent->count++] = kid;
    return JWG_OK;
}

/* Anchors, aliases and tags are YAML features a policy never needs; rejecting them keeps every value visible where it applies. */
static jwg_err check_plain_event(yaml_ctx *c, const yaml_event_t *ev)
{
    const yaml_char_t *anchor = NULL;
    const yaml_char_t *tag = NULL;

    switch (ev->type) {
    case YAML_ALIAS_EVENT:
        return yaml_fail(c, &ev->start_mark, "YAML aliases are not allowed in a policy file");
    case YAML_SCALAR_EVENT:
        anchor = ev->data.scalar.anchor;
        tag = ev->data.scalar.tag;
        break;
    case YAML_SEQUENCE_START_EVENT:
        anchor = ev->data.sequence_start.anchor;
        tag = ev->data.sequence_start.tag;
        break;
    case YAML_MAPPING_START_EVENT:
        anchor = ev->data.mapping_start.anchor;
        tag = ev->data.mapping_start.tag;
        break;
    default:
        break;
    }
    if (anchor != NULL)
        return yaml_fail(c, &ev->start_mark, "YAML anchors are not allowed in a policy file");
    if (tag != NULL)
        return yaml_fail(c, &ev->start_mark, "YAML tags are not allowed in a policy file");
    return JWG_OK;
}

static jwg_err scalar_node(const yaml_event_t *ev, jwg_ynode **out)
{
    JWG_TRY(node_new(JWG_Y_SCALAR, &ev->start_mark, out));

    jwg_ynode *n = *out;
    size_t len = ev->data.scalar.length;
    n->text = malloc(len + 1);
    JWG_ENSURE(n->text != NULL, JWG_ERR_NOMEM);
    memcpy(n->text, ev->data.scalar.value, len);
    n->text[len] = '\0';
    n->len = len;
    n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    return JWG_OK;
}

static jwg_err parse_node(yaml_ctx *c, yaml_event_t *ev, size_t depth, jwg_ynode **out);

/* Rejects a mapping key that is not a scalar or that repeats an earlier key of the same mapping. */
static jwg_err check_key(yaml_ctx *c, const jwg_ynode *map, const jwg_ynode *key)
{
    yaml_mark_t mark = {.line = key->line - 1, .column = key->column - 1};

    if (key->type != JWG_Y_SCALAR)
        return yaml_fail(c, &mark, "a mapping key must be a plain string");
    for (size_t i = 0; i < map->count; i += 2) {
        const jwg_ynode *seen = map->kids[i];
        if (seen->len == key->len && memcmp(seen->text, key->text, key->len) == 0)
            return yaml_fail(c, &mark, "%s: duplicate key (first at line %zu)", key->text, seen->line);
    }
    return JWG_OK;
}

/* Reads the children of a mapping or sequence until its end event. */
static jwg_err parse_children(yaml_ctx *c, jwg_ynode *parent, yaml_event_type_t end, size_t depth)
{
    for (;;) {
        yaml_event_t ev;
        JWG_TRY(next_event(c, &ev));
        if (ev.type == end) {
            yaml_event_delete(&ev);
            return JWG_OK;
        }

        if (parent->count >= JWG_POLICY_MAX_CHILDREN) {
            jwg_err too_many = yaml_fail(c, &ev.start_mark,
                                         "a mapping or list has more than %u nodes (a key and its value "
                                         "count as two)", JWG_POLICY_MAX_CHILDREN);
            yaml_event_delete(&ev);
            return too_many;
        }

        jwg_ynode *kid = NULL;
        jwg_err rc = parse_node(c, &ev, depth + 1, &kid);
        yaml_event_delete(&ev);
        bool is_key = parent->type == JWG_Y_MAPPING && parent->count % 2 == 0;
        if (rc == JWG_OK && is_key)
            rc = check_key(c, parent, kid);
        if (rc == JWG_OK)
            rc = node_append(parent, kid);
        if (rc != JWG_OK) {
            jwg_yaml_free(kid);
            return rc;
        }
    }
}

/* Builds the node that starts with event `ev`; the caller deletes `ev`. */
static jwg_err parse_node(yaml_ctx *c, yaml_event_t *ev, size_t depth, jwg_ynode **out)
{
    *out = NULL;
    JWG_TRY(check_plain_event(c, ev));
    if (ev->type == YAML_SCALAR_EVENT)
        return scalar_node(ev, out);

    bool is_map = ev->type == YAML_MAPPING_START_EVENT;
    if (!is_map && ev->type != YAML_SEQUENCE_START_EVENT)
        return yaml_fail(c, &ev->start_mark, "unexpected YAML event");
    if (depth >= JWG_POLICY_MAX_DEPTH)
        return yaml_fail(c, &ev->start_mark, "nesting is deeper than %u levels", JWG_POLICY_MAX_DEPTH);

    JWG_TRY(node_new(is_map ? JWG_Y_MAPPING : JWG_Y_SEQUENCE, &ev->start_mark, out));
    jwg_err rc = parse_children(c, *out, is_map ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT, depth);
    if (rc != JWG_OK) {
        jwg_yaml_free(*out);
        *out = NULL;
    }
    return rc;
}

/* Expects the next event to be of `type`; anything else means the stream is not one document. */
static jwg_err expect_event(yaml_ctx *c, yaml_event_type_t type, const char *what)
{
    yaml_event_t ev;
    JWG_TRY(next_event(c, &ev));

    jwg_err rc = JWG_OK;
    if (ev.type != type)
        rc = yaml_fail(c, &ev.start_mark, "%s", what);
    yaml_event_delete(&ev);
    return rc;
}

static jwg_err parse_document(yaml_ctx *c, jwg_ynode **out)
{
    JWG_TRY(expect_event(c, YAML_STREAM_START_EVENT, "invalid YAML stream"));
    JWG_TRY(expect_event(c, YAML_DOCUMENT_START_EVENT, "the file is empty"));

    yaml_event_t ev;
    JWG_TRY(next_event(c, &ev));
    jwg_err rc = parse_node(c, &ev, 0, out);
    yaml_event_delete(&ev);
    JWG_TRY(rc);

    JWG_TRY(expect_event(c, YAML_DOCUMENT_END_EVENT, "invalid YAML document end"));
    return expect_event(c, YAML_STREAM_END_EVENT, "a policy file holds exactly one YAML document");
}

jwg_err jwg_yaml_parse(const char *buf, size_t len, const char *name, jwg_ynode **out, char *detail,
                       size_t detail_len)
{
    yaml_ctx c = {.name = name, .detail = detail, .detail_len = detail_len};

    *out = NULL;
    if (len > JWG_POLICY_FILE_MAX) {
        jwg_detail_set(detail, detail_len, "%s: the file is larger than %u bytes", name, JWG_POLICY_FILE_MAX);
        return JWG_ERR_POLICY_INVALID;
    }
    JWG_ENSURE(yaml_parser_initialize(&c.parser), JWG_ERR_NOMEM);
    yaml_parser_set_input_string(&c.parser, (const unsigned char *)buf, len);

    jwg_err rc = parse_document(&c, out);
    if (rc != JWG_OK) {
        jwg_yaml_free(*out);
        *out = NULL;
    }
    yaml_parser_delete(&c.parser);
    return rc;
}
