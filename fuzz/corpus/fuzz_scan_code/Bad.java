// Insecure uses of jjwt and auth0 java-jwt; each marked line is a finding.
package demo;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.Jwts;

class Bad {
    boolean isAdmin(String token) {
        String role = JWT.decode(token).getClaim("role").asString();
        return "admin".equals(role);
    }

    String unsigned(String user) {
        return Jwts.builder().subject(user).expiration(later()).compact();
    }

    Claims plain(String token) {
        return Jwts.parser().unsecured().build().parseUnsecuredClaims(token).getPayload();
    }

    Object skew(java.security.Key key) {
        return Jwts.parser().verifyWith(key).clockSkewSeconds(86400).build();
    }

    String none(String user) {
        return JWT.create().withSubject(user).sign(Algorithm.none());
    }

    Object leeway(Algorithm alg) {
        return JWT.require(alg).acceptExpiresAt(86400).build();
    }

    java.sql.ResultSet key(java.sql.Statement st, String kid) throws Exception {
        return st.executeQuery("SELECT pem FROM keys WHERE kid = '" + kid + "'");
    }

    void audit(String authorization) {
        System.out.println("auth: " + authorization);
    }
}
