/*
 * classify.c: decides a file's language, flags and environment from its
 * path (and, for scripts without an extension, its shebang). Pure
 * functions over the path text, so they are tested as tables.
 */
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "scan/engine.h"

/* Longest path component compared; longer ones match nothing. */
#define NAME_MAX_COMPARED 255u

struct ext_lang {
    const char *ext; /* with the dot */
    scan_lang lang;
};

static const struct ext_lang ext_langs[] = {
    {".js", SCAN_LANG_JS},          {".mjs", SCAN_LANG_JS},     {".cjs", SCAN_LANG_JS},
    {".jsx", SCAN_LANG_JS},         {".ts", SCAN_LANG_JS},      {".tsx", SCAN_LANG_JS},
    {".mts", SCAN_LANG_JS},         {".cts", SCAN_LANG_JS},     {".py", SCAN_LANG_PYTHON},
    {".go", SCAN_LANG_GO},          {".java", SCAN_LANG_JAVA},  {".kt", SCAN_LANG_JAVA},
    {".php", SCAN_LANG_PHP},        {".rb", SCAN_LANG_RUBY},    {".sh", SCAN_LANG_SHELL},
    {".bash", SCAN_LANG_SHELL},     {".yml", SCAN_LANG_YAML},   {".yaml", SCAN_LANG_YAML},
    {".json", SCAN_LANG_JSON},      {".env", SCAN_LANG_ENV},    {".properties", SCAN_LANG_PROPERTIES},
    {".ini", SCAN_LANG_PROPERTIES}, {".cfg", SCAN_LANG_PROPERTIES},
    {".conf", SCAN_LANG_PROPERTIES}, {".toml", SCAN_LANG_PROPERTIES}, {".log", SCAN_LANG_LOG},
};

static const char *const lang_names[SCAN_LANG_COUNT] = {
    "other", "javascript", "python", "go", "java", "php", "ruby",
    "shell", "yaml", "json", "env", "properties", "log",
};

const char *scan_lang_name(scan_lang lang)
{
    if ((unsigned)lang >= SCAN_LANG_COUNT)
        return "other";
    return lang_names[lang];
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash ? slash + 1 : path;
}

static bool starts_with(const uint8_t *data, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);

    return len >= n && memcmp(data, prefix, n) == 0;
}

/* A "#!" line naming sh, bash, dash or zsh, directly or through env. */
static bool has_shell_shebang(const uint8_t *data, size_t len)
{
    static const char *const shells[] = {"sh", "bash", "dash", "zsh"};
    const uint8_t *nl;
    size_t line_len, word_start;

    if (data == NULL || !starts_with(data, len, "#!"))
        return false;
    nl = memchr(data, '\n', len < 256 ? len : 256);
    line_len = nl ? (size_t)(nl - data) : (len < 256 ? len : 256);
    while (line_len > 0 && (data[line_len - 1] == ' ' || data[line_len - 1] == '\r'))
        line_len--;
    word_start = line_len;
    while (word_start > 0 && data[word_start - 1] != '/' && data[word_start - 1] != ' ')
        word_start--;

    for (size_t i = 0; i < sizeof(shells) / sizeof(shells[0]); i++) {
        size_t n = strlen(shells[i]);

        if (line_len - word_start == n && memcmp(data + word_start, shells[i], n) == 0)
            return true;
    }
    return false;
}

scan_lang scan_classify_lang(const char *path, const uint8_t *data, size_t len)
{
    const char *base = base_name(path);
    const char *dot = strrchr(base, '.');

    if (strcmp(path, "-") == 0)
        return SCAN_LANG_LOG;

    /* ".env", ".env.local", ".env.production": the suffix names the environment, not the kind. */
    if (strcmp(base, ".env") == 0 || strncmp(base, ".env.", 5) == 0)
        return SCAN_LANG_ENV;
    if (dot != NULL && dot != base) {
        for (size_t i = 0; i < sizeof(ext_langs) / sizeof(ext_langs[0]); i++) {
            if (strcasecmp(dot, ext_langs[i].ext) == 0)
                return ext_langs[i].lang;
        }
    }
    if (has_shell_shebang(data, len))
        return SCAN_LANG_SHELL;
    return SCAN_LANG_OTHER;
}

/* Calls `fn` on each '/'-separated component of the folder part of `path` until it returns true. */
static bool any_dir(const char *path, bool (*fn)(const char *name, size_t len))
{
    const char *p = path;
    const char *slash;

    while ((slash = strchr(p, '/')) != NULL) {
        if (fn(p, (size_t)(slash - p)))
            return true;
        p = slash + 1;
    }
    return false;
}

static bool name_in(const char *name, size_t len, const char *const *list, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (strlen(list[i]) == len && strncasecmp(name, list[i], len) == 0)
            return true;
    }
    return false;
}

static bool is_test_dir(const char *name, size_t len)
{
    static const char *const dirs[] = {"test", "tests", "spec", "specs", "__tests__", "fixtures",
                                       "testdata"};

    return name_in(name, len, dirs, sizeof(dirs) / sizeof(dirs[0]));
}

static bool is_ci_dir(const char *name, size_t len)
{
    static const char *const dirs[] = {"ci", ".circleci", ".buildkite"};

    return name_in(name, len, dirs, sizeof(dirs) / sizeof(dirs[0]));
}

static bool is_chart_dir(const char *name, size_t len)
{
    static const char *const dirs[] = {"chart", "charts", "helm"};

    return name_in(name, len, dirs, sizeof(dirs) / sizeof(dirs[0]));
}

bool scan_is_vendored_dir(const char *name)
{
    static const char *const dirs[] = {"node_modules", "vendor", "third_party", ".venv",
                                       "dist", "build", "bower_components"};

    return name_in(name, strlen(name), dirs, sizeof(dirs) / sizeof(dirs[0]));
}

static bool is_ci_file(const char *path, const char *base)
{
    static const char *const names[] = {".gitlab-ci.yml", "Jenkinsfile", ".travis.yml",
                                        "azure-pipelines.yml", "bitbucket-pipelines.yml",
                                        ".drone.yml"};

    if (strncmp(path, ".github/workflows/", 18) == 0 || strstr(path, "/.github/workflows/") != NULL)
        return true;
    if (name_in(base, strlen(base), names, sizeof(names) / sizeof(names[0])))
        return true;
    return any_dir(path, is_ci_dir);
}

static bool is_test_file(const char *path, const char *base)
{
    if (any_dir(path, is_test_dir))
        return true;
    return strstr(base, "_test.") != NULL || strstr(base, ".test.") != NULL ||
           strstr(base, ".spec.") != NULL || strncmp(base, "test_", 5) == 0;
}

unsigned scan_classify_flags(const char *path)
{
    const char *base = base_name(path);
    unsigned flags = 0;

    if (strcmp(path, "-") == 0)
        return SCAN_FILE_STDIN;
    if (is_ci_file(path, base))
        flags |= SCAN_FILE_CI;
    if (is_test_file(path, base))
        flags |= SCAN_FILE_TEST;
    if ((strncmp(base, "values", 6) == 0 &&
         (strstr(base, ".yaml") != NULL || strstr(base, ".yml") != NULL)) ||
        any_dir(path, is_chart_dir))
        flags |= SCAN_FILE_HELM;
    return flags;
}

struct env_word {
    const char *word;
    const char *env;
};

/* Words that name an environment when they are a whole part of a file or folder name. */
static const struct env_word env_words[] = {
    {"prod", "prod"},       {"production", "prod"}, {"prd", "prod"},      {"live", "prod"},
    {"staging", "staging"}, {"stage", "staging"},   {"stg", "staging"},   {"preprod", "staging"},
    {"uat", "staging"},     {"test", "test"},       {"testing", "test"},  {"qa", "test"},
    {"dev", "dev"},         {"development", "dev"}, {"develop", "dev"},   {"local", "dev"},
    {"sandbox", "dev"},
};

static const char *env_of_word(const char *word, size_t len)
{
    for (size_t i = 0; i < sizeof(env_words) / sizeof(env_words[0]); i++) {
        if (strlen(env_words[i].word) == len && strncasecmp(word, env_words[i].word, len) == 0)
            return env_words[i].env;
    }
    return NULL;
}

/* Splits one path component on '.', '-' and '_' and returns the environment of the first word naming one. */
static const char *env_of_component(const char *name, size_t len)
{
    size_t start = 0;

    for (size_t i = 0; i <= len; i++) {
        if (i == len || name[i] == '.' || name[i] == '-' || name[i] == '_') {
            const char *env = env_of_word(name + start, i - start);

            if (env != NULL)
                return env;
            start = i + 1;
        }
    }
    return NULL;
}

/*
 * The file name decides first, then the nearest folder, then the folders
 * above it: "overlays/prod/config/dev.json" is dev.
 */
const char *scan_infer_env(const char *path)
{
    size_t end;

    if (path == NULL)
        return NULL;
    end = strlen(path);
    while (end > 0) {
        size_t start = end;
        const char *env;

        while (start > 0 && path[start - 1] != '/')
            start--;
        if (end - start <= NAME_MAX_COMPARED) {
            env = env_of_component(path + start, end - start);
            if (env != NULL)
                return env;
        }
        end = start > 0 ? start - 1 : 0;
    }
    return NULL;
}
