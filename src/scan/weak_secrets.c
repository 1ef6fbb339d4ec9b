/*
 * weak_secrets.c: the list of well-known default HMAC signing secrets.
 *
 * Sources of the entries: jwt.io's HS256 example ("your-256-bit-secret"),
 * the README examples of jsonwebtoken ("shhhhh"), express-session
 * ("keyboard cat"), PyJWT ("secret"), framework .env templates, and the
 * usual dictionary passwords. Entries keep the case they are shipped in,
 * so that the forgeability check tries the exact bytes; the weakness
 * check compares without case.
 */
#include <string.h>

#include <openssl/crypto.h>

#include "scan/weak_secrets.h"

static const char *const weak_list[] = {
    /* jwt.io and the JWT libraries' own examples */
    "your-256-bit-secret", "your-384-bit-secret", "your-512-bit-secret", "a-string-secret-at-least-256-bits-long",
    "shhhhh", "shhhhhared-secret", "shhhh", "shh", "secret", "Secret", "SECRET", "secretkey",
    "secret-key", "secret_key", "secretKey", "SecretKey", "SECRET_KEY", "my-secret", "my_secret",
    "mysecret", "MySecret", "mySecret", "my-secret-key", "my_secret_key", "mysecretkey",
    "mySecretKey", "MySecretKey", "my-super-secret", "mysupersecret", "mysupersecretkey",
    "my-32-character-ultra-secure-and-ultra-long-secret", "my_jwt_secret", "myjwtsecret",
    "my-jwt-secret", "mykey", "my-key", "my_key", "key", "Key", "KEY", "privatekey",
    "private-key", "private_key", "jwt", "JWT", "jwtsecret", "jwt-secret", "jwt_secret",
    "JWT_SECRET", "jwtSecret", "JwtSecret", "jwtkey", "jwt-key", "jwt_key", "jwtKey",
    "jwt_secret_key", "jwt-secret-key", "jwtsecretkey", "jwtSecretKey", "JWT_SECRET_KEY",
    "jwt-signing-key", "jwt_signing_key", "jwtprivatekey", "jwtRS256", "jwt_token_secret",
    "token", "tokensecret", "token-secret", "token_secret", "TOKEN_SECRET", "tokenSecret",
    "access-token-secret", "access_token_secret", "accesstokensecret", "refresh-token-secret",
    "refresh_token_secret", "refreshtokensecret", "auth", "authsecret", "auth-secret",
    "auth_secret", "authSecret", "AUTH_SECRET", "authkey", "auth-key", "auth_key",
    "signingkey", "signing-key", "signing_key", "signingKey", "SIGNING_KEY", "signing-secret",
    "signing_secret", "hmac", "hmacsecret", "hmac-secret", "hmac_secret", "hmackey", "hmac-key",
    "hs256", "HS256", "hs256-secret", "hs256secret", "supersecret", "super-secret",
    "super_secret", "superSecret", "SuperSecret", "supersecretkey", "super-secret-key",
    "super_secret_key", "superSecretKey", "supersecretpassword", "topsecret", "top-secret",
    "top_secret", "TopSecret", "verysecret", "very-secret", "very_secret", "verysecretkey",
    "secret123", "secret1234", "Secret123", "secret!", "secret1", "secrets", "s3cr3t",
    "s3cret", "secr3t", "$ecret", "shhh", "keyboard cat", "keyboardcat", "keyboard_cat",
    "nyan cat", "ilovecats", "catsarecool", "cat", "dog",
    /* framework and template defaults */
    "changeme", "change-me", "change_me", "ChangeMe", "CHANGEME", "CHANGE_ME", "changeit",
    "change-it", "changethis", "change-this", "change_this", "change-this-secret",
    "change_this_secret", "changeme123", "please-change-me", "please_change_me",
    "replace-me", "replace_me", "replaceme", "REPLACE_ME", "replace-with-your-secret",
    "replace_with_your_secret", "replace-this", "replacethis", "your-secret",
    "your_secret", "yoursecret", "your-secret-key", "your_secret_key", "yoursecretkey",
    "your-secret-here", "your_secret_here", "your-jwt-secret", "your_jwt_secret",
    "your-jwt-secret-key", "your_jwt_secret_key", "YOUR_SECRET", "YOUR_SECRET_KEY",
    "YOUR_JWT_SECRET", "your-super-secret-key", "your_super_secret_key",
    "your-very-secret-key", "insert-secret-here", "enter-your-secret", "put-your-secret-here",
    "some-secret", "some_secret", "somesecret", "some-secret-key", "somesecretkey",
    "some-random-string", "somerandomstring", "random", "randomsecret", "random-secret",
    "random_secret", "randomstring", "random-string", "random_string", "randomkey",
    "random-key", "notsecret", "not-secret", "not-so-secret", "notasecret", "nosecret",
    "no-secret", "insecure", "insecure-secret", "insecure_secret", "unsafe", "dev",
    "dev-secret", "dev_secret", "devsecret", "development", "development-secret",
    "development_secret", "local", "local-secret", "localsecret", "localhost", "test",
    "testing", "test-secret", "test_secret", "testsecret", "testkey", "test-key", "test_key",
    "testtest", "tester", "demo", "demo-secret", "demosecret", "example", "example-secret",
    "examplesecret", "example_key", "sample", "samplesecret", "default", "default-secret",
    "default_secret", "defaultsecret", "defaultkey", "default-key", "default_key",
    "prod-secret", "production", "staging", "app-secret", "app_secret", "appsecret",
    "AppSecret", "app-key", "app_key", "appkey", "application-secret", "api-secret",
    "api_secret", "apisecret", "api-key", "api_key", "apikey", "server-secret",
    "serversecret", "session-secret", "session_secret", "sessionsecret", "cookie-secret",
    "cookiesecret", "nextauth-secret", "nextauth_secret", "nextauthsecret",
    "django-insecure", "not-a-real-secret", "fake-secret", "fakesecret", "dummy",
    "dummy-secret", "dummysecret", "placeholder", "todo", "TODO", "fixme", "temp", "tmp",
    "temporary", "xxx", "xxxx", "xxxxx", "xxxxxx", "xxxxxxxx", "abc", "abc123", "abcd",
    "abcd1234", "abcdef", "abcdefg", "abcdefgh", "abcdefghijklmnopqrstuvwxyz",
    "abcdefghijklmnopqrstuvwxyz012345", "abcdefghijklmnopqrstuvwxyz123456",
    "0123456789abcdef", "0123456789abcdef0123456789abcdef",
    "0123456789abcdefghijklmnopqrstuvwxyz",
    /* dictionary passwords */
    "password", "Password", "PASSWORD", "password1", "password123", "Password1",
    "Password123", "passw0rd", "p@ssw0rd", "P@ssw0rd", "pass", "pass123", "passwd",
    "admin", "Admin", "admin123", "administrator", "root", "toor", "qwerty", "qwerty123",
    "qwertyuiop", "asdf", "asdfgh", "asdfghjkl", "zxcvbnm", "letmein", "welcome",
    "welcome1", "monkey", "dragon", "master", "login", "hello", "hello123", "helloworld",
    "hello-world", "hello_world", "HelloWorld", "iloveyou", "princess", "sunshine",
    "football", "baseball", "shadow", "michael", "superman", "batman", "trustno1",
    "freedom", "whatever", "starwars", "pokemon", "google", "github", "mustang",
    "access", "master123", "guest", "user", "foo", "bar", "foobar", "foo-bar", "baz",
    "qux", "spam", "eggs", "hunter2", "opensesame", "open-sesame", "1", "12", "123", "1234",
    "12345", "123456", "1234567", "12345678", "123456789", "1234567890", "0000", "000000",
    "00000000", "111111", "11111111", "121212", "123123", "654321", "987654321", "666666",
    "696969", "7777777", "888888", "112233", "123321", "159753", "a", "aa", "aaa", "aaaa",
    "aaaaaa", "aaaaaaaa", "qwe123", "1q2w3e", "1q2w3e4r", "1qaz2wsx", "zaq12wsx",
    "q1w2e3r4", "iloveu", "love", "lovely", "secretpassword", "secret-password",
    "mypassword", "my-password", "mypass", "nopassword", "none", "null", "nil",
    "undefined", "true", "false", "empty", "blank", "string", "value", "code", "node",
    "express", "nodejs", "react", "django", "flask", "rails", "laravel", "spring",
    "springboot", "java", "python", "golang", "ruby", "php", "javascript", "typescript",
    "docker", "kubernetes", "secretsecret", "secretsecretsecret", "thisismysecret",
    "this-is-my-secret", "this_is_my_secret", "thisisasecret", "this-is-a-secret",
    "this_is_a_secret", "thisisthesecret", "thisissecret", "this-is-secret",
    "ThisIsMySecret", "ThisIsASecret", "thisisaverylongsecret", "iamasecret", "ssshhhhh",
    "sshhhh", "psst", "pssst", "hush", "mum", "gizmo", "tokenkey", "token-key",
    "token_key", "secure", "securekey", "secure-key", "secure_key", "securesecret",
    "secure-secret", "strongsecret", "strong-secret", "long-secret", "longsecret",
    "secret-for-jwt", "secretforjwt", "jwtpassword", "jwt-password", "jwtpass", "jwttoken",
    "jwt-token", "jwt_token", "auth-token-secret", "authtokensecret", "userauth",
    "user-secret", "usersecret", "company", "mycompany", "acme", "acme-secret",
};

size_t weak_secret_count(void)
{
    return sizeof(weak_list) / sizeof(weak_list[0]);
}

const char *weak_secret_get(size_t i, size_t *len)
{
    if (i >= weak_secret_count()) {
        *len = 0;
        return NULL;
    }
    *len = strlen(weak_list[i]);
    return weak_list[i];
}

static uint8_t ascii_lower(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + ('a' - 'A')) : c;
}

/* The longest entry fits here; longer values cannot be listed. */
#define WEAK_MAX_LEN 64u

bool weak_secret_listed(const uint8_t *value, size_t len)
{
    uint8_t lower[WEAK_MAX_LEN];
    uint8_t entry[WEAK_MAX_LEN];
    bool found = false;

    if (len == 0 || len > WEAK_MAX_LEN)
        return false;
    for (size_t i = 0; i < len; i++)
        lower[i] = ascii_lower(value[i]);

    for (size_t i = 0; i < weak_secret_count(); i++) {
        if (strlen(weak_list[i]) != len)
            continue;
        for (size_t j = 0; j < len; j++)
            entry[j] = ascii_lower((uint8_t)weak_list[i][j]);
        if (CRYPTO_memcmp(lower, entry, len) == 0)
            found = true;
    }

    OPENSSL_cleanse(lower, sizeof(lower));
    return found;
}
