package auth

import (
	"errors"
	"strings"
	"testing"
)

func TestPassword(t *testing.T) {
	t.Parallel()
	if _, err := HashPassword("short"); err == nil {
		t.Fatal("short password accepted")
	}
	if _, err := HashPassword(strings.Repeat("x", 73)); err == nil {
		t.Fatal("password over 72 bytes accepted")
	}
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckPassword(h, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	if err := CheckPassword(h, "correct horse battery!"); !errors.Is(err, ErrWrongPassword) {
		t.Fatalf("wrong password: %v", err)
	}
	if err := CheckPassword("not a hash", "x"); err == nil || errors.Is(err, ErrWrongPassword) {
		t.Fatalf("corrupt hash must be a distinct error: %v", err)
	}
}

func TestTokens(t *testing.T) {
	t.Parallel()
	a, b := NewToken(), NewToken()
	if a == b || len(a) != 43 {
		t.Fatalf("tokens %q %q", a, b)
	}
	if TokenHash(a) == TokenHash(b) || len(TokenHash(a)) != 64 {
		t.Fatal("token hashes")
	}
	p, q := NewPassword(), NewPassword()
	if len(p) != 26 || p == q {
		t.Fatalf("generated passwords %q %q", p, q)
	}
}
