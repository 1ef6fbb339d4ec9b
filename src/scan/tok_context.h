/*
 * tok_context.h: where a token sits in its line, read from the bytes
 * before it: a URL parameter, a bearer credential, a JSON field or a
 * key of a setting. Pure; for tests too.
 */
#ifndef JWTGUARD_TOK_CONTEXT_H
#define JWTGUARD_TOK_CONTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bytes before a token that the context is read from, within its line. */
#define TOK_CONTEXT_LOOKBACK 256u

/* Size of a key name kept for messages and notes, with its NUL. */
#define TOK_KEY_MAX 48u

typedef enum tok_where {
    TOK_WHERE_NONE = 0,   /* nothing recognized before the token */
    TOK_WHERE_URL,        /* ?name=, &name=, #name= or ;name= */
    TOK_WHERE_JSON_FIELD, /* "name": "<token>" or "name": "Bearer <token>" */
    TOK_WHERE_KEY         /* name: <token>, name=<token>, name = "<token>" */
} tok_where;

typedef struct tok_context {
    tok_where where;
    bool bearer;            /* "Bearer " (any case) right before the token */
    char key[TOK_KEY_MAX];  /* parameter, field or key name: [A-Za-z0-9_.-] only, cut */
} tok_context;

/* Reads the context of a token that starts at `start` in `text`. */
void tok_read_context(const uint8_t *text, size_t start, tok_context *out);

#endif /* JWTGUARD_TOK_CONTEXT_H */
