/*
 * mem.c: the library's one zeroing function, wipe-and-free, and the detail
 * string writer.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "internal.h"

void jwg_wipe(void *ptr, size_t len)
{
    if (ptr != NULL && len > 0)
        OPENSSL_cleanse(ptr, len);
}

void jwg_wipe_free(void *ptr, size_t len)
{
    if (ptr == NULL)
        return;

    jwg_wipe(ptr, len);
    free(ptr);
}

void jwg_free(void *ptr, size_t len)
{
    jwg_wipe_free(ptr, len);
}

char *jwg_strdup(const char *s)
{
    if (s == NULL)
        return NULL;

    size_t len = strlen(s) + 1;
    char *copy = malloc(len);
    if (copy != NULL)
        memcpy(copy, s, len);
    return copy;
}

void jwg_detail_set(char *buf, size_t len, const char *fmt, ...)
{
    if (buf == NULL || len == 0)
        return;

    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, len, fmt, ap);
    va_end(ap);

    if (n < 0)
        buf[0] = '\0';
}
