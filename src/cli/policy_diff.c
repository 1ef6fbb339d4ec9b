/*
 * policy_diff.c: `jwtguard policy diff`, which compares the issuers that
 * several policy files share and names the weakest policy on each point.
 */
#include <stdlib.h>
#include <string.h>

#include "../lib/keys_internal.h"
#include "../lib/policy_file_internal.h"
#include "policy_cmds.h"


/* One compared point: a value per policy as text, and a weakness score (higher is weaker). */
struct point {
    const char *name;
    void (*show)(const jwg_policy *p, char *out, size_t len);
    int64_t (*weakness)(const jwg_policy *p);
};

static void show_list(const jwg_str_list *l, char *out, size_t len)
{
    size_t used = 0;

    out[0] = '\0';
    for (size_t i = 0; i < l->count && used < len; i++)
        used += (size_t)snprintf(out + used, len - used, "%s%s", i > 0 ? " " : "", l->items[i].s);
    if (l->count == 0)
        snprintf(out, len, "(none)");
}

static void show_algs(const jwg_policy *p, char *out, size_t len)
{
    if (jwg_algs_format(p->algs, out, len) == SIZE_MAX || out[0] == '\0')
        snprintf(out, len, "(any)");
}

static int64_t weak_algs(const jwg_policy *p)
{
    return p->algs == 0 ? 100 : __builtin_popcount(p->algs) + ((p->algs & JWG_ALGS_HS) != 0 ? 20 : 0);
}

static void show_auds(const jwg_policy *p, char *out, size_t len)
{
    show_list(&p->audiences, out, len);
}

static int64_t weak_auds(const jwg_policy *p)
{
    return (p->checks & JWG_CHECK_AUD) == 0 ? 1000 : (int64_t)p->audiences.count;
}

static void show_secs(int64_t v, char *out, size_t len)
{
    if (v == 0)
        snprintf(out, len, "(no limit)");
    else
        snprintf(out, len, "%llds", (long long)v);
}

static void show_leeway(const jwg_policy *p, char *out, size_t len)
{
    snprintf(out, len, "%llds", (long long)p->leeway);
}

static int64_t weak_leeway(const jwg_policy *p)
{
    return p->leeway;
}

static void show_life(const jwg_policy *p, char *out, size_t len)
{
    show_secs(p->max_lifetime, out, len);
}

/* No limit (0) is the weakest of all. */
static int64_t weak_life(const jwg_policy *p)
{
    return p->max_lifetime == 0 ? INT64_MAX : p->max_lifetime;
}

static void show_age(const jwg_policy *p, char *out, size_t len)
{
    show_secs(p->max_age, out, len);
}

static int64_t weak_age(const jwg_policy *p)
{
    return p->max_age == 0 ? INT64_MAX : p->max_age;
}

static void show_required(const jwg_policy *p, char *out, size_t len)
{
    show_list(&p->required, out, len);
}

static int64_t weak_required(const jwg_policy *p)
{
    return -(int64_t)p->required.count;
}

static void show_exp(const jwg_policy *p, char *out, size_t len)
{
    snprintf(out, len, "%s", (p->checks & JWG_CHECK_EXP) != 0 ? "required" : "not required");
}

static int64_t weak_exp(const jwg_policy *p)
{
    return (p->checks & JWG_CHECK_EXP) != 0 ? 0 : 1;
}

static void show_aud_check(const jwg_policy *p, char *out, size_t len)
{
    snprintf(out, len, "%s", (p->checks & JWG_CHECK_AUD) != 0 ? "required" : "not required");
}

static int64_t weak_aud_check(const jwg_policy *p)
{
    return (p->checks & JWG_CHECK_AUD) != 0 ? 0 : 1;
}

static const struct point points[] = {
    {"algorithms", show_algs, weak_algs},          {"audiences", show_auds, weak_auds},
    {"leeway", show_leeway, weak_leeway},          {"max_lifetime", show_life, weak_life},
    {"max_age", show_age, weak_age},               {"required_claims", show_required, weak_required},
    {"exp", show_exp, weak_exp},                   {"aud", show_aud_check, weak_aud_check},
};

/* The issuer named `name` in each file, or NULL where the file has none. */
struct issuer_row {
    const char *name;
    const jwg_policy *policy[POLICY_MAX_FILES];
    size_t present;
};

static const jwg_policy *find_issuer(const jwg_policy_file *pf, const char *name)
{
    if (pf == NULL)
        return NULL;
    for (size_t i = 0; i < pf->issuer_count; i++) {
        if (strcmp(pf->issuers[i].name, name) == 0)
            return pf->issuers[i].policy;
    }
    return NULL;
}

/* Prints "SERVICE/ENVIRONMENT (FILE)", or the three JSON members "file", "service" and "environment". */
static void print_label(const char *file, const jwg_policy_file *pf, bool json)
{
    char label[512];

    if (json) {
        fputs("\"file\":", stdout);
        cli_json_cstr_or_null(stdout, file);
        fputs(",\"service\":", stdout);
        cli_json_cstr_or_null(stdout, pf->service);
        fputs(",\"environment\":", stdout);
        cli_json_cstr_or_null(stdout, pf->environment);
        return;
    }
    snprintf(label, sizeof(label), "%s/%s (%s)", pf->service, pf->environment, file);
    cli_print_safe(stdout, label, strlen(label));
}

/* Prints one differing point of one issuer; returns false when all policies agree on it. */
static bool diff_point(const struct point *pt, const struct issuer_row *row, char **files,
                       jwg_policy_file **pfs, size_t count, bool json, bool *first)
{
    char value[512], base[512] = "";
    int64_t worst = INT64_MIN, best = INT64_MAX;
    bool differs = false, seen = false;

    for (size_t i = 0; i < count; i++) {
        if (row->policy[i] == NULL)
            continue;
        pt->show(row->policy[i], value, sizeof(value));
        differs |= seen && strcmp(value, base) != 0;
        if (!seen)
            snprintf(base, sizeof(base), "%s", value);
        seen = true;
        if (pt->weakness(row->policy[i]) > worst)
            worst = pt->weakness(row->policy[i]);
        if (pt->weakness(row->policy[i]) < best)
            best = pt->weakness(row->policy[i]);
    }
    if (!differs)
        return false;

    if (json)
        printf("%s{\"issuer\":", *first ? "" : ",");
    *first = false;
    if (json) {
        cli_json_cstr_or_null(stdout, row->name);
        printf(",\"point\":\"%s\",\"values\":[", pt->name);
    } else {
        printf("issuer ");
        cli_print_safe(stdout, row->name, strlen(row->name));
        printf(": %s: policies differ\n", pt->name);
    }
    bool first_value = true;
    for (size_t i = 0; i < count; i++) {
        bool weakest;
        if (row->policy[i] == NULL)
            continue;
        pt->show(row->policy[i], value, sizeof(value));
        /* Values that differ but weigh the same (two audience lists) name no weakest policy. */
        weakest = best != worst && pt->weakness(row->policy[i]) == worst;
        if (json) {
            printf("%s{", first_value ? "" : ",");
            print_label(files[i], pfs[i], true);
            fputs(",\"value\":", stdout);
            cli_json_cstr_or_null(stdout, value);
            printf(",\"weakest\":%s}", weakest ? "true" : "false");
        } else {
            fputs("  ", stdout);
            print_label(files[i], pfs[i], false);
            fputs(": ", stdout);
            cli_print_safe(stdout, value, strlen(value));
            fputs(weakest ? "   <- weakest\n" : "\n", stdout);
        }
        first_value = false;
    }
    if (json)
        fputs("]}", stdout);
    return true;
}

/* Compares one issuer across the files that trust it; returns the number of differing points. */
static size_t diff_issuer(const char *name, char **files, jwg_policy_file **pfs, size_t count, bool json,
                          bool *first)
{
    struct issuer_row *row = calloc(1, sizeof(*row));
    size_t found = 0;

    if (row == NULL)
        abort();
    row->name = name;
    for (size_t i = 0; i < count; i++) {
        row->policy[i] = find_issuer(pfs[i], name);
        row->present += row->policy[i] != NULL ? 1 : 0;
    }
    for (size_t p = 0; row->present > 1 && p < CLI_ARRAY_LEN(points); p++)
        found += diff_point(&points[p], row, files, pfs, count, json, first) ? 1 : 0;
    free(row);
    return found;
}

/* Returns true when `name` was already compared as the issuer of an earlier file. */
static bool seen_before(jwg_policy_file **pfs, size_t file, size_t issuer)
{
    const char *name = pfs[file]->issuers[issuer].name;

    for (size_t f = 0; f <= file; f++) {
        size_t end = pfs[f] == NULL ? 0 : (f == file ? issuer : pfs[f]->issuer_count);
        for (size_t i = 0; i < end; i++) {
            if (strcmp(pfs[f]->issuers[i].name, name) == 0)
                return true;
        }
    }
    return false;
}

/* Prints the files the loader rejected, which diff leaves out. */
static void print_skipped(const struct policy_report *r, bool json)
{
    if (json)
        fputs(",\"skipped\":[", stdout);
    for (size_t i = 0; i < r->count; i++) {
        const struct policy_finding *f = &r->items[i];
        if (json) {
            printf("%s{\"file\":", i > 0 ? "," : "");
            cli_json_cstr_or_null(stdout, f->file);
            fputs(",\"message\":", stdout);
            cli_json_cstr_or_null(stdout, f->message);
            putchar('}');
        } else {
            cli_print_safe(stdout, f->file, strlen(f->file));
            fputs(": skipped, ", stdout);
            cli_print_safe(stdout, f->message, strlen(f->message));
            putchar('\n');
        }
    }
    if (json)
        putchar(']');
}

/* Exit 1 when the policies differ or a file was skipped, 2 when a file could not be read. */
int policy_run_diff(char **files, size_t count, enum policy_format format)
{
    jwg_policy_file **pfs = calloc(count, sizeof(*pfs));
    struct policy_report skipped = {0};
    bool json = format == POLICY_JSON, first = true;
    size_t found = 0;
    int status = CLI_EXIT_USAGE;

    if (pfs == NULL)
        abort();
    if (!policy_parse_all(files, count, pfs, &skipped))
        goto out;
    if (json)
        printf("{\"version\":%d,\"command\":\"diff\",\"differences\":[", POLICY_JSON_VERSION);
    for (size_t f = 0; f < count; f++) {
        for (size_t i = 0; pfs[f] != NULL && i < pfs[f]->issuer_count; i++) {
            if (!seen_before(pfs, f, i))
                found += diff_issuer(pfs[f]->issuers[i].name, files, pfs, count, json, &first);
        }
    }
    if (json)
        fputs("]", stdout);
    else if (found == 0)
        puts("diff: the shared issuers have the same settings");
    print_skipped(&skipped, json);
    if (json)
        printf(",\"count\":%zu}\n", found);
    status = found > 0 || skipped.count > 0 ? CLI_EXIT_REJECTED : CLI_EXIT_OK;

out:
    for (size_t i = 0; i < skipped.count; i++) {
        free(skipped.items[i].file);
        free(skipped.items[i].message);
    }
    free(skipped.items);
    policy_free_all(pfs, count);
    return status;
}
