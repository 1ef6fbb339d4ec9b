<?php
// Insecure uses of firebase/php-jwt; each marked line is a finding.
use Firebase\JWT\JWT;

JWT::$leeway = 86400;

function unpinned($jwt, $publicKey) {
    return JWT::decode($jwt, $publicKey);
}

function none($jwt, $key) {
    return JWT::decode($jwt, $key, ['none', 'HS256']);
}

function byHand($jwt) {
    $claims = json_decode(base64_decode(explode('.', $jwt)[1]));
    if ($claims->admin) {
        return true;
    }
    return false;
}

function mint($key, $id) {
    return JWT::encode(['sub' => $id], $key, 'HS256');
}

function keyFile($kid) {
    return file_get_contents("/etc/keys/" . $kid . ".pem");
}

function audit($jwt) {
    error_log("jwt: " . $jwt);
}
