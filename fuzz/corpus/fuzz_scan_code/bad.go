// Insecure uses of golang-jwt; each marked line is a finding.
package auth

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func unpinned(s string, pub any) (*jwt.Token, error) {
	return jwt.Parse(s, func(t *jwt.Token) (any, error) {
		return pub, nil
	})
}

func unverified(s string) bool {
	tok, _, err := jwt.NewParser().ParseUnverified(s, jwt.MapClaims{})
	if err != nil {
		return false
	}
	return tok.Claims.(jwt.MapClaims)["role"] == "admin"
}

func none() any {
	return jwt.UnsafeAllowNoneSignatureType
}

var lax = jwt.NewParser(jwt.WithValidMethods([]string{"RS256"}), jwt.WithoutClaimsValidation())
var skew = jwt.NewParser(jwt.WithValidMethods([]string{"RS256"}), jwt.WithLeeway(2*time.Hour))

func mint(key []byte) (string, error) {
	return jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "svc"}).SignedString(key)
}

func keyFile(dir, kid string) ([]byte, error) {
	return os.ReadFile(filepath.Join(dir, kid+".pem"))
}

func link(base, tok string) string {
	return fmt.Sprintf("%s?token=%s", base, tok)
}

func audit(tokenString string) {
	log.Printf("got %s", tokenString)
}
